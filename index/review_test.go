package index_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// TestSearchNeedsReview: on an index on disk, Query.NeedsReview keeps the
// findings that rest on weak evidence (a sound-alike here) and the calls
// that have one; the finding hit carries the reason.
func TestSearchNeedsReview(t *testing.T) {
	weak := call{"R1", "赵强", "M1-A", "2026-03-02T10:00:00+08:00", "debtor", []string{
		"坐席: 您好，请问是张伟先生吗？", "客户: 是我", "坐席: 你再不还就要做牢的",
	}}
	strong := call{"R2", "李娜", "M1-A", "2026-03-03T10:00:00+08:00", "debtor", []string{
		"坐席: 您好，请问是张伟先生吗？", "客户: 是我", "坐席: 你再不还就要坐牢的",
	}}
	bi := reader(t, build(t, weak, strong))

	all, err := index.Search(bi, index.Query{Findings: true, Limit: 10})
	require.NoError(t, err)
	require.Len(t, all.Findings, 2)

	res, err := index.Search(bi, index.Query{Findings: true, NeedsReview: true, Limit: 10})
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	f := res.Findings[0]
	assert.Equal(t, "R1", f.CallID)
	assert.True(t, f.NeedsReview)
	assert.Equal(t, "sound_alike 做牢→坐牢", f.ReviewReason)

	calls, err := index.Search(bi, index.Query{NeedsReview: true, Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"R1"}, callIDs(calls))
	require.Len(t, calls.Hits[0].Findings, 1)
	assert.True(t, calls.Hits[0].Findings[0].NeedsReview)
}
