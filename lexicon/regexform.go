package lexicon

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"

	"github.com/callqa/callqa/textnorm"
)

// regexFormProblems describes each literal of a rule's regular
// expression that the matcher can never see. Regular expressions run on
// normalized text (textnorm.Normalize: Simplified, Mandarin for regional
// forms, half-width, lower case, no fillers), so an alternative written
// 這裡是, 系唔系 or ＡＰＰ never matches: its author meant text in that
// form, which reaches the matcher as 这里是, 是不是 or app.
//
// The check runs the expression's literal text through the same
// normalization. Where a part of the expression stands for a few strings
// (a literal, an alternation of literals, a small class, a short
// concatenation of those: 系(?:唔系|咪) is 系唔系 or 系咪), each whole
// string is normalized, so phrases that only change together are seen; a
// larger part is looked into. A string whose normalized form the same
// part also matches is only redundant and passes ([，,] for either comma,
// 你|妳). White space alone is left alone, since a space between Latin
// words stays in the text.
//
// Rewriting the literals at load instead was rejected: normalization is
// not a character map (phrases, and Cantonese forms that change only in a
// turn that reads as Cantonese), so a literal rewritten on its own, or a
// character class rewritten rune by rune, could still differ from what
// the text becomes, silently. An error names the form to write.
func regexFormProblems(expr string) []string {
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil // reported as not compiling
	}
	var out []string
	literalProblems(tree, func(msg string) {
		if !slices.Contains(out, msg) {
			out = append(out, msg)
		}
	})
	return out
}

// maxFormStrings bounds the strings a part of an expression may stand for
// to be checked as a whole.
const maxFormStrings = 256

// literalProblems calls report for each string of re that normalization
// changes into one re does not match, naming the smallest part at fault:
// 還 in (後天|大後天)(還|转) rather than every combination, but 系咪 and
// 系唔系 whole in 系(?:唔系|咪), since 系 becomes 是 only beside them. It
// reports whether it reported anything.
func literalProblems(re *syntax.Regexp, report func(string)) bool {
	set, ok := formStrings(re)
	if !ok {
		found := false
		for _, sub := range re.Sub {
			found = literalProblems(sub, report) || found
		}
		return found
	}
	var bad []string
	for _, s := range set {
		n := textnorm.Normalize(s).Text
		if n != s && !slices.Contains(set, n) && strings.TrimFunc(s, unicode.IsSpace) != "" {
			bad = append(bad, s)
		}
	}
	if len(bad) == 0 {
		return false
	}
	if re.Op != syntax.OpConcat || partsNormalize(re, set) {
		found := false
		for _, sub := range re.Sub {
			found = literalProblems(sub, report) || found
		}
		if found {
			return true
		}
	}
	for _, s := range bad {
		report(formProblem(s, textnorm.Normalize(s).Text))
	}
	return true
}

// partsNormalize reports whether the concatenation re, which matches set,
// normalizes part by part: every string's normalized form is a
// combination of its parts' normalized forms, so that the parts can be
// fixed one by one.
func partsNormalize(re *syntax.Regexp, set []string) bool {
	combos := []string{""}
	for _, sub := range re.Sub {
		strs, _ := formStrings(sub)
		var next []string
		for _, a := range combos {
			for _, b := range strs {
				next = appendNew(next, a+textnorm.Normalize(b).Text)
			}
		}
		combos = next
	}
	for _, s := range set {
		if !slices.Contains(combos, textnorm.Normalize(s).Text) {
			return false
		}
	}
	return true
}

// formStrings returns the strings re matches, lower-cased where it folds
// case, when they are few; ok is false otherwise.
func formStrings(re *syntax.Regexp) (set []string, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			s = strings.ToLower(s)
		}
		return []string{s}, true
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxFormStrings/4 {
				return nil, false
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				set = appendNew(set, strings.ToLower(string(r)))
			}
		}
		return set, true
	case syntax.OpCapture:
		return formStrings(re.Sub[0])
	case syntax.OpQuest:
		set, ok := formStrings(re.Sub[0])
		return appendNew(set, ""), ok
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			more, ok := formStrings(sub)
			if !ok || len(set)+len(more) > maxFormStrings {
				return nil, false
			}
			for _, s := range more {
				set = appendNew(set, s)
			}
		}
		return set, true
	case syntax.OpConcat:
		set = []string{""}
		for _, sub := range re.Sub {
			more, ok := formStrings(sub)
			if !ok || len(set)*len(more) > maxFormStrings {
				return nil, false
			}
			next := make([]string, 0, len(set)*len(more))
			for _, a := range set {
				for _, b := range more {
					next = appendNew(next, a+b)
				}
			}
			set = next
		}
		return set, true
	}
	return nil, false
}

func appendNew(set []string, s string) []string {
	if slices.Contains(set, s) {
		return set
	}
	return append(set, s)
}

// formProblem describes the literal s that normalization turns into n.
func formProblem(s, n string) string {
	switch {
	case n == "":
		return fmt.Sprintf("「%s」 never reaches the matcher (hesitation fillers such as 嗯 and 呃 are removed from the text); drop it", s)
	case strings.ToLower(foldWidth(s)) == n:
		return fmt.Sprintf("「%s」 is full-width or upper case; write it as 「%s」 (the matcher sees normalized text)", s, n)
	}
	return fmt.Sprintf("「%s」 is Traditional/regional; write it as 「%s」 (the matcher sees normalized text)", s, n)
}

// foldWidth narrows full-width ASCII and the ideographic space.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - (0xFF01 - '!')
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}
