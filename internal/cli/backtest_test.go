package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/backtest"
	"github.com/callqa/callqa/review"
)

// candidatePack overrides the built-in insult pack: it drops
// insult.pejorative (S06 turn 5, 你就是個騙子, and S02 turn 4, the
// customer's 吸血鬼, customer_abuse) and adds insult.fraud_label (S03 turn 5,
// 不还钱就是诈骗).
const candidatePack = `pack: insult_candidate
version: "1"
category: insult
severity: critical
disable: [insult.pejorative]
rules:
  - id: insult.fraud_label
    description: 把欠款人说成诈骗
    terms: [就是诈骗]
    examples:
      match: ["坐席: 你不还钱就是诈骗"]
      no_match: ["坐席: 您今天先还一部分"]
`

// sampleDecisions are reviewers' decisions on the sample index
// (testdata/calls), one of each kind.
var sampleDecisions = []review.Decision{
	// The two findings the candidate loses: one confirmed, one dismissed.
	{Key: review.Key{CallID: "S06", Turn: 5, Category: "insult"}, State: review.StateConfirmed, Rule: "insult.pejorative", By: "rev1"},
	{Key: review.Key{CallID: "S02", Turn: 4, Category: "customer_abuse"}, State: review.StateDismissed, Rule: "insult.pejorative", Reason: "not_abuse", By: "rev1"},
	// A violation a reviewer added that the candidate's new rule finds.
	{Key: review.Key{CallID: "S03", Turn: 5, Category: "insult"}, State: review.StateConfirmed, Added: true, By: "rev2"},
	// Findings both runs keep: dismissed, under appeal (counts as
	// confirmed), dismissed.
	{Key: review.Key{CallID: "S02", Turn: 5, Category: "insult"}, State: review.StateDismissed, Rule: "insult.slur", Reason: "quoted", By: "rev1"},
	{Key: review.Key{CallID: "S03", Turn: 5, Category: "false_legal_claim"}, State: review.StateAppealed, Rule: "false_legal_claim.crime", By: "rev2"},
	{Key: review.Key{CallID: "S06", Turn: 5, Category: "false_legal_claim"}, State: review.StateDismissed, Rule: "false_legal_claim.crime", By: "rev2"},
	// A violation added that no rule catches.
	{Key: review.Key{CallID: "S05", Turn: 4, Category: "threat"}, State: review.StateConfirmed, Added: true, Reason: "tone", By: "rev1"},
	// A decision whose finding is no longer in the index.
	{Key: review.Key{CallID: "S01", Turn: 3, Category: "insult"}, State: review.StateConfirmed, Rule: "insult.gone", By: "rev1"},
}

// sampleIndex indexes testdata/calls into a folder of the test's own.
func sampleIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ix")
	code, _, errOut := callqa("index", "-q", "--index", dir, filepath.Join("..", "..", "testdata", "calls"))
	require.Equal(t, exitOK, code, errOut)
	return dir
}

func writeDecisions(t *testing.T, ds []review.Decision) string {
	t.Helper()
	var b strings.Builder
	for _, d := range ds {
		line, err := json.Marshal(d)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	return writeFile(t, t.TempDir(), "decisions.jsonl", b.String())
}

func backtestJSON(t *testing.T, wantCode int, args ...string) (backtest.Report, string) {
	t.Helper()
	code, out, errOut := callqa(append([]string{"backtest", "--format", "json", "-j", "2"}, args...)...)
	require.Equal(t, wantCode, code, errOut)
	var rep backtest.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep, out
}

// TestBacktestGainsAndLosses: a candidate that drops one rule and adds
// another reports exactly that gain and that loss, and decisions split
// them into confirmed, dismissed and open.
func TestBacktestGainsAndLosses(t *testing.T) {
	dir := sampleIndex(t)
	pack := writeFile(t, t.TempDir(), "insult_candidate.yaml", candidatePack)

	rep, _ := backtestJSON(t, exitOK, "--index", dir, "--rules", pack)
	assert.Equal(t, 7, rep.Calls)
	assert.Equal(t, 0, rep.Drift.Calls, "the index was built with the baseline packs: %v", rep.Drift.CallIDs)
	assert.Equal(t, []backtest.RuleChange{
		{Rule: "insult.fraud_label", Category: "insult", Gained: backtest.Counts{Findings: 1, Open: 1}},
		{Rule: "insult.pejorative", Category: "insult", Lost: backtest.Counts{Findings: 2, Open: 2}},
	}, rep.Rules)
	assert.Equal(t, []backtest.CategoryChange{
		{Category: "insult", Baseline: 2, Candidate: 2, Gained: 1, Lost: 1},
		{Category: "threat", Baseline: 1, Candidate: 1},
		{Category: "false_legal_claim", Baseline: 3, Candidate: 3},
		{Category: "third_party_disclosure", Baseline: 1, Candidate: 1},
		{Category: "customer_abuse", Baseline: 1, Candidate: 0, Lost: 1},
	}, rep.Categories)
	assert.Nil(t, rep.Baseline.Precision)
	assert.Nil(t, rep.Baseline.Recall)
	assert.Empty(t, rep.ConfirmedLost)

	decisions := writeDecisions(t, sampleDecisions)
	rep, _ = backtestJSON(t, exitOK, "--index", dir, "--rules", pack, "--decisions", decisions)
	assert.Equal(t, 8, rep.Decisions)
	assert.Equal(t, []backtest.RuleChange{
		{Rule: "insult.fraud_label", Category: "insult", Gained: backtest.Counts{Findings: 1, Confirmed: 1}},
		{Rule: "insult.pejorative", Category: "insult", Lost: backtest.Counts{Findings: 2, Confirmed: 1, Dismissed: 1}},
	}, rep.Rules)
	// Confirmed violations in the calls: S06#5 insult, S03#5 insult
	// (added), S03#5 false_legal_claim (appealed), S05#4 threat (added),
	// S01#3 insult (orphaned) = 5.
	assert.Equal(t, backtest.Estimate{Findings: 8, Confirmed: 2, Dismissed: 3, Precision: ptr(0.4), Violations: 5, Found: 2, Recall: ptr(0.4)}, rep.Baseline)
	assert.Equal(t, backtest.Estimate{Findings: 7, Confirmed: 2, Dismissed: 2, Precision: ptr(0.5), Violations: 5, Found: 2, Recall: ptr(0.4)}, rep.Candidate)
	assert.Equal(t, []review.Key{{CallID: "S06", Turn: 5, Category: "insult"}}, rep.ConfirmedLost)

	// --fail-on-loss fails on the lost confirmed violation.
	code, out, errOut := callqa("backtest", "--index", dir, "--rules", pack, "--decisions", decisions, "--fail-on-loss")
	assert.Equal(t, exitViolation, code, errOut)
	assert.Contains(t, out, "1 confirmed violations the candidate no longer finds: S06#5/insult")

	// A later decision dismissing the lost finding replaces the
	// confirmation, and the gate passes.
	flipped := append(slices.Clone(sampleDecisions), review.Decision{Key: review.Key{CallID: "S06", Turn: 5, Category: "insult"}, State: review.StateDismissed, By: "lead"})
	rep, _ = backtestJSON(t, exitOK, "--index", dir, "--rules", pack, "--decisions", writeDecisions(t, flipped), "--fail-on-loss")
	assert.Equal(t, backtest.Counts{Findings: 2, Dismissed: 2}, rep.Rules[1].Lost)
	assert.Equal(t, backtest.Estimate{Findings: 8, Confirmed: 1, Dismissed: 4, Precision: ptr(0.2), Violations: 4, Found: 1, Recall: ptr(0.25)}, rep.Baseline)
	assert.Equal(t, backtest.Estimate{Findings: 7, Confirmed: 2, Dismissed: 2, Precision: ptr(0.5), Violations: 4, Found: 2, Recall: ptr(0.5)}, rep.Candidate)
	assert.Empty(t, rep.ConfirmedLost)
}

func ptr(f float64) *float64 { return &f }

// TestBacktestGolden keeps the --format json output, the CI contract, in
// testdata/golden/backtest.json. Regenerate with -update.
func TestBacktestGolden(t *testing.T) {
	dir := sampleIndex(t)
	pack := writeFile(t, t.TempDir(), "insult_candidate.yaml", candidatePack)
	_, out := backtestJSON(t, exitOK, "--index", dir, "--rules", pack, "--decisions", writeDecisions(t, sampleDecisions))
	golden := filepath.Join("testdata", "golden", "backtest.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), out)
}

// TestBacktestTable checks the table names the changed rules, the
// categories and both estimates.
func TestBacktestTable(t *testing.T) {
	dir := sampleIndex(t)
	pack := writeFile(t, t.TempDir(), "insult_candidate.yaml", candidatePack)
	code, out, errOut := callqa("backtest", "-j", "1", "--index", dir, "--rules", pack, "--decisions", writeDecisions(t, sampleDecisions))
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{
		"7 calls re-analyzed from the index, 8 decisions",
		"insult.fraud_label  insult    gained  1         1          0          0",
		"insult.pejorative   insult    lost    2         1          1          0",
		"customer_abuse          1         0          0       1",
		"baseline   8         2          3          0.40 (2/5)  0.40 (2/5)",
		"candidate  7         2          2          0.50 (2/4)  0.40 (2/5)",
		"1 confirmed violations the candidate no longer finds: S06#5/insult",
	} {
		assert.Contains(t, out, want)
	}
}

// TestBacktestBadInput: bad flags, rules and decisions are one-line errors
// naming what is wrong.
func TestBacktestBadInput(t *testing.T) {
	dir := sampleIndex(t)
	pack := writeFile(t, t.TempDir(), "insult_candidate.yaml", candidatePack)
	badDecisions := writeFile(t, t.TempDir(), "bad.jsonl", `{"call_id":"S02","turn":7,"category":"threat","state":"confirmed"}`+"\n"+`{"call_id":"S02","turn":5,"category":"insult","state":"open"}`+"\n")
	notJSON := writeFile(t, t.TempDir(), "notjson.jsonl", "\n{oops\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no_rules", []string{"--index", dir}, "callqa: no --rules given (name the candidate rule packs)"},
		{"format", []string{"--index", dir, "--rules", pack, "--format", "jsonl"}, `invalid --format "jsonl"`},
		{"missing_pack", []string{"--index", dir, "--rules", filepath.Join(t.TempDir(), "nope.yaml")}, "callqa: candidate: rules: stat "},
		{"bad_state", []string{"--index", dir, "--rules", pack, "--decisions", badDecisions}, `bad.jsonl:2: decision on S02#5/insult: state "open" (want confirmed, dismissed or appealed)`},
		{"not_json", []string{"--index", dir, "--rules", pack, "--decisions", notJSON}, "notjson.jsonl:2: not a decision: "},
		{"no_index", []string{"--index", filepath.Join(t.TempDir(), "none"), "--rules", pack}, "no index here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := callqa(append([]string{"backtest"}, tc.args...)...)
			assert.Equal(t, exitTrouble, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

// TestRulesHealth lists on the sample index a rule that never fires, the
// dismissed rules, the added violation no rule caught and the orphan.
func TestRulesHealth(t *testing.T) {
	dir := sampleIndex(t)
	decisions := writeDecisions(t, sampleDecisions)
	code, out, errOut := callqa("rules", "health", "--index", dir, "--decisions", decisions, "--min-reviewed", "1", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	var h backtest.Health
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	assert.Equal(t, 7, h.Calls)
	assert.Equal(t, 8, h.Findings)
	never := map[string]bool{}
	for _, r := range h.NeverFired {
		never[r.Rule] = true
	}
	assert.True(t, never["threat.menace"], "threat.menace never fires on the samples")
	assert.False(t, never["threat.safety"], "threat.safety fires on S02")
	assert.False(t, never["insult.pejorative"], "insult.pejorative fires as customer_abuse too")
	assert.Equal(t, []backtest.RuleReview{
		{Rule: "insult.slur", Category: "insult", Findings: 1, Dismissed: 1, DismissedShare: 1},
		{Rule: "false_legal_claim.crime", Category: "false_legal_claim", Findings: 2, Confirmed: 1, Dismissed: 1, DismissedShare: 0.5},
		{Rule: "insult.pejorative", Category: "insult", Findings: 2, Confirmed: 1, Dismissed: 1, DismissedShare: 0.5},
	}, h.Dismissed)
	require.Len(t, h.Missed, 2)
	assert.Equal(t, review.Key{CallID: "S03", Turn: 5, Category: "insult"}, h.Missed[0].Key, "added, and no rule of the index finds it")
	assert.True(t, h.Missed[0].Added)
	assert.Equal(t, review.Key{CallID: "S05", Turn: 4, Category: "threat"}, h.Missed[1].Key)
	assert.Equal(t, "tone", h.Missed[1].Reason)
	require.Len(t, h.Orphaned, 1)
	assert.Equal(t, review.Key{CallID: "S01", Turn: 3, Category: "insult"}, h.Orphaned[0].Key)
	assert.Equal(t, "insult.gone", h.Orphaned[0].Rule)

	// The cutoff leaves out rules with fewer decided findings.
	code, out, errOut = callqa("rules", "health", "--index", dir, "--decisions", decisions, "--min-reviewed", "2")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "Most dismissed: 2 rules with 2 or more decided findings")
	assert.Contains(t, out, "false_legal_claim.crime  false_legal_claim  50%")
	assert.Contains(t, out, "insult.pejorative        insult             50%")
	assert.NotContains(t, out, "insult.slur")
	assert.Contains(t, out, "Missed: 2 violations reviewers added that no rule caught")
	assert.Contains(t, out, "S05#4/threat  confirmed  -     tone    rev1")
	assert.Contains(t, out, "Orphaned: 1 decisions whose finding is no longer in the index")
	assert.Contains(t, out, "threat.menace")
}

// TestBacktestDrift: a baseline other than the packs the index was built
// with finds other findings than the index stored; backtest says which
// calls drifted.
func TestBacktestDrift(t *testing.T) {
	dir := sampleIndex(t)
	pack := writeFile(t, t.TempDir(), "insult_candidate.yaml", candidatePack)
	rep, _ := backtestJSON(t, exitOK, "--index", dir, "--base-rules", pack, "--rules", pack)
	assert.Equal(t, backtest.Drift{Calls: 3, CallIDs: []string{"S02", "S03", "S06"}}, rep.Drift)
	assert.Empty(t, rep.Rules, "the same packs on both sides change nothing")

	code, out, errOut := callqa("backtest", "--index", dir, "--base-rules", pack, "--rules", pack)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "drift: 3 calls' baseline findings differ from what the index stored (S02, S03, S06); re-index them with callqa index")
	assert.Contains(t, out, "no finding gained or lost")
}
