package analyzer_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/specdata"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
)

// builtinWords is the built-in packs' vocabulary, as the search index
// loads it.
func builtinWords(t *testing.T) []string {
	t.Helper()
	packs, err := lexicon.LoadFS(lexicon.Builtin, "lexicon/packs")
	require.NoError(t, err)
	var list []string
	for _, p := range packs {
		list = append(list, p.Words...)
	}
	return list
}

// TestKeptWordsAreTheTokenizers: the words Analyze keeps for the index
// (KeepWords) are exactly the ones WordTokenizer.Words gives for every
// turn of the sample calls, the dev set and generated calls (Traditional,
// speech-recognition style, inferred roles), so the index may take them
// instead of segmenting again.
func TestKeptWordsAreTheTokenizers(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	tok, err := analyzer.NewWordTokenizer(builtinWords(t))
	require.NoError(t, err)
	require.True(t, a.KeepWords(tok), "the built-in rules' vocabulary is the index's")

	var calls []*corpus.Call
	dirs := []string{filepath.Join("..", "testdata", "calls"), filepath.Join("..", "testdata", "asr")}
	if dev, err := specdata.DevSetDir(); err == nil {
		dirs = append(dirs, filepath.Join(dev, "calls"))
	}
	corpus.ReadPaths(dirs, nil, func(it corpus.Item) {
		if it.Err == nil {
			calls = append(calls, it.Call)
		}
	})
	calls = append(calls, synth.Generate(400, 3)...) // over 5,000 turns without the dev set too
	turns := 0
	for _, c := range calls {
		res := a.Analyze(c)
		require.Len(t, res.Words, len(res.Call.Turns), c.Source)
		for i, tw := range res.Words {
			require.Equal(t, res.Call.Turns[i].Text, tw.Text)
			require.Equal(t, tok.Words(tw.Text), tw.Words, "%s turn %d", c.Source, i+1)
			turns++
		}
	}
	require.Greater(t, turns, 5000)

	plain, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	require.Nil(t, plain.Analyze(calls[0]).Words, "words are kept only when asked")
}

// TestKeepWordsOtherVocabulary: an analyzer whose packs add words
// segments differently from the index, and keeps none.
func TestKeepWordsOtherVocabulary(t *testing.T) {
	extra, err := lexicon.Parse("extra.yaml", []byte(`pack: extra
version: 1
words: [催收专员小王]
rules:
  - id: extra.word
    category: insult
    severity: major
    description: test
    terms: [催收专员小王]
    examples:
      match: ["坐席: 催收专员小王"]
      no_match: ["坐席: 你好"]
`))
	require.NoError(t, err)
	packs, err := lexicon.LoadFS(lexicon.Builtin, "lexicon/packs")
	require.NoError(t, err)
	set, err := lexicon.NewSet(append(packs, extra))
	require.NoError(t, err)
	a, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	tok, err := analyzer.NewWordTokenizer(builtinWords(t))
	require.NoError(t, err)
	require.False(t, a.KeepWords(tok))
	require.Nil(t, a.Analyze(synth.Generate(1, 1)[0]).Words)
}
