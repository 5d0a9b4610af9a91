package segment

import (
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ego/gse"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/textnorm"
)

// TestSameAsGseWithPackWords loads the rule packs' own vocabulary (the
// `words:` lists of lexicon/packs, normalized, at the frequency the
// analyzer gives them) into both gse and this package, as the analyzer
// does, and compares the segmentation of every rule and class example,
// every pack word, the sample calls, a synthetic corpus and random strings
// of pack words — raw and normalized. The other TestSameAsGse cases use a
// handful of extra words only.
func TestSameAsGseWithPackWords(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	var words []string
	for _, w := range set.Words {
		if n := textnorm.Normalize(w).Text; n != "" {
			words = append(words, n)
		}
	}
	require.Greater(t, len(words), 100, "the packs' words")

	ref, err := gse.NewEmbed("zh_s")
	require.NoError(t, err)
	for _, w := range words {
		require.NoError(t, ref.AddToken(w, domainFreq, "n"))
	}
	ref.CalcToken()
	ours, err := New(words, domainFreq)
	require.NoError(t, err)

	var texts []string
	add := func(s string) { texts = append(texts, s, textnorm.Normalize(s).Text) }
	for _, r := range set.Rules {
		for _, ex := range append(r.Examples.Match, r.Examples.NoMatch...) {
			add(ex)
		}
	}
	for _, name := range set.ClassNames {
		for _, d := range set.Classes[name].Decls {
			for _, ex := range append(d.Examples.Match, d.Examples.NoMatch...) {
				add(ex)
			}
		}
		for _, m := range set.Classes[name].Members {
			add(m)
		}
	}
	for _, w := range set.Words {
		add(w)
	}
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		if it.Call != nil {
			for _, tn := range it.Call.Turns {
				add(tn.Text)
			}
		}
	})
	for _, c := range synth.Generate(100, 11) {
		for _, tn := range c.Turns {
			add(tn.Text)
		}
	}
	r := rand.New(rand.NewSource(1))
	glue := []string{"的", "了", "你", "还", "，", "今天", "不", " "}
	for range 3000 {
		var b strings.Builder
		for j := r.Intn(8); j >= 0; j-- {
			if r.Intn(3) == 0 {
				b.WriteString(glue[r.Intn(len(glue))])
			} else {
				b.WriteString(words[r.Intn(len(words))])
			}
		}
		add(b.String())
	}

	for _, s := range texts {
		want, got := gseSpans(&ref, s), ours.Segment(s, nil)
		if len(want) == 0 {
			want = nil
		}
		if len(got) == 0 {
			got = nil
		}
		if !equalSpans(want, got) {
			t.Fatalf("segmentation with the packs' words differs from gse for %q:\n gse:  %s\n ours: %s", s, show(s, want), show(s, got))
		}
	}
	t.Logf("%d pack words, %d texts segmented as gse does", len(words), len(texts))
}
