package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

func TestFieldValue(t *testing.T) {
	call := &corpus.Call{
		ID: "H1", Agent: "周敏", Team: "M2-B", Kind: "first_call", Party: "third_party",
		StartedAt: "2026-04-01T09:30:00+08:00",
		Meta:      map[string]string{"vendor": "北辰外包"},
		Turns: []corpus.Turn{
			{N: 1, Role: corpus.RoleAgent, Text: "喂你好请问是鲍志强先生吗我这边是鑫源金融的"},
			{N: 2, Role: corpus.RoleCustomer, Text: "我不是他我是他同事你找他有什么事"},
		},
	}
	withCall := &result.Result{CallID: "H1", Call: call, Agent: "ignored"}
	noCall := &result.Result{CallID: "H1", Agent: "周敏", Team: "M2-B", Kind: "follow_up", StartedAt: "2026-04-02 10:00:00"}
	lab := Label{CallID: "H1", Party: "debtor", Extra: map[string]string{"round": "2"}}
	tagged := Label{CallID: "H1", Extra: map[string]string{"variety": "cantonese", "team": "override"}}

	tests := []struct {
		name  string
		field string
		r     *result.Result
		lab   Label
		want  string
	}{
		{name: "label_extra", field: "round", r: withCall, lab: lab, want: "2"},
		{name: "label_party_before_header_party", field: "party", r: withCall, lab: lab, want: "debtor"},
		{name: "header_party_when_label_has_none", field: "party", r: withCall, lab: Label{CallID: "H1"}, want: "third_party"},
		{name: "label_call_id", field: "call_id", r: withCall, lab: lab, want: "H1"},
		{name: "agent", field: "agent", r: withCall, lab: lab, want: "周敏"},
		{name: "team", field: "team", r: withCall, lab: lab, want: "M2-B"},
		{name: "kind", field: "kind", r: withCall, lab: lab, want: "first_call"},
		{name: "date", field: "date", r: withCall, lab: lab, want: "2026-04-01"},
		{name: "started_at_is_the_date", field: "started_at", r: withCall, lab: lab, want: "2026-04-01"},
		{name: "other_header_key", field: "vendor", r: withCall, lab: lab, want: "北辰外包"},
		{name: "header_copies_without_call", field: "kind", r: noCall, lab: lab, want: "follow_up"},
		{name: "date_with_space", field: "date", r: noCall, lab: lab, want: "2026-04-02"},
		{name: "variety_detected", field: "variety", r: withCall, lab: lab, want: VarietyASR},
		{name: "variety_from_tags_or_label", field: "variety", r: withCall, lab: tagged, want: "cantonese"},
		{name: "tag_overrides_header", field: "team", r: withCall, lab: tagged, want: "override"},
		{name: "variety_without_call", field: "variety", r: noCall, lab: lab, want: NoValue},
		{name: "unscanned_label_only_fields", field: "team", r: nil, lab: lab, want: NoValue},
		{name: "unscanned_label_field", field: "round", r: nil, lab: lab, want: "2"},
		{name: "missing", field: "region", r: withCall, lab: lab, want: NoValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, FieldValue(tt.field, tt.r, tt.lab))
		})
	}
}

// batchLabels are sampleLabels with an extra "batch" field on three of
// the four.
func batchLabels() map[string]Label {
	labels := sampleLabels()
	for id, batch := range map[string]string{"A1": "one", "A2": "one", "A3": "two"} {
		lab := labels[id]
		lab.Extra = map[string]string{"batch": batch}
		labels[id] = lab
	}
	return labels
}

func TestGroupBy(t *testing.T) {
	b := GroupBy(sampleResults(), batchLabels(), "batch")
	assert.Equal(t, "batch", b.Field)
	require.Len(t, b.Groups, 3)

	// A1 (first result only) and A2: TestEvaluate's figures without A4's
	// missed false legal claim; X9, which has no label, is in no group.
	one := b.Groups[0]
	assert.Equal(t, "one", one.Value)
	assert.Equal(t, 2, one.Calls)
	assert.Equal(t, 2, one.Evaluated)
	assert.Equal(t, []string{"A1", "A2"}, one.CallIDs)
	assert.Equal(t, NewScore(2, 1, 2), one.Micro)
	assert.Equal(t, CleanCalls{Total: 0, Failed: []string{}}, one.Clean)
	assert.Equal(t, newAccuracy(1, 2), one.Party)
	assert.Equal(t, newAccuracy(2, 2), one.Tasks[0].Accuracy, "demand_payment")
	assert.Equal(t, newAccuracy(0, 1), one.Steps[1].Accuracy, "verify_identity")

	two := b.Groups[1]
	assert.Equal(t, "two", two.Value)
	assert.Equal(t, []string{"A3"}, two.CallIDs)
	assert.Equal(t, CleanCalls{Total: 1, Failed: []string{"A3"}}, two.Clean)
	assert.Equal(t, NewScore(0, 0, 0), two.Micro)

	// A4 has no batch and was not scanned: it counts, as a miss.
	none := b.Groups[2]
	assert.Equal(t, NoValue, none.Value, "(none) comes last")
	assert.Equal(t, 1, none.Calls)
	assert.Equal(t, 0, none.Evaluated)
	assert.Equal(t, []string{"A4"}, none.CallIDs)
	assert.Equal(t, NewScore(0, 0, 1), none.Micro)
	assert.Equal(t, Score{FN: 1}, none.Turns[2].Score, "false_legal_claim")
}

// TestGroupByAddsUp checks that, whatever the field, the groups' counts
// add up to the report's.
func TestGroupByAddsUp(t *testing.T) {
	results, labels := sampleResults(), batchLabels()
	rep := Evaluate(results, labels)
	for _, field := range []string{"batch", "party", "call_id", "variety", "nothing"} {
		t.Run(field, func(t *testing.T) {
			b := GroupBy(results, labels, field)
			var calls, evaluated, clean, failed int
			var micro counts
			for _, g := range b.Groups {
				calls += g.Calls
				evaluated += g.Evaluated
				clean += g.Clean.Total
				failed += len(g.Clean.Failed)
				micro.tp += g.Micro.TP
				micro.fp += g.Micro.FP
				micro.fn += g.Micro.FN
			}
			assert.Equal(t, rep.Evaluated+len(rep.Unscanned), calls)
			assert.Equal(t, rep.Evaluated, evaluated)
			assert.Equal(t, rep.Clean.Total, clean)
			assert.Len(t, rep.Clean.Failed, failed)
			assert.Equal(t, counts{rep.Micro.TP, rep.Micro.FP, rep.Micro.FN}, micro)
		})
	}
}

func TestGroupByEmpty(t *testing.T) {
	b := GroupBy(nil, map[string]Label{}, "team")
	assert.Equal(t, Breakdown{Field: "team", Groups: []Group{}}, b)
}
