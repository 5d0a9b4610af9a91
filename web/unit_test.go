package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

func TestMarkSpans(t *testing.T) {
	text := "你就是个老赖，借钱的时候挺能耐" // 老赖 is bytes 12–18
	tests := []struct {
		name  string
		spans [][2]int
		want  []markPart
	}{
		{"none", nil, []markPart{{Text: text}}},
		{"one", [][2]int{{12, 18}}, []markPart{{Text: "你就是个"}, {Text: "老赖", Mark: true}, {Text: "，借钱的时候挺能耐"}}},
		{"unsorted", [][2]int{{27, 39}, {0, 3}}, []markPart{{Text: "你", Mark: true}, {Text: "就是个老赖，借钱"}, {Text: "的时候挺", Mark: true}, {Text: "能耐"}}},
		{"whole", [][2]int{{0, len(text)}}, []markPart{{Text: text, Mark: true}}},
		{"inside_a_character", [][2]int{{13, 18}}, []markPart{{Text: text}}},
		{"out_of_range", [][2]int{{12, 999}, {-1, 3}}, []markPart{{Text: text}}},
		{"overlap", [][2]int{{12, 18}, {15, 21}}, []markPart{{Text: "你就是个"}, {Text: "老赖", Mark: true}, {Text: "，借钱的时候挺能耐"}}},
		{"empty", [][2]int{{12, 12}}, []markPart{{Text: text}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, markSpans(text, tt.spans))
		})
	}
}

// FuzzMarkSpans: markSpans cuts any text at any two spans without a panic;
// the pieces are non-empty and join to the text; the marked pieces are
// exactly the spans that are in range, non-empty, on UTF-8 character
// boundaries and do not overlap an earlier one (in start order); no two
// unmarked pieces follow each other.
func FuzzMarkSpans(f *testing.F) {
	f.Add("你就是个老赖", 12, 18, 0, 3)
	f.Add("abc", -1, 99, 2, 1)
	f.Add("\xff老赖", 1, 4, 4, 7)
	f.Add("你就是个老赖，借钱的时候挺能耐", 27, 39, 0, 3)
	f.Add("老赖", 0, 6, 3, 6)
	f.Add("", 0, 0, 0, 1)
	f.Fuzz(func(t *testing.T, text string, a, b, c, d int) {
		spans := [][2]int{{a, b}, {c, d}}
		if c < a {
			spans = [][2]int{{c, d}, {a, b}}
		}
		var want [][2]int
		prev := 0
		for _, sp := range spans {
			s, e := sp[0], sp[1]
			if s < prev || e > len(text) || s >= e || !utf8.RuneStart(text[s]) || e < len(text) && !utf8.RuneStart(text[e]) {
				continue
			}
			want = append(want, sp)
			prev = e
		}
		var joined strings.Builder
		var got [][2]int
		for i, p := range markSpans(text, [][2]int{{a, b}, {c, d}}) {
			require.NotEmpty(t, p.Text)
			if p.Mark {
				got = append(got, [2]int{joined.Len(), joined.Len() + len(p.Text)})
			}
			joined.WriteString(p.Text)
			if i > 0 && !p.Mark {
				require.True(t, markSpans(text, [][2]int{{a, b}, {c, d}})[i-1].Mark, "two unmarked pieces in a row")
			}
		}
		require.Equal(t, text, joined.String(), "the text comes back whole")
		require.Equal(t, want, got, "the marked pieces are the valid spans")
	})
}

func TestParseSearch(t *testing.T) {
	v, err := url.ParseQuery("q=+老赖+&category=threat&team=M1-A&agent=赵强&party=debtor&pass=fail&from=2026-03-01&to=2026-03-31&sort=score&page=3")
	require.NoError(t, err)
	p, q, err := parseSearch(v)
	require.NoError(t, err)
	assert.Equal(t, "老赖", q.Text)
	assert.Equal(t, "threat", q.Category)
	assert.Equal(t, "M1-A", q.Team)
	assert.Equal(t, "赵强", q.Agent)
	assert.Equal(t, "debtor", q.Party)
	require.NotNil(t, q.Pass)
	assert.False(t, *q.Pass)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.Local), q.From)
	assert.Equal(t, time.Date(2026, 4, 1, 0, 0, 0, 0, time.Local), q.To, "the end day is included")
	assert.Equal(t, "score", q.Sort)
	assert.Equal(t, PageSize, q.Limit)
	assert.Equal(t, 2*PageSize, q.Offset)
	// The URL round-trips, in a fixed order.
	assert.Equal(t, "q=%E8%80%81%E8%B5%96&category=threat&team=M1-A&agent=%E8%B5%B5%E5%BC%BA&party=debtor&pass=fail&from=2026-03-01&to=2026-03-31&sort=score&page=3", p.encode())
	p2, q2, err := parseSearch(p.values())
	require.NoError(t, err)
	assert.Equal(t, p, p2)
	assert.Equal(t, q, q2)

	p, q, err = parseSearch(url.Values{})
	require.NoError(t, err)
	assert.Equal(t, "/", p.href())
	assert.Equal(t, index.Query{Limit: PageSize}, q)
	assert.Equal(t, "/calls/a%2Fb%20c?team=M1-A", callHref("a/b c", searchParams{Team: "M1-A", Page: 1}))
}

// TestParseSearchReview: the needs-review checkbox (review=1) filters on
// needs_review and stays in the URL; another value is a bad request.
func TestParseSearchReview(t *testing.T) {
	p, q, err := parseSearch(url.Values{"review": {"1"}, "category": {"threat"}})
	require.NoError(t, err)
	assert.True(t, q.NeedsReview)
	assert.Equal(t, "category=threat&review=1", p.encode())
	_, _, err = parseSearch(url.Values{"review": {"yes"}})
	var bad *badRequest
	require.ErrorAs(t, err, &bad)
	assert.Equal(t, `unknown review "yes" (want 1)`, bad.msg)
}

// TestParseSearchCandidates: the candidates checkbox (candidates=1) keeps
// the calls with a candidate for review and stays in the URL; another
// value is a bad request.
func TestParseSearchCandidates(t *testing.T) {
	p, q, err := parseSearch(url.Values{"candidates": {"1"}, "review": {"1"}, "team": {"M1-A"}})
	require.NoError(t, err)
	assert.True(t, q.Candidates)
	assert.True(t, q.NeedsReview)
	assert.Equal(t, "team=M1-A&review=1&candidates=1", p.encode())
	p2, q2, err := parseSearch(p.values())
	require.NoError(t, err)
	assert.Equal(t, p, p2)
	assert.Equal(t, q, q2)
	_, _, err = parseSearch(url.Values{"candidates": {"on"}})
	var bad *badRequest
	require.ErrorAs(t, err, &bad)
	assert.Equal(t, `unknown candidates "on" (want 1)`, bad.msg)
}

func TestUploadName(t *testing.T) {
	for in, want := range map[string]string{
		"call.srt":                "call.srt",
		"C:\\Users\\qa\\call.vtt": "call.vtt",
		"../../etc/passwd":        "passwd",
		"/":                       pastedName,
		"":                        pastedName,
		"a\x00b\nc.txt":           "abc.txt",
		strings.Repeat("长", 200):  strings.Repeat("长", 100),
	} {
		assert.Equal(t, want, uploadName(in), in)
	}
}

func TestCharts(t *testing.T) {
	for in, want := range map[int]int{0: 1, 1: 1, 3: 5, 7: 10, 10: 10, 11: 20, 180: 200, 501: 1000} {
		assert.Equal(t, want, niceCeil(in), in)
	}

	days := []index.FacetCount{{Value: "2026-03-03", Count: 2}, {Value: "2026-03-10", Count: 1}}
	c := perDayChart(days, index.Query{})
	require.Len(t, c.Columns, dashboardDays, "the last 30 days up to the last day with violations")
	assert.Equal(t, "2026-03-10", c.Columns[dashboardDays-1].Label)
	assert.Equal(t, 1, c.Columns[dashboardDays-1].Value)
	assert.Equal(t, 2, c.Columns[dashboardDays-8].Value)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.Local)
	c = perDayChart(days, index.Query{From: from, To: from.AddDate(0, 0, 7)})
	require.Len(t, c.Columns, 7)
	assert.Equal(t, "2026-03-01", c.Columns[0].Label)
	assert.Equal(t, "2026-03-07", c.Columns[6].Label)
	c = perDayChart(nil, index.Query{})
	assert.True(t, c.Empty)

	b := newBarChart("x", "X", []string{"a", "b", "c"}, []int{10, 5, 0}, nil, func(int) string { return "" }, 0)
	assert.Equal(t, b.TrackW, b.Bars[0].W)
	assert.Equal(t, b.TrackW/2, b.Bars[1].W)
	assert.Equal(t, 0, b.Bars[2].W)
	b = newBarChart("x", "X", []string{"a"}, []int{500}, []string{"50%"}, func(int) string { return "" }, 1000)
	assert.Equal(t, b.TrackW/2, b.Bars[0].W)
	assert.Equal(t, "50%", b.Bars[0].Value)
	svg, err := newBarChart("x", "X", nil, nil, nil, func(int) string { return "" }, 0).SVG()
	require.NoError(t, err)
	assert.Contains(t, string(svg), `<text class="empty" x="220" y="30">无数据 no data</text>`, "Chinese first, as in the report")
}

// TestCallViewWithoutRoles: an index built before the roles of turns were
// stored still shows its calls; the findings give the speakers they know.
func TestCallViewWithoutRoles(t *testing.T) {
	call, err := corpus.ReadText("a.txt", "# call_id: R1\n坐席：您好\n客户：你们这帮吸血鬼\n坐席：你就是个老赖\n")
	require.NoError(t, err)
	res := testAnalyzer.Analyze(call)
	for i := range res.Call.Turns {
		res.Call.Turns[i].Role = ""
	}
	v := buildCallView(res, score.Score(res, score.Default()), score.Default())
	assert.True(t, v.RolesUnknown)
	var roles []string
	for _, tv := range v.Turns {
		roles = append(roles, tv.RoleClass())
	}
	assert.Equal(t, []string{"unknown", "customer", "agent"}, roles)
	assert.Equal(t, 1, v.Violations)
	require.Len(t, v.Turns[2].Parts, 2)
	assert.Equal(t, callview.Part{Text: "老赖", Class: "violation", Categories: []string{result.CategoryInsult}, Title: "辱骂 insult · insult.slur · 严重 critical"}, v.Turns[2].Parts[1])
	var classes []string
	for _, p := range v.Turns[1].Parts {
		classes = append(classes, p.Class)
	}
	assert.Contains(t, classes, "signal", "the customer's abuse is marked")
}
