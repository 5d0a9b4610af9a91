package analyzer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/textnorm"
)

// termIndex finds every term of every rule in one pass over a turn. Terms
// are normalized like the text and kept in a trie of runes: from each rune
// of the text the walk goes only as deep as some term goes on matching, so
// the cost follows the text, not the number of terms.
type termIndex struct {
	ids   map[string]int
	terms []string
	// blooms holds each term's runeBloom, for findRaw.
	blooms []runeBloom
	trie   []trieNode // trie[0] is the root
	// rootBMP is the root's children for the Basic Multilingual Plane,
	// by rune (0: none): the root is looked up at every rune of a turn,
	// and an array is cheaper than its map.
	rootBMP []int32
	// edges holds every node's children (see trieNode); nil until freeze.
	edges []edge
	// particles are the sentence particles a one-character term may be
	// followed by inside its word (prepared.aligned).
	particles map[rune]bool
	// watched are the term sets that patterns and proximity frames need
	// all of (compiled.needs, compiledNear.needs), each once, by number;
	// watchIDs finds a set's number by its ids. Many rules need the same
	// concept class, and a turn is asked about each set by every rule
	// whose words it holds: find works out once per turn which sets it
	// holds a term of, from memberOf (per term, the sets holding it;
	// built by freeze).
	watched  [][]int
	watchIDs map[string]int32
	memberOf [][]int32
}

// watchAll numbers each of sets among the watched sets, the same set
// (the same ids) once.
func (x *termIndex) watchAll(sets []termSet) {
	if x.watchIDs == nil {
		x.watchIDs = map[string]int32{}
	}
	for i := range sets {
		key := fmt.Sprint(sets[i].ids)
		w, ok := x.watchIDs[key]
		if !ok {
			w = int32(len(x.watched))
			x.watchIDs[key] = w
			x.watched = append(x.watched, sets[i].ids)
			x.memberOf = nil
		}
		sets[i].watch = w
	}
}

// freeze lays the children of every node out in edges, for find. Terms
// added later unfreeze the index.
func (x *termIndex) freeze() {
	x.edges = x.edges[:0]
	for i := range x.trie {
		n := &x.trie[i]
		n.kids, n.nkids = int32(len(x.edges)), int32(len(n.next))
		for r, c := range n.next {
			x.edges = append(x.edges, edge{r, c})
		}
		slices.SortFunc(x.edges[n.kids:], func(a, b edge) int { return cmp.Compare(a.r, b.r) })
	}
	if x.edges == nil {
		x.edges = []edge{}
	}
	x.memberOf = make([][]int32, len(x.terms))
	for w, ids := range x.watched {
		for _, id := range ids {
			if m := x.memberOf[id]; len(m) == 0 || m[len(m)-1] != int32(w) {
				x.memberOf[id] = append(m, int32(w))
			}
		}
	}
}

// child returns node's child for r.
func (x *termIndex) child(node int32, r rune) (int32, bool) {
	if x.edges == nil {
		c, ok := x.trie[node].next[r]
		return c, ok
	}
	n := x.trie[node]
	kids := x.edges[n.kids : n.kids+n.nkids]
	if len(kids) > 8 {
		i, ok := slices.BinarySearchFunc(kids, r, func(e edge, r rune) int { return cmp.Compare(e.r, r) })
		if !ok {
			return 0, false
		}
		return kids[i].child, true
	}
	for _, e := range kids {
		if e.r == r {
			return e.child, true
		} else if e.r > r {
			break
		}
	}
	return 0, false
}

type trieNode struct {
	next map[rune]int32
	term int32 // the term ending here, or -1
	// deep says a term of three or more characters ends at or below this
	// node: only such terms can match away from a word start.
	deep bool
	// edges[kids:kids+nkids] are next sorted by rune, once freeze has run:
	// most nodes have a few children, and a short scan of one array is
	// cheaper than a map lookup at every rune of a turn.
	kids, nkids int32
}

// edge is one child of a trie node.
type edge struct {
	r     rune
	child int32
}

func newTermIndex() *termIndex {
	return &termIndex{ids: map[string]int{}, trie: []trieNode{{term: -1}}, rootBMP: make([]int32, 1<<16)}
}

// child returns the root's child for rune r.
func (x *termIndex) rootChild(r rune) (int32, bool) {
	if r < 1<<16 && x.rootBMP != nil {
		c := x.rootBMP[r]
		return c, c != 0
	}
	c, ok := x.trie[0].next[r]
	return c, ok
}

// add registers a term and returns its id; the empty string gets -1.
func (x *termIndex) add(term string) int {
	n := textnorm.Normalize(term).Text
	if n == "" {
		return -1
	}
	if id, ok := x.ids[n]; ok {
		return id
	}
	id := len(x.terms)
	x.ids[n] = id
	x.edges, x.memberOf = nil, nil
	x.terms = append(x.terms, n)
	x.blooms = append(x.blooms, bloomOf(n))
	node := int32(0)
	deep := utf8.RuneCountInString(n) >= 3
	for _, r := range n {
		child, ok := x.trie[node].next[r]
		if !ok {
			child = int32(len(x.trie))
			x.trie = append(x.trie, trieNode{term: -1})
			if x.trie[node].next == nil {
				x.trie[node].next = map[rune]int32{}
			}
			x.trie[node].next[r] = child
		}
		node = child
		x.trie[node].deep = x.trie[node].deep || deep
	}
	x.trie[node].term = int32(id)
	if x.rootBMP != nil {
		r, _ := utf8.DecodeRuneInString(n)
		if r < 1<<16 {
			x.rootBMP[r] = x.trie[0].next[r]
		}
	}
	return id
}

func (x *termIndex) addAll(terms []string) []int {
	ids := make([]int, 0, len(terms))
	for _, t := range terms {
		if id := x.add(t); id >= 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// occurrence is one term found in a turn, before they are grouped by term.
type occurrence struct {
	id int32
	s  span
}

// find records in p the occurrences of every term that stands as a word
// of its own (see prepared.aligned): p.ids, the terms found in increasing
// order, and their spans grouped by term, in text order within a term.
// The walk appends to one slice; grouping is one sort at the end, cheaper
// than a map assignment at every occurrence of the common words (你, 还,
// 会) that the concept classes hold.
func (x *termIndex) find(p *prepared) {
	found := p.found[:0]
	p.ids, p.idStart, p.spans = p.ids[:0], p.idStart[:0], p.spans[:0]
	t := p.norm.Text
	p.bloom = runeBloom{}
	// The watched sets the turn holds a term of, filled in below once the
	// terms are known (none, if the walk finds nothing).
	p.watching = x.memberOf != nil
	if p.watching {
		n := (len(x.watched) + 63) / 64
		p.watched = slices.Grow(p.watched[:0], n)[:n]
		clear(p.watched)
	}
	for i, r := range t {
		p.bloom.add(r)
		node, ok := x.rootChild(r)
		if !ok {
			continue
		}
		// A term of one or two characters stands as a word only from the
		// start of a word (prepared.aligned): elsewhere only the longer
		// terms under this node can match.
		short := isTokStart(p, i)
		if !short && !x.trie[node].deep {
			continue
		}
		depth := 1
		_, w := utf8.DecodeRuneInString(t[i:])
		for j := i + w; ok; depth++ {
			if id := x.trie[node].term; id >= 0 && (depth >= 3 || short && p.alignedShort(i, j, depth)) {
				first, last := p.wordsOf(i, j)
				found = append(found, occurrence{id: id, s: newSpan(i, j, first, last)})
			}
			if j >= len(t) {
				break
			}
			c, size := utf8.DecodeRuneInString(t[j:])
			node, ok = x.child(node, c)
			j += size
			if ok && !short && !x.trie[node].deep {
				break
			}
		}
	}
	p.found = found
	if len(found) == 0 {
		return
	}
	// Grouped by term, each term's occurrences in text order: a term
	// occurs at most once per start, so (id, start) orders them fully,
	// as a stable sort by id would.
	slices.SortFunc(found, func(a, b occurrence) int {
		if c := cmp.Compare(a.id, b.id); c != 0 {
			return c
		}
		return cmp.Compare(a.s.start, b.s.start)
	})
	words := (len(x.terms) + 63) / 64
	p.present = slices.Grow(p.present[:0], words)[:words]
	clear(p.present)
	p.spans = slices.Grow(p.spans, len(found))[:len(found)]
	for k, o := range found {
		p.spans[k] = o.s
		if k == 0 || o.id != found[k-1].id {
			p.ids = append(p.ids, int(o.id))
			p.idStart = append(p.idStart, int32(k))
			p.present[o.id/64] |= 1 << (o.id % 64)
		}
	}
	p.idStart = append(p.idStart, int32(len(found)))
	if p.watching {
		for _, id := range p.ids {
			for _, w := range x.memberOf[id] {
				p.watched[w/64] |= 1 << (w % 64)
			}
		}
	}
}

// findRaw returns every occurrence of the terms ids, aligned or not. It is
// for exceptions, which are whole phrases checked against a match.
func (x *termIndex) findRaw(p *prepared, ids []int) []span {
	var out []span
	for _, id := range ids {
		if !p.bloom.covers(&x.blooms[id]) {
			continue // a rune of the term is not in the turn
		}
		term := x.terms[id]
		t := p.norm.Text
		for off := 0; ; {
			i := strings.Index(t[off:], term)
			if i < 0 {
				break
			}
			s := off + i
			first, last := p.wordsOf(s, s+len(term))
			out = append(out, newSpan(s, s+len(term), first, last))
			off = s + len(term)
		}
	}
	return out
}

// releaseTurns gives the turns back to the pool (preparedPool); they must
// not be used afterwards.
func releaseTurns(turns []*prepared) {
	for _, p := range turns {
		if p == nil {
			continue
		}
		p.norm = textnorm.Normalized{}
		p.ids, p.idStart = p.ids[:0], p.idStart[:0]
		p.present = p.present[:0]
		preparedPool.Put(p)
	}
}
