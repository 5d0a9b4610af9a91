package index

import (
	"context"
	"fmt"
	"sort"

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
// tie-break of the date order) and 25% decoding each match's doc values
// for the four facets. firstSearch does without both:
//
//   - Facets are counted from the postings: the matches of each segment
//     are gathered in a bitmap as Bleve collects them, and a facet value's
//     count is the size of its postings list within that bitmap. That is
//     per facet value and segment, not per match.
//   - Bleve sorts by date alone and keeps no ids. Its page is then put in
//     date-then-id order; when the page ends among calls of the same
//     instant, those calls are asked for again by id (the query, filtered
//     to that instant: a filter does not change the scores).
//
// The answers are Bleve's own (TestColumnsSameAsBleve searches each query
// as a first search too).
type firstSearch struct {
	facetFields map[string]string // facet name → field; nil: not counted
	byDate      bool              // Bleve sorts by date alone; settle the ties

	snap    *scorch.IndexSnapshot
	offsets []uint64          // first global document number of each segment
	matched []*roaring.Bitmap // by segment: local numbers of the matches
	last    int
}

// defaultOrder is sortOrder's date order: newest first, then by id.
var defaultOrder = []string{"-sort_at", "_id"}

// newFirstSearch sets req up for a first search of bi: sorted by date
// alone when order is the date order and the page starts at the first
// hit, and with facetFields (when not nil) counted from the postings
// instead of asked of Bleve. It returns nil, leaving req as it is, when
// bi is not one scorch index, or neither applies.
func newFirstSearch(bi bleve.Index, req *bleve.SearchRequest, order []string, offset int, facetFields map[string]string) *firstSearch {
	if !columnsEnabled || !singleScorch(bi) {
		return nil
	}
	fs := &firstSearch{facetFields: facetFields}
	if offset == 0 && equalStrings(order, defaultOrder) {
		fs.byDate = true
		req.SortBy(defaultOrder[:1])
	}
	if !fs.byDate && facetFields == nil {
		return nil
	}
	return fs
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// context returns ctx with the document match handler that gathers the
// matches, when facets are to be counted.
func (fs *firstSearch) context(ctx context.Context) context.Context {
	if fs.facetFields == nil {
		return ctx
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(fs.makeHandler))
}

func (fs *firstSearch) makeHandler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, fmt.Errorf("search reader %T is not a scorch snapshot", sctx.IndexReader)
	}
	fs.snap, fs.offsets, fs.matched = snap, nil, nil
	var running uint64
	for _, ss := range snap.Segments() {
		fs.offsets = append(fs.offsets, running)
		fs.matched = append(fs.matched, roaring.New())
		running += ss.Segment().Count()
	}
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil || next == nil {
		return next, loadID, err
	}
	return func(d *search.DocumentMatch) error {
		if d != nil {
			doc := d.IndexInternalID.Value()
			s := fs.last
			if s >= len(fs.offsets) || doc < fs.offsets[s] || (s+1 < len(fs.offsets) && doc >= fs.offsets[s+1]) {
				s = sort.Search(len(fs.offsets), func(i int) bool { return fs.offsets[i] > doc }) - 1
				fs.last = s
			}
			fs.matched[s].Add(uint32(doc - fs.offsets[s]))
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
			seg := ss.Segment()
			// A postings list counts the documents it holds outside
			// except: the segment's documents that did not match.
			except := roaring.Flip(fs.matched[s], 0, seg.Count())
			for field, byTerm := range counts {
				if err := countTerms(seg, field, except, byTerm); err != nil {
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
