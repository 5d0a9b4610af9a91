package index

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Columns: a search that asks for facets or sorts by date reads, for every
// match, the doc values of five fields (the facets' and sort_at), each
// decoded from a compressed chunk, and the document's id (the tie-break of
// the date order) from its stored fields. At 100,000 calls that was a
// third of a free-text search. A segment never changes once written, so
// Search reads those values once per segment into columns (local document
// number → value or facet codes) and, for each match, counts the facets
// and takes its sort values from them: an array lookup. The answers are
// the ones Bleve gives: the columns hold what Bleve's own sort and facet
// builders see (TestColumnsSameAsBleve).

// columnFacetFields are the fields whose values the columns hold for
// facets: the calls' and the findings' facet fields (Search).
var columnFacetFields = []string{"categories", "category", "team", "agent", "month"}

// columnsEnabled turns the columns on; the tests turn them off to compare
// with Bleve's own facets and sort.
var columnsEnabled = true

// facetColumn holds one field's values: document d has the terms
// values[codes[start[d]:start[d+1]]], in the order Bleve visits them.
type facetColumn struct {
	values []string
	start  []uint32
	codes  []uint32
}

// segColumns are the columns of one segment, by local document number.
type segColumns struct {
	sortAt []string // Bleve's sort value of -sort_at (search.SortField.Value)
	ids    []string
	facets []facetColumn // as columnFacetFields
	field  map[string]int
}

// columnCacheSize bounds the segments whose columns are kept, least
// recently used out.
const columnCacheSize = 256

type columnEntry struct {
	once sync.Once
	cols *segColumns
	err  error
	used uint64
}

var columnCache = struct {
	sync.Mutex
	m    map[segment.Segment]*columnEntry
	tick uint64
}{m: map[segment.Segment]*columnEntry{}}

// segmentColumns returns the columns of seg, reading them the first time.
// The cache holds the segment itself as its key, so a key never names
// another segment that took a freed one's place.
func segmentColumns(seg segment.Segment) (*segColumns, error) {
	columnCache.Lock()
	columnCache.tick++
	e := columnCache.m[seg]
	if e == nil {
		e = &columnEntry{}
		columnCache.m[seg] = e
		if len(columnCache.m) > columnCacheSize {
			var oldest segment.Segment
			for k, v := range columnCache.m {
				if k != seg && (oldest == nil || v.used < columnCache.m[oldest].used) {
					oldest = k
				}
			}
			delete(columnCache.m, oldest)
		}
	}
	e.used = columnCache.tick
	columnCache.Unlock()
	e.once.Do(func() { e.cols, e.err = readColumns(seg) })
	return e.cols, e.err
}

// readColumns reads the sort value, id and facet values of every document
// of seg (deleted ones too: they never match).
func readColumns(seg segment.Segment) (*segColumns, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("segment %T has no doc values", seg)
	}
	n := int(seg.Count())
	c := &segColumns{sortAt: make([]string, n), ids: make([]string, n), facets: make([]facetColumn, len(columnFacetFields)), field: map[string]int{}}
	codes := make([]map[string]uint32, len(columnFacetFields))
	for i, f := range columnFacetFields {
		c.field[f] = i
		codes[i] = map[string]uint32{}
		c.facets[i].start = make([]uint32, 1, n+1)
	}
	byDate, ok := search.ParseSearchSortString("-sort_at").(*search.SortField)
	if !ok {
		return nil, fmt.Errorf("-sort_at is not a field sort")
	}
	fields := append([]string{"sort_at"}, columnFacetFields...)
	var state segment.DocVisitState
	var err error
	interned := map[string]string{}
	visit := func(field string, term []byte) {
		if field == "sort_at" {
			byDate.UpdateVisitor(field, term)
			return
		}
		i := c.field[field]
		code, seen := codes[i][string(term)]
		if !seen {
			code = uint32(len(c.facets[i].values))
			codes[i][string(term)] = code
			c.facets[i].values = append(c.facets[i].values, string(term))
		}
		c.facets[i].codes = append(c.facets[i].codes, code)
	}
	dm := &search.DocumentMatch{}
	for d := 0; d < n; d++ {
		if state, err = dv.VisitDocValues(uint64(d), fields, visit, state); err != nil {
			return nil, err
		}
		v := byDate.Value(dm)
		if s, ok := interned[v]; ok {
			v = s
		} else {
			interned[v] = v
		}
		c.sortAt[d] = v
		id, err := seg.DocID(uint64(d))
		if err != nil {
			return nil, err
		}
		c.ids[d] = string(id)
		for i := range c.facets {
			c.facets[i].start = append(c.facets[i].start, uint32(len(c.facets[i].codes)))
		}
	}
	return c, nil
}

// snapColumns are the columns of the segments of one index snapshot,
// found by global document number (Bleve's IndexInternalID).
type snapColumns struct {
	segmentFinder
	segs []*segColumns
}

func columnsOf(snap *scorch.IndexSnapshot) (*snapColumns, error) {
	v := &snapColumns{segmentFinder: newSegmentFinder(snap)}
	for _, ss := range snap.Segments() {
		cols, err := segmentColumns(ss.Segment())
		if err != nil {
			return nil, err
		}
		v.segs = append(v.segs, cols)
	}
	return v, nil
}

// segmentFinder finds the segment of a global document number of one
// snapshot.
type segmentFinder struct {
	offsets []uint64 // first global document number of each segment
	last    int      // the segment of the last lookup: matches come in order
}

func newSegmentFinder(snap *scorch.IndexSnapshot) segmentFinder {
	var f segmentFinder
	var running uint64
	for _, ss := range snap.Segments() {
		f.offsets = append(f.offsets, running)
		running += ss.Segment().Count()
	}
	return f
}

// find returns the segment index and local number of a global document
// number.
func (f *segmentFinder) find(doc uint64) (int, int) {
	s := f.last
	if s >= len(f.offsets) || doc < f.offsets[s] || (s+1 < len(f.offsets) && doc >= f.offsets[s+1]) {
		s = sort.Search(len(f.offsets), func(i int) bool { return f.offsets[i] > doc }) - 1
		f.last = s
	}
	return s, int(doc - f.offsets[s])
}

// withMatchHandler returns ctx with the maker of the handler Bleve's
// collector gives each match to.
func withMatchHandler(ctx context.Context, maker search.MakeDocumentMatchHandler) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, maker)
}

// snapshotOf returns the scorch snapshot a search reads.
func snapshotOf(sctx *search.SearchContext) (*scorch.IndexSnapshot, error) {
	snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search reader %T is not a scorch snapshot", sctx.IndexReader)
	}
	return snap, nil
}

// columnSearch is one Search's use of the columns: the sorts read their
// values from them, and the facets of the matches are counted in them.
type columnSearch struct {
	view        *snapColumns
	facetFields map[string]string // facet name → field; nil: no facets
	counts      [][][]int         // segment, facet field index → count by code
}

// columnSort is a sort key read from the columns: the date (Bleve's
// "-sort_at") or the document id ("_id").
type columnSort struct {
	cs   *columnSearch
	id   bool
	desc bool
}

func (s *columnSort) UpdateVisitor(string, []byte) {}

func (s *columnSort) Value(d *search.DocumentMatch) string {
	seg, local := s.cs.view.find(d.IndexInternalID.Value())
	if s.id {
		return s.cs.view.segs[seg].ids[local]
	}
	return s.cs.view.segs[seg].sortAt[local]
}

func (s *columnSort) DecodeValue(v string) string { return v }
func (s *columnSort) Descending() bool            { return s.desc }
func (s *columnSort) RequiresDocID() bool         { return false }
func (s *columnSort) RequiresScoring() bool       { return false }
func (s *columnSort) RequiresFields() []string    { return nil }
func (s *columnSort) Reverse()                    { s.desc = !s.desc }
func (s *columnSort) Copy() search.SearchSort     { c := *s; return &c }

// singleScorch reports whether bi is one scorch index, or an alias of one:
// the columns follow one snapshot's document numbers.
func singleScorch(bi bleve.Index) bool {
	if alias, ok := bi.(interface{ VisitIndexes(func(bleve.Index)) }); ok {
		var members []bleve.Index
		alias.VisitIndexes(func(i bleve.Index) { members = append(members, i) })
		if len(members) != 1 {
			return false
		}
		bi = members[0]
	}
	adv, err := bi.Advanced()
	if err != nil {
		return false
	}
	_, ok := adv.(*scorch.Scorch)
	return ok
}

// newColumnSearch sets req up to sort by columns (order as sortOrder
// gives it) and, when facetFields is not nil, to count those facets in
// them instead of asking Bleve; it returns nil, leaving req as it is, when
// the columns cannot serve bi.
func newColumnSearch(bi bleve.Index, req *bleve.SearchRequest, order []string, facetFields map[string]string) *columnSearch {
	if !columnsEnabled || !singleScorch(bi) || !searchedBefore(bi) {
		return nil
	}
	cs := &columnSearch{facetFields: facetFields}
	sorts := make(search.SortOrder, 0, len(order))
	for _, o := range order {
		switch o {
		case "-sort_at":
			sorts = append(sorts, &columnSort{cs: cs, desc: true})
		case "_id":
			sorts = append(sorts, &columnSort{cs: cs, id: true})
		default:
			sorts = append(sorts, search.ParseSearchSortString(o))
		}
	}
	req.Sort = sorts
	return cs
}

// searched counts the searches of each index by its name, the folder
// (string → *atomic.Int64): a name, unlike the index itself, does not keep
// a closed index alive.
var searched sync.Map

// searchedBefore reports whether the index bi (or the one index of the
// alias bi) was searched before in this process.
// Reading the columns costs a pass over every document of the index (0.3 s
// and 300 MB at 100,000 calls): it pays off over a server's many
// searches, not for the one search of a command (callqa search), which
// therefore keeps Bleve's own sort and facets.
func searchedBefore(bi bleve.Index) bool {
	if alias, ok := bi.(interface{ VisitIndexes(func(bleve.Index)) }); ok {
		alias.VisitIndexes(func(i bleve.Index) { bi = i })
	}
	v, _ := searched.LoadOrStore(bi.Name(), new(atomic.Int64))
	return v.(*atomic.Int64).Add(1) > 1
}

// context returns ctx with the document match handler that sets the
// columns up for the snapshot searched and counts the facets.
func (cs *columnSearch) context(ctx context.Context) context.Context {
	return withMatchHandler(ctx, cs.makeHandler)
}

func (cs *columnSearch) makeHandler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	snap, err := snapshotOf(sctx)
	if err != nil {
		return nil, false, err
	}
	view, err := columnsOf(snap)
	if err != nil {
		return nil, false, err
	}
	cs.view = view
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil || next == nil {
		return next, loadID, err
	}
	if cs.facetFields == nil {
		return next, loadID, nil
	}
	cs.counts = make([][][]int, len(view.segs))
	for s, cols := range view.segs {
		cs.counts[s] = make([][]int, len(cols.facets))
		for i := range cols.facets {
			cs.counts[s][i] = make([]int, len(cols.facets[i].values))
		}
	}
	var wanted []int
	for _, field := range cs.facetFields {
		wanted = append(wanted, view.segsField(field))
	}
	return func(d *search.DocumentMatch) error {
		if d != nil {
			s, local := view.find(d.IndexInternalID.Value())
			cols, counts := view.segs[s], cs.counts[s]
			for _, i := range wanted {
				fc := &cols.facets[i]
				for _, code := range fc.codes[fc.start[local]:fc.start[local+1]] {
					counts[i][code]++
				}
			}
		}
		return next(d)
	}, loadID, nil
}

// segsField is the index of a facet field in the columns.
func (v *snapColumns) segsField(field string) int {
	for i, f := range columnFacetFields {
		if f == field {
			return i
		}
	}
	panic("index: no column for facet field " + field)
}

// facetResults are the counted facets as Bleve's facet builder gives
// them (facetsOf).
func (cs *columnSearch) facetResults() search.FacetResults {
	counts := map[string]map[string]int{}
	for _, field := range cs.facetFields {
		i := cs.view.segsField(field)
		total := map[string]int{}
		for s, cols := range cs.view.segs {
			for code, n := range cs.counts[s][i] {
				if n > 0 {
					total[cols.facets[i].values[code]] += n
				}
			}
		}
		counts[field] = total
	}
	return facetsOf(cs.facetFields, counts)
}
