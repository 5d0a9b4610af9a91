package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "labels.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestReadLabels(t *testing.T) {
	const good = `{"call_id": "D0007", "party": "debtor", "violations": [{"category": "threat", "turn": 9}, {"category": "insult", "turn": 9}], "tasks": {"demand_payment": true, "ask_reason": true, "explain_consequences": false, "get_commitment": true}, "steps": {"self_introduce": true, "verify_identity": true}, "notes": "turn 9 says 你出门小心点 and 老赖"}`
	tests := []struct {
		name    string
		in      string
		want    map[string]Label
		wantErr string
	}{
		{
			name: "formats_example",
			in:   good + "\n",
			want: map[string]Label{"D0007": {
				CallID: "D0007", Party: "debtor",
				Violations: []Violation{{"threat", 9}, {"insult", 9}},
				Tasks:      map[string]bool{"demand_payment": true, "ask_reason": true, "explain_consequences": false, "get_commitment": true},
				Steps:      map[string]bool{"self_introduce": true, "verify_identity": true},
				Notes:      "turn 9 says 你出门小心点 and 老赖",
			}},
		},
		{
			name: "bom_crlf_blank_lines_no_final_newline",
			in:   "\ufeff" + `{"call_id": "A1", "violations": []}` + "\r\n\r\n  \n" + `{"call_id": "A2", "violations": [], "tasks": {"ask_reason": false}}`,
			want: map[string]Label{
				"A1": {CallID: "A1", Violations: []Violation{}},
				"A2": {CallID: "A2", Violations: []Violation{}, Tasks: map[string]bool{"ask_reason": false}},
			},
		},
		{
			name: "unknown_scalar_fields_kept",
			in:   `{"call_id": "A1", "violations": [], "labeler": "x", "variety": "cantonese", "round": 2, "hard": true, "ratio": 0.50}`,
			want: map[string]Label{"A1": {CallID: "A1", Violations: []Violation{},
				Extra: map[string]string{"labeler": "x", "variety": "cantonese", "round": "2", "hard": "true", "ratio": "0.50"}}},
		},
		{
			name: "nested_null_and_empty_fields_left_out",
			in:   `{"call_id": "A1", "violations": [], "meta": {"a": 1}, "list": [1], "gone": null, "blank": ""}`,
			want: map[string]Label{"A1": {CallID: "A1", Violations: []Violation{}}},
		},
		{
			name:    "malformed_json",
			in:      `{"call_id": "A1", "violations": []}` + "\n" + `{"call_id": "A2", "violations": [}`,
			wantErr: `labels.jsonl:2:34: malformed JSON: invalid character '}' looking for beginning of value`,
		},
		{
			name:    "wrong_type",
			in:      `{"call_id": "A1", "violations": [{"category": "insult", "turn": "9"}]}`,
			wantErr: `labels.jsonl:1: malformed label: json: cannot unmarshal string into Go struct field Violation.violations.turn of type int`,
		},
		{
			name:    "unknown_category",
			in:      `{"call_id": "A1", "violations": [{"category": "insult", "turn": 2}, {"category": "customer_abuse", "turn": 3}]}`,
			wantErr: `labels.jsonl:1: violation 2: unknown category "customer_abuse" (want insult, threat, false_legal_claim, third_party_disclosure)`,
		},
		{
			name:    "turn_zero",
			in:      `{"call_id": "A1", "violations": [{"category": "threat", "turn": 0}]}`,
			wantErr: `labels.jsonl:1: violation 1: turn 0 is not a turn number (turns count from 1)`,
		},
		{
			name:    "unknown_task_code",
			in:      `{"call_id": "A1", "violations": [], "tasks": {"demand_paymnet": true}}`,
			wantErr: `labels.jsonl:1: unknown task code "demand_paymnet" (want demand_payment, ask_reason, explain_consequences, get_commitment)`,
		},
		{
			name:    "step_under_tasks",
			in:      `{"call_id": "A1", "violations": [], "tasks": {"self_introduce": true}}`,
			wantErr: `labels.jsonl:1: unknown task code "self_introduce" (it is a step code; put it under "steps")`,
		},
		{
			name:    "unknown_step_code",
			in:      `{"call_id": "A1", "violations": [], "steps": {"greet": true}}`,
			wantErr: `labels.jsonl:1: unknown step code "greet" (want self_introduce, verify_identity)`,
		},
		{
			name:    "unknown_party",
			in:      `{"call_id": "A1", "party": "wife", "violations": []}`,
			wantErr: `labels.jsonl:1: unknown party "wife" (want debtor or third_party)`,
		},
		{
			name:    "missing_call_id",
			in:      `{"violations": []}`,
			wantErr: `labels.jsonl:1: missing call_id`,
		},
		{
			name:    "duplicate_call_id",
			in:      `{"call_id": "A1", "violations": []}` + "\n\n" + `{"call_id": "A1", "violations": []}`,
			wantErr: `labels.jsonl:3: duplicate call_id "A1" (first on line 1)`,
		},
		{
			name: "every_problem_reported",
			in: `{"call_id": "A1", "party": "x", "violations": [{"category": "slur", "turn": -1}]}` + "\n" +
				`not json` + "\n" +
				`{"call_id": "A3", "violations": []}`,
			wantErr: strings.Join([]string{
				`labels.jsonl:1: unknown party "x" (want debtor or third_party)`,
				`labels.jsonl:1: violation 1: unknown category "slur" (want insult, threat, false_legal_claim, third_party_disclosure)`,
				`labels.jsonl:1: violation 1: turn -1 is not a turn number (turns count from 1)`,
				`labels.jsonl:2:2: malformed JSON: invalid character 'o' in literal null (expecting 'u')`,
			}, "\n"),
		},
		{
			name:    "empty",
			in:      "\n\n",
			wantErr: `labels.jsonl: no labels in file`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.in)
			got, err := ReadLabels(path)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, strings.ReplaceAll(err.Error(), path, "labels.jsonl"))
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadLabelsErrorsAreParseErrors(t *testing.T) {
	path := writeFile(t, `{"call_id": "A1", "violations": [{"category": "slur", "turn": 1}]}`)
	_, err := ReadLabels(path)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 1, pe.Line)
	assert.Equal(t, path, pe.Path)
}

func TestReadLabelsCapsErrors(t *testing.T) {
	path := writeFile(t, strings.Repeat("not json\n", 25))
	_, err := ReadLabels(path)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Len(t, lines, maxErrors+1)
	assert.Equal(t, path+": 5 more problems not shown", lines[len(lines)-1])
}

func TestReadLabelsMissingFile(t *testing.T) {
	_, err := ReadLabels(filepath.Join(t.TempDir(), "nope.jsonl"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestLabelField(t *testing.T) {
	lab := Label{
		CallID: "A1", Party: "debtor", Notes: "why",
		Extra: map[string]string{"variety": "asr", "party": "third_party", "blank": ""},
	}
	tests := []struct {
		name, field string
		want        string
		wantOK      bool
	}{
		{name: "extra", field: "variety", want: "asr", wantOK: true},
		{name: "extra_overrides_party", field: "party", want: "third_party", wantOK: true},
		{name: "call_id", field: "call_id", want: "A1", wantOK: true},
		{name: "notes", field: "notes", want: "why", wantOK: true},
		{name: "empty_extra_is_missing", field: "blank"},
		{name: "violations_is_not_scalar", field: "violations"},
		{name: "unknown", field: "team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := lab.Field(tt.field)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantOK, ok)
		})
	}
	t.Run("label_party_without_extra", func(t *testing.T) {
		got, ok := Label{Party: "debtor"}.Field("party")
		assert.True(t, ok)
		assert.Equal(t, "debtor", got)
	})
}
