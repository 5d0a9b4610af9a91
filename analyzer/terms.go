package analyzer

import (
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
)

// termIndex finds every term of every rule in one pass over a turn. Terms
// are normalized like the text and grouped by their first rune; at each
// rune of the text only the terms that start with it are tried.
type termIndex struct {
	ids     map[string]int
	terms   []string
	byFirst map[rune][]int
}

func newTermIndex() *termIndex {
	return &termIndex{ids: map[string]int{}, byFirst: map[rune][]int{}}
}

// add registers a term and returns its id; the empty string gets -1.
func (x *termIndex) add(term string) int {
	n := corpus.Normalize(term).Text
	if n == "" {
		return -1
	}
	if id, ok := x.ids[n]; ok {
		return id
	}
	id := len(x.terms)
	x.ids[n] = id
	x.terms = append(x.terms, n)
	r, _ := utf8.DecodeRuneInString(n)
	x.byFirst[r] = append(x.byFirst[r], id)
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

// find returns the occurrences of every term that stands as a word of its
// own (see prepared.aligned), keyed by term id.
func (x *termIndex) find(p *prepared) map[int][]span {
	var occ map[int][]span // most turns hold few terms; nil until one
	t := p.norm.Text
	for i, r := range t {
		for _, id := range x.byFirst[r] {
			term := x.terms[id]
			if !strings.HasPrefix(t[i:], term) {
				continue
			}
			e := i + len(term)
			if !p.aligned(i, e) {
				continue
			}
			first, last := p.wordsOf(i, e)
			if occ == nil {
				occ = map[int][]span{}
			}
			occ[id] = append(occ[id], newSpan(i, e, first, last))
		}
	}
	return occ
}

// findRaw returns every occurrence of the terms ids, aligned or not. It is
// for exceptions, which are whole phrases checked against a match.
func (x *termIndex) findRaw(p *prepared, ids []int) []span {
	var out []span
	for _, id := range ids {
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
