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

	"github.com/callqa/callqa/eval"
)

func TestNewEvalCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    EvalOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: "--labels gold.jsonl calls/",
			want: EvalOptions{Paths: []string{"calls/"}, Labels: "gold.jsonl", Format: "table", Workers: runtime.GOMAXPROCS(0)},
		},
		{
			name: "every_flag",
			args: "-v --format json --min-f1 0.85 --rules team/ --rules more/ -j 2 --labels gold.jsonl a/ b.txt",
			want: EvalOptions{
				Paths: []string{"a/", "b.txt"}, Labels: "gold.jsonl", Format: "json", Verbose: true,
				MinF1: 0.85, Rules: []string{"team/", "more/"}, Workers: 2,
			},
		},
		{name: "no_labels", args: "calls/", wantErr: "--labels FILE is required"},
		{name: "no_path", args: "--labels gold.jsonl", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "bad_format", args: "--labels gold.jsonl --format csv calls/", wantErr: `invalid --format "csv" (want one of table, json)`},
		{name: "min_f1_above_one", args: "--labels gold.jsonl --min-f1 80 calls/", wantErr: "invalid --min-f1 80 (want a number from 0 to 1)"},
		{name: "min_f1_not_a_number", args: "--labels gold.jsonl --min-f1 high calls/",
			wantErr: `invalid argument "high" for "--min-f1" flag: strconv.ParseFloat: parsing "high": invalid syntax`},
		{name: "negative_workers", args: "--labels gold.jsonl --workers -1 calls/", wantErr: "invalid --jobs -1 (want 1 or more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newEvalCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

// TestRunEval runs the real reader and analyzer; like TestRunScan it
// checks structure and exit statuses, not what the rules find. The label
// of C009, which is never scanned, makes the threat F1 0 whatever the
// analyzer does.
func TestRunEval(t *testing.T) {
	badLabels := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(badLabels, []byte(
		`{"call_id": "C001", "violations": [{"category": "rudeness", "turn": 2}]}`+"\n"+
			`{"call_id": "C001", "violations": []}`+"\n"), 0o644))
	labels := filepath.Join("testdata", "labels.jsonl")

	tests := []struct {
		name  string
		opts  EvalOptions
		check func(t *testing.T, code int, out, errOut string)
	}{
		{
			name: "bad_labels",
			opts: EvalOptions{Labels: badLabels, Format: "table", Workers: 1, Paths: []string{calls("C001.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Equal(t,
					"callqa: "+badLabels+`:1: violation 1: unknown category "rudeness" (want insult, threat, false_legal_claim, third_party_disclosure)`+"\n"+
						"callqa: "+badLabels+`:2: duplicate call_id "C001" (first on line 1)`+"\n",
					errOut)
			},
		},
		{
			name: "missing_labels",
			opts: EvalOptions{Labels: calls("no-labels.jsonl"), Format: "table", Workers: 1, Paths: []string{calls("C001.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Contains(t, errOut, "callqa: open "+calls("no-labels.jsonl")+": no such file")
			},
		},
		{
			name: "folder_with_bad_inputs_verbose_table",
			opts: EvalOptions{Labels: labels, Format: "table", Verbose: true, Workers: 2, Paths: []string{filepath.Join("testdata", "calls")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code, "inputs failed")
				for _, want := range []string{
					"false positives (", "false negatives (", "task and step mismatches (",
					"4 calls scanned, 4 labels, 3 calls evaluated\n",
					"scanned without a label (not scored): 1\n  C005\n",
					"labeled but not scanned (gold violations count as missed): 1\n  C009\n",
					"\nviolations by turn ",
				} {
					assert.Contains(t, out, want)
				}
				assert.True(t, strings.HasPrefix(lastLine(out), "micro average "), out)

				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				require.Len(t, lines, 3, errOut)
				assert.True(t, strings.HasPrefix(lines[0], "callqa: "+calls("bad_role.txt")+":2: "), lines[0])
				assert.True(t, strings.HasPrefix(lines[1], "callqa: "+calls("batch.jsonl")+":2: "), lines[1])
				assert.Equal(t, "callqa: 2 of 6 inputs failed; 4 calls analyzed", lines[2])
			},
		},
		{
			name: "below_min_f1_json",
			opts: EvalOptions{Labels: labels, Format: "json", MinF1: 0.5, Workers: 2, Paths: []string{calls("C001.txt"), calls("C002.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitViolation, code)
				var rep eval.Report
				require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
				assert.Equal(t, 2, rep.Evaluated)
				assert.Equal(t, []string{"C003", "C009"}, rep.Unscanned)
				assert.True(t, strings.HasPrefix(errOut, "callqa: turn-level F1 below 0.5: "), errOut)
				assert.Contains(t, errOut, "threat 0.000")
				assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, out, errOut := testIO("")
			opts := tt.opts
			opts.IO = ios
			code := exitStatus(errOut, nil, runEval(&opts))
			tt.check(t, code, out.String(), errOut.String())
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}
