package index_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
)

func TestCall(t *testing.T) {
	dir := build(t, samples...)
	bi := reader(t, dir)

	res, err := index.Call(bi, "A2")
	require.NoError(t, err)
	want := analyze(t, a2)
	assert.Equal(t, want.Findings, res.Findings)
	assert.Equal(t, want.Score, res.Score)
	assert.Equal(t, "赵强", res.Agent)
	require.NotNil(t, res.Call)
	assert.Equal(t, "A2", res.Call.ID)
	require.Len(t, res.Call.Turns, 3)
	for i, turn := range want.Call.Turns {
		got := res.Call.Turns[i]
		assert.Equal(t, i+1, got.N)
		assert.Equal(t, turn.Text, got.Text, "turn %d", i+1)
		assert.Equal(t, turn.Role, got.Role, "turn %d", i+1)
	}
	assert.Equal(t, corpus.RoleCustomer, res.Call.Turns[1].Role)

	_, err = index.Call(bi, "nope")
	assert.True(t, errors.Is(err, index.ErrNotFound), "%v", err)

	// Through an alias of two shards.
	alias, closeAll, err := index.OpenAlias([]string{dir, build(t, a6)})
	require.NoError(t, err)
	defer closeAll()
	res, err = index.Call(alias, "A6")
	require.NoError(t, err)
	assert.Len(t, res.Call.Turns, 4)
}

func TestIDs(t *testing.T) {
	bi := reader(t, build(t, samples...))
	ids, total, err := index.IDs(bi, index.Query{})
	require.NoError(t, err)
	assert.Equal(t, uint64(6), total)
	assert.Equal(t, []string{"A5", "A4", "A3", "A2", "A1", "A6"}, ids, "newest first, as Search")

	ids, total, err = index.IDs(bi, index.Query{Team: "M1-A", Limit: 2, Offset: 1})
	require.NoError(t, err)
	assert.Equal(t, uint64(3), total)
	assert.Equal(t, []string{"A1", "A6"}, ids)

	res, err := index.Search(bi, index.Query{Sort: "score"})
	require.NoError(t, err)
	ids, _, err = index.IDs(bi, index.Query{Sort: "score"})
	require.NoError(t, err)
	assert.Equal(t, callIDs(res), ids, "the same order as Search")

	_, _, err = index.IDs(bi, index.Query{Sort: "nope"})
	assert.Error(t, err)
}

func TestCount(t *testing.T) {
	bi := reader(t, build(t, samples...))

	total, f, err := index.Count(bi, index.Query{}, 100, "category", "team", "pass", "day")
	require.NoError(t, err)
	assert.Equal(t, uint64(6), total)
	assert.Equal(t, wantFacets["category"], f["category"])
	assert.Equal(t, wantFacets["team"], f["team"])
	assert.Equal(t, facet("false 4", "true 2"), f["pass"])
	assert.Equal(t, facet("2026-02-20 1", "2026-03-02 1", "2026-03-10 1", "2026-03-15 1", "2026-04-01 1", "2026-04-05 1"), f["day"])

	// Findings: violations only (A4's customer_abuse is left out).
	total, f, err = index.Count(bi, index.Query{Findings: true}, 100, "category", "rule", "day")
	require.NoError(t, err)
	assert.Equal(t, uint64(5), total)
	assert.Equal(t, wantFacets["category"], f["category"])
	assert.Equal(t, facet("false_legal_claim.crime 1", "insult.pejorative 1", "insult.slur 1", "third_party_disclosure.debt 1", "threat.safety 1"), f["rule"])
	assert.Equal(t, facet("2026-03-10 2", "2026-03-02 1", "2026-03-15 1", "2026-04-05 1"), f["day"])

	total, f, err = index.Count(bi, index.Query{Findings: true, Category: "customer_abuse"}, 100, "team")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), total)
	assert.Equal(t, facet("M1-B 1"), f["team"])

	total, f, err = index.Count(bi, index.Query{Team: "M1-A", Pass: no()}, 1, "agent")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), total)
	assert.Equal(t, facet("赵强 2"), f["agent"])
}

// TestCallAnalyzesAgain: a call rebuilt by Call keeps the party its
// transcript gave and each turn's label, so analyzing it again gives the
// findings the index stored (A3 is a third-party call only by its header).
func TestCallAnalyzesAgain(t *testing.T) {
	bi := reader(t, build(t, samples...))
	an, _ := setup(t)
	for _, c := range samples {
		t.Run(c.id, func(t *testing.T) {
			stored, err := index.Call(bi, c.id)
			require.NoError(t, err)
			assert.Equal(t, c.party, stored.Call.Party)
			assert.Equal(t, "坐席", stored.Call.Turns[0].Label)
			again := an.Analyze(stored.Call)
			assert.Equal(t, stored.Findings, again.Findings)
			assert.Equal(t, stored.Party, again.Party)
		})
	}
}
