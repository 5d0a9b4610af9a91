package backendtest

import (
	"errors"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// Compare asks want and got every case and asserts that they answer
// alike: the same error, or the same total, facets (values, counts and
// totals), hits (call ids in the same order, but for the relevance sort,
// whose order is the store's own; with the same fields and highlights)
// and finding hits; then the same for IDs and Count. Each case is a
// subtest named after it.
func Compare(t *testing.T, want, got index.Reader, cases []Case) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			compareSearch(t, want, got, c.Query)
			compareIDs(t, want, got, c.Query)
			compareCount(t, want, got, c.Query)
		})
	}
}

// sameError asserts that both errors are nil, or that both are not with
// the same text; it reports whether there were errors.
func sameError(t *testing.T, want, got error) bool {
	t.Helper()
	if want == nil && got == nil {
		return false
	}
	if want == nil || got == nil {
		t.Errorf("errors differ: want %v, got %v", want, got)
		return true
	}
	assert.Equal(t, want.Error(), got.Error(), "error text")
	return true
}

func compareSearch(t *testing.T, want, got index.Reader, q index.Query) {
	w, werr := want.Search(q)
	g, gerr := got.Search(q)
	if sameError(t, werr, gerr) {
		return
	}
	assert.Equal(t, w.Total, g.Total, "total")
	assert.Equal(t, w.Facets, g.Facets, "facets")
	assert.Equal(t, w.FacetTotals, g.FacetTotals, "facet totals")
	wh, gh := comparable(w.Hits, q), comparable(g.Hits, q)
	assert.Equal(t, hitIDs(wh), hitIDs(gh), "call ids")
	for i := range wh {
		if i < len(gh) && wh[i].CallID == gh[i].CallID {
			assert.Equal(t, wh[i], gh[i], "hit %s", wh[i].CallID)
		}
	}
	assert.Equal(t, w.Findings, g.Findings, "finding hits")
}

// comparable is hits without their relevance (each store scores its own
// way), in call id order for the relevance sort.
func comparable(hits []index.Hit, q index.Query) []index.Hit {
	out := make([]index.Hit, len(hits))
	for i, h := range hits {
		h.Relevance = 0
		out[i] = h
	}
	if q.Sort == "relevance" {
		sort.Slice(out, func(i, j int) bool { return out[i].CallID < out[j].CallID })
	}
	return out
}

func hitIDs(hits []index.Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.CallID)
	}
	return out
}

func compareIDs(t *testing.T, want, got index.Reader, q index.Query) {
	w, wn, werr := want.IDs(q)
	g, gn, gerr := got.IDs(q)
	if sameError(t, werr, gerr) {
		return
	}
	assert.Equal(t, wn, gn, "IDs total")
	if q.Sort == "relevance" {
		w, g = sorted(w), sorted(g)
	}
	assert.Equal(t, w, g, "IDs")
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func compareCount(t *testing.T, want, got index.Reader, q index.Query) {
	fields := CallCountFields
	if q.Findings {
		fields = FindingCountFields
	}
	for _, size := range []int{0, 3, 100} {
		wn, wf, werr := want.Count(q, size, fields...)
		gn, gf, gerr := got.Count(q, size, fields...)
		if sameError(t, werr, gerr) {
			return
		}
		assert.Equal(t, wn, gn, "Count total")
		assert.Equal(t, wf, gf, "Count facets, size %d", size)
	}
}

// CompareLookups asserts that want and got give the same stored call,
// rules version and error for every call of results and for an unknown
// id, and the same Stats rows for every grouping.
func CompareLookups(t *testing.T, want, got index.Reader, results []*result.Result) {
	ids := []string{"no-such-call"}
	for _, r := range results {
		ids = append(ids, r.CallID)
	}
	for _, id := range ids {
		w, werr := want.Call(id)
		g, gerr := got.Call(id)
		if !sameError(t, werr, gerr) {
			assert.Equal(t, w, g, "Call(%s)", id)
		} else {
			assert.Equal(t, errors.Is(werr, index.ErrNotFound), errors.Is(gerr, index.ErrNotFound), "Call(%s) not found", id)
		}
		wv, werr := want.RulesVersionOf(id)
		gv, gerr := got.RulesVersionOf(id)
		if !sameError(t, werr, gerr) {
			assert.Equal(t, wv, gv, "RulesVersionOf(%s)", id)
		} else {
			assert.Equal(t, errors.Is(werr, index.ErrNotFound), errors.Is(gerr, index.ErrNotFound), "RulesVersionOf(%s) not found", id)
		}
	}
	for _, by := range append(append([]string{}, index.StatsBy...), "no-such-grouping") {
		w, werr := want.Stats(by)
		g, gerr := got.Stats(by)
		if !sameError(t, werr, gerr) {
			require.Equal(t, w, g, "Stats(%s)", by)
		}
	}
}
