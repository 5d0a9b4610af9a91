package score

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultScorecard(t *testing.T) {
	sc := Default()
	assert.Equal(t, "default@2", sc.Label())
	assert.Equal(t, 100, sc.Max())
	assert.Equal(t, []string{"insult", "threat", "false_legal_claim", "third_party_disclosure"}, sc.FailOn)
	assert.Len(t, sc.Order, 6)
	assert.Nil(t, sc.Required)
}

func TestLoadScorecard(t *testing.T) {
	sc, err := LoadScorecard(filepath.Join("testdata", "team.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "team-m1@2", sc.Label())
	assert.Equal(t, 60, sc.PassMark)
	assert.Equal(t, 100, sc.Max())
	assert.Equal(t, "required", sc.Items["recording_notice"].Kind)
	require.NotNil(t, sc.Required)
	require.Len(t, sc.Required.Rules, 1)
	assert.Equal(t, 16, sc.Required.Rules[0].Line, "rules keep the scorecard's own line numbers")
}

func TestScorecardErrors(t *testing.T) {
	tests := map[string]string{
		"unknown_item.yaml":              `testdata/invalid/unknown_item.yaml:5:3: unknown item "ask_reasn" (a task, a step, or the code of a rule under required)`,
		"bad_weight.yaml":                `testdata/invalid/bad_weight.yaml:4:28: item demand_payment: weight must be a whole number from 0 to 1000, got "lots"`,
		"bad_fail_on.yaml":               `testdata/invalid/bad_fail_on.yaml:3:11: fail_on: "rudeness" is not a violation category (want insult, threat, false_legal_claim, third_party_disclosure)`,
		"required_without_examples.yaml": "testdata/invalid/required_without_examples.yaml:6:5: rule required.notice: no examples: give at least one `examples: match:` transcript line (and ideally `no_match`)",
		"typos.yaml":                     "testdata/invalid/typos.yaml:1:1: missing `version`\ntestdata/invalid/typos.yaml:3:32: item demand_payment: unknown field \"colour\" (want one of name, weight, advice)\ntestdata/invalid/typos.yaml:4:1: unknown field \"passmark\" (want one of scorecard, version, pass_mark, practice_pass_mark, fail_on, order, items, required)",
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "invalid"))
	require.NoError(t, err)
	require.Len(t, entries, len(tests), "every invalid scorecard has a case")
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := LoadScorecard(filepath.Join("testdata", "invalid", name))
			require.Error(t, err)
			assert.Equal(t, want, err.Error())
		})
	}
}

// TestOrderWithoutItems: team.yaml orders verify_identity and
// self_introduce without weighing them under items; they are still items
// (steps, 0 points, the built-in names), so they are reported and placed
// in the order rather than dropped.
func TestOrderWithoutItems(t *testing.T) {
	sc, err := LoadScorecard(filepath.Join("testdata", "team.yaml"))
	require.NoError(t, err)
	assert.Equal(t, ItemSpec{Kind: "step", Name: "确认对方身份"}, sc.Items["verify_identity"])
	assert.Equal(t, ItemSpec{Kind: "step", Name: "表明自己身份"}, sc.Items["self_introduce"])
	assert.Equal(t, []string{"demand_payment", "ask_reason", "explain_consequences", "get_commitment", "recording_notice", "verify_identity", "self_introduce"}, sc.ItemOrder)
	assert.Equal(t, 100, sc.Max(), "unweighed items add no points")
	assert.Equal(t, "要求今天还款", sc.Items["demand_payment"].Name, "a name under items is kept")
}
