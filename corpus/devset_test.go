package corpus

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// devsetCalls is the shared development set (see ../../shared/devset).
const devsetCalls = "../../shared/devset/calls"

// The size of the dev set: DEV001–DEV290, two batches (DEV001–DEV170, then
// DEV171–DEV290). ../../shared/devset/README.md gives the same counts.
const (
	devsetCallCount = 290
	devsetTurnCount = 3204
)

func TestDevset(t *testing.T) {
	if _, err := os.Stat(devsetCalls); err != nil {
		t.Skipf("dev set not available: %v", err)
	}
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
