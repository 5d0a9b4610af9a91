package analyzer

import (
	"regexp/syntax"
	"unicode/utf8"
)

// btMatcher matches the regular expressions the packs are made of —
// literals, character classes, alternations, groups, optional parts and
// repeats of one character (`[^，。]{0,14}?`), the begin and end of the
// text — by backtracking over the parsed expression, with the choice
// Go's regexp makes: leftmost-first, as Perl would (the first
// alternative that leads to a match, greedy repeats longest first, lazy
// ones shortest first). It is a small fraction of the general matcher's
// cost on these expressions, which are regular only by habit: lists of
// words with a bounded gap between them. compileBacktrack refuses any
// other expression (case folding, word boundaries, repeats of groups…),
// and a match that takes more than maxSteps steps gives up, so the caller
// falls back to package regexp; TestBacktrackSameAsRegexp and
// FuzzBacktrack hold the two to the same matches.
type btMatcher struct {
	root *btNode
	// fromStart: the expression begins with ^, so it can match at 0 only.
	fromStart bool
}

// btNode is one part of an expression.
type btNode struct {
	op    syntax.Op
	runes []rune // a literal's runes; a class's ranges, in pairs
	subs  []*btNode
	// one is set on a class, a one-rune literal or any character: the
	// part matches exactly one rune, which repeats count directly.
	one      bool
	min, max int // repeats (max -1: no bound)
	greedy   bool
	// alts indexes an alternation by first rune: the alternatives that
	// can start with a rune, in order (altAny when the rune has no entry:
	// the alternatives whose first runes are not known). nil: try all.
	alts   map[rune][]int
	altAny []int
	// altBloom has the keys of alts: a rune missing from it needs no
	// lookup.
	altBloom runeBloom
	// bmp marks a class's runes in the Basic Multilingual Plane when the
	// class has many ranges (a list of surnames), nil otherwise.
	bmp []uint64
}

// maxSteps bounds the work of one match attempt.
const maxSteps = 20000

// compileBacktrack returns a matcher for expr, or nil when expr uses
// anything it does not handle.
func compileBacktrack(expr string) *btMatcher {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	root, ok := btCompile(re)
	if !ok {
		return nil
	}
	if root.nullable() {
		return nil // FindAll's rules for empty matches are not worth copying
	}
	m := &btMatcher{root: root}
	first := root
	for first.op == syntax.OpConcat && len(first.subs) > 0 {
		first = first.subs[0]
	}
	m.fromStart = first.op == syntax.OpBeginText
	return m
}

func btCompile(re *syntax.Regexp) (*btNode, bool) {
	if re.Flags&syntax.FoldCase != 0 && (re.Op == syntax.OpLiteral || re.Op == syntax.OpCharClass) {
		return nil, false
	}
	n := &btNode{op: re.Op}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText:
	case syntax.OpLiteral:
		n.runes = re.Rune
		n.one = len(re.Rune) == 1
	case syntax.OpCharClass:
		n.runes = re.Rune
		n.one = true
		if len(re.Rune) > 16 {
			n.bmp = make([]uint64, 1<<16/64)
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for c := re.Rune[i]; c <= re.Rune[i+1] && c < 1<<16; c++ {
					n.bmp[c/64] |= 1 << (c % 64)
				}
			}
		}
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		n.one = true
	case syntax.OpCapture:
		return btCompile(re.Sub[0])
	case syntax.OpConcat, syntax.OpAlternate:
		for _, s := range re.Sub {
			c, ok := btCompile(s)
			if !ok {
				return nil, false
			}
			n.subs = append(n.subs, c)
		}
		if re.Op == syntax.OpAlternate {
			n.indexAlternatives()
		}
	case syntax.OpQuest, syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		c, ok := btCompile(re.Sub[0])
		if !ok {
			return nil, false
		}
		n.subs = []*btNode{c}
		n.greedy = re.Flags&syntax.NonGreedy == 0
		switch re.Op {
		case syntax.OpQuest:
			n.min, n.max = 0, 1
		case syntax.OpStar:
			n.min, n.max = 0, -1
		case syntax.OpPlus:
			n.min, n.max = 1, -1
		default:
			n.min, n.max = re.Min, re.Max
		}
		// A group repeated more than once would need the general
		// matcher's rules for empty iterations; an optional group is a
		// plain choice.
		if !c.one && !(n.min == 0 && n.max == 1) {
			return nil, false
		}
		n.op = syntax.OpRepeat
	default:
		return nil, false
	}
	return n, true
}

// matchOne reports whether n, a one-rune part, matches r.
func (n *btNode) matchOne(r rune) bool {
	switch n.op {
	case syntax.OpLiteral:
		return r == n.runes[0]
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL:
		return r != '\n'
	}
	if n.bmp != nil && r < 1<<16 {
		return n.bmp[r/64]&(1<<(r%64)) != 0
	}
	rs := n.runes
	for i := 0; i+1 < len(rs); i += 2 {
		if r < rs[i] {
			return false
		}
		if r <= rs[i+1] {
			return true
		}
	}
	return false
}

// btCont is what remains to match after a part: the parts of a
// concatenation from index i on, then next.
type btCont struct {
	n    *btNode
	i    int
	next *btCont
}

// btRun is one match attempt over text.
type btRun struct {
	text  string
	steps int
}

// matchAt returns the end of the match that starts at byte p of text
// (-1 for none), and ok false when the attempt ran out of steps.
func (m *btMatcher) matchAt(text string, p int) (end int, ok bool) {
	r := btRun{text: text}
	end = -1
	found := r.match(m.root, p, nil, &end)
	if r.steps > maxSteps {
		return -1, false
	}
	if !found {
		return -1, true
	}
	return end, true
}

// findAll returns the matches of a non-empty expression in text, as
// FindAllStringIndex would; ok is false when an attempt ran out of steps.
func (m *btMatcher) findAll(text string) (out [][]int, ok bool) {
	for p := 0; p <= len(text); {
		if e, ok := m.matchAt(text, p); !ok {
			return nil, false
		} else if e > p {
			out = append(out, []int{p, e})
			p = e
			continue
		}
		if m.fromStart || p == len(text) {
			break
		}
		_, size := utf8.DecodeRuneInString(text[p:])
		p += size
	}
	return out, true
}

// cont matches what k holds from byte p on.
func (r *btRun) cont(p int, k *btCont, end *int) bool {
	if k == nil {
		*end = p
		return true
	}
	if k.i < len(k.n.subs) {
		return r.match(k.n.subs[k.i], p, &btCont{n: k.n, i: k.i + 1, next: k.next}, end)
	}
	return r.cont(p, k.next, end)
}

// match matches n from byte p, then k; on success *end is where the whole
// match ends.
func (r *btRun) match(n *btNode, p int, k *btCont, end *int) bool {
	if r.steps++; r.steps > maxSteps {
		return false
	}
	text := r.text
	switch n.op {
	case syntax.OpEmptyMatch:
		return r.cont(p, k, end)
	case syntax.OpBeginText:
		return p == 0 && r.cont(p, k, end)
	case syntax.OpEndText:
		return p == len(text) && r.cont(p, k, end)
	case syntax.OpLiteral:
		for _, want := range n.runes {
			if p >= len(text) {
				return false
			}
			c, size := utf8.DecodeRuneInString(text[p:])
			if c != want {
				return false
			}
			p += size
		}
		return r.cont(p, k, end)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		if p >= len(text) {
			return false
		}
		c, size := utf8.DecodeRuneInString(text[p:])
		return n.matchOne(c) && r.cont(p+size, k, end)
	case syntax.OpConcat:
		if len(n.subs) == 0 {
			return r.cont(p, k, end)
		}
		return r.match(n.subs[0], p, &btCont{n: n, i: 1, next: k}, end)
	case syntax.OpAlternate:
		if n.alts == nil {
			for _, s := range n.subs {
				if r.match(s, p, k, end) {
					return true
				}
				if r.steps > maxSteps {
					return false
				}
			}
			return false
		}
		which := n.altAny
		if p < len(text) {
			c, _ := utf8.DecodeRuneInString(text[p:])
			if n.altBloom.has(c) {
				if l, ok := n.alts[c]; ok {
					which = l
				}
			}
		}
		for _, i := range which {
			if r.match(n.subs[i], p, k, end) {
				return true
			}
			if r.steps > maxSteps {
				return false
			}
		}
		return false
	case syntax.OpRepeat:
		sub := n.subs[0]
		if !sub.one { // an optional group
			if n.greedy {
				return r.match(sub, p, k, end) || r.steps <= maxSteps && r.cont(p, k, end)
			}
			return r.cont(p, k, end) || r.steps <= maxSteps && r.match(sub, p, k, end)
		}
		return r.repeatOne(n, sub, p, k, end)
	}
	return false
}

// repeatOne matches a repeat of a one-rune part: it counts how many runes
// from p the part matches (up to the bound), then tries the rest after
// each count, most first when greedy, fewest first when lazy.
func (r *btRun) repeatOne(n, sub *btNode, p int, k *btCont, end *int) bool {
	var stack [32]int
	ends := append(stack[:0], p) // ends[i]: after i runes
	text := r.text
	for q := p; n.max < 0 || len(ends)-1 < n.max; {
		if q >= len(text) {
			break
		}
		c, size := utf8.DecodeRuneInString(text[q:])
		if !sub.matchOne(c) {
			break
		}
		q += size
		ends = append(ends, q)
	}
	most := len(ends) - 1
	if most < n.min {
		return false
	}
	if n.greedy {
		for i := most; i >= n.min; i-- {
			if r.cont(ends[i], k, end) {
				return true
			}
			if r.steps > maxSteps {
				return false
			}
		}
		return false
	}
	for i := n.min; i <= most; i++ {
		if r.cont(ends[i], k, end) {
			return true
		}
		if r.steps > maxSteps {
			return false
		}
	}
	return false
}

// nullable reports whether n can match the empty string.
func (n *btNode) nullable() bool {
	switch n.op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText:
		return true
	case syntax.OpLiteral:
		return len(n.runes) == 0
	case syntax.OpConcat:
		for _, s := range n.subs {
			if !s.nullable() {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range n.subs {
			if s.nullable() {
				return true
			}
		}
		return false
	case syntax.OpRepeat:
		return n.min == 0 || n.subs[0].nullable()
	}
	return false
}

// maxFirstRunes bounds the first runes a part may list for the index of
// an alternation.
const maxFirstRunes = 256

// firstRunes returns the runes a non-empty match of n can start with;
// ok is false when they are not known or too many. A part that can match
// the empty string says so by nullable.
func (n *btNode) firstRunes() (set map[rune]bool, ok bool) {
	switch n.op {
	case syntax.OpLiteral:
		if len(n.runes) == 0 {
			return map[rune]bool{}, true
		}
		return map[rune]bool{n.runes[0]: true}, true
	case syntax.OpCharClass:
		set := map[rune]bool{}
		for i := 0; i+1 < len(n.runes); i += 2 {
			if len(set)+int(n.runes[i+1]-n.runes[i]+1) > maxFirstRunes {
				return nil, false
			}
			for c := n.runes[i]; c <= n.runes[i+1]; c++ {
				set[c] = true
			}
		}
		return set, true
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText:
		return map[rune]bool{}, true
	case syntax.OpRepeat:
		return n.subs[0].firstRunes()
	case syntax.OpConcat, syntax.OpAlternate:
		all := map[rune]bool{}
		for _, s := range n.subs {
			set, ok := s.firstRunes()
			if !ok || len(all)+len(set) > maxFirstRunes {
				return nil, false
			}
			for c := range set {
				all[c] = true
			}
			if n.op == syntax.OpConcat && !s.nullable() {
				break
			}
		}
		return all, true
	}
	return nil, false
}

// indexAlternatives fills alts and altAny for an alternation whose
// alternatives mostly start with known runes.
func (n *btNode) indexAlternatives() {
	sets := make([]map[rune]bool, len(n.subs))
	known := 0
	for i, s := range n.subs {
		if set, ok := s.firstRunes(); ok && !s.nullable() {
			sets[i] = set
			known++
		}
	}
	if known < 2 {
		return
	}
	n.alts = map[rune][]int{}
	n.altAny = []int{}
	for i, set := range sets {
		if set == nil {
			n.altAny = append(n.altAny, i)
		}
	}
	for _, set := range sets {
		for c := range set {
			if _, ok := n.alts[c]; ok {
				continue
			}
			// every alternative that can start with c, or with anything,
			// in the expression's order
			var l []int
			for j, other := range sets {
				if other == nil || other[c] {
					l = append(l, j)
				}
			}
			n.alts[c] = l
			n.altBloom.add(c)
		}
	}
}
