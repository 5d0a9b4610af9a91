package web

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
)

// serveCalls indexes the transcripts (text format) into a new index and
// serves it on 127.0.0.1 until the test ends; it returns the URL.
func serveCalls(t *testing.T, texts []string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	version := index.RulesVersion(testAnalyzer.Set())
	for i, text := range texts {
		c, err := corpus.ReadText(fmt.Sprintf("c%d.txt", i), text)
		require.NoError(t, err)
		_, err = ix.Add(testAnalyzer.Analyze(c), version)
		require.NoError(t, err)
	}
	require.NoError(t, ix.Close())
	bi, closeIndex, err := index.OpenAlias([]string{dir})
	require.NoError(t, err)
	t.Cleanup(func() { closeIndex() })
	srv, err := New(Config{Index: index.Bleve{Index: bi}, Analyzer: testAnalyzer})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// manyAgents is the number of calls (and agents) of the index of
// TestDashboardNoTeam and TestSearchFacetNotes: more agents than a facet
// lists.
const manyAgents = index.FacetLimit + 3

// manyAgentsCalls are manyAgents calls, each by an agent of its own; the
// first 50 have team A, the others none; every tenth has an insult.
func manyAgentsCalls() []string {
	var texts []string
	for i := range manyAgents {
		team := ""
		if i < 50 {
			team = "# team: A\n"
		}
		last := "坐席：您的账单今天需要还款。"
		if i%10 == 0 {
			last = "坐席：你就是个老赖，借钱的时候挺能耐。"
		}
		texts = append(texts, fmt.Sprintf("# call_id: M%02d\n# agent: 坐席%02d\n%s# started_at: 2026-03-%02dT09:00:00+08:00\n坐席：您好，请问是王先生吗？\n客户：是我。\n%s\n",
			i, i, team, 1+i%28, last))
	}
	return texts
}

// TestDashboardNoTeam: the pass rate by team counts the calls without a
// team under a bucket of their own.
func TestDashboardNoTeam(t *testing.T) {
	base := serveCalls(t, manyAgentsCalls())
	body := page(t, base+"/dashboard")
	assert.Contains(t, body, fmt.Sprintf(`<span class="kpi-value" id="kpi-calls">%d</span>`, manyAgents))
	// Team A: calls 0–49, 5 with an insult; no team: 50–52, one (50).
	assert.Contains(t, body, "<title>A: 90% (45/50)</title>")
	assert.Contains(t, body, "<title>"+html.EscapeString(noTeam)+": 66.7% (2/3)</title>")
}

// TestSearchFacetNotes: a facet that lists only some of its values says
// so, and how to reach the others; one listed whole says nothing.
func TestSearchFacetNotes(t *testing.T) {
	base := serveCalls(t, manyAgentsCalls())
	body := page(t, base+"/")
	assert.Contains(t, body, fmt.Sprintf("Agents: %d of %d shown (the most calls; pick any agent in the Agent filter above). 坐席：显示 %[1]d 个，共 %[2]d 个。", index.FacetLimit, manyAgents))
	assert.Len(t, regexp.MustCompile(`class="muted facet-note"`).FindAllString(body, -1), 1, "only the agents are cut")
	assert.Contains(t, body, `<option value="坐席52">坐席52</option>`, "the Agent filter lists every agent")

	body = page(t, base+"/?"+search("team", "A"))
	assert.NotContains(t, body, "facet-note", "50 agents: every one listed")
}

// TestSearchPastTheEnd: a page past the last one says so, with the last
// page and the number of matches, however far it is.
func TestSearchPastTheEnd(t *testing.T) {
	base := start(t, Config{})
	tests := []struct {
		name, query, want string
		// api: the API refuses the page too (beyond paging); a page
		// within reach but past the end is an empty answer there.
		api bool
	}{
		{"next_page", search("team", "GEN", "page", "3"), fmt.Sprintf("page 3 is past the last page, 2 (%d calls match)", genCalls), false},
		{"beyond_paging", search("team", "GEN", "page", "501"), fmt.Sprintf("page 501 is past the last page, 2 (%d calls match)", genCalls), true},
		{"nothing_matches", search("q", "不存在的词语组合", "page", "2"), "page 2 is past the end: no call matches this search", false},
		{"nothing_matches_beyond_paging", search("q", "不存在的词语组合", "page", "9999"), "page 9999 is past the end: no call matches this search", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/?"+tt.query)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Contains(t, r.body, `<p class="error" role="alert">`+html.EscapeString(tt.want)+`</p>`)
			assert.NotContains(t, r.body, "too far")
			r = get(t, base+"/api/search?"+tt.query)
			if tt.api {
				assertAPIError(t, r, http.StatusBadRequest, tt.want)
				return
			}
			assert.Equal(t, http.StatusOK, r.status, r.body)
			assert.Empty(t, decode[index.Results](t, r).Hits)
		})
	}
	// The last page itself is fine.
	page(t, base+"/?"+search("team", "GEN", "page", "2"))
}

func TestPageError(t *testing.T) {
	tests := []struct {
		page, size int
		total      uint64
		want       string
	}{
		{2, 20, 0, "page 2 is past the end: no call matches this search"},
		{3, 20, 23, "page 3 is past the last page, 2 (23 calls match)"},
		{501, 20, 10000, "page 501 is past the last page, 500 (10000 calls match)"},
		{6, 5, 23, "page 6 is past the last page, 5 (23 calls match)"},
		{501, 20, 12345, "page 501 is too far: searches page through the first 10000 of the 12345 matching calls; narrow the search"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pageError(tt.page, tt.size, tt.total))
	}
}

// TestPerDayChartTitle: the per-day chart says which days it shows.
func TestPerDayChartTitle(t *testing.T) {
	days := []index.FacetCount{{Value: "2026-03-03", Count: 2}, {Value: "2026-03-10", Count: 1}}
	day := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", s, time.Local)
		require.NoError(t, err)
		return d
	}
	tests := []struct {
		name string
		q    index.Query
		want string
		days int
	}{
		{"default_window", index.Query{}, "Violations per day, the 30 days to 2026-03-10 每日违规（截至 2026-03-10 的 30 天）", dashboardDays},
		{"to_only", index.Query{To: day("2026-03-21")}, "Violations per day, the 30 days to 2026-03-20 每日违规（截至 2026-03-20 的 30 天）", dashboardDays},
		{"range", index.Query{From: day("2026-03-01"), To: day("2026-03-08")}, "Violations per day, 2026-03-01 to 2026-03-07 每日违规（2026-03-01 至 2026-03-07）", 7},
		{"long_range", index.Query{From: day("2025-01-01"), To: day("2026-03-11")}, "Violations per day, the last 92 days of the range, to 2026-03-10 每日违规（所选范围的最后 92 天，截至 2026-03-10）", maxChartDays},
		{"nothing", index.Query{}, "Violations per day 每日违规", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := days
			if tt.name == "nothing" {
				in = nil
			}
			c := perDayChart(in, tt.q)
			assert.Equal(t, tt.want, c.Title)
			assert.Len(t, c.Columns, tt.days)
		})
	}
}

// TestDashboardPerDayTitle: the console shows the window in the chart.
func TestDashboardPerDayTitle(t *testing.T) {
	base := start(t, Config{})
	body := page(t, base+"/dashboard")
	assert.Regexp(t, `<figcaption>Violations per day, the 30 days to (\d{4}-\d\d-\d\d) 每日违规（截至 \d{4}-\d\d-\d\d 的 30 天）</figcaption>`, body)
	body = page(t, base+"/dashboard?from=2026-03-01&to=2026-03-31")
	assert.Contains(t, body, "<figcaption>Violations per day, 2026-03-01 to 2026-03-31 每日违规（2026-03-01 至 2026-03-31）</figcaption>")
	assert.False(t, strings.Contains(body, "the 30 days"))
}
