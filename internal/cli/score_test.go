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

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("scorecard: x\nitems: {}\n"), 0o644))
	errOut.Reset()
	code = run([]string{"score", "--scorecard", bad, practice}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut.String(), "bad.yaml:1:1: missing `version`")
}
