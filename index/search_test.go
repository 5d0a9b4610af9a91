package index_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// facet builds facet counts from "value count" strings.
func facet(counts ...string) []index.FacetCount {
	out := []index.FacetCount{}
	for _, c := range counts {
		i := strings.LastIndex(c, " ")
		n, err := strconv.Atoi(c[i+1:])
		if err != nil {
			panic(c)
		}
		out = append(out, index.FacetCount{Value: c[:i], Count: n})
	}
	return out
}

func callIDs(res *index.Results) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.CallID)
	}
	return out
}

// wantFacets are the facets of a search that matches every sample call.
// Counts are ordered largest first (ties by value), months newest first.
var wantFacets = map[string][]index.FacetCount{
	"category": facet("insult 2", "false_legal_claim 1", "third_party_disclosure 1", "threat 1"),
	"team":     facet("M1-A 3", "M1-B 2", "TW-1 1"),
	"agent":    facet("李娜 2", "赵强 2", "王伟 1", "陳怡君 1"),
	"month":    facet("2026-04 2", "2026-03 3", "2026-02 1"),
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func TestSearchFilters(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct {
		name string
		q    index.Query
		want []string
	}{
		{name: "everything_newest_first", q: index.Query{}, want: []string{"A5", "A4", "A3", "A2", "A1", "A6"}},
		{name: "category_threat", q: index.Query{Category: "threat"}, want: []string{"A2"}},
		{name: "category_insult", q: index.Query{Category: "insult"}, want: []string{"A5", "A1"}},
		{name: "category_false_legal_claim", q: index.Query{Category: "false_legal_claim"}, want: []string{"A2"}},
		{name: "category_disclosure", q: index.Query{Category: "third_party_disclosure"}, want: []string{"A3"}},
		{name: "customer_abuse_is_no_call_category", q: index.Query{Category: "customer_abuse"}, want: []string{}},
		{name: "team", q: index.Query{Team: "M1-B"}, want: []string{"A4", "A3"}},
		{name: "team_is_exact", q: index.Query{Team: "M1"}, want: []string{}},
		{name: "agent", q: index.Query{Agent: "赵强"}, want: []string{"A2", "A1"}},
		{name: "agent_traditional", q: index.Query{Agent: "陳怡君"}, want: []string{"A5"}},
		{name: "party", q: index.Query{Party: "third_party"}, want: []string{"A3"}},
		{name: "pass", q: index.Query{Pass: yes()}, want: []string{"A4", "A6"}},
		{name: "fail", q: index.Query{Pass: no()}, want: []string{"A5", "A3", "A2", "A1"}},
		{name: "team_and_category", q: index.Query{Team: "M1-A", Category: "insult"}, want: []string{"A1"}},
		{name: "team_and_fail", q: index.Query{Team: "M1-A", Pass: no()}, want: []string{"A2", "A1"}},
		{name: "agent_and_party", q: index.Query{Agent: "李娜", Party: "debtor"}, want: []string{"A4"}},
		{name: "text_and_pass", q: index.Query{Text: "骗子", Pass: yes()}, want: []string{"A6"}},
		{name: "text_and_team", q: index.Query{Text: "还款", Team: "M1-B"}, want: []string{"A4"}},
		{name: "nothing", q: index.Query{Team: "M9"}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := index.Search(bi, tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, callIDs(res))
			assert.EqualValues(t, len(tt.want), res.Total)
		})
	}
}

func TestSearchDateRange(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{name: "from_inclusive_to_exclusive", from: a2.started, to: a4.started, want: []string{"A3", "A2"}},
		{name: "from_only", from: a4.started, want: []string{"A5", "A4"}},
		{name: "to_only", to: a1.started, want: []string{"A6"}},
		{name: "to_just_after", to: "2026-03-02T10:00:01+08:00", want: []string{"A1", "A6"}},
		// The same instant written in UTC.
		{name: "other_zone", from: "2026-03-02T02:00:00Z", to: "2026-03-10T02:00:00Z", want: []string{"A1"}},
		{name: "one_day", from: "2026-04-01T00:00:00+08:00", to: "2026-04-02T00:00:00+08:00", want: []string{"A4"}},
		{name: "empty", from: "2026-05-01T00:00:00+08:00", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := index.Query{}
			if tt.from != "" {
				q.From = date(tt.from)
			}
			if tt.to != "" {
				q.To = date(tt.to)
			}
			res, err := index.Search(bi, q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, callIDs(res))

			q.Findings = true
			res, err = index.Search(bi, q)
			require.NoError(t, err)
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.CallID)
			}
			for _, id := range got {
				assert.Contains(t, tt.want, id, "findings are filtered by their call's date")
			}
		})
	}
}

func TestSearchFacets(t *testing.T) {
	bi := reader(t, build(t, samples...))

	t.Run("over_all_matches", func(t *testing.T) {
		res, err := index.Search(bi, index.Query{Limit: 1})
		require.NoError(t, err)
		assert.EqualValues(t, sampleCalls, res.Total, "Total counts every match, not the page")
		assert.Equal(t, []string{"A5"}, callIDs(res))
		assert.Equal(t, wantFacets, res.Facets)
	})
	t.Run("filtered", func(t *testing.T) {
		res, err := index.Search(bi, index.Query{Category: "insult", Limit: 1})
		require.NoError(t, err)
		assert.EqualValues(t, 2, res.Total)
		assert.Len(t, res.Hits, 1)
		assert.Equal(t, map[string][]index.FacetCount{
			"category": facet("insult 2"),
			"team":     facet("M1-A 1", "TW-1 1"),
			"agent":    facet("赵强 1", "陳怡君 1"),
			"month":    facet("2026-04 1", "2026-03 1"),
		}, res.Facets)
	})
	t.Run("paging", func(t *testing.T) {
		var got []string
		for off := 0; off < sampleCalls+1; off += 2 {
			res, err := index.Search(bi, index.Query{Limit: 2, Offset: off})
			require.NoError(t, err)
			assert.EqualValues(t, sampleCalls, res.Total)
			assert.Equal(t, wantFacets, res.Facets, "facets do not depend on the page")
			got = append(got, callIDs(res)...)
		}
		assert.Equal(t, []string{"A5", "A4", "A3", "A2", "A1", "A6"}, got)
	})
	t.Run("findings", func(t *testing.T) {
		res, err := index.Search(bi, index.Query{Findings: true, Limit: 1})
		require.NoError(t, err)
		assert.EqualValues(t, sampleFindings, res.Total)
		assert.Len(t, res.Findings, 1)
		assert.Equal(t, map[string][]index.FacetCount{
			"category": facet("insult 2", "customer_abuse 1", "false_legal_claim 1", "third_party_disclosure 1", "threat 1"),
			"team":     facet("M1-A 3", "M1-B 2", "TW-1 1"),
			"agent":    facet("赵强 3", "李娜 2", "陳怡君 1"),
			"month":    facet("2026-04 2", "2026-03 4"),
		}, res.Facets)
	})
}

// TestSearchFacetLimit: a facet with more than FacetLimit values lists
// the commonest (months: the latest) and says in FacetTotals how many
// there are; a facet listed whole is not in FacetTotals.
func TestSearchFacetLimit(t *testing.T) {
	const n = index.FacetLimit + 3
	var calls []call
	start := time.Date(2020, 1, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i := range n {
		calls = append(calls, call{
			id: fmt.Sprintf("F%02d", i), agent: fmt.Sprintf("坐席%02d", i), team: "M1-A",
			started: start.AddDate(0, i, 0).Format(time.RFC3339), party: "debtor",
			turns: []string{"坐席：您好，请问是刘洋吗？", "客户：是我。"},
		})
	}
	// One agent with a second call: the commonest comes first.
	extra := calls[n-1]
	extra.id = "F99"
	calls = append(calls, extra)
	bi := reader(t, build(t, calls...))

	res, err := index.Search(bi, index.Query{Limit: 1})
	require.NoError(t, err)
	assert.EqualValues(t, n+1, res.Total)
	assert.Equal(t, map[string]int{"agent": n, "month": n}, res.FacetTotals)
	require.Len(t, res.Facets["agent"], index.FacetLimit)
	assert.Equal(t, index.FacetCount{Value: fmt.Sprintf("坐席%02d", n-1), Count: 2}, res.Facets["agent"][0])
	require.Len(t, res.Facets["month"], index.FacetLimit)
	last := start.AddDate(0, n-1, 0).Format("2006-01")
	assert.Equal(t, index.FacetCount{Value: last, Count: 2}, res.Facets["month"][0], "the latest month first")
	assert.Equal(t, start.AddDate(0, 3, 0).Format("2006-01"), res.Facets["month"][index.FacetLimit-1].Value, "the oldest three are left out")
	assert.Equal(t, facet(fmt.Sprintf("M1-A %d", n+1)), res.Facets["team"])

	res, err = index.Search(bi, index.Query{Agent: "坐席00"})
	require.NoError(t, err)
	assert.Nil(t, res.FacetTotals, "no facet cut")
}

func TestSearchSort(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct {
		name string
		q    index.Query
		want []string
	}{
		{name: "default_is_date", q: index.Query{}, want: []string{"A5", "A4", "A3", "A2", "A1", "A6"}},
		{name: "date", q: index.Query{Sort: "date"}, want: []string{"A5", "A4", "A3", "A2", "A1", "A6"}},
		// Lowest score first; equal scores newest first.
		{name: "score", q: index.Query{Sort: "score"}, want: []string{"A5", "A3", "A2", "A1", "A6", "A4"}},
		{name: "date_findings", q: index.Query{Findings: true, Team: "M1-A"}, want: []string{"A2", "A2", "A1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := index.Search(bi, tt.q)
			require.NoError(t, err)
			got := callIDs(res)
			if tt.q.Findings {
				got = got[:0]
				for _, f := range res.Findings {
					got = append(got, f.CallID)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("score_order", func(t *testing.T) {
		res, err := index.Search(bi, index.Query{Sort: "score"})
		require.NoError(t, err)
		require.NotEmpty(t, res.Hits)
		for i := 1; i < len(res.Hits); i++ {
			prev, cur := res.Hits[i-1], res.Hits[i]
			assert.LessOrEqual(t, prev.Score, cur.Score)
			if prev.Score == cur.Score {
				assert.GreaterOrEqual(t, prev.StartedAt, cur.StartedAt)
			}
		}
	})
	t.Run("relevance", func(t *testing.T) {
		// Best text match first: the relevance scores go down, and the
		// hits are those of the same query sorted by date.
		res, err := index.Search(bi, index.Query{Text: "还", Sort: "relevance"})
		require.NoError(t, err)
		require.NotEmpty(t, res.Hits)
		for i := range res.Hits {
			assert.Positive(t, res.Hits[i].Relevance)
			if i > 0 {
				assert.GreaterOrEqual(t, res.Hits[i-1].Relevance, res.Hits[i].Relevance)
			}
		}
		byDate, err := index.Search(bi, index.Query{Text: "还"})
		require.NoError(t, err)
		assert.ElementsMatch(t, callIDs(byDate), callIDs(res))
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := index.Search(bi, index.Query{Sort: "agent"})
		assert.EqualError(t, err, `unknown sort "agent" (want date, score or relevance)`)
	})
}

// TestSearchNormalization: Traditional finds Simplified and the reverse;
// full-width finds half-width and the reverse, in any letter case.
func TestSearchNormalization(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct {
		name, text string
		want       []string
	}{
		{name: "traditional_finds_both", text: "騙子", want: []string{"A5", "A6"}},
		{name: "simplified_finds_both", text: "骗子", want: []string{"A5", "A6"}},
		{name: "simplified_phrase_finds_traditional", text: "请问是林志明", want: []string{"A5"}},
		{name: "fullwidth_finds_both", text: "ＡＰＰ", want: []string{"A4", "A6"}},
		{name: "halfwidth_finds_both", text: "app", want: []string{"A4", "A6"}},
		{name: "upper_case", text: "APP", want: []string{"A4", "A6"}},
		{name: "mixed_width_and_case", text: "Ａpp", want: []string{"A4", "A6"}},
		{name: "traditional_phrase_finds_simplified", text: "消費金融", want: []string{"A4", "A6"}},
		{name: "two_parts_all_must_match", text: "骗子 app", want: []string{"A6"}},
		{name: "no_match", text: "坐牢 骗子", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Text: tt.text})
			require.NoError(t, err)
			assert.Equal(t, tt.want, callIDs(res))
		})
	}
}

// marked returns the words between 【 and 】 in s.
func marked(s string) []string {
	out := []string{}
	for {
		i := strings.Index(s, index.MarkOpen)
		if i < 0 {
			return out
		}
		s = s[i+len(index.MarkOpen):]
		j := strings.Index(s, index.MarkClose)
		if j < 0 {
			return append(out, "unclosed:"+s)
		}
		out = append(out, s[:j])
		s = s[j+len(index.MarkClose):]
	}
}

// checkHighlights checks what must hold for every highlight: the text is
// the original turn text, the spans are byte ranges of it, in order and
// apart, and the marked words are exactly the spans' characters.
func checkHighlights(t *testing.T, h index.Hit, calls map[string]call) {
	t.Helper()
	c := calls[h.CallID]
	for _, hl := range h.Highlights {
		require.True(t, hl.Turn >= 1 && hl.Turn <= len(c.turns), "%s: turn %d", h.CallID, hl.Turn)
		line := c.turns[hl.Turn-1]
		_, text, _ := strings.Cut(line, "：")
		assert.Equal(t, text, hl.Text, "%s turn %d: the original text", h.CallID, hl.Turn)
		var words []string
		prev := 0
		for _, s := range hl.Spans {
			require.True(t, s[0] >= prev && s[0] < s[1] && s[1] <= len(hl.Text), "%s turn %d: span %v", h.CallID, hl.Turn, s)
			words = append(words, hl.Text[s[0]:s[1]])
			prev = s[1]
		}
		if words == nil {
			words = []string{}
		}
		assert.Equal(t, words, marked(hl.Marked), "%s turn %d", h.CallID, hl.Turn)
		assert.Equal(t, hl.Text, strings.NewReplacer(index.MarkOpen, "", index.MarkClose, "").Replace(hl.Marked))
	}
}

func TestSearchHighlights(t *testing.T) {
	bi := reader(t, build(t, samples...))
	byID := map[string]call{}
	for _, c := range samples {
		byID[c.id] = c
	}
	tests := []struct {
		name string
		q    index.Query
		want map[string][]index.Highlight // by call id
	}{
		{
			name: "traditional_query_marks_both_scripts",
			q:    index.Query{Text: "騙子"},
			want: map[string][]index.Highlight{
				"A5": {{Turn: 3, Text: "你就是個騙子，帳單一直不繳。", Marked: "你就是個【騙子】，帳單一直不繳。", Spans: [][2]int{{12, 18}}}},
				"A6": {{Turn: 3, Text: "最近冒充我们的骗子很多，请您注意，还款请用官方app。", Marked: "最近冒充我们的【骗子】很多，请您注意，还款请用官方app。", Spans: [][2]int{{21, 27}}}},
			},
		},
		{
			name: "width_marks_original_characters",
			q:    index.Query{Text: "app"},
			want: map[string][]index.Highlight{
				"A4": {{Turn: 3, Text: "您本期账单五千元今天需要还款，您可以在ＡＰＰ上操作。", Marked: "您本期账单五千元今天需要还款，您可以在【ＡＰＰ】上操作。", Spans: [][2]int{{57, 66}}}},
				"A6": {{Turn: 3, Text: "最近冒充我们的骗子很多，请您注意，还款请用官方app。", Marked: "最近冒充我们的骗子很多，请您注意，还款请用官方【app】。", Spans: [][2]int{{69, 72}}}},
			},
		},
		{
			name: "two_parts_in_one_turn",
			q:    index.Query{Text: "小心 坐牢"},
			want: map[string][]index.Highlight{
				"A2": {{Turn: 3, Text: "你不还钱小心点，再不还就让你坐牢。", Marked: "你不还钱【小心】点，再不还就让你【坐牢】。", Spans: [][2]int{{12, 18}, {42, 48}}}},
			},
		},
		{
			name: "several_turns",
			q:    index.Query{Text: "是", Team: "TW-1"},
			want: map[string][]index.Highlight{
				"A5": {
					{Turn: 1, Text: "您好，請問是林志明先生嗎？", Marked: "您好，請問【是】林志明先生嗎？", Spans: [][2]int{{15, 18}}},
					{Turn: 2, Text: "我是。", Marked: "我【是】。", Spans: [][2]int{{3, 6}}},
				},
			},
		},
		{
			name: "no_text_marks_the_category_findings",
			q:    index.Query{Category: "threat"},
			want: map[string][]index.Highlight{
				"A2": {{Turn: 3, Text: "你不还钱小心点，再不还就让你坐牢。", Marked: "你【不还钱小心】点，再不还就让你坐牢。", Spans: [][2]int{{3, 18}}}},
			},
		},
		{
			name: "no_text_no_category_marks_every_violation",
			q:    index.Query{Agent: "赵强"},
			want: map[string][]index.Highlight{
				"A1": {{Turn: 3, Text: "你就是个老赖，借钱的时候挺能耐。", Marked: "你就是个【老赖】，借钱的时候挺能耐。", Spans: [][2]int{{12, 18}}}},
				"A2": {{Turn: 3, Text: "你不还钱小心点，再不还就让你坐牢。", Marked: "你【不还钱小心】点，再【不还就让你坐牢】。", Spans: [][2]int{{3, 18}, {27, 48}}}},
			},
		},
		{
			name: "customer_abuse_is_not_marked",
			q:    index.Query{Agent: "李娜", Party: "debtor"},
			want: map[string][]index.Highlight{"A4": {}},
		},
		{
			name: "query_string",
			q:    index.Query{Text: "+turns:老赖"},
			want: map[string][]index.Highlight{
				"A1": {{Turn: 3, Text: "你就是个老赖，借钱的时候挺能耐。", Marked: "你就是个【老赖】，借钱的时候挺能耐。", Spans: [][2]int{{12, 18}}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := index.Search(bi, tt.q)
			require.NoError(t, err)
			got := map[string][]index.Highlight{}
			for _, h := range res.Hits {
				checkHighlights(t, h, byID)
				got[h.CallID] = h.Highlights
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSearchFindings(t *testing.T) {
	bi := reader(t, build(t, samples...))

	t.Run("fields", func(t *testing.T) {
		res, err := index.Search(bi, index.Query{Findings: true, Category: "insult"})
		require.NoError(t, err)
		assert.Nil(t, res.Hits)
		require.Len(t, res.Findings, 2)
		got := res.Findings[0]
		assert.Equal(t, "A5", got.CallID)
		assert.Equal(t, 3, got.Turn)
		assert.Equal(t, "insult", got.Category)
		assert.Equal(t, "critical", got.Severity)
		assert.Equal(t, "insult.pejorative", got.Rule)
		assert.Equal(t, "你就是個騙子", got.Match)
		assert.Equal(t, "你就是個騙子，帳單一直不繳。", got.Text)
		assert.Equal(t, "陳怡君", got.Agent)
		assert.Equal(t, "TW-1", got.Team)
		started, err := time.Parse(time.RFC3339, got.StartedAt)
		if assert.NoError(t, err) {
			assert.True(t, started.Equal(date(a5.started)), "started_at %s", got.StartedAt)
		}
		assert.Equal(t, "A1", res.Findings[1].CallID)
		assert.Equal(t, "老赖", res.Findings[1].Match)
	})

	tests := []struct {
		name string
		q    index.Query
		want []string // call/turn/category
	}{
		{name: "all", q: index.Query{}, want: []string{"A5/3/insult", "A4/4/customer_abuse", "A3/3/third_party_disclosure", "A2/3/false_legal_claim", "A2/3/threat", "A1/3/insult"}},
		{name: "agent", q: index.Query{Agent: "李娜"}, want: []string{"A4/4/customer_abuse", "A3/3/third_party_disclosure"}},
		{name: "team_and_category", q: index.Query{Team: "M1-A", Category: "threat"}, want: []string{"A2/3/threat"}},
		{name: "party", q: index.Query{Party: "third_party"}, want: []string{"A3/3/third_party_disclosure"}},
		{name: "customer_abuse", q: index.Query{Category: "customer_abuse"}, want: []string{"A4/4/customer_abuse"}},
		{name: "text_in_turn", q: index.Query{Text: "坐牢"}, want: []string{"A2/3/false_legal_claim", "A2/3/threat"}},
		{name: "text_traditional", q: index.Query{Text: "老賴"}, want: []string{"A1/3/insult"}},
		{name: "text_simplified_finds_traditional", q: index.Query{Text: "骗子"}, want: []string{"A5/3/insult"}},
		{name: "date_range", q: index.Query{From: date(a3.started), To: date(a5.started)}, want: []string{"A4/4/customer_abuse", "A3/3/third_party_disclosure"}},
		{name: "pass_is_ignored", q: index.Query{Pass: yes(), Team: "TW-1"}, want: []string{"A5/3/insult"}},
		{name: "query_string", q: index.Query{Text: "+rule:insult.slur +team:M1-A"}, want: []string{"A1/3/insult"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Findings = true
			res, err := index.Search(bi, tt.q)
			require.NoError(t, err)
			got := []string{}
			for _, f := range res.Findings {
				got = append(got, f.CallID+"/"+strconv.Itoa(f.Turn)+"/"+f.Category)
			}
			assert.Equal(t, tt.want, got)
			assert.EqualValues(t, len(tt.want), res.Total)
		})
	}
}

func TestSearchQueryString(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct {
		name, text string
		want       []string
		wantErr    bool
	}{
		{name: "must_and_must_not", text: "+turns:骗子 -team:M1-A", want: []string{"A5"}},
		{name: "field_keyword", text: "agent:李娜", want: []string{"A4", "A3"}},
		{name: "field_text_normalized", text: "turns:騙子", want: []string{"A5", "A6"}},
		{name: "phrase_in_all", text: `"老赖"`, want: []string{"A1"}},
		{name: "numeric_range", text: "score:>=50", want: []string{"A4"}},
		{name: "categories", text: "+categories:threat", want: []string{"A2"}},
		{name: "month_and_category", text: "+month:2026-03 +categories:insult", want: []string{"A1"}},
		{name: "does_not_reach_findings", text: "+rule:insult.slur", want: []string{}},
		{name: "syntax_error", text: `turns:"坐牢`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Text: tt.text})
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, callIDs(res))
		})
	}
}

// TestCallWithoutDate: a call with no started_at sorts after every dated
// call, falls outside every date range and has no month.
func TestCallWithoutDate(t *testing.T) {
	a7 := a6
	a7.id, a7.started = "A7", ""
	bi := reader(t, build(t, a1, a6, a7))

	res, err := index.Search(bi, index.Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"A1", "A6", "A7"}, callIDs(res))
	assert.Equal(t, facet("2026-03 1", "2026-02 1"), res.Facets["month"])

	res, err = index.Search(bi, index.Query{To: date(a1.started)})
	require.NoError(t, err)
	assert.Equal(t, []string{"A6"}, callIDs(res))

	rows, err := index.Stats(bi, "month")
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, index.StatsRow{Group: "(none)", Calls: 1, PassRate: 1}, rows[0])
}
