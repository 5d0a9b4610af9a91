package index_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// TestKeptWordsIndexTheSame indexes the same calls twice, once with the
// words the analysis kept (analyzer.KeepWords: Bleve takes them from the
// word cache instead of segmenting again) and once without, and checks
// that the cache is used while a batch is pending, emptied by the commit,
// and that every search answers the same.
func TestKeptWordsIndexTheSame(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	keeping, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	tok, err := index.Tokenizer()
	require.NoError(t, err)
	require.True(t, keeping.KeepWords(tok))
	plain, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	version := index.RulesVersion(set)

	var calls []*corpus.Call
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		require.NoError(t, it.Err)
		calls = append(calls, it.Call)
	})
	calls = append(calls, synth.Generate(120, 9)...)

	build := func(an *analyzer.Analyzer, checkCache bool) string {
		dir := newDir(t)
		ix, err := index.Open(dir, index.Options{BatchSize: 50})
		require.NoError(t, err)
		var last *result.Result
		for _, c := range calls {
			res := an.Analyze(c)
			_, err := ix.Add(res, version)
			require.NoError(t, err)
			last = res
		}
		if checkCache {
			require.NotEmpty(t, last.Words)
			require.True(t, index.CachedWords(last.Words[0].Text), "the pending batch's words are in the cache")
		}
		require.NoError(t, ix.Close())
		if checkCache {
			require.False(t, index.CachedWords(last.Words[0].Text), "the commit empties the cache")
		}
		return dir
	}
	withWords := reader(t, build(keeping, true))
	without := reader(t, build(plain, false))

	var queries []index.Query
	for _, c := range calls[:40] {
		for _, turn := range c.Turns[:min(3, len(c.Turns))] {
			words, err := index.Words(turn.Text)
			require.NoError(t, err)
			if len(words) >= 2 {
				queries = append(queries,
					index.Query{Text: words[0].Term, Limit: 50},
					index.Query{Text: turn.Text[words[0].Start:words[1].End], Limit: 50, Sort: "relevance"},
					index.Query{Text: words[1].Term, Findings: true, Limit: 50})
			}
		}
	}
	queries = append(queries, index.Query{Category: "threat"}, index.Query{Text: "turns:坐牢 OR turns:骗子"})
	for _, q := range queries {
		a, err := index.Search(withWords, q)
		require.NoError(t, err)
		b, err := index.Search(without, q)
		require.NoError(t, err)
		a.Took, b.Took = 0, 0
		require.Equal(t, b, a, "query %+v", q)
	}
}
