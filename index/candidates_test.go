package index_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/similar"
)

// TestSearchCandidates: on an index on disk, Query.Candidates keeps the
// calls the similar-sentence pass queued a turn of (has_candidates), and
// the call read back holds the candidate. 你为什么不还？ resembles the pack
// example 你点解唔去死 (insult.curse) and no rule flags it.
func TestSearchCandidates(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	an, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	an.UseSimilar(similar.New(an.ViolationExamples()), similar.DefaultThreshold)

	queued := call{"K1", "赵强", "M1-A", "2026-03-02T10:00:00+08:00", "debtor", []string{
		"坐席: 您好，请问是张伟先生吗？", "客户: 是我", "坐席: 你为什么不还？", "客户: 没钱",
	}}
	clean := call{"K2", "李娜", "M1-A", "2026-03-03T10:00:00+08:00", "debtor", []string{
		"坐席: 您好，请问是王芳女士吗？", "客户: 是我", "坐席: 请问您什么时候方便还款？", "客户: 下周",
	}}
	dir := newDir(t)
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	for _, c := range []call{queued, clean} {
		parsed, err := corpus.ReadText(c.id+".txt", c.text())
		require.NoError(t, err)
		_, err = ix.Add(an.Analyze(parsed), index.RulesVersion(set))
		require.NoError(t, err)
	}
	require.NoError(t, ix.Close())
	bi := reader(t, dir)

	all, err := index.Search(bi, index.Query{Limit: 10})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"K1", "K2"}, callIDs(all))

	res, err := index.Search(bi, index.Query{Candidates: true, Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"K1"}, callIDs(res))

	res, err = index.Search(bi, index.Query{Candidates: true, Team: "M1-A", Text: "不还", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"K1"}, callIDs(res), "with other filters")

	got, err := index.Call(bi, "K1")
	require.NoError(t, err)
	require.Len(t, got.Candidates, 1)
	assert.Equal(t, 3, got.Candidates[0].Turn)
	assert.Equal(t, "insult", got.Candidates[0].Category)
	assert.Equal(t, "insult.curse", got.Candidates[0].Source)
}

// TestQueryCheckCandidatesFindings: candidates are calls' turns, not
// findings; asking for both is an error that says so.
func TestQueryCheckCandidatesFindings(t *testing.T) {
	err := index.Query{Candidates: true, Findings: true}.Check()
	require.True(t, errors.Is(err, index.ErrCandidatesFindings), "%v", err)
	assert.Equal(t, "candidates are turns no rule flagged, not findings: search calls (without findings) for candidates", err.Error())
	assert.NoError(t, index.Query{Candidates: true}.Check())
}
