package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleResults returns hand-made results that cover the cases the writers
// must handle: several categories on one turn, a customer_abuse finding,
// suppressed matches, a call without findings whose lists are nil, a
// result without task or step maps, and text with HTML-special characters.
func sampleResults() []*result.Result {
	return []*result.Result{
		{
			CallID: "D0007", Source: "calls/D0007.txt", Turns: 14, Party: "debtor",
			Agent: "李娜", Team: "M1-A", StartedAt: "2026-03-01T10:02:11+08:00", Kind: "first_call",
			Findings: []result.Finding{
				{Category: "customer_abuse", Turn: 4, Speaker: "customer", Severity: "info",
					Rule: "customer_abuse.insult", Match: "吸血鬼", Text: "你们这帮吸血鬼，天天打电话", Start: 12, End: 21},
				{Category: "threat", Turn: 9, Speaker: "agent", Severity: "critical",
					Rule: "threat.safety", Match: "出门小心点", Text: "你不还钱，你出门小心点，老赖", Start: 18, End: 33},
				{Category: "insult", Turn: 9, Speaker: "agent", Severity: "major",
					Rule: "insult.laolai", Match: "老赖", Text: "你不还钱，你出门小心点，老赖", Start: 36, End: 42},
			},
			Tasks: map[string]result.Coverage{
				"demand_payment":       {Covered: true, Turns: []int{3, 9}},
				"ask_reason":           {Covered: true, Turns: []int{5}},
				"explain_consequences": {Covered: false, Turns: []int{}},
				"get_commitment":       {Covered: true, Turns: []int{12}},
			},
			Steps: map[string]result.Coverage{
				"self_introduce":  {Covered: true, Turns: []int{3}},
				"verify_identity": {Covered: true, Turns: []int{1}},
			},
			Score: 75, Pass: false,
			Suppressed: []result.Suppressed{
				{Turn: 11, Rule: "threat.expose", Match: "发到你朋友圈", Reason: "negated", Cue: "不会"},
				{Turn: 4, Rule: "insult.pianzi", Match: "骗子", Reason: "wrong_speaker"},
			},
		},
		{
			CallID: "D0008", Source: "calls/D0008.txt", Turns: 10, Party: "debtor",
			Tasks: map[string]result.Coverage{
				"demand_payment":       {Covered: true, Turns: []int{7}},
				"ask_reason":           {Covered: true, Turns: []int{5}},
				"explain_consequences": {Covered: true, Turns: []int{6}},
				"get_commitment":       {Covered: true, Turns: []int{8}},
			},
			Steps: map[string]result.Coverage{
				"self_introduce":  {Covered: true, Turns: []int{3}},
				"verify_identity": {Covered: false},
			},
			Score: 100, Pass: true,
		},
		{
			CallID: "D0009", Source: "calls/batch.jsonl#3", Turns: 6, Party: "third_party",
			Findings: []result.Finding{
				{Category: "third_party_disclosure", Turn: 3, Speaker: "agent", Severity: "critical",
					Rule: "third_party_disclosure.debt", Match: "欠款", Text: "他在<平台>的欠款 & 利息已经逾期了", Start: 18, End: 24},
			},
			Score: 0, Pass: false,
		},
	}
}

func sampleSummary() Summary {
	var t Tally
	for _, r := range sampleResults() {
		t.Add(r)
	}
	t.AddInputError()
	return t.Summary()
}

func render(t *testing.T, format string, results []*result.Result, s Summary) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(format, &buf)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Close(s))
	return buf.String()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name, format, golden string
		results              []*result.Result
	}{
		{name: "table", format: "table", golden: "scan.txt", results: sampleResults()},
		{name: "jsonl", format: "jsonl", golden: "scan.jsonl", results: sampleResults()},
		{name: "json", format: "json", golden: "scan.json", results: sampleResults()},
		{name: "csv", format: "csv", golden: "scan.csv", results: sampleResults()},
		{name: "json_empty", format: "json", golden: "empty.json"},
		{name: "table_empty", format: "table", golden: "empty.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Summary
			if tt.results != nil {
				s = sampleSummary()
			} else {
				s = (&Tally{}).Summary()
			}
			got := render(t, tt.format, tt.results, s)
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./report -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

func TestNewUnknownFormat(t *testing.T) {
	_, err := New("xml", &bytes.Buffer{})
	assert.EqualError(t, err, `unknown format "xml" (want one of table, jsonl, json, csv)`)
}

func TestFormatsAllWork(t *testing.T) {
	for _, f := range Formats() {
		t.Run(f, func(t *testing.T) {
			_, err := New(f, &bytes.Buffer{})
			assert.NoError(t, err)
		})
	}
}

// TestJSONLContract checks formats.md §4 on the decoded output rather than
// on bytes: one object per line in input order, [] instead of null, tasks
// and steps as maps with every code, no HTML escaping.
func TestJSONLContract(t *testing.T) {
	out := render(t, "jsonl", sampleResults(), Summary{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3)

	assert.NotContains(t, out, "null")
	assert.NotContains(t, out, `\u003c`, "HTML characters must not be escaped")
	assert.Contains(t, out, "他在<平台>的欠款 & 利息")

	wantIDs := []string{"D0007", "D0008", "D0009"}
	for i, line := range lines {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj), "line %d", i+1)
		assert.Equal(t, wantIDs[i], obj["call_id"])
		for _, key := range []string{"call_id", "source", "turns", "party", "findings", "tasks", "steps", "score", "pass"} {
			assert.Contains(t, obj, key, "line %d", i+1)
		}
		assert.IsType(t, []any{}, obj["findings"])
		tasks, ok := obj["tasks"].(map[string]any)
		require.True(t, ok, "tasks is an object")
		for _, code := range result.TaskCodes {
			cov, ok := tasks[code].(map[string]any)
			require.True(t, ok, "line %d: task %s", i+1, code)
			assert.IsType(t, []any{}, cov["turns"])
			assert.IsType(t, false, cov["covered"])
		}
		steps, ok := obj["steps"].(map[string]any)
		require.True(t, ok, "steps is an object")
		for _, code := range result.StepCodes {
			assert.Contains(t, steps, code)
		}
	}
}

// TestJSONMatchesWholeDocument checks that writing the json format call by
// call gives exactly the document indented as a whole.
func TestJSONMatchesWholeDocument(t *testing.T) {
	results := sampleResults()
	s := sampleSummary()
	got := render(t, "json", results, s)

	normalized := make([]*result.Result, len(results))
	for i, r := range results {
		normalized[i] = normalize(r)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(struct {
		Calls   []*result.Result `json:"calls"`
		Summary Summary          `json:"summary"`
	}{normalized, s}))
	assert.Equal(t, want.String(), got)
}

func TestNormalizeLeavesInputAlone(t *testing.T) {
	r := sampleResults()[1]
	n := normalize(r)
	assert.Nil(t, r.Findings)
	assert.Nil(t, r.Steps["verify_identity"].Turns)
	assert.NotNil(t, n.Findings)
	assert.Equal(t, []int{}, n.Steps["verify_identity"].Turns)
}

func TestCSV(t *testing.T) {
	out := render(t, "csv", sampleResults(), Summary{})
	require.True(t, strings.HasPrefix(out, "\ufeff"), "starts with a UTF-8 BOM")
	rows := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\ufeff"), "\r\n"), "\r\n")
	// header, three findings of D0007, one empty row for D0008, one finding of D0009
	require.Len(t, rows, 6)
	assert.Equal(t, strings.Join(csvHeader(LangEn), ","), rows[0])
	assert.True(t, strings.HasPrefix(rows[4], "D0008,calls/D0008.txt,,,debtor,,100,true,,,,,,,,,"), rows[4])
	assert.True(t, strings.HasSuffix(rows[4], ",true,true,true,true,true,false,"), rows[4])
}

func TestTally(t *testing.T) {
	tests := []struct {
		name    string
		results []*result.Result
		errors  int
		want    Summary
	}{
		{
			name: "empty",
			want: Summary{Violations: map[string]int{
				"insult": 0, "threat": 0, "false_legal_claim": 0, "third_party_disclosure": 0,
			}},
		},
		{
			name:    "sample",
			results: sampleResults(),
			errors:  2,
			want: Summary{
				Calls: 3, Passed: 1, Failed: 2, CallsWithViolations: 2, InputErrors: 2,
				Violations: map[string]int{
					"insult": 1, "threat": 1, "false_legal_claim": 0, "third_party_disclosure": 1,
				},
			},
		},
		{
			name: "same_turn_same_category_counts_once",
			results: []*result.Result{{
				CallID: "X1",
				Findings: []result.Finding{
					{Category: "threat", Turn: 2, Rule: "threat.a"},
					{Category: "threat", Turn: 2, Rule: "threat.b"},
					{Category: "threat", Turn: 4, Rule: "threat.a"},
					{Category: "customer_abuse", Turn: 3},
				},
			}},
			want: Summary{
				Calls: 1, Failed: 1, CallsWithViolations: 1,
				Violations: map[string]int{
					"insult": 0, "threat": 2, "false_legal_claim": 0, "third_party_disclosure": 0,
				},
			},
		},
		{
			name: "customer_abuse_only_is_no_violation",
			results: []*result.Result{{
				CallID: "X2", Pass: true,
				Findings: []result.Finding{{Category: "customer_abuse", Turn: 3}},
			}},
			want: Summary{
				Calls: 1, Passed: 1,
				Violations: map[string]int{
					"insult": 0, "threat": 0, "false_legal_claim": 0, "third_party_disclosure": 0,
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tally Tally
			for _, r := range tt.results {
				tally.Add(r)
			}
			for range tt.errors {
				tally.AddInputError()
			}
			got := tally.Summary()
			assert.Equal(t, tt.want, got)

			got.Violations["insult"] = 99
			assert.NotEqual(t, 99, tally.Summary().Violations["insult"], "Summary returns a copy")
		})
	}
}
