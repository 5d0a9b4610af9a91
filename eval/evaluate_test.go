package eval

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

func TestNewScore(t *testing.T) {
	tests := []struct {
		name       string
		tp, fp, fn int
		p, r, f1   float64
	}{
		{name: "perfect", tp: 4, p: 1, r: 1, f1: 1},
		{name: "typical", tp: 2, fp: 1, fn: 3, p: 2.0 / 3, r: 0.4, f1: 0.5},
		{name: "nothing_to_find_nothing_found", p: 1, r: 1, f1: 1},
		{name: "no_predictions_but_gold", fn: 3, p: 0, r: 0, f1: 0},
		{name: "predictions_but_no_gold", fp: 2, p: 0, r: 0, f1: 0},
		{name: "all_wrong", fp: 1, fn: 1, p: 0, r: 0, f1: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScore(tt.tp, tt.fp, tt.fn)
			assert.Equal(t, tt.tp, s.TP)
			assert.Equal(t, tt.fp, s.FP)
			assert.Equal(t, tt.fn, s.FN)
			assert.InDelta(t, tt.p, s.Precision, 1e-9, "precision")
			assert.InDelta(t, tt.r, s.Recall, 1e-9, "recall")
			assert.InDelta(t, tt.f1, s.F1, 1e-9, "F1")
		})
	}
}

// sampleLabels and sampleResults are a small scan with every case the
// scorer distinguishes; the expected figures are worked out in
// TestEvaluate.
func sampleLabels() map[string]Label {
	return map[string]Label{
		"A1": {
			CallID: "A1", Party: "debtor",
			Violations: []Violation{{"threat", 3}, {"insult", 3}, {"insult", 5}, {"insult", 5}},
			Tasks:      map[string]bool{"demand_payment": true, "ask_reason": false, "explain_consequences": true},
			Steps:      map[string]bool{"self_introduce": true, "verify_identity": false},
		},
		"A2": {
			CallID: "A2", Party: "third_party",
			Violations: []Violation{{"third_party_disclosure", 2}},
			Tasks:      map[string]bool{"demand_payment": false, "ask_reason": false, "explain_consequences": false, "get_commitment": false},
		},
		"A3": {
			CallID: "A3", Party: "debtor", Violations: []Violation{},
			Tasks: map[string]bool{"demand_payment": false},
		},
		"A4": {
			CallID: "A4", Party: "debtor",
			Violations: []Violation{{"false_legal_claim", 4}},
		},
	}
}

func sampleResults() []*result.Result {
	call := &corpus.Call{ID: "A1", Turns: []corpus.Turn{
		{N: 1, Role: corpus.RoleAgent, Text: "您好，请问是王强先生吗？"},
		{N: 2, Role: corpus.RoleCustomer, Text: "是我。"},
		{N: 3, Role: corpus.RoleAgent, Text: "你这个老赖，出门小心点。"},
		{N: 4, Role: corpus.RoleCustomer, Text: "你们这帮吸血鬼！"},
		{N: 5, Role: corpus.RoleAgent, Text: "就您这点出息也好意思借钱，是什么原因没还？"},
		{N: 6, Role: corpus.RoleCustomer, Text: "最近手头紧。"},
		{N: 7, Role: corpus.RoleAgent, Text: "您放心，这不是刑事案件，不会有人抓您。"},
	}}
	return []*result.Result{
		{
			CallID: "A1", Party: "debtor", Pass: false, Call: call,
			Findings: []result.Finding{
				{Category: "threat", Turn: 3, Rule: "threat.safety", Match: "出门小心点", Text: call.Turns[2].Text},
				{Category: "insult", Turn: 3, Rule: "insult.laolai", Match: "老赖", Text: call.Turns[2].Text},
				{Category: "insult", Turn: 3, Rule: "insult.other", Match: "老赖", Text: call.Turns[2].Text},
				{Category: "customer_abuse", Turn: 4, Rule: "customer_abuse.insult", Match: "吸血鬼"},
				{Category: "false_legal_claim", Turn: 7, Rule: "false_legal_claim.arrest", Match: "抓您", Text: call.Turns[6].Text},
			},
			Tasks: map[string]result.Coverage{
				"demand_payment":       {Covered: true, Turns: []int{9}},
				"ask_reason":           {Covered: true, Turns: []int{5}},
				"explain_consequences": {Covered: false, Turns: []int{}},
				"get_commitment":       {Covered: true, Turns: []int{6}},
			},
			Steps: map[string]result.Coverage{
				"self_introduce":  {Covered: true, Turns: []int{1}},
				"verify_identity": {Covered: true, Turns: []int{1}},
			},
		},
		{CallID: "X9", Party: "debtor", Findings: []result.Finding{{Category: "insult", Turn: 1, Rule: "insult.laolai"}}},
		{CallID: "A2", Party: "debtor", Pass: true},
		nil,
		{CallID: "A3", Party: "debtor", Pass: false},
		{CallID: "A1", Party: "third_party", Pass: true},
	}
}

func TestEvaluate(t *testing.T) {
	rep := Evaluate(sampleResults(), sampleLabels())

	assert.Equal(t, 4, rep.Scanned)
	assert.Equal(t, 4, rep.Labeled)
	assert.Equal(t, 3, rep.Evaluated)
	assert.Equal(t, []string{"X9"}, rep.Unlabeled)
	assert.Equal(t, []string{"A4"}, rep.Unscanned)
	assert.Equal(t, []string{"A1"}, rep.Duplicates)

	scores := func(cs []CategoryScore) map[string][3]int {
		m := make(map[string][3]int)
		for _, c := range cs {
			m[c.Category] = [3]int{c.TP, c.FP, c.FN}
		}
		return m
	}
	// TP, FP, FN. A1 t3 insult is found twice and labeled once: one TP;
	// A1 t5 insult is labeled twice: one FN; customer_abuse is ignored;
	// the unscanned A4 is one FN; X9 is not scored.
	assert.Equal(t, map[string][3]int{
		"insult":                 {1, 0, 1},
		"threat":                 {1, 0, 0},
		"false_legal_claim":      {0, 1, 1},
		"third_party_disclosure": {0, 0, 1},
	}, scores(rep.Turns))
	assert.Equal(t, NewScore(2, 1, 3), rep.Micro)
	assert.InDelta(t, 0.5, rep.Micro.F1, 1e-9)
	assert.Equal(t, map[string][3]int{
		"insult":                 {1, 0, 0},
		"threat":                 {1, 0, 0},
		"false_legal_claim":      {0, 1, 1},
		"third_party_disclosure": {0, 0, 1},
	}, scores(rep.Calls))

	assert.Equal(t, CleanCalls{Total: 1, Failed: []string{"A3"}}, rep.Clean)
	assert.Equal(t, newAccuracy(2, 3), rep.Party)
	assert.Equal(t, []PartyMismatch{{CallID: "A2", Want: "third_party", Got: "debtor"}}, rep.PartyMismatches)

	assert.Equal(t, []CodeScore{
		{Code: "demand_payment", Accuracy: newAccuracy(3, 3), Covered: NewScore(1, 0, 0)},
		{Code: "ask_reason", Accuracy: newAccuracy(1, 2), Covered: NewScore(0, 1, 0)},
		{Code: "explain_consequences", Accuracy: newAccuracy(1, 2), Covered: NewScore(0, 0, 1)},
		{Code: "get_commitment", Accuracy: newAccuracy(1, 1), Covered: NewScore(0, 0, 0)},
	}, rep.Tasks)
	assert.Equal(t, []CodeScore{
		{Code: "self_introduce", Accuracy: newAccuracy(1, 1), Covered: NewScore(1, 0, 0)},
		{Code: "verify_identity", Accuracy: newAccuracy(0, 1), Covered: NewScore(0, 1, 0)},
	}, rep.Steps)

	assert.Equal(t, []TurnMismatch{
		{CallID: "A1", Turn: 7, Category: "false_legal_claim", Rule: "false_legal_claim.arrest", Match: "抓您",
			Text: "您放心，这不是刑事案件，不会有人抓您。"},
	}, rep.FalsePositives)
	assert.Equal(t, []TurnMismatch{
		{CallID: "A1", Turn: 5, Category: "insult", Text: "就您这点出息也好意思借钱，是什么原因没还？"},
		{CallID: "A2", Turn: 2, Category: "third_party_disclosure"},
		{CallID: "A4", Turn: 4, Category: "false_legal_claim"},
	}, rep.FalseNegatives)
	assert.Equal(t, []CoverageMismatch{
		{CallID: "A1", Code: "ask_reason", Want: false, Got: true, Turns: []int{5}},
		{CallID: "A1", Code: "explain_consequences", Want: true, Got: false, Turns: []int{}},
		{CallID: "A1", Code: "verify_identity", Want: false, Got: true, Turns: []int{1}},
	}, rep.CoverageMismatches)
}

func TestEvaluateEdgeCases(t *testing.T) {
	clean := map[string]Label{"C1": {CallID: "C1", Violations: []Violation{}}}
	tests := []struct {
		name    string
		results []*result.Result
		labels  map[string]Label
		check   func(t *testing.T, rep *Report)
	}{
		{
			name:    "no_results",
			labels:  sampleLabels(),
			results: nil,
			check: func(t *testing.T, rep *Report) {
				assert.Equal(t, 0, rep.Evaluated)
				assert.Equal(t, []string{"A1", "A2", "A3", "A4"}, rep.Unscanned)
				assert.Equal(t, NewScore(0, 0, 5), rep.Micro, "every gold turn is missed")
				assert.Equal(t, newAccuracy(0, 0), rep.Party)
				assert.Equal(t, 0, rep.Tasks[0].Accuracy.Total)
			},
		},
		{
			name:    "clean_and_nothing_found_is_perfect",
			labels:  clean,
			results: []*result.Result{{CallID: "C1", Pass: true}},
			check: func(t *testing.T, rep *Report) {
				assert.Equal(t, 1.0, rep.Micro.F1)
				for _, c := range rep.Turns {
					assert.Equal(t, 1.0, c.F1, c.Category)
				}
				assert.Empty(t, rep.Clean.Failed)
				assert.NoError(t, rep.MinF1(0.99))
			},
		},
		{
			name:   "customer_abuse_only_is_not_a_false_positive",
			labels: clean,
			results: []*result.Result{{CallID: "C1", Pass: true, Findings: []result.Finding{
				{Category: "customer_abuse", Turn: 2},
			}}},
			check: func(t *testing.T, rep *Report) {
				assert.Empty(t, rep.FalsePositives)
				assert.Equal(t, 1.0, rep.Micro.F1)
			},
		},
		{
			name:    "results_without_labels",
			labels:  clean,
			results: []*result.Result{{CallID: "Z1", Findings: []result.Finding{{Category: "insult", Turn: 1}}}},
			check: func(t *testing.T, rep *Report) {
				assert.Equal(t, []string{"Z1"}, rep.Unlabeled)
				assert.Equal(t, []string{"C1"}, rep.Unscanned)
				assert.Equal(t, NewScore(0, 0, 0), rep.Micro)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Evaluate(tt.results, tt.labels)
			require.NotNil(t, rep)
			tt.check(t, rep)
		})
	}
}

func TestMinF1(t *testing.T) {
	rep := Evaluate(sampleResults(), sampleLabels())
	// F1: insult 0.667, threat 1, false_legal_claim 0, third_party_disclosure 0, micro 0.5
	tests := []struct {
		name    string
		floor   float64
		wantErr string
	}{
		{name: "zero_floor", floor: 0},
		{name: "some_below", floor: 0.5,
			wantErr: "turn-level F1 below 0.5: false_legal_claim 0.0000, third_party_disclosure 0.0000"},
		{name: "micro_below", floor: 0.6,
			wantErr: "turn-level F1 below 0.6: false_legal_claim 0.0000, third_party_disclosure 0.0000, micro average 0.5000"},
		{name: "all_below", floor: 1.01,
			wantErr: "turn-level F1 below 1.01: insult 0.6667, threat 1.0000, false_legal_claim 0.0000, third_party_disclosure 0.0000, micro average 0.5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rep.MinF1(tt.floor)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

// TestMinF1Unrounded: a micro F1 of 190/192 = 0.98958… prints as 0.990 with
// three decimals but is below 0.99; the verdict is on the unrounded
// figure and the message and the table print enough digits to agree with
// it. An F1 exactly at the floor (198/200) passes.
func TestMinF1Unrounded(t *testing.T) {
	tests := []struct {
		name       string
		tp, fp, fn int
		floor      float64
		wantErr    string
		wantTable  string // the micro average row's F1 cell
	}{
		{name: "rounds_up_to_the_floor", tp: 95, fp: 1, fn: 1, floor: 0.99,
			wantErr: "turn-level F1 below 0.99: micro average 0.9896", wantTable: "0.9896"},
		{name: "just_below_at_four_decimals", tp: 19999, fp: 1, fn: 0, floor: 0.99998,
			wantErr: "turn-level F1 below 0.99998: micro average 0.99997", wantTable: "0.99997"},
		{name: "exactly_the_floor", tp: 99, fp: 1, fn: 1, floor: 0.99, wantTable: "0.990"},
		{name: "above", tp: 100, fp: 0, fn: 1, floor: 0.99, wantTable: "0.995"},
		{name: "no_floor", tp: 95, fp: 1, fn: 1, floor: 0, wantTable: "0.990"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &Report{Micro: NewScore(tt.tp, tt.fp, tt.fn), Floor: tt.floor}
			err := rep.MinF1(tt.floor)
			if tt.wantErr == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.wantErr)
			}
			var buf strings.Builder
			require.NoError(t, rep.WriteTable(&buf, false))
			var micro string
			for _, line := range strings.Split(buf.String(), "\n") {
				if strings.HasPrefix(line, "micro average") {
					micro = line
				}
			}
			f := strings.Fields(micro)
			require.NotEmpty(t, f, buf.String())
			assert.Equal(t, tt.wantTable, f[len(f)-1], micro)
		})
	}
}

// TestWriteTableChineseIDs checks that the -v listing lines up call ids
// of Chinese characters of different lengths (孙磊-01, 陳怡君-02): the
// cells after them start in the same terminal column.
func TestWriteTableChineseIDs(t *testing.T) {
	rep := &Report{FalsePositives: []TurnMismatch{
		{CallID: "孙磊-01", Turn: 3, Category: "insult", Rule: "insult.slur", Match: "老赖", Text: "你这个老赖"},
		{CallID: "陳怡君-02", Turn: 12, Category: "threat", Rule: "threat.harm", Match: "小心", Text: "出门小心"},
		{CallID: "D7", Turn: 1, Category: "insult", Rule: "insult.slur", Match: "骗子", Text: "骗子"},
	}}
	var buf strings.Builder
	require.NoError(t, rep.WriteTable(&buf, true))
	lines := strings.Split(buf.String(), "\n")
	require.GreaterOrEqual(t, len(lines), 4, buf.String())
	assert.Equal(t, []string{
		"false positives (3)",
		"  孙磊-01    t3   insult  insult.slur  「老赖」 你这个老赖",
		"  陳怡君-02  t12  threat  threat.harm  「小心」 出门小心",
		"  D7         t1   insult  insult.slur  「骗子」 骗子",
	}, lines[:4])
}
