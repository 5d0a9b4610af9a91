package analyzer

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/lexicon"
)

// randomExpr writes a random expression over a small alphabet from the
// parts btMatcher handles: literals, classes (negated ones too), any
// character, alternations, optional groups, greedy and lazy repeats of one
// character, ^ and $.
func randomExpr(r *rand.Rand, depth int) string {
	atoms := []string{"a", "b", "还", "钱", "你", "[ab]", "[^a，]", "[还钱]", ".", "，"}
	if depth <= 0 {
		return atoms[r.IntN(len(atoms))]
	}
	switch r.IntN(9) {
	case 0, 1:
		n := 1 + r.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randomExpr(r, depth-1)
		}
		return strings.Join(parts, "")
	case 2:
		n := 2 + r.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randomExpr(r, depth-1)
		}
		return "(" + strings.Join(parts, "|") + ")"
	case 3:
		return "(?:" + randomExpr(r, depth-1) + ")?"
	case 4:
		lazy := []string{"", "?"}[r.IntN(2)]
		ops := []string{"*", "+", "?", "{0,3}", "{1,2}", "{2}", "{1,}"}
		return atoms[r.IntN(len(atoms))] + ops[r.IntN(len(ops))] + lazy
	case 5:
		return "^" + randomExpr(r, depth-1)
	case 6:
		return randomExpr(r, depth-1) + "(?:，|$)"
	default:
		return atoms[r.IntN(len(atoms))]
	}
}

// randomText writes a short text from the same alphabet.
func randomText(r *rand.Rand) string {
	pieces := []string{"a", "b", "还", "钱", "你", "，", "c", "\n", "\xff"}
	var b strings.Builder
	for n := r.IntN(10); n >= 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestBacktrackSameAsRegexp holds btMatcher to package regexp: on random
// expressions and texts, and on every expression of the built-in packs
// with the texts of TestRuleRegexpSameAsRegexp's kind, the matches are
// the same. Most pack expressions must be handled by it.
func TestBacktrackSameAsRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	compiled := 0
	for range 3000 {
		expr := randomExpr(r, 3)
		bt := compileBacktrack(expr)
		if bt == nil {
			continue
		}
		compiled++
		re := regexp.MustCompile(expr)
		for range 40 {
			text := randomText(r)
			got, ok := bt.findAll(text)
			require.True(t, ok, "%s on %q ran out of steps", expr, text)
			require.Equal(t, re.FindAllStringIndex(text, -1), got, "expression %s, text %q", expr, text)
		}
	}
	require.Greater(t, compiled, 1500, "few random expressions compiled")

	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	total, handled := 0, 0
	for _, rule := range set.Rules {
		for _, expr := range rule.Regex {
			total++
			if compileBacktrack(lexicon.ExpandRegex(expr)) != nil {
				handled++
			}
		}
	}
	t.Logf("%d of %d pack expressions run on the backtracker", handled, total)
	require.GreaterOrEqual(t, handled*10, total*8, "%d of %d pack expressions handled", handled, total)
}

// FuzzBacktrack compares btMatcher with package regexp on any expression
// it accepts and any text.
func FuzzBacktrack(f *testing.F) {
	f.Add("(现在就|明天|{num}号)[^，。？！,?!；;不没]{0,14}?(还|转|之前)", "明天下午三点前还上")
	f.Add("^(喂|您好)?[，, ]*[王李张]\\p{Han}{1,2}(吗|吧|[？?])", "喂，张小明吗")
	f.Add("我(这边是|是)?\\p{Han}{1,8}?(金融|贷)(的|嘅)", "我是易达金融的小郭")
	f.Add("a+?b|c*", "aab")
	f.Fuzz(func(t *testing.T, expr, text string) {
		expr = lexicon.ExpandRegex(expr)
		bt := compileBacktrack(expr)
		if bt == nil {
			return
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			t.Fatalf("compileBacktrack accepted %q, which regexp refuses: %v", expr, err)
		}
		got, ok := bt.findAll(text)
		if !ok {
			return // out of steps: the caller falls back to regexp
		}
		if want := re.FindAllStringIndex(text, -1); !equalMatches(got, want) {
			t.Fatalf("expression %q, text %q: %v, regexp finds %v", expr, text, got, want)
		}
	})
}

func equalMatches(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i][0] != b[i][0] || a[i][1] != b[i][1] {
			return false
		}
	}
	return true
}
