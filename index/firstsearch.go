package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A process's first search of an index (the one search of callqa search)
// does not read the columns (columns.go: a pass over every document). Left
// to Bleve, a filter-only search matching 16,000 of 100,000 calls spent
// 40% of its CPU loading each match's id from its stored fields (the
// tie-break of the date order), 25% decoding each match's doc values for
// the four facets and most of the rest decoding its date for the sort.
// firstSearch does without all three:
//
//   - Facets are counted from the postings: the matches of each segment
//     are gathered in a bitmap as Bleve collects them, and a facet value's
//     count is the size of its postings list within that bitmap. That is
//     per facet value and segment, not per match.
//   - A search with filters only (no text: its matches are cheap to walk
//     again) first gathers its matches unsorted and unscored. The dates
//     (sort_at) are terms in date order, so counting the matches of each
//     date back from the newest finds the instant from which the page's
//     matches are; the search is then asked again for the matches from
//     that instant on, which Bleve sorts in the whole order (date, then
//     id) and scores as before (a filter does not change scores).
//   - Otherwise (text, or matches too sparse for the dates to be counted
//     cheaply) Bleve sorts by date alone and keeps no ids. Its page is then
//     put in date-then-id order; when the page ends among calls of the
//     same instant, those calls are asked for again by id.
//
// The answers are Bleve's own (TestColumnsSameAsBleve searches each query
// as a first search too).
type firstSearch struct {
	facetFields map[string]string // facet name → field; nil: not counted
	byDate      bool              // the date order, from the first hit
	filtersOnly bool              // no text query

	snap    *scorch.IndexSnapshot
	segs    segmentFinder
	matched []*roaring.Bitmap // by segment: local numbers of the matches
	except  []*roaring.Bitmap // by segment: the documents that did not match
}

// defaultOrder is sortOrder's date order: newest first, then by id.
var defaultOrder = []string{"-sort_at", "_id"}

// newFirstSearch returns the first search of bi for a page from offset in
// order, with facetFields (when not nil) counted from the postings; nil
// when bi is not one scorch index, or there is nothing it does better than
// Bleve.
func newFirstSearch(bi bleve.Index, order []string, offset int, facetFields map[string]string, filtersOnly bool) *firstSearch {
	if !columnsEnabled || !singleScorch(bi) {
		return nil
	}
	fs := &firstSearch{facetFields: facetFields, filtersOnly: filtersOnly}
	fs.byDate = offset == 0 && slices.Equal(order, defaultOrder)
	if !fs.byDate && facetFields == nil {
		return nil
	}
	return fs
}

// run answers req (whose sort is order), with its facets when they are
// counted.
func (fs *firstSearch) run(bi bleve.Index, req *bleve.SearchRequest, order []string) (*bleve.SearchResult, error) {
	sr, err := fs.search(bi, req, order)
	if rerr := fs.release(); err == nil && rerr != nil {
		return nil, rerr
	}
	return sr, err
}

// search is run, holding the snapshot the matches are gathered in.
func (fs *firstSearch) search(bi bleve.Index, req *bleve.SearchRequest, order []string) (*bleve.SearchResult, error) {
	ctx := context.Background()
	if !fs.byDate {
		sr, err := searchBleve(fs.context(ctx), bi, req)
		if err == nil {
			err = fs.setFacets(sr)
		}
		return sr, err
	}
	if fs.filtersOnly {
		sr, ok, err := fs.fromNewest(bi, req)
		if err != nil || ok {
			return sr, err
		}
	}
	req.SortBy(defaultOrder[:1])
	sr, err := searchBleve(fs.gather(ctx), bi, req)
	if err == nil {
		err = fs.setFacets(sr)
	}
	var settled bool
	if err == nil {
		settled, err = fs.settle(ctx, bi, req, sr)
	}
	if err != nil || settled {
		return sr, err
	}
	// A match without a date ends the page: Bleve sorts.
	req.SortBy(order)
	again, err := searchBleve(ctx, bi, req)
	if err == nil {
		again.Facets = sr.Facets
	}
	return again, err
}

// release lets go of the snapshot the matches were gathered in.
func (fs *firstSearch) release() error {
	if fs.snap == nil {
		return nil
	}
	snap := fs.snap
	fs.snap = nil
	return snap.DecRef()
}

// gather returns ctx with the handler that gathers the matches, unless
// they were gathered already or are not needed (no facets to count).
func (fs *firstSearch) gather(ctx context.Context) context.Context {
	if fs.snap != nil || fs.facetFields == nil {
		return ctx
	}
	return fs.context(ctx)
}

// afterGather, when set (by tests), runs after the search that gathered
// the matches, before their segments are read.
var afterGather func()

// setFacets sets sr's facets when they are counted.
func (fs *firstSearch) setFacets(sr *bleve.SearchResult) error {
	if fs.facetFields == nil || sr.Facets != nil {
		return nil
	}
	if afterGather != nil {
		afterGather()
	}
	facets, err := fs.facetResults()
	sr.Facets = facets
	return err
}

// Counting dates pays off when many calls match: Bleve's sort reads each
// match's date (about a microsecond each), counting reads each date of the
// index back from the newest until the page is full (a few microseconds
// each) after finding the newest (a few milliseconds). fromNewest counts
// when at least windowMatches calls match, and gives up after windowDates
// dates.
const (
	windowMatches = 4000
	windowDates   = 1000
)

// windowDatesMax is windowDates, but for the tests.
var windowDatesMax = windowDates

// windowMatchesMin is windowMatches, but for the tests.
var windowMatchesMin = windowMatches

// fromNewest answers req (sorted by date, then id, from its first hit)
// with a first search that gathers the matches and a second restricted to
// the matches from the instant its page starts at. It reports false when
// the dates are not worth counting (or a page would reach matches without
// a date); the matches are gathered then, and the caller's search walks
// them a second time: with fewer than windowMatches matches that walk is
// the cheap part (2–3 ms at 100,000 calls).
func (fs *firstSearch) fromNewest(bi bleve.Index, req *bleve.SearchRequest) (*bleve.SearchResult, bool, error) {
	ctx := context.Background()
	all := bleve.NewSearchRequestOptions(req.Query, 0, 0, false)
	all.Score = "none"
	sr, err := searchBleve(fs.context(ctx), bi, all)
	if err != nil {
		return nil, false, err
	}
	if sr.Total < uint64(max(windowMatchesMin, 1)) {
		return nil, false, nil
	}
	if afterGather != nil {
		afterGather()
	}
	from, ok, err := fs.newestMatches(req.Size, windowDatesMax)
	if err != nil || !ok {
		return nil, false, err
	}
	q := bleve.NewBooleanQuery()
	q.AddMust(req.Query)
	// A second earlier: the window may hold more matches, never fewer.
	q.AddFilter(dateRange(from.Add(-time.Second), time.Time{}))
	page := *req
	page.Query = q
	out, err := searchBleve(ctx, bi, &page)
	if err != nil {
		return nil, false, err
	}
	out.Total, out.Took = sr.Total, out.Took+sr.Took
	return out, true, fs.setFacets(out)
}

// newestMatches returns an instant at or after which at least k matches
// have their date: it counts the matches of each date (the sort_at terms
// of each segment, within the matches) back from the newest date of the
// index, in windows that double from an hour. It reports false when that
// takes more than budget dates, or fewer than k matches have a date.
func (fs *firstSearch) newestMatches(k, budget int) (time.Time, bool, error) {
	var dicts []segment.TermDictionary
	var excepts []*roaring.Bitmap
	for s, ss := range fs.snap.Segments() {
		if fs.matched[s].IsEmpty() {
			continue
		}
		d, err := ss.Segment().Dictionary("sort_at")
		if err != nil {
			return time.Time{}, false, fmt.Errorf("dates: %w", err)
		}
		dicts, excepts = append(dicts, d), append(excepts, fs.exceptOf(s))
	}
	top, ok, err := newestHour(dicts)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	count, seen := 0, 0
	var pl segment.PostingsList
	end := top
	for width := time.Hour; ; width *= 2 {
		from := top.Add(-width)
		if from.Before(sortRangeStart) {
			from = sortRangeStart
		}
		for i, d := range dicts {
			it := d.AutomatonIterator(nil, []byte(sortKey(from)), []byte(sortKey(end)))
			for {
				e, err := it.Next()
				if err != nil {
					return time.Time{}, false, fmt.Errorf("dates: %w", err)
				}
				if e == nil {
					break
				}
				if seen++; seen > budget {
					return time.Time{}, false, nil
				}
				if pl, err = d.PostingsList([]byte(e.Term), excepts[i], pl); err != nil {
					return time.Time{}, false, fmt.Errorf("dates: %w", err)
				}
				count += int(pl.Count())
			}
		}
		if count >= k {
			return from, true, nil
		}
		if !from.After(sortRangeStart) {
			return time.Time{}, false, nil
		}
		end = from
	}
}

// The dates newestMatches looks among: sort keys of other years do not
// sort in time order, or are not a call's.
var (
	sortRangeStart = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	sortRangeEnd   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// newestHour returns the first hour after the newest date of dicts; false
// when a date is outside sortRangeStart–sortRangeEnd. Each dictionary is
// searched only above the newest hour of those before it: one look for
// most.
func newestHour(dicts []segment.TermDictionary) (time.Time, bool, error) {
	top := sortRangeStart
	for _, d := range dicts {
		has, err := termFrom(d, sortKey(top))
		if err != nil {
			return time.Time{}, false, err
		}
		if !has {
			continue
		}
		lo, hi := top, sortRangeEnd
		if has, err = termFrom(d, sortKey(hi)); err != nil || has {
			return time.Time{}, false, err
		}
		for hi.Sub(lo) > time.Hour {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Hour)
			if !mid.After(lo) {
				mid = lo.Add(time.Hour)
			}
			if has, err = termFrom(d, sortKey(mid)); err != nil {
				return time.Time{}, false, err
			}
			if has {
				lo = mid
			} else {
				hi = mid
			}
		}
		top = hi
	}
	return top, true, nil
}

// termFrom reports whether d holds a term at or after from.
func termFrom(d segment.TermDictionary, from string) (bool, error) {
	e, err := d.AutomatonIterator(nil, []byte(from), nil).Next()
	if err != nil {
		return false, fmt.Errorf("dates: %w", err)
	}
	return e != nil, nil
}

// exceptOf returns the documents of segment s that did not match.
func (fs *firstSearch) exceptOf(s int) *roaring.Bitmap {
	if fs.except == nil {
		fs.except = make([]*roaring.Bitmap, len(fs.matched))
	}
	if fs.except[s] == nil {
		fs.except[s] = roaring.Flip(fs.matched[s], 0, fs.snap.Segments()[s].Segment().Count())
	}
	return fs.except[s]
}

// context returns ctx with the document match handler that gathers the
// matches.
func (fs *firstSearch) context(ctx context.Context) context.Context {
	return withMatchHandler(ctx, fs.makeHandler)
}

func (fs *firstSearch) makeHandler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	snap, err := snapshotOf(sctx)
	if err != nil {
		return nil, false, err
	}
	// The snapshot's segments are read after the search (facets, dates):
	// keep it, or a merge that ends meanwhile closes them (unmaps their
	// files) under us. run releases it.
	snap.AddRef()
	fs.release()
	fs.snap, fs.segs, fs.matched, fs.except = snap, newSegmentFinder(snap), nil, nil
	for range snap.Segments() {
		fs.matched = append(fs.matched, roaring.New())
	}
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil || next == nil {
		return next, loadID, err
	}
	return func(d *search.DocumentMatch) error {
		if d != nil {
			s, local := fs.segs.find(d.IndexInternalID.Value())
			fs.matched[s].Add(uint32(local))
		}
		return next(d)
	}, loadID, nil
}

// facetResults counts each facet value's matches: the size of its
// postings list within each segment's matches. A match with a value
// several times counts once, as in Bleve's facet builder, which counts
// the distinct values of a document's doc values.
func (fs *firstSearch) facetResults() (search.FacetResults, error) {
	counts := map[string]map[string]int{}
	for _, field := range fs.facetFields {
		counts[field] = map[string]int{}
	}
	if fs.snap != nil {
		for s, ss := range fs.snap.Segments() {
			if fs.matched[s].IsEmpty() {
				continue
			}
			// A postings list counts the documents it holds outside
			// except: the segment's documents that did not match.
			for field, byTerm := range counts {
				if err := countTerms(ss.Segment(), field, fs.exceptOf(s), byTerm); err != nil {
					return nil, err
				}
			}
		}
	}
	return facetsOf(fs.facetFields, counts), nil
}

// countTerms adds to byTerm the documents of seg outside except that hold
// each term of field.
func countTerms(seg segment.Segment, field string, except *roaring.Bitmap, byTerm map[string]int) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("terms of %s: %w", field, err)
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("terms of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if pl, err = dict.PostingsList([]byte(e.Term), except, pl); err != nil {
			return fmt.Errorf("postings of %s:%s: %w", field, e.Term, err)
		}
		if n := pl.Count(); n > 0 {
			byTerm[e.Term] += int(n)
		}
	}
}

// facetsOf makes the facets of the counts (field → term → count) as
// Bleve's facet builder gives them: the terms by count (then term), at
// most facetScan of them.
func facetsOf(facetFields map[string]string, counts map[string]map[string]int) search.FacetResults {
	out := search.FacetResults{}
	for name, field := range facetFields {
		r := &search.FacetResult{Field: field, Terms: &search.TermFacets{}}
		for term, n := range counts[field] {
			r.Terms.Add(&search.TermFacet{Term: term, Count: n})
		}
		sort.Sort(r.Terms)
		r.Terms.TrimToTopN(min(facetScan, r.Terms.Len()))
		out[name] = r
	}
	return out
}

// settle puts the hits of a search sorted by date alone (req, answered by
// sr) in date-then-id order, asking again for the matches of the page's
// last instant when the page ends among them. It reports false when it
// cannot (a match without a date ends the page): the caller then searches
// with the whole order.
func (fs *firstSearch) settle(ctx context.Context, bi bleve.Index, req *bleve.SearchRequest, sr *bleve.SearchResult) (bool, error) {
	hits := sr.Hits
	if len(hits) == 0 {
		return true, nil
	}
	if uint64(len(hits)) < sr.Total {
		last := hits[len(hits)-1].Sort[0]
		if last == search.LowTerm {
			return false, nil
		}
		kept := hits[:0:0]
		for _, h := range hits {
			if h.Sort[0] != last {
				kept = append(kept, h)
			}
		}
		sameInstant := bleve.NewTermQuery(last)
		sameInstant.SetField("sort_at")
		q := bleve.NewBooleanQuery()
		q.AddMust(req.Query)
		q.AddFilter(sameInstant)
		again := bleve.NewSearchRequestOptions(q, len(hits)-len(kept), 0, false)
		again.SortBy([]string{"_id"})
		again.Fields, again.IncludeLocations = req.Fields, req.IncludeLocations
		more, err := searchBleve(ctx, bi, again)
		if err != nil {
			return false, err
		}
		sortByDateThenID(kept)
		sr.Hits = append(kept, more.Hits...)
		return true, nil
	}
	sortByDateThenID(hits)
	return true, nil
}

// sortByDateThenID sorts hits sorted by date alone (newest first, those
// without a date last) in date-then-id order.
func sortByDateThenID(hits search.DocumentMatchCollection) {
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Sort[0] != b.Sort[0] {
			if a.Sort[0] == search.LowTerm || b.Sort[0] == search.LowTerm {
				return b.Sort[0] == search.LowTerm
			}
			return a.Sort[0] > b.Sort[0]
		}
		return a.ID < b.ID
	})
}
