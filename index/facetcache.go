package index

import (
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// The facets and total of a search depend only on what it matches, not on
// the page or the order, and the index changes only when a writer commits.
// Search keeps them per query and index state, so that paging, sorting and
// asking again (the console's links, its previous/next, the same filters
// from many supervisors) read only the page's hits instead of counting the
// facets over every match each time.
type facetEntry struct {
	facets      map[string][]FacetCount
	facetTotals map[string]int
}

// facetCacheSize bounds the cache: entries hold at most FacetLimit values
// of four facets.
const facetCacheSize = 256

var facetCache = struct {
	sync.Mutex
	m     map[string]*facetEntry
	order []string // oldest first
}{m: map[string]*facetEntry{}}

// indexState names the state of every index under bi: each one's identity
// and its segments (id, live documents, size). A commit, a merge or a
// deletion adds or replaces a segment, so it changes the state. It is ""
// when bi is not made of scorch indexes: then nothing is cached.
func indexState(bi bleve.Index) string {
	var b strings.Builder
	ok := true
	visit := func(i bleve.Index) {
		adv, err := i.Advanced()
		if err != nil {
			ok = false
			return
		}
		s, isScorch := adv.(*scorch.Scorch)
		if !isScorch {
			ok = false
			return
		}
		r, err := s.Reader()
		if err != nil {
			ok = false
			return
		}
		defer r.Close()
		snap, isSnap := r.(*scorch.IndexSnapshot)
		if !isSnap {
			ok = false
			return
		}
		fmt.Fprintf(&b, "%p:", adv)
		for _, seg := range snap.Segments() {
			fmt.Fprintf(&b, "%d/%d/%d,", seg.Id(), seg.Count(), seg.FullSize())
		}
		b.WriteByte(';')
	}
	if alias, isAlias := bi.(interface{ VisitIndexes(func(bleve.Index)) }); isAlias {
		var members []bleve.Index
		alias.VisitIndexes(func(i bleve.Index) { members = append(members, i) })
		if len(members) == 0 {
			return ""
		}
		for _, m := range members {
			visit(m)
		}
	} else {
		visit(bi)
	}
	if !ok {
		return ""
	}
	return b.String()
}

// facetKey is the cache key of q's facets on an index in state, or "" for
// a query not cached (one restricted to lists of documents, which can be
// long and change with the decisions database, not with the index).
func facetKey(state string, q Query) string {
	if state == "" || q.DocIDs != nil || len(q.ExcludeDocIDs) > 0 {
		return ""
	}
	q.Limit, q.Offset, q.Sort = 0, 0, ""
	return fmt.Sprintf("%s|%#v", state, q)
}

func cachedFacets(key string) *facetEntry {
	if key == "" {
		return nil
	}
	facetCache.Lock()
	defer facetCache.Unlock()
	return facetCache.m[key]
}

func storeFacets(key string, e *facetEntry) {
	if key == "" {
		return
	}
	facetCache.Lock()
	defer facetCache.Unlock()
	if _, ok := facetCache.m[key]; ok {
		return
	}
	if len(facetCache.order) >= facetCacheSize {
		delete(facetCache.m, facetCache.order[0])
		facetCache.order = facetCache.order[1:]
	}
	facetCache.m[key] = e
	facetCache.order = append(facetCache.order, key)
}

// copyFacets returns the facets of e as new maps and slices: callers may
// change what Search returns.
func (e *facetEntry) copyFacets() (map[string][]FacetCount, map[string]int) {
	facets := make(map[string][]FacetCount, len(e.facets))
	for k, v := range e.facets {
		facets[k] = append([]FacetCount(nil), v...)
	}
	var totals map[string]int
	if e.facetTotals != nil {
		totals = make(map[string]int, len(e.facetTotals))
		for k, v := range e.facetTotals {
			totals[k] = v
		}
	}
	return facets, totals
}
