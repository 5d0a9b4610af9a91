package index_test

import (
	"sort"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
)

// TestStoredFields checks that a document stores only what a reader loads
// back (the packed call, and what Add and RulesVersionOf read; a finding
// hit's fields), and that no composite _all field indexes the text again.
func TestStoredFields(t *testing.T) {
	bi := reader(t, build(t, a1, a4))
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"call/A1", []string{"finding_ids", "hash", "rules_version", "stored"}},
		{"call/A4", []string{"finding_ids", "hash", "rules_version", "stored"}},
		{"finding/A1/3/insult", []string{"agent", "call_id", "category", "match", "needs_review", "rule", "severity", "started_at_text", "team", "text", "turn"}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			doc, err := bi.Document(tc.id)
			require.NoError(t, err)
			require.NotNil(t, doc)
			seen := map[string]bool{}
			doc.VisitFields(func(f bindex.Field) { seen[f.Name()] = true })
			var got []string
			for k := range seen {
				got = append(got, k)
			}
			sort.Strings(got)
			assert.Equal(t, tc.want, got)
		})
	}
	fields, err := bi.Fields()
	require.NoError(t, err)
	assert.NotContains(t, fields, "_all")
}

// TestFieldsReadBack checks that what search, sort, facets and showing a
// call read comes back from an index that stores only that.
func TestFieldsReadBack(t *testing.T) {
	bi := reader(t, build(t, a1, a2, a3, a4, a5, a6))
	for _, tc := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"hit", func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Text: "老赖"})
			require.NoError(t, err)
			require.Len(t, res.Hits, 1)
			h := res.Hits[0]
			assert.Equal(t, []any{"A1", "赵强", "M1-A", "debtor", "A1.txt", "2026-03-02T10:00:00+08:00", []string{"insult"}},
				[]any{h.CallID, h.Agent, h.Team, h.Party, h.Source, h.StartedAt, h.Categories})
			require.Len(t, h.Highlights, 1)
			assert.Equal(t, "坐席：你就是个【老赖】，借钱的时候挺能耐。", "坐席："+h.Highlights[0].Marked)
		}},
		{"finding", func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Findings: true, Text: "坐牢"})
			require.NoError(t, err)
			require.NotEmpty(t, res.Findings)
			f := res.Findings[0]
			assert.Equal(t, []any{"A2", 3, "赵强", "M1-A", "2026-03-10T10:00:00+08:00"}, []any{f.CallID, f.Turn, f.Agent, f.Team, f.StartedAt})
			assert.NotEmpty(t, f.Rule)
			assert.NotEmpty(t, f.Severity)
			assert.Contains(t, f.Text, "坐牢")
		}},
		{"call", func(t *testing.T) {
			res, err := index.Call(bi, "A3")
			require.NoError(t, err)
			require.Len(t, res.Call.Turns, 3)
			assert.Equal(t, "agent", string(res.Call.Turns[0].Role))
			assert.Equal(t, "坐席", res.Call.Turns[0].Label)
			assert.Equal(t, "third_party", res.Call.Party)
			v, err := index.RulesVersionOf(bi, "A3")
			require.NoError(t, err)
			assert.NotEmpty(t, v)
		}},
		{"sort_by_score", func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Sort: "score", Limit: 6})
			require.NoError(t, err)
			for i := 1; i < len(res.Hits); i++ {
				assert.LessOrEqual(t, res.Hits[i-1].Score, res.Hits[i].Score)
			}
		}},
		{"facets", func(t *testing.T) {
			for _, q := range []index.Query{{}, {Findings: true}} {
				fields := backendtest.CallCountFields[:7]
				if q.Findings {
					fields = backendtest.FindingCountFields
				}
				_, facets, err := index.Count(bi, q, 100, fields...)
				require.NoError(t, err)
				for _, f := range fields {
					assert.NotEmpty(t, facets[f], "findings %v: facet %s", q.Findings, f)
				}
			}
		}},
	} {
		t.Run(tc.name, tc.check)
	}
}

// TestQueryStringDefaultField checks that query-string words without a
// field search the text fields, as the _all field did: the turns of a
// call, the text or the match of a finding, word by word.
func TestQueryStringDefaultField(t *testing.T) {
	bi := reader(t, build(t, a1, a2, a3, a4, a5, a6))
	for _, tc := range []struct {
		name     string
		text     string
		findings bool
		want     []string
	}{
		{"word", "+老赖", false, []string{"A1"}},
		{"all_field", "_all:老赖", false, []string{"A1"}},
		{"phrase", `"小心点"`, false, []string{"A2"}},
		{"must_not", "+骗子 -app", false, []string{"A5"}},
		{"with_field", "+骗子 +team:TW-1", false, []string{"A5"}},
		{"prefix", "+老*", false, []string{"A1"}},
		{"finding_text", "+小心点", true, []string{"A2"}},
		{"finding_match_or_text", "+坐牢 +小心点", true, []string{"A2"}},
		{"finding_must_not", "+骗子 -帐单", true, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := index.Search(bi, index.Query{Text: tc.text, Findings: tc.findings, Limit: 50})
			require.NoError(t, err)
			got := map[string]bool{}
			for _, h := range res.Hits {
				got[h.CallID] = true
			}
			for _, f := range res.Findings {
				got[f.CallID] = true
			}
			ids := []string{}
			for id := range got {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			assert.Equal(t, tc.want, ids)
		})
	}
}
