package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
)

func TestNewScanCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ScanOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: "calls/",
			want: ScanOptions{Paths: []string{"calls/"}, Format: "table", Workers: runtime.GOMAXPROCS(0)},
		},
		{
			name: "every_flag",
			args: "--format jsonl --rules team/ --rules extra,more.yaml --explain --fail-on-violation --workers 3 a.txt - b/",
			want: ScanOptions{
				Paths: []string{"a.txt", "-", "b/"}, Format: "jsonl",
				Rules:   []string{"team/", "extra,more.yaml"}, // a comma is part of the path
				Explain: true, FailOnViolation: true, Workers: 3,
			},
		},
		{
			name: "format_shorthand",
			args: "-f csv a.txt",
			want: ScanOptions{Paths: []string{"a.txt"}, Format: "csv", Workers: runtime.GOMAXPROCS(0)},
		},
		{name: "no_path", args: "--format json", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "bad_format", args: "--format xml a.txt", wantErr: `invalid --format "xml" (want one of table, jsonl, json, csv)`},
		{name: "zero_workers", args: "--workers 0 a.txt", wantErr: "invalid --jobs 0 (want 1 or more)"},
		{name: "unknown_flag", args: "--rule x a.txt", wantErr: "unknown flag: --rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newScanCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

// calls returns the path of a test transcript.
func calls(name string) string {
	return filepath.Join("testdata", "calls", name)
}

// TestRunScan runs the real reader and analyzer on testdata/calls. It
// checks the structure of the output (exit status, one line per call in
// input order, one stderr line per bad input), not what the rules find:
// that is the analyzer's tests' business.
func TestRunScan(t *testing.T) {
	c001, err := os.ReadFile(calls("C001.txt"))
	require.NoError(t, err)

	tests := []struct {
		name  string
		opts  ScanOptions
		stdin string
		check func(t *testing.T, code int, out, errOut string)
	}{
		{
			name: "jsonl_with_bad_inputs_and_stdin",
			opts: ScanOptions{Format: "jsonl", Workers: 3, Paths: []string{
				calls("C001.txt"), calls("batch.jsonl"), calls("bad_role.txt"), calls("missing.txt"), calls("C002.txt"), "-",
			}},
			stdin: strings.Replace(string(c001), "call_id: C001", "call_id: STDIN1", 1),
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				results := decodeJSONL(t, out)
				var ids []string
				for _, r := range results {
					ids = append(ids, r.CallID)
				}
				assert.Equal(t, []string{"C001", "C003", "C005", "C002", "STDIN1"}, ids, "one line per call, in input order")
				assert.Equal(t, calls("batch.jsonl")+"#3", results[2].Source)
				assert.Equal(t, "-", results[4].Source)

				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				require.Len(t, lines, 4, errOut)
				assert.True(t, strings.HasPrefix(lines[0], "callqa: "+calls("batch.jsonl")+":2: "), lines[0])
				assert.True(t, strings.HasPrefix(lines[1], "callqa: "+calls("bad_role.txt")+":2: "), lines[1])
				assert.True(t, strings.HasPrefix(lines[2], "callqa: "+calls("missing.txt")+": "), lines[2])
				assert.Equal(t, "callqa: 3 of 8 inputs failed; 5 calls analyzed", lines[3])
			},
		},
		{
			name: "fail_on_violation_json",
			opts: ScanOptions{Format: "json", Workers: 2, FailOnViolation: true, Paths: []string{calls("C001.txt"), calls("C002.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				var doc struct {
					Calls   []analyzer.Result `json:"calls"`
					Summary struct {
						Calls               int `json:"calls"`
						CallsWithViolations int `json:"calls_with_violations"`
					} `json:"summary"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
				require.Len(t, doc.Calls, 2)
				assert.Equal(t, 2, doc.Summary.Calls)
				violations := 0
				for _, r := range doc.Calls {
					violations += len(r.Violations())
				}
				if violations > 0 {
					assert.Equal(t, exitViolation, code, "a violation with --fail-on-violation")
					assert.Positive(t, doc.Summary.CallsWithViolations)
				} else {
					assert.Equal(t, exitOK, code)
				}
				assert.Empty(t, errOut)
			},
		},
		{
			name: "every_input_failed_table",
			opts: ScanOptions{Format: "table", Workers: 2, Paths: []string{calls("bad_role.txt"), calls("missing.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Equal(t, "summary: no call was read: all 2 inputs failed (the errors are on stderr)\n", out,
					"no all-zero summary")
				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				require.Len(t, lines, 3, errOut)
				assert.Equal(t, "callqa: 2 of 2 inputs failed; no call was read", lines[2])
			},
		},
		{
			name: "the_only_input_failed_table",
			opts: ScanOptions{Format: "table", Workers: 1, Paths: []string{calls("missing.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Equal(t, "summary: no call was read: the 1 input failed (the error is on stderr)\n", out)
				assert.True(t, strings.HasSuffix(errOut, "callqa: 1 of 1 inputs failed; no call was read\n"), errOut)
			},
		},
		{
			name: "rules_that_do_not_load",
			opts: ScanOptions{Format: "jsonl", Workers: 1, Rules: []string{calls("no-such-rules")}, Paths: []string{calls("C001.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.True(t, strings.HasPrefix(errOut, "callqa: "), errOut)
				assert.Contains(t, errOut, "no-such-rules")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, out, errOut := testIO(tt.stdin)
			opts := tt.opts
			opts.IO = ios
			code := exitStatus(errOut, nil, runScan(&opts))
			tt.check(t, code, out.String(), errOut.String())
		})
	}
}

func decodeJSONL(t *testing.T, out string) []analyzer.Result {
	t.Helper()
	var results []analyzer.Result
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r analyzer.Result
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line %d: %s", i+1, line)
		require.NotNil(t, r.Findings, "line %d: findings is [] not null", i+1)
		results = append(results, r)
	}
	return results
}
