package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

// scanJSONL runs `callqa scan --format jsonl` with extra args and decodes
// its results.
func scanJSONL(t *testing.T, args ...string) ([]result.Result, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"scan", "--format", "jsonl"}, args...), &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	require.Equal(t, exitOK, code, errOut.String())
	var results []result.Result
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r result.Result
		require.NoError(t, dec.Decode(&r))
		results = append(results, r)
	}
	return results, errOut.String()
}

// verdict is what must not change with the format: the findings (turn,
// category, rule, words), the tasks and steps, the score.
type verdict struct {
	Findings []string
	Tasks    map[string][]int
	Score    int
	Pass     bool
}

func verdictOf(r result.Result) verdict {
	v := verdict{Tasks: map[string][]int{}, Score: r.Score, Pass: r.Pass}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, fmt.Sprintf("t%d %s %s %s", f.Turn, f.Category, f.Rule, f.Match))
	}
	for code, c := range r.Tasks {
		v.Tasks[code] = c.Turns
	}
	for code, c := range r.Steps {
		v.Tasks[code] = c.Turns
	}
	return v
}

// TestASRFormatsAgree scans the same call written in every speech-recognition
// format under testdata/asr, with no role mapping given (ids are inferred), and
// checks that each gives the analysis of the native transcript
// testdata/calls/S02_insult_threat.txt. The jsonl output of each is also
// kept as a golden file (go test ./internal/cli -run ASR -update).
func TestASRFormatsAgree(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	files, err := filepath.Glob(filepath.Join("testdata", "asr", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no samples in testdata/asr")
	native, _ := scanJSONL(t, filepath.Join("testdata", "calls", "S02_insult_threat.txt"))
	require.Len(t, native, 1)
	want := verdictOf(native[0])
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			args := []string{f}
			got, stderr := scanJSONL(t, args...)
			require.Len(t, got, 1)
			assert.Empty(t, stderr, "no warning: the roles are clear in this call")
			// Speaker ids (0, spk_1, SPEAKER_00) are inferred; role words
			// (坐席, customer) need no inference.
			if inf := got[0].RolesInferred; inf != nil {
				assert.False(t, inf.Weak)
			}
			assert.Equal(t, want, verdictOf(got[0]))

			var out, errOut bytes.Buffer
			code := run(append([]string{"scan", "--format", "jsonl"}, args...), &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
			require.Equal(t, exitOK, code)
			golden := filepath.Join("internal", "cli", "testdata", "golden", "asr", filepath.Base(f)+".jsonl")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
			}
			wantOut, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(wantOut), out.String())
		})
	}
}

// TestScanASRFolder scans the whole testdata/asr folder as one batch, as
// the README shows it, with and without a role mapping: every sample is a
// call of its own call_id, and none fails.
func TestScanASRFolder(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	files, err := filepath.Glob(filepath.Join("testdata", "asr", "*"))
	require.NoError(t, err)
	for _, args := range [][]string{
		{"testdata/asr"},
		{"--roles", "ch_0=agent,ch_1=customer", "testdata/asr"},
		{"--roles", "0=agent", "testdata/asr"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got, stderr := scanJSONL(t, args...)
			assert.Empty(t, stderr)
			require.Len(t, got, len(files))
			ids := map[string]bool{}
			for _, r := range got {
				assert.False(t, ids[r.CallID], "call_id %s twice", r.CallID)
				ids[r.CallID] = true
				assert.Equal(t, "customer", findingAt(t, r, 4, "吸血鬼").Speaker, r.Source)
			}
			var out, errOut bytes.Buffer
			code := run(append([]string{"scan"}, args...), &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
			assert.Equal(t, exitOK, code, errOut.String())
			assert.Contains(t, out.String(), fmt.Sprintf("calls                  %d\n", len(files)))
		})
	}
}

// TestREADMEASRExamples runs every `callqa ...` command of the README that
// reads testdata/asr, as written, and expects it to succeed.
func TestREADMEASRExamples(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	cmds := regexp.MustCompile("`callqa ([^`]*testdata/asr[^`]*)`").FindAllStringSubmatch(string(readme), -1)
	require.GreaterOrEqual(t, len(cmds), 10, "the README's testdata/asr examples")
	for _, m := range cmds {
		t.Run(m[1], func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(strings.Fields(m[1]), &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
			assert.Equal(t, exitOK, code, errOut.String())
			assert.Empty(t, errOut.String())
			assert.NotEmpty(t, out.String())
		})
	}
}

func TestInputFlags(t *testing.T) {
	tests := []struct {
		name, args, wantErr string
	}{
		{name: "roles", args: "--roles 0=agent,1=customer a.json"},
		{name: "bad_roles", args: "--roles 0=boss a.json", wantErr: `--roles: "0": unknown role "boss" (want agent, customer or third_party)`},
		{name: "bad_format", args: "--input-format docx a.json", wantErr: "invalid --input-format \"docx\""},
		{name: "csv_columns", args: "--csv-columns speaker=2,text=3,unit=ms a.csv"},
		{name: "bad_csv_unit", args: "--csv-columns unit=h a.csv", wantErr: `--csv-columns: unit must be s or ms, got "h"`},
		{name: "bad_csv_key", args: "--csv-columns who=2 a.csv", wantErr: `--csv-columns: unknown key "who"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseFlags(newScanCmd, tt.args)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got)
		})
	}
	got, _, err := parseFlags(newScanCmd, "--roles 0=agent,1=客户 --merge-gap 1.5 --input-format txt a.txt")
	require.NoError(t, err)
	assert.Equal(t, "agent", string(got.Input.Build.Roles["0"]))
	assert.Equal(t, "customer", string(got.Input.Build.Roles["1"]))
	assert.Equal(t, 1.5, got.Input.Build.MergeGap)
	assert.Equal(t, "txt", got.Input.Format)
}

// findingAt returns the finding on a turn whose match holds word.
func findingAt(t *testing.T, r result.Result, turn int, word string) result.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Turn == turn && strings.Contains(f.Match, word) {
			return f
		}
	}
	require.Failf(t, "no finding", "turn %d, %s, in %+v", turn, word, r.Findings)
	return result.Finding{}
}

// TestPartialRoles scans the Alibaba sample (speaker 0 the agent, speaker 1
// the customer, who calls the agents 吸血鬼 on turn 4) with a mapping of
// one speaker: the other is the other party, with no inference, and the
// customer's words are customer abuse, not an agent's insult.
func TestPartialRoles(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	sample := filepath.Join("testdata", "asr", "call.aliyun.json")
	for _, roles := range []string{"0=agent", "1=customer", "0=坐席", "0=agent,1=customer"} {
		t.Run(roles, func(t *testing.T) {
			got, stderr := scanJSONL(t, "--roles", roles, sample)
			require.Len(t, got, 1)
			assert.Empty(t, stderr)
			r := got[0]
			assert.Nil(t, r.RolesInferred, "the mapping settles both speakers")
			assert.Nil(t, r.RolesDisputed)
			abuse := findingAt(t, r, 4, "吸血鬼")
			assert.Equal(t, result.CategoryCustomerAbuse, abuse.Category)
			assert.Equal(t, "customer", abuse.Speaker)
			for _, f := range r.Findings {
				if f.Category == result.CategoryInsult {
					assert.Equal(t, "agent", f.Speaker)
					assert.NotEqual(t, 4, f.Turn, "the customer's turn is no agent insult")
				}
			}
			assert.Equal(t, "agent", findingAt(t, r, 5, "老赖").Speaker)
		})
	}
}

// TestRolesAgainstEvidence gives the Alibaba sample a mapping that swaps
// its roles: stderr warns, naming the file and both speakers, and the scan
// still uses the mapping. A mapping the evidence agrees with, or a file it
// names no speaker of, gets no warning.
func TestRolesAgainstEvidence(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	sample := filepath.Join("testdata", "asr", "call.aliyun.json")
	for _, tc := range []struct {
		roles, warn string
	}{
		{"1=agent", `callqa: testdata/asr/call.aliyun.json: warning: --roles makes speaker "1" the agent, but "1" speaks like the customer and "0" like the agent (confidence 0.83); the scan uses the mapping: check --roles` + "\n"},
		{"0=customer", `callqa: testdata/asr/call.aliyun.json: warning: --roles makes speaker "1" the agent, but "1" speaks like the customer and "0" like the agent (confidence 0.83); the scan uses the mapping: check --roles` + "\n"},
		{"1=agent,0=customer", `callqa: testdata/asr/call.aliyun.json: warning: --roles makes speaker "1" the agent, but "1" speaks like the customer and "0" like the agent (confidence 0.83); the scan uses the mapping: check --roles` + "\n"},
		{"0=agent", ""},
		{"spk_1=agent", ""},
	} {
		t.Run(tc.roles, func(t *testing.T) {
			got, stderr := scanJSONL(t, "--roles", tc.roles, sample)
			require.Len(t, got, 1)
			assert.Equal(t, tc.warn, stderr)
			r := got[0]
			if tc.warn == "" {
				assert.Nil(t, r.RolesDisputed)
				return
			}
			require.NotNil(t, r.RolesDisputed)
			assert.Equal(t, "1", r.RolesDisputed.Given)
			assert.Equal(t, "0", r.RolesDisputed.Inferred.Agent)
			assert.Nil(t, r.RolesInferred)
			// The mapping is used: the customer's 吸血鬼 is now the agent's.
			f := findingAt(t, r, 4, "吸血鬼")
			assert.Equal(t, result.CategoryInsult, f.Category)
			assert.Equal(t, "agent", f.Speaker)
		})
	}
}
