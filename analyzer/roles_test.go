package analyzer_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/specdata"
)

// asTwoChannel rewrites a call as a two-channel speech-recognition result
// with the roles hidden: the agent gets channel agentID, everyone else the
// other channel. It returns the rebuilt call.
func asTwoChannel(t *testing.T, c *corpus.Call, agentID, otherID string) *corpus.Call {
	t.Helper()
	tr := &corpus.Transcript{ID: c.ID}
	for _, turn := range c.Turns {
		id := otherID
		if turn.Role == corpus.RoleAgent {
			id = agentID
		}
		tr.Segments = append(tr.Segments, corpus.Segment{Speaker: id, Text: turn.Text, Start: turn.Start, End: turn.End})
	}
	out, err := corpus.BuildCall(c.Source, tr, corpus.BuildOptions{MergeGap: -1})
	require.NoError(t, err)
	return out
}

func TestInferRoles(t *testing.T) {
	a := newBuiltin(t)
	tests := []struct {
		name, transcript string
		weak             bool
	}{
		{"agent_first", "坐席: 您好，请问是张伟先生吗？\n客户: 是我\n坐席: 我是金桥银行信用卡中心的李娜，您的账单逾期了，是什么原因呢？\n客户: 忘了\n坐席: 麻烦您今天下午五点之前还上\n客户: 下午两点之前肯定还上", false},
		{"customer_first", "客户: 喂？\n坐席: 您好，请问是张伟先生吗？我是金桥银行的李娜\n客户: 是我\n坐席: 逾期会产生罚息，麻烦您今天还上", false},
		{"no_evidence", "坐席: 喂\n客户: 喂\n坐席: 听得到吗\n客户: 听得到", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := corpus.ReadText("t", tt.transcript)
			require.NoError(t, err)
			hidden := asTwoChannel(t, c, "1", "0")
			inf := a.InferRoles(hidden)
			require.NotNil(t, inf)
			assert.Equal(t, tt.weak, inf.Weak, "scores %v", inf.Scores)
			if !tt.weak {
				assert.Equal(t, "1", inf.Agent)
				assert.Equal(t, map[string]string{"1": "agent", "0": "customer"}, inf.Roles)
			}
			res := a.Analyze(hidden)
			require.NotNil(t, res.RolesInferred)
			assert.Equal(t, inf.Agent, res.RolesInferred.Agent)
		})
	}
}

// TestInferRolesDevSet converts every dev-set call to a two-channel shape
// with the roles hidden (the agent's channel drawn at random) and checks
// that inference finds the agent, and that the analysis then equals the
// analysis of the original.
func TestInferRolesDevSet(t *testing.T) {
	dir := specdata.DevSet(t)
	a := newBuiltin(t)
	rng := rand.New(rand.NewSource(7))
	total, right, weak := 0, 0, 0
	corpus.ReadPaths([]string{dir}, nil, func(it corpus.Item) {
		require.NoError(t, it.Err)
		agentID, otherID := "0", "1"
		if rng.Intn(2) == 1 {
			agentID, otherID = otherID, agentID
		}
		hidden := asTwoChannel(t, it.Call, agentID, otherID)
		total++
		inf := a.InferRoles(hidden)
		if inf.Agent == agentID {
			right++
		} else {
			t.Errorf("%s: took %s for the agent (scores %v)", it.Call.ID, inf.Agent, inf.Scores)
		}
		if inf.Weak {
			weak++
		}
		want, got := a.Analyze(it.Call), a.Analyze(hidden)
		assert.Equal(t, len(want.Violations()), len(got.Violations()), it.Call.ID)
	})
	t.Logf("role inference on the dev set: %d/%d right, %d weak", right, total, weak)
	assert.Equal(t, total, right)
}
