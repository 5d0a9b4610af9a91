package corpus

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/specdata"
)

// The size of the dev set (internal/specdata finds it): DEV001–DEV290, two
// batches (DEV001–DEV170, then DEV171–DEV290). The dev set's README.md
// gives the same counts.
const (
	devsetCallCount = 290
	devsetTurnCount = 3204
)

func TestDevset(t *testing.T) {
	devsetCalls := specdata.DevSet(t)
	var calls []*Call
	ReadPaths([]string{devsetCalls}, nil, func(it Item) {
		if assert.NoError(t, it.Err) {
			calls = append(calls, it.Call)
		}
	})
	require.Len(t, calls, devsetCallCount)
	turns := 0
	ids := map[string]bool{}
	for _, c := range calls {
		turns += len(c.Turns)
		assert.False(t, ids[c.ID], "duplicate call_id %s", c.ID)
		ids[c.ID] = true
	}
	assert.Equal(t, devsetTurnCount, turns)
}
