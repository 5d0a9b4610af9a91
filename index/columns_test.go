package index_test

import (
	"context"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/result"
)

// bleveAnswer runs q with Bleve's own facets and sort (no columns, no
// facet cache).
func bleveAnswer(t *testing.T, bi index.Bleve, q index.Query) *index.Results {
	t.Helper()
	was := index.SetColumns(false)
	defer index.SetColumns(was)
	index.ClearFacetCache()
	return search(t, bi, q)
}

// columnQueries cover the facets of calls and findings, the three sorts,
// pages, text, filters and dates.
func columnQueries() []index.Query {
	from := synth.Start.AddDate(0, 2, 0)
	var qs []index.Query
	for _, q := range []index.Query{
		{},
		{Category: result.ViolationCategories[0]},
		{Team: synth.Teams[0]},
		{Team: "no such team"},
		{Team: synth.Teams[2], Category: result.ViolationCategories[1]},
		{From: from, To: from.AddDate(0, 1, 0)},
		{Text: "还款"},
		{Text: "你好"},
		{Findings: true},
		{Findings: true, Team: synth.Teams[1]},
	} {
		for _, s := range []string{"", "score", "relevance"} {
			for _, page := range [][2]int{{20, 0}, {7, 13}, {200, 0}, {230, 0}} {
				q.Sort, q.Limit, q.Offset = s, page[0], page[1]
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// TestColumnsSameAsBleve: searches whose facets are counted and whose
// date order is read from the columns, and a process's first search
// (facets from the postings; the page from the newest matches' dates
// or, with few dates to count, ties in the date order settled by id;
// calls without a date last),
// answer exactly as Bleve's own facet
// builder and sort do, on an index of several segments with replaced
// (deleted) documents and calls that start at the same second, and again
// after a write adds segments (the columns of new segments are read, the
// facet cache's key changes).
func TestColumnsSameAsBleve(t *testing.T) {
	an, v := setup(t)
	calls := synth.Generate(240, 7)
	for i := 10; i < 40; i++ {
		calls[i].StartedAt = calls[9].StartedAt // ties: the order falls back to the id
	}
	// More ties, among the newest calls: a first page of 20 ends among
	// the 25 calls of one instant, on the hour, after 5 newer ones a
	// little less than four hours later (a first search counting dates
	// back from the newest in windows of 1, 2 and 4 hours finds the 20th
	// call at the very start of its last window).
	newest := synth.Start.AddDate(5, 0, 0).Truncate(time.Hour)
	for i := 40; i < 70; i++ {
		at := newest
		if i < 45 {
			at = newest.Add(3*time.Hour + time.Duration(50+i%3)*time.Minute)
		}
		calls[i].StartedAt = at.Format(time.RFC3339)
	}
	for i := 70; i < 100; i++ {
		calls[i].StartedAt = "" // no date: last in the date order
	}
	ix := open(t, newDir(t), index.Options{BatchSize: 25})
	bi := index.Bleve{Index: ix.Bleve()}
	add := func(from, to int) {
		for _, c := range calls[from:to] {
			_, err := ix.Add(an.Analyze(c), v)
			require.NoError(t, err)
		}
		require.NoError(t, ix.Flush())
	}
	check := func(stage string) {
		for _, q := range columnQueries() {
			want := bleveAnswer(t, bi, q)
			// Dates counted from one match on, at most WindowDates or 3
			// of them (then Bleve sorts by date), or not counted.
			// The cached facets' path only with the first window.
			for k, w := range [][2]int{{1, index.WindowDates}, {1, 3}, {1 << 30, index.WindowDates}} {
				wasMatches, wasDates := index.SetWindow(w[0], w[1])
				index.ClearFacetCache()
				index.ForgetSearches()
				require.Equal(t, want, search(t, bi, q), "%s, first search, window %v: %+v", stage, w, q)
				if k == 0 {
					index.ForgetSearches()
					require.Equal(t, want, search(t, bi, q), "%s, first search, window %v, cached facets: %+v", stage, w, q)
				}
				index.SetWindow(wasMatches, wasDates)
			}
			index.ClearFacetCache()
			got := search(t, bi, q)
			require.Equal(t, want, got, "%s: %+v", stage, q)
			require.Equal(t, want, search(t, bi, q), "%s, cached facets: %+v", stage, q)
		}
	}
	add(0, 160)
	check("first")
	// A write: new calls, and calls analyzed again with another date
	// (their old documents are deleted).
	for _, c := range calls[100:120] {
		c.StartedAt = time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	add(100, 240)
	check("after a write")
	require.EqualValues(t, 240, search(t, bi, index.Query{}).Total)
}

// TestFirstSearchKeepsItsSnapshot: a first search reads its snapshot's
// segments after Bleve's search has returned (the facets' postings, the
// dates); a merge that ends meanwhile must not close (unmap) them under
// it. The index's segments are files (it is opened again), and a forced
// merge into one segment runs between the search and the reading.
func TestFirstSearchKeepsItsSnapshot(t *testing.T) {
	an, v := setup(t)
	dir := newDir(t)
	w, err := index.Open(dir, index.Options{BatchSize: 10})
	require.NoError(t, err)
	for _, c := range synth.Generate(80, 11) {
		_, err := w.Add(an.Analyze(c), v)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	ix := open(t, dir, index.Options{})
	bi := index.Bleve{Index: ix.Bleve()}
	queries := []index.Query{{}, {Category: result.ViolationCategories[0]}, {Team: synth.Teams[1]}, {Text: "还款"}}
	var wants []*index.Results
	for _, q := range queries {
		wants = append(wants, bleveAnswer(t, bi, q))
	}
	adv, err := ix.Bleve().Advanced()
	require.NoError(t, err)
	sc, ok := adv.(*scorch.Scorch)
	require.True(t, ok)
	defer index.SetAfterGather(nil)
	for i, q := range queries {
		merged := false
		index.SetAfterGather(func() {
			if !merged {
				merged = true
				require.NoError(t, sc.ForceMerge(context.Background(), nil))
			}
		})
		was, wasDates := index.SetWindow(1, index.WindowDates)
		index.ClearFacetCache()
		index.ForgetSearches()
		got := search(t, bi, q)
		index.SetWindow(was, wasDates)
		require.True(t, merged, "%+v: the merge ran", q)
		require.Equal(t, wants[i], got, "%+v", q)
	}
}
