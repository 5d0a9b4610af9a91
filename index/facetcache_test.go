package index_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// search runs q and clears Took, which differs from run to run.
func search(t *testing.T, bi interface {
	Search(index.Query) (*index.Results, error)
}, q index.Query) *index.Results {
	t.Helper()
	res, err := bi.Search(q)
	require.NoError(t, err)
	res.Took = 0
	return res
}

// TestFacetCacheSameAnswers: a search whose facets come from the cache
// (asked again, another page, another order) answers exactly as one that
// counts them afresh.
func TestFacetCacheSameAnswers(t *testing.T) {
	bi := index.Bleve{Index: reader(t, build(t, samples...))}
	for _, q := range []index.Query{
		{},
		{Category: "insult"},
		{Team: "M1-A", Limit: 1},
		{Team: "M1-A", Limit: 1, Offset: 1, Sort: "score"},
		{Text: "还款"},
		{Findings: true},
		{Findings: true, Category: "threat"},
	} {
		index.ClearFacetCache()
		fresh := search(t, bi, q)
		again := search(t, bi, q)
		require.Equal(t, fresh, again, "%+v", q)
		// Another page of the same search reuses the facets.
		next := q
		next.Offset++
		cached := search(t, bi, next)
		index.ClearFacetCache()
		require.Equal(t, search(t, bi, next), cached, "%+v", next)
	}
}

// TestFacetCacheWriteInvalidates: a commit to the index changes the
// facets a search returns, also for a query whose facets were cached.
func TestFacetCacheWriteInvalidates(t *testing.T) {
	_, v := setup(t)
	ix := open(t, newDir(t), index.Options{})
	bi := index.Bleve{Index: ix.Bleve()}
	results := analyzeAll(t, samples...)
	for _, r := range results[:3] {
		_, err := ix.Add(r, v)
		require.NoError(t, err)
	}
	require.NoError(t, ix.Flush())
	before := search(t, bi, index.Query{})
	require.Equal(t, []index.FacetCount{{Value: "M1-A", Count: 2}, {Value: "M1-B", Count: 1}}, before.Facets["team"])

	for _, r := range results[3:] {
		_, err := ix.Add(r, v)
		require.NoError(t, err)
	}
	require.NoError(t, ix.Flush())
	after := search(t, bi, index.Query{})
	require.EqualValues(t, len(samples), after.Total)
	index.ClearFacetCache()
	require.Equal(t, search(t, bi, index.Query{}), after)
	require.Equal(t, []index.FacetCount{{Value: "M1-A", Count: 3}, {Value: "M1-B", Count: 2}, {Value: "TW-1", Count: 1}}, after.Facets["team"])
}
