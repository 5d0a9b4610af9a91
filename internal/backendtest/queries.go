package backendtest

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// Case is one question of the suite.
type Case struct {
	Name  string
	Query index.Query
}

// common returns the values of a field over the results, commonest first
// (ties in value order), leaving out "".
func common(results []*result.Result, field func(*result.Result) string) []string {
	n := map[string]int{}
	for _, r := range results {
		if v := field(r); v != "" {
			n[v]++
		}
	}
	var out []string
	for v := range n {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if n[out[i]] != n[out[j]] {
			return n[out[i]] > n[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// pick returns the i-th value, or the last, or a value no call has.
func pick(vs []string, i int) string {
	switch {
	case len(vs) == 0:
		return "no-such-value"
	case i < len(vs):
		return vs[i]
	}
	return vs[len(vs)-1]
}

func month(r *result.Result) string {
	t, err := time.Parse(time.RFC3339, r.StartedAt)
	if err != nil {
		return ""
	}
	return t.Format("2006-01")
}

// Queries is the table of questions for a set of results: every filter
// alone and combined (with values taken from the results), date ranges,
// pass and fail, needs review, candidates, findings, free text in
// Simplified and Traditional characters, query-string syntax, paging,
// the three sorts, and document ids to keep or leave out.
func Queries(results []*result.Result) []Case {
	teams := common(results, func(r *result.Result) string { return r.Team })
	agents := common(results, func(r *result.Result) string { return r.Agent })
	months := common(results, month)
	t, f := true, false
	day := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return v
	}
	var callDocs, findingDocs []string
	for i, r := range results {
		if i%3 == 0 {
			callDocs = append(callDocs, index.CallDocID(r.CallID))
		}
		for _, fd := range r.Findings {
			if (result.IsViolation(fd.Category) || fd.Category == result.CategoryCustomerAbuse) && len(findingDocs) < 7 {
				findingDocs = append(findingDocs, index.FindingDocID(r.CallID, fd.Turn, fd.Category))
			}
		}
	}
	team, agent := pick(teams, 0), pick(agents, 0)
	cases := []Case{
		{"all", index.Query{}},
		{"all limit 1000", index.Query{Limit: 1000}},
		{"page 2", index.Query{Limit: 5, Offset: 5}},
		{"page past the end", index.Query{Limit: 20, Offset: 100000}},
		{"sort score", index.Query{Sort: "score", Limit: 50}},
		{"sort score page", index.Query{Sort: "score", Limit: 7, Offset: 3}},
		{"sort relevance", index.Query{Sort: "relevance", Limit: 1000}},
		{"sort date", index.Query{Sort: "date", Limit: 30}},
		{"team", index.Query{Team: team}},
		{"second team", index.Query{Team: pick(teams, 1), Limit: 100}},
		{"unknown team", index.Query{Team: "no-such-team"}},
		{"agent", index.Query{Agent: agent, Limit: 100}},
		{"second agent", index.Query{Agent: pick(agents, 1)}},
		{"party debtor", index.Query{Party: "debtor", Limit: 100}},
		{"party third", index.Query{Party: "third_party", Limit: 100}},
		{"pass", index.Query{Pass: &t, Limit: 100}},
		{"fail", index.Query{Pass: &f, Limit: 100}},
		{"fail by score", index.Query{Pass: &f, Sort: "score", Limit: 100}},
		{"needs review", index.Query{NeedsReview: true, Limit: 100}},
		{"candidates", index.Query{Candidates: true, Limit: 100}},
		{"month range", index.Query{From: day("2026-03-01T00:00:00+08:00"), To: day("2026-04-01T00:00:00+08:00"), Limit: 100}},
		{"from only", index.Query{From: day("2026-04-15T00:00:00Z"), Limit: 100}},
		{"to only", index.Query{To: day("2026-03-10T00:00:00+08:00"), Limit: 100}},
		{"empty range", index.Query{From: day("2030-01-01T00:00:00Z"), To: day("2030-02-01T00:00:00Z")}},
		{"team and fail", index.Query{Team: team, Pass: &f, Limit: 100}},
		{"agent and range", index.Query{Agent: agent, From: day("2026-03-01T00:00:00Z"), Limit: 100}},
		{"team agent party", index.Query{Team: team, Agent: agent, Party: "debtor"}},
		{"category and team", index.Query{Category: result.CategoryInsult, Team: team}},
		{"category and review", index.Query{Category: result.CategoryThreat, NeedsReview: true}},
		{"unknown category", index.Query{Category: "no_such_category"}},
		{"text 坐牢", index.Query{Text: "坐牢", Limit: 100}},
		{"text 坐監", index.Query{Text: "坐監", Limit: 100}},
		{"text 坐监", index.Query{Text: "坐监", Limit: 100}},
		{"text 骗子", index.Query{Text: "骗子", Limit: 100}},
		{"text 騙子", index.Query{Text: "騙子", Limit: 100}},
		{"text 老赖", index.Query{Text: "老赖", Limit: 100}},
		{"text 还款", index.Query{Text: "还款"}},
		{"text 還款 page", index.Query{Text: "還款", Limit: 5, Offset: 5}},
		{"text phrase", index.Query{Text: "逾期两个月", Limit: 100}},
		{"text two parts", index.Query{Text: "逾期 还款", Limit: 100}},
		{"text three parts", index.Query{Text: "您好 还款 今天", Limit: 100}},
		{"text part missing", index.Query{Text: "还款 甲乙丙丁戊", Limit: 100}},
		{"text punctuation", index.Query{Text: "，", Limit: 100}},
		{"text full-width", index.Query{Text: "ＡＰＰ", Limit: 100}},
		{"text and filters", index.Query{Text: "还款", Party: "debtor", Pass: &f, Limit: 100}},
		{"text by score", index.Query{Text: "还款", Sort: "score", Limit: 100}},
		{"text by relevance", index.Query{Text: "还款 逾期", Sort: "relevance", Limit: 1000}},
		{"text with category", index.Query{Text: "老赖", Category: result.CategoryInsult, Limit: 100}},
		{"qs turns", index.Query{Text: "turns:坐牢", Limit: 100}},
		{"qs quoted phrase", index.Query{Text: `"逾期两个月"`, Limit: 100}},
		{"qs turns phrase", index.Query{Text: `turns:"逾期两个月"`, Limit: 100}},
		{"qs must and not", index.Query{Text: "+turns:还款 -team:" + team, Limit: 100}},
		{"qs team", index.Query{Text: "team:" + team, Limit: 100}},
		{"qs must team should text", index.Query{Text: "+team:" + team + " 还款", Limit: 100}},
		{"qs should only", index.Query{Text: "turns:坐牢 turns:骗子", Limit: 100}},
		{"qs not only", index.Query{Text: "-categories:insult", Limit: 100}},
		{"qs categories", index.Query{Text: "categories:threat", Limit: 100}},
		{"qs score range", index.Query{Text: "score:<60", Limit: 100, Sort: "score"}},
		{"qs score range incl", index.Query{Text: "score:>=75 +pass:true", Limit: 100}},
		{"qs score exact", index.Query{Text: "score:100", Limit: 100}},
		{"qs date", index.Query{Text: `started_at:>="2026-04-01"`, Limit: 100}},
		{"qs month", index.Query{Text: "month:" + pick(months, 0), Limit: 100}},
		{"qs call id", index.Query{Text: "call_id:" + results[0].CallID}},
		{"qs traditional", index.Query{Text: "+turns:騙子", Limit: 100}},
		{"qs match words", index.Query{Text: "turns:还款逾期", Limit: 100}},
		{"qs unknown field", index.Query{Text: "nosuchfield:还款"}},
		{"qs escaped", index.Query{Text: `还款 \+`, Limit: 100}},
		{"qs needs review", index.Query{Text: "needs_review:true", Limit: 100}},
		{"qs syntax error", index.Query{Text: `turns:"坐牢`}},
		{"doc ids", index.Query{DocIDs: callDocs, Limit: 100}},
		{"doc ids empty", index.Query{DocIDs: []string{}}},
		{"exclude doc ids", index.Query{ExcludeDocIDs: callDocs, Limit: 100}},
		{"doc ids and exclude", index.Query{DocIDs: callDocs, ExcludeDocIDs: callDocs[:min(2, len(callDocs))]}},
		{"bad sort", index.Query{Sort: "newest"}},
		{"bad offset", index.Query{Offset: -1}},
		{"findings", index.Query{Findings: true, Limit: 100}},
		{"findings page", index.Query{Findings: true, Limit: 3, Offset: 2}},
		{"findings by score", index.Query{Findings: true, Sort: "score", Limit: 100}},
		{"findings customer abuse", index.Query{Findings: true, Category: result.CategoryCustomerAbuse, Limit: 100}},
		{"findings team", index.Query{Findings: true, Team: team, Limit: 100}},
		{"findings agent range", index.Query{Findings: true, Agent: agent, From: day("2026-02-01T00:00:00Z"), Limit: 100}},
		{"findings range", index.Query{Findings: true, From: day("2026-04-01T00:00:00+08:00"), To: day("2026-05-01T00:00:00+08:00"), Limit: 100}},
		{"findings needs review", index.Query{Findings: true, NeedsReview: true, Limit: 100}},
		{"findings text 骗子", index.Query{Findings: true, Text: "骗子", Limit: 100}},
		{"findings text 騙子", index.Query{Findings: true, Text: "騙子", Limit: 100}},
		{"findings qs match", index.Query{Findings: true, Text: "match:骗子", Limit: 100}},
		{"findings qs text", index.Query{Findings: true, Text: "text:还款", Limit: 100}},
		{"findings qs turn", index.Query{Findings: true, Text: "turn:>=3 +severity:critical", Limit: 100}},
		{"findings qs rule", index.Query{Findings: true, Text: "-category:insult", Limit: 100}},
		{"findings doc ids", index.Query{Findings: true, DocIDs: findingDocs, Limit: 100}},
		{"findings exclude", index.Query{Findings: true, ExcludeDocIDs: findingDocs, Limit: 100}},
	}
	for _, c := range result.ViolationCategories {
		cases = append(cases,
			Case{"category " + c, index.Query{Category: c, Limit: 100}},
			Case{"findings " + c, index.Query{Findings: true, Category: c, Limit: 100}})
	}
	if free, quoted, ok := acrossTurns(results); ok {
		cases = append(cases,
			Case{"text across turns", index.Query{Text: free, Limit: 100}},
			Case{"qs phrase across turns", index.Query{Text: `turns:"` + quoted + `"`, Limit: 100}})
	}
	for i, m := range months {
		if i == 3 {
			break
		}
		cases = append(cases, Case{fmt.Sprintf("qs month %d", i), index.Query{Text: "month:" + m, Sort: "score", Limit: 100}})
	}
	return cases
}

// CountFields are the fields the suite counts with Count, for calls and
// for findings.
var (
	CallCountFields    = []string{"category", "team", "agent", "party", "pass", "month", "day", "no_such_field"}
	FindingCountFields = []string{"category", "rule", "severity", "team", "agent", "party", "month", "day"}
)

// acrossTurns is a phrase made of the last word of one turn and the first
// word of the next, which no turn holds: it must match no call. free is
// the two words written together (a free-text part that segments into
// the two), quoted with a space between them (for a quoted phrase).
func acrossTurns(results []*result.Result) (free, quoted string, ok bool) {
	type pair struct{ a, b string }
	inTurn := map[pair]bool{}
	var across []pair
	for _, r := range results {
		if r.Call == nil {
			continue
		}
		var prev []analyzer.Word
		for _, t := range r.Call.Turns {
			ws, err := index.Words(t.Text)
			if err != nil {
				return "", "", false // Compare reports the segmenter's error
			}
			for i := 1; i < len(ws); i++ {
				inTurn[pair{ws[i-1].Term, ws[i].Term}] = true
			}
			if len(prev) > 0 && len(ws) > 0 {
				across = append(across, pair{prev[len(prev)-1].Term, ws[0].Term})
			}
			prev = ws
		}
	}
	for _, p := range across {
		if p.a == "" || p.b == "" || inTurn[p] {
			continue
		}
		if slices.Equal(termsOf(p.a+p.b), []string{p.a, p.b}) && slices.Equal(termsOf(p.a+" "+p.b), []string{p.a, p.b}) {
			return p.a + p.b, p.a + " " + p.b, true
		}
	}
	return "", "", false
}

// termsOf are the terms of text (none when it cannot be cut).
func termsOf(text string) []string {
	ws, err := index.Words(text)
	if err != nil {
		return nil
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Term
	}
	return out
}
