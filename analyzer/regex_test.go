package analyzer

import (
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/textnorm"
)

// TestRuleRegexpSameAsRegexp checks that every regular expression of the
// built-in packs finds exactly what Go's FindAllStringIndex finds, on the
// sample calls, a synthetic corpus and random text built from the
// expressions' own start words.
func TestRuleRegexpSameAsRegexp(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	var texts []string
	for _, tx := range sampleTurnTexts(300, 5) {
		texts = append(texts, textnorm.Normalize(tx).Text)
	}
	optimized := 0
	r := rand.New(rand.NewSource(1))
	for _, rule := range set.Rules {
		for _, expr := range rule.Regex {
			full := lexicon.ExpandRegex(expr)
			rr, err := compileRuleRegexp(full)
			require.NoError(t, err)
			if rr.starts != nil {
				optimized++
			}
			pieces := []string{"，", "。", "的", "是", "还", "3", "号", "今天", "先生"}
			for _, cands := range rr.starts {
				pieces = append(pieces, cands...)
			}
			extra := make([]string, 0, 2000)
			for i := 0; i < 2000; i++ {
				var b strings.Builder
				for j := r.Intn(12); j >= 0; j-- {
					b.WriteString(pieces[r.Intn(len(pieces))])
				}
				extra = append(extra, b.String())
			}
			for _, text := range append(texts, extra...) {
				want := rr.re.FindAllStringIndex(text, -1)
				got := rr.findAll(text, nil)
				require.Equal(t, want, got, "rule %s, expression %s, text %q", rule.ID, expr, text)
			}
		}
	}
	require.Positive(t, optimized)
	t.Logf("%d expressions use the start-word scan", optimized)
}

func TestStartSet(t *testing.T) {
	cases := []struct {
		expr   string
		starts []string // nil: no start set
	}{
		{`请问|您是`, []string{"请问", "您是"}},
		{`(现在|今天)?还(钱|款)`, []string{"现在", "今天", "还"}},
		{`[一二三]号`, []string{"一", "二", "三"}},
		{`\p{Han}{2}先生`, nil},
		{`^您好`, nil},
		{`(a|b)*`, nil},
		{`x{0,2}y`, []string{"x", "y"}},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			rr, err := compileRuleRegexp(c.expr)
			require.NoError(t, err)
			var got []string
			for _, s := range rr.starts {
				got = append(got, s...)
			}
			if c.starts == nil {
				require.Nil(t, rr.starts)
				return
			}
			require.ElementsMatch(t, c.starts, got)
		})
	}
}

func TestRequired(t *testing.T) {
	cases := []struct {
		expr  string
		needs [][]string
	}{
		{`(今天|明天)[^，]{0,6}(还|转)`, [][]string{{"今天", "明天"}, {"转", "还"}}}, // a class: in rune order
		{`判{num}年`, [][]string{{"判"}, {"年"}}},
		{`(a|b)x*征信黑名单`, [][]string{{"征信黑名单"}, {"a", "b"}}},
		{`我(tm|他喵)`, [][]string{{"我"}, {"tm", "他喵"}}},
		// every part of a group counts, not only its leading literals
		{`(你再不还.{0,4}就)起诉`, [][]string{{"你再不还"}, {"起诉"}, {"就"}}},
		{`a(b.{0,3}c)+d`, [][]string{{"a"}, {"b"}, {"c"}, {"d"}}},
		{`(?:(x|y)(.*征信))报告`, [][]string{{"征信"}, {"报告"}, {"x", "y"}}},
		{`x?y?`, nil},
		{`(?i)abc`, nil},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			rr, err := compileRuleRegexp(lexicon.ExpandRegex(c.expr))
			require.NoError(t, err)
			require.Equal(t, c.needs, rr.needs)
			for i := range c.needs {
				// a text holding every set but one is not searched
				text := "没有需要的词"
				for j, set := range c.needs {
					if j != i {
						text += set[0]
					}
				}
				require.Nil(t, rr.findAll(text, nil), "a text without %q is not searched", c.needs[i])
			}
		})
	}
}

// sampleTurnTexts returns the turn texts of the sample calls
// (testdata/calls) and of n generated calls (synth.Generate with seed).
func sampleTurnTexts(n int, seed int64) []string {
	var texts []string
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		if it.Call != nil {
			for _, tn := range it.Call.Turns {
				texts = append(texts, tn.Text)
			}
		}
	})
	for _, c := range synth.Generate(n, seed) {
		for _, tn := range c.Turns {
			texts = append(texts, tn.Text)
		}
	}
	return texts
}
