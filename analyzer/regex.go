package analyzer

import (
	"maps"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// ruleRegexp finds the matches of a rule's regular expression. Go's
// matcher tries an unanchored expression at every position of the text;
// most rule expressions can only start with one of a few words (请问, 今天,
// 我…), so the text is scanned for those first and the expression, anchored,
// is tried only where one starts. The matches are the same as
// FindAllStringIndex's: leftmost first, non-overlapping, in order.
type ruleRegexp struct {
	re       *regexp.Regexp
	anchored *regexp.Regexp    // ^(?:expr); nil when starts is nil
	starts   map[rune][]string // by first rune: what a match can start with
	// startBits marks the first runes of starts in the Basic Multilingual
	// Plane, a cheaper test than the map at every rune of a turn.
	startBits []uint64
	maxStart  int // longest start, in bytes
	// maxRunes bounds the length of a match in runes (-1: unbounded). An
	// anchored attempt then looks at that many runes only: Go's
	// backtracker clears state in proportion to its input, so trying a
	// short expression against the whole rest of a long turn at every
	// start word was quadratic.
	maxRunes int
	// needs holds sets of strings: every match contains one string of
	// each set (a part the expression cannot do without, such as 我 and
	// tm|他喵 in 我(tm|他喵)); a text missing all strings of one set is not
	// searched at all. The most selective set comes first. Empty: no such
	// part is known.
	needs [][]string
	// needBloom holds, for each string of needs, the runeBloom of its
	// runes: a turn whose bloom lacks one of them cannot contain it, which
	// is cheaper to test than a search of the text.
	needBloom [][]runeBloom
	// bt matches the expression without package regexp when it is made
	// of what btMatcher handles (nil otherwise).
	bt *btMatcher
}

// runeBloom is a 256-bit set of rune hashes: the runes of a text, or of a
// string looked for in it. A string whose bits are not all in a text's
// bloom is not in the text.
type runeBloom [4]uint64

// add puts r in the bloom.
func (b *runeBloom) add(r rune) {
	h := uint32(r) * 0x9E3779B1 >> 24
	b[h/64] |= 1 << (h % 64)
}

// has reports whether r may be in the bloom.
func (b *runeBloom) has(r rune) bool {
	h := uint32(r) * 0x9E3779B1 >> 24
	return b[h/64]&(1<<(h%64)) != 0
}

// covers reports whether every bit of o is in b.
func (b *runeBloom) covers(o *runeBloom) bool {
	return b[0]&o[0] == o[0] && b[1]&o[1] == o[1] && b[2]&o[2] == o[2] && b[3]&o[3] == o[3]
}

// bloomOf returns the bloom of the runes of s.
func bloomOf(s string) runeBloom {
	var b runeBloom
	for _, r := range s {
		b.add(r)
	}
	return b
}

// maxStartRunes bounds how many single characters a character class may
// contribute to the start set before it is not worth it.
const maxStartRunes = 64

func compileRuleRegexp(expr string) (*ruleRegexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	r := &ruleRegexp{re: re, maxRunes: -1, bt: compileBacktrack(expr)}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return r, nil
	}
	r.maxRunes = maxWidth(tree.Simplify())
	r.needs = required(tree.Simplify())
	for _, set := range r.needs {
		blooms := make([]runeBloom, len(set))
		for i, x := range set {
			blooms[i] = bloomOf(x)
		}
		r.needBloom = append(r.needBloom, blooms)
	}
	if hasAssertion(tree) {
		return r, nil // anchors and \b depend on what precedes the slice
	}
	set, nullable, ok := startSet(tree.Simplify())
	if !ok || nullable || len(set) == 0 {
		return r, nil
	}
	anchored, err := regexp.Compile(`^(?:` + expr + `)`)
	if err != nil {
		return r, nil
	}
	r.anchored = anchored
	r.starts = map[rune][]string{}
	r.startBits = make([]uint64, 1<<16/64)
	for s := range set {
		c, _ := utf8.DecodeRuneInString(s)
		r.starts[c] = append(r.starts[c], s)
		r.maxStart = max(r.maxStart, len(s))
		if c < 1<<16 {
			r.startBits[c/64] |= 1 << (c % 64)
		}
	}
	return r, nil
}

// findAll returns the byte ranges of the matches in text; bloom, when
// not nil, is the bloom of text's runes.
func (r *ruleRegexp) findAll(text string, bloom *runeBloom) [][]int {
	for k, set := range r.needs {
		if !containsAny(text, set, r.needBloom[k], bloom) {
			return nil
		}
	}
	if r.starts == nil {
		if r.bt != nil {
			if out, ok := r.bt.findAll(text); ok {
				return out
			}
		}
		return r.re.FindAllStringIndex(text, -1)
	}
	var out [][]int
	for p := 0; p < len(text); {
		c, size := utf8.DecodeRuneInString(text[p:])
		if c < 1<<16 && r.startBits[c/64]&(1<<(c%64)) == 0 {
			p += size
			continue
		}
		if cands, ok := r.starts[c]; ok && startsWithAny(text[p:], cands) {
			if e := r.matchAt(text, p); e > p {
				out = append(out, []int{p, e})
				p = e
				continue
			}
		}
		p += size
	}
	return out
}

// matchAt returns the end of the match of the anchored expression at byte
// p of text, or -1.
func (r *ruleRegexp) matchAt(text string, p int) int {
	if r.bt != nil {
		if e, ok := r.bt.matchAt(text, p); ok {
			return e
		}
	}
	if m := r.anchored.FindStringIndex(text[p:r.window(text, p)]); m != nil {
		return p + m[1]
	}
	return -1
}

// window returns the end of the longest slice of text from p that a match
// starting at p can cover.
func (r *ruleRegexp) window(text string, p int) int {
	if r.maxRunes < 0 {
		return len(text)
	}
	end := p
	for n := 0; n < r.maxRunes && end < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	return end
}

// maxWidth returns the most runes a match of re can span, or -1 when
// there is no bound (a star, a plus, an open repeat).
func maxWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return maxWidth(re.Sub[0])
	case syntax.OpQuest:
		return maxWidth(re.Sub[0])
	case syntax.OpRepeat:
		w := maxWidth(re.Sub[0])
		if w < 0 || re.Max < 0 {
			return -1
		}
		return w * re.Max
	case syntax.OpConcat:
		total := 0
		for _, sub := range re.Sub {
			w := maxWidth(sub)
			if w < 0 {
				return -1
			}
			total += w
		}
		return total
	case syntax.OpAlternate:
		most := 0
		for _, sub := range re.Sub {
			w := maxWidth(sub)
			if w < 0 {
				return -1
			}
			most = max(most, w)
		}
		return most
	}
	return -1 // star, plus, and anything not known
}

func startsWithAny(s string, prefixes []string) bool {
	for _, x := range prefixes {
		if len(s) >= len(x) && s[:len(x)] == x {
			return true
		}
	}
	return false
}

// hasAssertion reports whether the expression holds an empty-width
// assertion (^, $, \b, \A…), which would change meaning on a slice.
func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

// startSet returns strings one of which every non-empty match starts with;
// nullable says the expression can match the empty string; ok is false
// when no small set is known.
func startSet(re *syntax.Regexp) (set map[string]bool, nullable, ok bool) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false, false
	}
	switch re.Op {
	case syntax.OpEmptyMatch:
		return map[string]bool{}, true, true
	case syntax.OpLiteral:
		return map[string]bool{string(re.Rune): true}, false, true
	case syntax.OpCharClass:
		set := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo+1 > maxStartRunes || len(set)+int(hi-lo+1) > maxStartRunes {
				return nil, false, false
			}
			for c := lo; c <= hi; c++ {
				set[string(c)] = true
			}
		}
		return set, false, true
	case syntax.OpCapture:
		return startSet(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		set, _, ok := startSet(re.Sub[0])
		return set, true, ok
	case syntax.OpPlus:
		return startSet(re.Sub[0])
	case syntax.OpRepeat:
		set, nullable, ok := startSet(re.Sub[0])
		return set, nullable || re.Min == 0, ok
	case syntax.OpAlternate, syntax.OpConcat:
		// An alternation starts as any branch does and is nullable when
		// one branch is; a concatenation starts as its first part, or as
		// the next when that part can be empty, and so on.
		all := map[string]bool{}
		nullable := re.Op == syntax.OpConcat
		for _, s := range re.Sub {
			set, n, ok := startSet(s)
			if !ok {
				return nil, false, false
			}
			maps.Copy(all, set)
			if re.Op == syntax.OpAlternate {
				nullable = nullable || n
			} else if !n {
				return all, false, true
			}
		}
		return all, nullable, true
	}
	return nil, false, false
}

// containsAny reports whether s contains one of subs; with a bloom of s,
// the strings whose runes are not all in it are not searched for.
func containsAny(s string, subs []string, blooms []runeBloom, bloom *runeBloom) bool {
	for i, x := range subs {
		if bloom != nil && !bloom.covers(&blooms[i]) {
			continue
		}
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// required returns the sets of strings every match of re contains one of:
// the parts of a concatenation that must match (not optional), each a
// literal or a small set of literals, the set whose shortest string is
// longest first. A part that is itself a concatenation (a group, or a
// group repeated at least once) counts with all of its own parts, not
// only its leading literals: c is required in a(b.{0,3}c)d. nil when there
// is none.
func required(re *syntax.Regexp) [][]string {
	var sets [][]string
	for _, part := range requiredParts(re, nil) {
		set := literals(part)
		if len(set) == 0 || len(set) > maxNeeds {
			continue // each string is a scan of the turn: a long list costs more than it saves
		}
		sets = append(sets, set)
	}
	shortest := func(set []string) int {
		n := len(set[0])
		for _, x := range set {
			n = min(n, len(x))
		}
		return n
	}
	slices.SortStableFunc(sets, func(a, b []string) int { return shortest(b) - shortest(a) })
	return sets
}

// requiredParts appends to out the parts every match of re goes through:
// re itself, or, for a concatenation, the required parts of each of its
// parts, looking through groups and repeats of at least one.
func requiredParts(re *syntax.Regexp, out []*syntax.Regexp) []*syntax.Regexp {
	for re.Op == syntax.OpCapture || re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && re.Min >= 1 {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return append(out, re)
	}
	for _, sub := range re.Sub {
		out = requiredParts(sub, out)
	}
	return out
}

// literals returns the strings a literal or an alternation of literals
// matches (nil for anything else, or for case folding).
func literals(re *syntax.Regexp) []string {
	if re.Flags&syntax.FoldCase != 0 {
		return nil
	}
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture:
		return literals(re.Sub[0])
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := literals(sub)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpCharClass:
		// A small class is a set of one-rune literals (the parser turns
		// 还|转|存 into [还转存]).
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] >= maxLiterals || len(out) >= maxLiterals {
				return nil
			}
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				out = append(out, string(c))
			}
		}
		if len(out) > maxLiterals {
			return nil
		}
		return out
	case syntax.OpConcat:
		// 他(?:妈|娘) is 他妈 or 他娘: the leading literal parts, combined
		// while the combinations stay few.
		out := []string{""}
		for _, sub := range re.Sub {
			l := literals(sub)
			if len(l) == 0 || len(out)*len(l) > maxLiterals {
				break
			}
			next := make([]string, 0, len(out)*len(l))
			for _, a := range out {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			out = next
		}
		if len(out) == 1 && out[0] == "" {
			return nil
		}
		return out
	}
	return nil
}

// maxNeeds bounds the strings a regular expression's required part may
// have to be used as a pre-check.
const maxNeeds = 8

// maxLiterals bounds the strings a part of an expression may stand for
// before it no longer counts as a set of literals.
const maxLiterals = 64
