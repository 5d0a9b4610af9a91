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
	"github.com/callqa/callqa/eval"
	"github.com/callqa/callqa/similar"
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
			want: EvalOptions{Paths: []string{"calls/"}, Labels: "gold.jsonl", Format: "table", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold}},
		},
		{
			name: "every_flag",
			args: "-v --format json --min-f1 0.85 --rules team/ --rules more/ -j 2 --labels gold.jsonl a/ b.txt",
			want: EvalOptions{
				Paths: []string{"a/", "b.txt"}, Labels: "gold.jsonl", Format: "json", Verbose: true,
				MinF1: 0.85, BatchOptions: BatchOptions{Rules: []string{"team/", "more/"}, Workers: 2, MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold},
			},
		},
		{name: "no_labels", args: "calls/", wantErr: "--labels FILE is required"},
		{name: "no_path", args: "--labels gold.jsonl", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "bad_format", args: "--labels gold.jsonl --format csv calls/", wantErr: `invalid --format "csv" (want one of table, json)`},
		{name: "min_f1_above_one", args: "--labels gold.jsonl --min-f1 80 calls/", wantErr: "invalid --min-f1 80 (want a number from 0 to 1)"},
		{name: "min_f1_not_a_number", args: "--labels gold.jsonl --min-f1 high calls/",
			wantErr: `invalid argument "high" for "--min-f1" flag: strconv.ParseFloat: parsing "high": invalid syntax`},
		{name: "negative_workers", args: "--labels gold.jsonl --workers -1 calls/", wantErr: "invalid --jobs -1 (want 1 or more)"},
		{
			name: "only_by_tags",
			args: "--only DEV001..DEV170 --only DEV200,DEV9..DEV10 --by variety,team --by variety --by date --tags t.jsonl --labels gold.jsonl calls/",
			want: EvalOptions{
				Paths: []string{"calls/"}, Labels: "gold.jsonl", Format: "table", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold},
				Only: []string{"DEV001..DEV170", "DEV200,DEV9..DEV10"},
				By:   []string{"variety", "team", "date"}, Tags: "t.jsonl",
			},
		},
		{name: "only_prefixes_differ", args: "--only DEV001..X170 --labels gold.jsonl calls/",
			wantErr: `invalid --only: invalid item "DEV001..X170": the ends have different prefixes ("DEV" and "X")`},
		{name: "only_malformed_item", args: "--only DEV001,,DEV003 --labels gold.jsonl calls/",
			wantErr: `invalid --only: invalid item "": empty item (want a call id or a range such as DEV001..DEV170)`},
		{name: "only_backwards", args: "--only DEV170..DEV001 --labels gold.jsonl calls/",
			wantErr: `invalid --only: invalid item "DEV170..DEV001": the range runs backwards (DEV170 is above DEV001)`},
		{name: "only_open_range", args: "--only DEV001.. --labels gold.jsonl calls/",
			wantErr: `invalid --only: invalid item "DEV001..": a range needs two ends, as in DEV001..DEV170`},
		{name: "by_empty_field", args: "--by variety, --labels gold.jsonl calls/",
			wantErr: `invalid --by "variety,": empty field name`},
		{name: "tags_without_by", args: "--tags t.jsonl --labels gold.jsonl calls/",
			wantErr: "--tags FILE is only used with --by FIELD"},
		{
			name: "similar_decisions",
			args: "--similar --similar-threshold 0.4 --decisions d.jsonl --labels gold.jsonl calls/",
			want: EvalOptions{
				Paths: []string{"calls/"}, Labels: "gold.jsonl", Format: "table", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence},
				SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: 0.4}, Decisions: "d.jsonl",
			},
		},
		{name: "decisions_without_similar", args: "--decisions d.jsonl --labels gold.jsonl calls/",
			wantErr: "--decisions FILE is only used with --similar"},
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
			opts: EvalOptions{Labels: badLabels, Format: "table", BatchOptions: BatchOptions{Workers: 1}, Paths: []string{calls("C001.txt")}},
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
			opts: EvalOptions{Labels: calls("no-labels.jsonl"), Format: "table", BatchOptions: BatchOptions{Workers: 1}, Paths: []string{calls("C001.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Contains(t, errOut, "callqa: open "+calls("no-labels.jsonl")+": no such file")
			},
		},
		{
			name: "folder_with_bad_inputs_verbose_table",
			opts: EvalOptions{Labels: labels, Format: "table", Verbose: true, BatchOptions: BatchOptions{Workers: 2}, Paths: []string{filepath.Join("testdata", "calls")}},
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
			opts: EvalOptions{Labels: labels, Format: "json", MinF1: 0.5, BatchOptions: BatchOptions{Workers: 2}, Paths: []string{calls("C001.txt"), calls("C002.txt")}},
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

// TestRunEvalSelection runs --only, --by and --tags on the real reader and
// analyzer; like TestRunEval it checks what is scored and grouped, not what
// the rules find.
func TestRunEvalSelection(t *testing.T) {
	dir := t.TempDir()
	// C007 is scanned and labeled but outside every --only below.
	extra := filepath.Join(dir, "C007.txt")
	require.NoError(t, os.WriteFile(extra, []byte("# call_id: C007\n# team: north\n坐席：您好，请问是钱立先生吗？\n客户：是我。\n"), 0o644))
	labels := filepath.Join(dir, "labels.jsonl")
	gold, err := os.ReadFile(filepath.Join("testdata", "labels.jsonl"))
	require.NoError(t, err)
	gold = append(gold, `{"call_id": "C007", "party": "debtor", "violations": [{"category": "threat", "turn": 1}], "variety": "mandarin"}`+"\n"...)
	require.NoError(t, os.WriteFile(labels, gold, 0o644))
	tags := filepath.Join(dir, "tags.jsonl")
	require.NoError(t, os.WriteFile(tags, []byte(`{"call_id": "C001", "region": "east"}`+"\n"+`{"call_id": "C404", "region": "west"}`+"\n"), 0o644))
	badTags := filepath.Join(dir, "bad_tags.jsonl")
	require.NoError(t, os.WriteFile(badTags, []byte(`{"region": "east"}`+"\n"), 0o644))
	inputs := []string{calls("C001.txt"), calls("C002.txt"), extra}

	tests := []struct {
		name  string
		opts  EvalOptions
		check func(t *testing.T, code int, out, errOut string)
	}{
		{
			name: "only_ignores_the_rest",
			opts: EvalOptions{Labels: labels, Format: "json", Only: []string{"C001..C002", "C009"}, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitOK, code, errOut)
				var rep eval.Report
				require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
				assert.Equal(t, 2, rep.Scanned, "C007 is not counted")
				assert.Equal(t, 3, rep.Labeled, "C001, C002, C009; not C003 or C007")
				assert.Equal(t, 2, rep.Evaluated)
				assert.Empty(t, rep.Unlabeled)
				assert.Equal(t, []string{"C009"}, rep.Unscanned)
				assert.Nil(t, rep.By)
				assert.NotContains(t, out, `"by"`)
			},
		},
		{
			name: "only_gate_passes_on_the_selection",
			opts: EvalOptions{Labels: labels, Format: "table", Only: []string{"C007"}, MinF1: 0.01, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				// C007's gold threat is missed whatever the analyzer does.
				assert.Equal(t, exitViolation, code)
				assert.Contains(t, out, "1 calls scanned, 1 labels, 1 calls evaluated\n")
				assert.Contains(t, errOut, "threat 0.000")
			},
		},
		{
			name: "only_matches_no_label",
			opts: EvalOptions{Labels: labels, Format: "table", Only: []string{"DEV001..DEV170"}, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Equal(t, "callqa: --only DEV001..DEV170 matched no label in "+labels+"\n", errOut)
			},
		},
		{
			name: "only_matches_no_scanned_call",
			opts: EvalOptions{Labels: labels, Format: "table", Only: []string{"C003", "C009"}, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Equal(t, "callqa: --only C003,C009 matched no scanned call (2 labels in "+labels+" did)\n", errOut)
			},
		},
		{
			name: "by_table",
			opts: EvalOptions{Labels: labels, Format: "table", By: []string{"variety", "team", "region"}, Tags: tags, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitOK, code, errOut)
				for _, want := range []string{
					"\nby variety: 2 groups\n",
					// C007's label says mandarin; C001 and C002 are
					// detected; C003 and C009 are not scanned.
					"\nvariety = mandarin: 3 calls, clean calls failed ",
					"\nvariety = (none): 2 calls (2 not scanned), clean calls failed 0 of 0\n",
					"\nby team: 2 groups\n",
					"\nteam = north: 1 call, ",
					"\nteam = (none): 4 calls (2 not scanned), ",
					"\nby region: 2 groups\n",
					"\nregion = east: 1 call, ",
				} {
					assert.Contains(t, out, want)
				}
				assert.Less(t, strings.Index(out, "\nmicro average "), strings.Index(out, "\nby variety"), "breakdown after the report")
				assert.True(t, strings.HasPrefix(lastLine(out), "micro average "), out)
			},
		},
		{
			name: "by_json",
			opts: EvalOptions{Labels: labels, Format: "json", By: []string{"party"}, Only: []string{"C001,C002"}, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitOK, code, errOut)
				var rep eval.Report
				require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
				require.Len(t, rep.By, 1)
				assert.Equal(t, "party", rep.By[0].Field)
				require.Len(t, rep.By[0].Groups, 1)
				g := rep.By[0].Groups[0]
				assert.Equal(t, "debtor", g.Value)
				assert.Equal(t, []string{"C001", "C002"}, g.CallIDs)
				assert.Equal(t, rep.Micro, g.Micro, "one group holds every call")
			},
		},
		{
			name: "bad_tags",
			opts: EvalOptions{Labels: labels, Format: "table", By: []string{"region"}, Tags: badTags, Paths: inputs},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.Equal(t, "callqa: "+badTags+":1: missing call_id (want a string)\n", errOut)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, out, errOut := testIO("")
			opts := tt.opts
			opts.IO = ios
			opts.Workers = 2
			code := exitStatus(errOut, nil, runEval(&opts))
			tt.check(t, code, out.String(), errOut.String())
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}
