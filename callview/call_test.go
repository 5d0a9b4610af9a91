package callview

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// scored is a hand-made score of a short call: a slur at turn 3 (twice,
// one category), a threat at turn 3, the customer's abuse at turn 2, task
// evidence at turns 1 and 3, hints on a turn, on the whole call and on a
// turn the call does not have.
func scored() *score.CallScore {
	slur := result.Finding{Turn: 3, Speaker: "agent", Category: "insult", Rule: "insult.slur", Severity: "critical", Match: "老赖", Start: 6, End: 12}
	return &score.CallScore{
		CallID: "C1",
		Turns: []score.TurnView{
			{N: 1, Role: "agent", Text: "您好，我是嘉禾的小赵"},
			{N: 2, Role: "customer", Text: "你们这帮吸血鬼"},
			{N: 3, Role: "", Text: "你是个老赖，今天必须还"},
		},
		Steps: map[string]score.Item{
			"self_introduce": {Kind: "step", Name: "表明自己身份", Done: true, Turns: []int{1}},
			"zz_custom":      {Kind: "step", Done: false},
		},
		Tasks: map[string]score.Item{
			"demand_payment": {Code: "demand_payment", Kind: "task", Name: "要求今天还款", Done: true, Turns: []int{3}},
			"get_commitment": {Code: "get_commitment", Kind: "task", Name: "得到还款承诺"},
		},
		Required: map[string]score.Item{"recording_notice": {Kind: "required", Name: "告知录音", Turns: []int{1, 1}}},
		Violations: []result.Finding{slur, slur,
			{Turn: 3, Speaker: "agent", Category: "threat", Rule: "threat.x", Severity: "major", Match: "今天必须还"}},
		Hints: []score.Hint{
			{Turn: 1, Code: "open_question", Text: "问开放式问题"},
			{Turn: 0, Code: "missing_get_commitment", Kind: "missing_get_commitment", Text: "要得到承诺"},
			{Turn: 9, Code: "too_soft", Kind: "too_soft", Text: "给时限"},
		},
	}
}

func TestBuild(t *testing.T) {
	cs := scored()
	c := Build(cs, Options{})
	assert.Equal(t, 2, c.Violations, "insult and threat at turn 3, the slur counted once")
	var codes []string
	for _, it := range c.Items {
		codes = append(codes, it.Code)
	}
	assert.Equal(t, []string{"self_introduce", "demand_payment", "get_commitment", "zz_custom", "recording_notice"}, codes,
		"the first call's order, then the other steps, tasks and required items by code")
	assert.Equal(t, "zz_custom", c.Items[3].Name, "an item without a name nor a label shows its code")

	require.Len(t, c.Turns, 3)
	assert.Equal(t, []string{"表明自己身份", "告知录音"}, c.Turns[0].Evidence, "each item once")
	assert.Equal(t, "self_introduce recording_notice", c.Turns[0].Tasks())
	assert.Equal(t, "agent", c.Turns[0].RoleClass())
	require.Len(t, c.Turns[0].Hints, 1)
	assert.Equal(t, "open_question", c.Turns[0].Hints[0].Kind, "a hint without a kind takes its code")
	assert.True(t, c.HasHints)
	require.Len(t, c.CallHints, 2, "the call-level remark and the hint on a turn the call does not have")
	assert.Equal(t, 9, c.CallHints[1].Turn)

	assert.False(t, c.Turns[1].Violation, "the score's violations only: no customer abuse")
	assert.True(t, c.Turns[2].Violation)
	assert.True(t, c.RolesUnknown)
	assert.Equal(t, "agent", c.Turns[2].Role, "a turn without its speaker takes its findings'")
	assert.Equal(t, []Part{
		{Text: "你是个"},
		{Text: "老赖", Class: "violation", Categories: []string{"insult"}, Title: "辱骂 insult · insult.slur · 严重 critical"},
		{Text: "，"},
		{Text: "今天必须还", Class: "violation", Categories: []string{"threat"}, Title: "威胁 threat · threat.x · 较重 major"},
	}, c.Turns[2].Parts)

	abuse := result.Finding{Turn: 2, Speaker: "customer", Category: result.CategoryCustomerAbuse, Rule: "insult.slur", Severity: "critical", Match: "吸血鬼"}
	c = Build(cs, Options{
		Findings: append([]result.Finding{abuse}, cs.Violations...),
		Order:    []string{"get_commitment", "recording_notice", "get_commitment"},
		ItemName: func(code string) string { return "<" + code + ">" },
	})
	assert.Equal(t, 2, c.Violations, "customer abuse is no violation")
	assert.Equal(t, "signal", c.Turns[1].Parts[1].Class, "the findings given are marked")
	assert.Equal(t, "get_commitment", c.Items[0].Code)
	assert.Equal(t, "recording_notice", c.Items[1].Code)
	assert.Equal(t, "<zz_custom>", c.Items[3].Name)
	assert.Equal(t, "unknown", Turn{Role: "robot"}.RoleClass())
}

func TestViolatingTurns(t *testing.T) {
	fs := []result.Finding{
		{Turn: 1, Category: "insult"}, {Turn: 1, Category: "insult"}, {Turn: 2, Category: "insult"},
		{Turn: 2, Category: "threat"}, {Turn: 3, Category: result.CategoryCustomerAbuse},
	}
	assert.Equal(t, map[string]int{"insult": 2, "threat": 1}, ViolatingTurns(fs))
	assert.Equal(t, 3, CountViolations(fs))
	assert.Equal(t, 0, CountViolations(nil))
}

func TestPercentAndDate(t *testing.T) {
	for _, tt := range []struct {
		n, of int
		want  string
	}{{2, 3, "66.7%"}, {1, 2, "50%"}, {0, 5, "0%"}, {3, 3, "100%"}, {1, 0, "—"}, {1, -1, "—"}} {
		assert.Equal(t, tt.want, Percent(tt.n, tt.of), "%d/%d", tt.n, tt.of)
	}
	assert.Equal(t, "2026-03-03 15:20", DisplayDate("2026-03-03T15:20:00+08:00"))
	assert.Equal(t, "昨天", DisplayDate("昨天"))
}

func TestBarChart(t *testing.T) {
	c := NewBarChart("x", "X", []string{"a", "b", "c"}, []float64{10, 5, 0}, []string{"10", "5", "0"}, nil, 0)
	assert.Equal(t, c.TrackW, c.Bars[0].W)
	assert.Equal(t, c.TrackW/2, c.Bars[1].W)
	assert.Equal(t, 0, c.Bars[2].W)
	assert.Equal(t, c.BarX+c.Bars[1].W+6, c.Bars[1].ValueX)
	c = NewBarChart("x", "X", []string{"a", "b"}, []float64{0.5, 0.001}, []string{"50%", "0.1%"}, []string{"bar-good", "bar-poor"}, 1)
	assert.Equal(t, c.TrackW/2, c.Bars[0].W)
	assert.Equal(t, 2, c.Bars[1].W, "a small value stays visible")
	assert.Equal(t, "bar-poor", c.Bars[1].Class)
	long := strings.Repeat("长", 20)
	c = NewBarChart("x", "X", []string{long}, []float64{1}, []string{"1"}, nil, 0)
	assert.Equal(t, strings.Repeat("长", 14)+"…", c.Bars[0].Label)
	assert.Equal(t, long, c.Bars[0].Full)
}

// TestBarChartSVG: the drawing escapes every text, and an empty chart
// says so.
func TestBarChartSVG(t *testing.T) {
	c := NewBarChart("chart-x", `<b>"X"</b>`, []string{"<script>"}, []float64{1}, []string{"1 & 2"}, []string{"bar-violation"}, 0)
	c.Bars[0].Tip = "1 in 2 calls"
	svg, err := c.SVG()
	require.NoError(t, err)
	s := string(svg)
	assert.True(t, strings.HasPrefix(s, `<svg class="chart bar-chart" id="chart-x" role="img" aria-labelledby="chart-x-title"`), s)
	assert.True(t, strings.HasSuffix(s, "</svg>"))
	assert.Contains(t, s, `<title id="chart-x-title">&lt;b&gt;&#34;X&#34;&lt;/b&gt;</title>`)
	assert.Contains(t, s, `<g class="bar bar-violation"><title>&lt;script&gt;: 1 in 2 calls</title>`)
	assert.Contains(t, s, `>1 &amp; 2</text>`)
	assert.NotContains(t, s, "<script>")

	svg, err = NewBarChart("e", "E", nil, nil, nil, nil, 0).SVG()
	require.NoError(t, err)
	assert.Contains(t, string(svg), `<text class="empty" x="220" y="30">无数据 no data</text>`)
}

// TestBaseCSS: the shared style holds the colours and the marks both
// pages use.
func TestBaseCSS(t *testing.T) {
	for _, want := range []string{"--brand:", "mark.violation", "mark.signal", ".evidence-tag", "svg.chart .bar-violation rect.fill"} {
		assert.Contains(t, BaseCSS, want)
	}
	assert.Equal(t, strings.Count(BaseCSS, "{"), strings.Count(BaseCSS, "}"))
}

// TestBaseCSSIsolatesText: a direction override (U+202E) in a turn or a
// quote reorders only that piece, in the console and in the report, which
// both start from BaseCSS.
func TestBaseCSSIsolatesText(t *testing.T) {
	var rule string
	for _, r := range strings.Split(BaseCSS, "}") {
		if strings.Contains(r, "unicode-bidi: isolate") {
			rule = r
		}
	}
	if _, after, ok := strings.Cut(rule, "*/"); ok {
		rule = after
	}
	sel, _, _ := strings.Cut(rule, "{")
	var got []string
	for _, s := range strings.Split(sel, ",") {
		got = append(got, strings.TrimSpace(s))
	}
	for _, want := range []string{"p.text", "p.text mark", ".quote", ".hint-quote"} {
		assert.Contains(t, got, want)
	}
}
