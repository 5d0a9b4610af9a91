package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestScanGolden scans the README's sample calls (testdata/calls) in every
// output format and compares with internal/cli/testdata/golden. The jsonl
// golden is the formats.md §4 contract: a diff may add a field, never
// rename one. Regenerate with `go test ./internal/cli -run Golden -update`.
func TestScanGolden(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	for _, format := range []string{"jsonl", "table", "csv", "json"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"scan", "--format", format, "--jobs", "2", "testdata/calls"}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
			require.Equal(t, exitOK, code, errOut.String())
			golden := filepath.Join("internal", "cli", "testdata", "golden", "scan."+format)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(want), out.String())
		})
	}
}

// TestRulesTestCommand runs every built-in rule's examples through the CLI,
// as `callqa rules test` does in CI.
func TestRulesTestCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"rules", "test"}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	assert.Equal(t, exitOK, code, errOut.String())
	assert.Contains(t, out.String(), " 0 failed")
}

func TestRulesTestFailsOnBadUserPack(t *testing.T) {
	dir := t.TempDir()
	pack := `pack: team
version: "1"
category: insult
rules:
  - id: insult.team_words
    terms: [老油条]
    examples:
      match: ["坐席: 你这个滑头"]
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(pack), 0o644))
	var out, errOut bytes.Buffer
	code := run([]string{"rules", "test", "--rules", dir}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	assert.Equal(t, exitViolation, code)
	assert.Contains(t, errOut.String(), "team.yaml:5: rule insult.team_words: match example 1 should match but did not")
	// A pack that fails its own examples never scans a call.
	out.Reset()
	errOut.Reset()
	code = run([]string{"scan", "--rules", dir, filepath.Join("..", "..", "testdata", "calls")}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut.String(), "should match but did not")
}

func TestRulesListCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"rules", "list"}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	require.Equal(t, exitOK, code, errOut.String())
	assert.Contains(t, out.String(), "threat.safety")
	assert.Contains(t, out.String(), "lexicon/packs/threat.yaml:")
}
