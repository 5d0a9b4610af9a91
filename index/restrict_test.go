package index_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// TestSearchDocIDs narrows searches by document ids, as the review loop
// does with the findings reviewers decided.
func TestSearchDocIDs(t *testing.T) {
	bi := reader(t, build(t, samples...))
	a2threat := index.FindingDocID("A2", 3, "threat")
	tests := []struct {
		name     string
		q        index.Query
		want     []string // call ids, or "call/turn/category" for findings
		findings bool
	}{
		{name: "calls_only", q: index.Query{DocIDs: []string{index.CallDocID("A1"), index.CallDocID("A5")}}, want: []string{"A5", "A1"}},
		{name: "calls_only_with_filter", q: index.Query{DocIDs: []string{index.CallDocID("A1"), index.CallDocID("A5")}, Team: "M1-A"}, want: []string{"A1"}},
		{name: "empty_list_matches_nothing", q: index.Query{DocIDs: []string{}}, want: []string{}},
		{name: "unknown_id", q: index.Query{DocIDs: []string{index.CallDocID("nope")}}, want: []string{}},
		{name: "exclude_calls", q: index.Query{ExcludeDocIDs: []string{index.CallDocID("A5"), index.CallDocID("A4")}}, want: []string{"A3", "A2", "A1", "A6"}},
		{name: "exclude_with_text", q: index.Query{Text: "老赖", ExcludeDocIDs: []string{index.CallDocID("A1")}}, want: []string{}},
		{name: "findings_only", q: index.Query{Findings: true, DocIDs: []string{a2threat}}, want: []string{"A2/3/threat"}, findings: true},
		{name: "findings_exclude", q: index.Query{Findings: true, Category: "insult", ExcludeDocIDs: []string{index.FindingDocID("A1", 3, "insult")}}, want: []string{"A5/3/insult"}, findings: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 100
			res, err := index.Search(bi, tt.q)
			require.NoError(t, err)
			if !tt.findings {
				assert.Equal(t, tt.want, callIDs(res))
				ids, total, err := index.IDs(bi, tt.q)
				require.NoError(t, err)
				assert.Equal(t, uint64(len(tt.want)), total)
				assert.Equal(t, tt.want, append([]string{}, ids...))
				return
			}
			got := []string{}
			for _, f := range res.Findings {
				got = append(got, f.CallID+"/"+strconv.Itoa(f.Turn)+"/"+f.Category)
			}
			assert.Equal(t, tt.want, got)
		})
	}

	// Count narrows the same way: the violations not yet decided, by call.
	n, f, err := index.Count(bi, index.Query{Findings: true, ExcludeDocIDs: []string{a2threat, index.FindingDocID("A1", 3, "insult")}}, 100, "call_id")
	require.NoError(t, err)
	assert.Equal(t, uint64(3), n)
	assert.Equal(t, facet("A2 1", "A3 1", "A5 1"), f["call_id"])

	rv, err := index.RulesVersionOf(bi, "A1")
	require.NoError(t, err)
	assert.Equal(t, version, rv)
	_, err = index.RulesVersionOf(bi, "nope")
	assert.ErrorIs(t, err, index.ErrNotFound)
}
