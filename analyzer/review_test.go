package analyzer_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

func confidence(v float64) *float64 { return &v }

// TestNeedsReview builds a call for each kind of weak evidence and checks
// the finding's needs_review and review_reason; strong evidence of the
// same finding needs no review.
func TestNeedsReview(t *testing.T) {
	a := newBuiltin(t)
	tests := []struct {
		name  string
		call  *corpus.Call
		rule  string // the finding checked
		wants []string
	}{
		{
			name:  "sound-alike member",
			call:  agentCall("你再不还就要做牢的"),
			rule:  "false_legal_claim.crime",
			wants: []string{"sound_alike 做牢→坐牢"},
		},
		{
			name: "plain word",
			call: agentCall("你再不还就要坐牢的"),
			rule: "false_legal_claim.crime",
		},
		{
			name:  "sound-alike in a pattern class",
			call:  agentCall("你就是个片子"),
			rule:  "insult.asr_slur",
			wants: []string{"sound_alike 片子→骗子"},
		},
		{
			name:  "regional word",
			call:  agentCall("你的健保會被停掉，以後看病全部自費。"),
			rule:  "false_legal_claim.nonexistent_consequence",
			wants: []string{"regional 健保→医保"},
		},
		{
			name:  "taiwan lexical mapping",
			call:  agentCall("借錢不還就是詐欺，這是刑事，不是民事。"),
			rule:  "false_legal_claim.crime",
			wants: []string{"regional 詐欺→诈骗"},
		},
		{
			// 唔→不 and 係→是 are grammar: certain rewrites, not weak evidence.
			name: "cantonese grammar only",
			call: agentCall("借錢唔還就係詐騙，係刑事嚟㗎。"),
			rule: "false_legal_claim.crime",
		},
		{
			name: "cantonese negation inside the match",
			call: agentCall("總之你今日之內還返八千六，唔好逼我哋。"),
			rule: "threat.or_else",
		},
		{
			name: "traditional characters only",
			call: agentCall("借錢不還就是詐騙，這是刑事，不是民事。"),
			rule: "false_legal_claim.crime",
		},
		{
			name:  "low recognizer confidence",
			call:  withConfidence(agentCall("你再不还就要坐牢的"), 0.42),
			rule:  "false_legal_claim.crime",
			wants: []string{"asr_low_confidence 0.42"},
		},
		{
			name: "high recognizer confidence",
			call: withConfidence(agentCall("你再不还就要坐牢的"), 0.93),
			rule: "false_legal_claim.crime",
		},
		{
			name:  "two reasons",
			call:  withConfidence(agentCall("你再不还就要做牢的"), 0.3),
			rule:  "false_legal_claim.crime",
			wants: []string{"asr_low_confidence 0.30", "sound_alike 做牢→坐牢"},
		},
		{
			name:  "roles inferred with low confidence",
			call:  unknownRoles(t, "你再不还就要坐牢的", "喂"),
			rule:  "false_legal_claim.crime",
			wants: []string{"role_inferred_low_confidence"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.Analyze(tt.call)
			var f *analyzer.Finding
			for i := range res.Findings {
				if res.Findings[i].Rule == tt.rule {
					f = &res.Findings[i]
				}
			}
			require.NotNil(t, f, "no %s finding in %+v", tt.rule, res.Findings)
			assert.Equal(t, len(tt.wants) > 0, f.NeedsReview, f.ReviewReason)
			var got []string
			if f.ReviewReason != "" {
				got = strings.Split(f.ReviewReason, "; ")
			}
			require.Len(t, got, len(tt.wants), f.ReviewReason)
			for i, w := range tt.wants {
				assert.True(t, strings.HasPrefix(got[i], w), "reason %d: got %q, want %q…", i, got[i], w)
			}
		})
	}
}

// TestNeedsReviewThresholds: the thresholds are options; a negative ASR
// threshold turns the check off.
func TestNeedsReviewThresholds(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	call := withConfidence(agentCall("你再不还就要坐牢的"), 0.7)
	for _, tt := range []struct {
		min  float64
		want bool
	}{{0, false}, {0.8, true}, {-1, false}} {
		a, err := analyzer.New(set, analyzer.Options{MinASRConfidence: tt.min})
		require.NoError(t, err)
		res := a.Analyze(call)
		require.NotEmpty(t, res.Findings)
		assert.Equal(t, tt.want, res.Findings[0].NeedsReview, "min %g: %s", tt.min, res.Findings[0].ReviewReason)
	}
}

func agentCall(text string) *corpus.Call {
	return &corpus.Call{ID: "R1", Turns: []corpus.Turn{
		{N: 1, Role: corpus.RoleAgent, Label: "坐席", Text: text},
		{N: 2, Role: corpus.RoleCustomer, Label: "客户", Text: "我知道了"},
	}}
}

func withConfidence(c *corpus.Call, v float64) *corpus.Call {
	c.Turns[0].Confidence = confidence(v)
	return c
}

// unknownRoles is a speech-recognition call of two speakers, 0 and 1,
// with nothing that tells them apart.
func unknownRoles(t *testing.T, first, second string) *corpus.Call {
	t.Helper()
	c, err := corpus.BuildCall("asr.json", &corpus.Transcript{ID: "R2", Segments: []corpus.Segment{
		{Speaker: "0", Text: first}, {Speaker: "1", Text: second},
	}}, corpus.BuildOptions{MergeGap: -1})
	require.NoError(t, err)
	require.True(t, c.NeedsRoles())
	return c
}
