package analyzer

import (
	"regexp"
	"regexp/syntax"
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
	maxStart int               // longest start, in bytes
}

// maxStartRunes bounds how many single characters a character class may
// contribute to the start set before it is not worth it.
const maxStartRunes = 64

func compileRuleRegexp(expr string) (*ruleRegexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	r := &ruleRegexp{re: re}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return r, nil
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
	for s := range set {
		c, _ := utf8.DecodeRuneInString(s)
		r.starts[c] = append(r.starts[c], s)
		r.maxStart = max(r.maxStart, len(s))
	}
	return r, nil
}

// findAll returns the byte ranges of the matches in text.
func (r *ruleRegexp) findAll(text string) [][]int {
	if r.starts == nil {
		return r.re.FindAllStringIndex(text, -1)
	}
	var out [][]int
	for p := 0; p < len(text); {
		c, size := utf8.DecodeRuneInString(text[p:])
		if cands, ok := r.starts[c]; ok && startsWithAny(text[p:], cands) {
			if m := r.anchored.FindStringIndex(text[p:]); m != nil && m[1] > 0 {
				out = append(out, []int{p, p + m[1]})
				p += m[1]
				continue
			}
		}
		p += size
	}
	return out
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
	case syntax.OpAlternate:
		all := map[string]bool{}
		nullable := false
		for _, s := range re.Sub {
			set, n, ok := startSet(s)
			if !ok {
				return nil, false, false
			}
			for k := range set {
				all[k] = true
			}
			nullable = nullable || n
		}
		return all, nullable, true
	case syntax.OpConcat:
		all := map[string]bool{}
		for _, s := range re.Sub {
			set, n, ok := startSet(s)
			if !ok {
				return nil, false, false
			}
			for k := range set {
				all[k] = true
			}
			if !n {
				return all, false, true
			}
		}
		return all, true, true
	}
	return nil, false, false
}
