package score_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/score"
)

// policyKinds are the coaching hints policy.md names; the practice set's
// expectations list these (violations and call-level remarks are checked
// elsewhere).
var policyKinds = []string{"open_question", "too_soft", "vague_accepted", "no_verification", "no_introduction", "threat_as_consequence"}

// TestPracticeSet scores the practice calls of testdata/practice (written
// from policy.md's coaching section: every kind of hint, model calls with
// none, and near misses) under the default scorecard and checks each
// call's score and hints (kind and turn) exactly. practice/independent
// holds 16 more, written by someone who had read the policy but not the
// rules (docs/coaching.md has what callqa made of them before they were
// read).
func TestPracticeSet(t *testing.T) {
	for _, dir := range []string{filepath.Join("..", "testdata", "practice"), filepath.Join("..", "testdata", "practice", "independent")} {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkPracticeSet(t, dir) })
	}
}

func checkPracticeSet(t *testing.T, dir string) {
	type expected struct {
		CallID string `json:"call_id"`
		Score  int    `json:"score"`
		Hints  []struct {
			Kind string `json:"kind"`
			Turn int    `json:"turn"`
		} `json:"hints"`
	}
	f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	want := map[string]expected{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e expected
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		want[e.CallID] = e
	}
	require.NoError(t, sc.Err())
	require.GreaterOrEqual(t, len(want), 16)

	a, _ := setup(t)
	seen := map[string]bool{}
	corpus.ReadPaths([]string{filepath.Join(dir, "calls")}, nil, func(it corpus.Item) {
		require.NoError(t, it.Err)
		e, ok := want[it.Call.ID]
		require.True(t, ok, "%s has no line in expected.jsonl", it.Call.ID)
		seen[it.Call.ID] = true
		cs := score.Score(a.Analyze(it.Call), score.Default())
		var got, exp []string
		for _, h := range cs.Hints {
			if slices.Contains(policyKinds, h.Kind) {
				got = append(got, fmt.Sprintf("%s@%d", h.Kind, h.Turn))
			}
		}
		for _, h := range e.Hints {
			require.Contains(t, policyKinds, h.Kind, "%s: expected hint kind", e.CallID)
			exp = append(exp, fmt.Sprintf("%s@%d", h.Kind, h.Turn))
		}
		slices.Sort(got)
		slices.Sort(exp)
		assert.Equal(t, exp, got, "%s hints", e.CallID)
		assert.Equal(t, e.Score, cs.Score, "%s score", e.CallID)
	})
	assert.Len(t, seen, len(want), "every expected call is in calls/")
	kinds := map[string]bool{}
	for _, e := range want {
		for _, h := range e.Hints {
			kinds[h.Kind] = true
		}
	}
	assert.Len(t, kinds, len(policyKinds), "the set covers every kind")
}
