package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewScoreCmd(t *testing.T) {
	got, _, err := parseFlags(newScoreCmd, "--scorecard team.yaml -f json a.txt")
	require.NoError(t, err)
	assert.Equal(t, "team.yaml", got.Scorecard)
	assert.Equal(t, "json", got.Format)
	_, _, err = parseFlags(newScoreCmd, "--format pdf a.txt")
	assert.EqualError(t, err, `invalid --format "pdf" (want one of table, json, html)`)
}

func TestRunScore(t *testing.T) {
	practice := filepath.Join("..", "..", "score", "testdata", "practice.txt")
	var out, errOut bytes.Buffer
	code := run([]string{"score", practice}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	require.Equal(t, exitOK, code, errOut.String())
	assert.Contains(t, out.String(), "P01  合规 compliant · 任务得分 score 0/100 (练习及格线 practice pass mark 75) · 不通过 FAIL: score 0 is below the pass mark 75  (default@2)")
	assert.Contains(t, out.String(), "「什么时候能还」 这是开放式提问")

	out.Reset()
	code = run([]string{"score", "--format", "json", "--scorecard", filepath.Join("..", "..", "score", "testdata", "team.yaml"), practice}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	require.Equal(t, exitOK, code, errOut.String())
	var obj map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &obj))
	for _, k := range []string{"call_id", "score", "pass", "tasks", "steps", "order", "hints"} {
		assert.Contains(t, obj, k)
	}
	assert.Equal(t, false, obj["pass"], "the team scorecard has a pass mark of 60")
	// The team scorecard orders verify_identity and self_introduce without
	// weighing them: they are reported and in the order, not dropped.
	assert.Contains(t, obj["steps"], "verify_identity")
	assert.Contains(t, obj["steps"], "self_introduce")
	assert.Len(t, obj["order"], 2)

	// The table names each item beside its code.
	out.Reset()
	code = run([]string{"score", "--scorecard", filepath.Join("..", "..", "score", "testdata", "team.yaml"), practice}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	require.Equal(t, exitOK, code, errOut.String())
	for _, line := range []string{
		"  task demand_payment         要求今天还款 ✗  0/30\n",
		"  task ask_reason             了解原因     ✗  0/20\n",
		"  step verify_identity        确认对方身份 ✓  0/0   t3 「请问是王芳女士本人吗？我姓陈。」\n",
		"  req  recording_notice       告知录音     ✗  0/10\n",
		"  order: verify_identity(t3) → self_introduce(t3)  (as taught)\n",
	} {
		assert.Contains(t, out.String(), line)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("scorecard: x\nitems: {}\n"), 0o644))
	errOut.Reset()
	code = run([]string{"score", "--scorecard", bad, practice}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut.String(), "bad.yaml:1:1: missing `version`")
}
