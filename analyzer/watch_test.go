package analyzer

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/lexicon"
)

// TestWatchedSetsSameAsTerms checks that what a turn records of the
// watched term sets (prepared.watched, filled in once per turn) is what
// asking the turn's terms gives, for every set that a built-in pattern or
// proximity frame needs, on the sample calls and generated calls. A bit
// wrongly clear would lose matches; one wrongly set would only cost time,
// and is caught here too.
func TestWatchedSetsSameAsTerms(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	a, err := New(set, Options{})
	require.NoError(t, err)
	x := a.terms
	require.NotNil(t, x.memberOf, "the term index is frozen")
	require.Greater(t, len(x.watched), 50)
	sets := make([]termSet, len(x.watched))
	for w, ids := range x.watched {
		sets[w] = newTermSet(ids) // watch -1: asks the terms
	}

	texts := sampleTurnTexts(300, 9)
	held := 0
	for _, text := range texts {
		p := prepare(a.seg, x, text)
		require.True(t, p.watching)
		for w, s := range sets {
			watched := termSet{ids: s.ids, bits: s.bits, watch: int32(w)}
			want := s.anyIn(p)
			require.Equal(t, want, watched.anyIn(p), "set %d on %q", w, text)
			if want {
				held++
			}
		}
		releaseTurns([]*prepared{p})
	}
	require.Positive(t, held)
}
