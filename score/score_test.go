package score_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/score"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	once   sync.Once
	team   *score.Scorecard
	an     *analyzer.Analyzer
	setErr error
)

// setup builds one analyzer holding the built-in packs and the team
// scorecard's required rules.
func setup(t *testing.T) (*analyzer.Analyzer, *score.Scorecard) {
	t.Helper()
	once.Do(func() {
		team, setErr = score.LoadScorecard(filepath.Join("testdata", "team.yaml"))
		if setErr != nil {
			return
		}
		var set *lexicon.Set
		if set, setErr = lexicon.LoadSet(nil); setErr != nil {
			return
		}
		if set, setErr = lexicon.NewSet(append(set.Packs, team.Required)); setErr != nil {
			return
		}
		an, setErr = analyzer.New(set, analyzer.Options{})
	})
	require.NoError(t, setErr)
	return an, team
}

func scoreFile(t *testing.T, path string, sc *score.Scorecard) *score.CallScore {
	t.Helper()
	a, _ := setup(t)
	calls, errs := corpus.ReadFile(path)
	require.Empty(t, errs)
	require.Len(t, calls, 1)
	return score.Score(a.Analyze(calls[0]), sc)
}

func hintCodes(cs *score.CallScore) []string {
	var out []string
	for _, h := range cs.Hints {
		out = append(out, h.Code)
	}
	return out
}

func hintTurns(cs *score.CallScore) []int {
	var out []int
	for _, h := range cs.Hints {
		out = append(out, h.Turn)
	}
	return out
}

func TestPracticeCall(t *testing.T) {
	cs := scoreFile(t, filepath.Join("testdata", "practice.txt"), score.Default())
	assert.Equal(t, 0, cs.Score, "no task done")
	assert.True(t, cs.Compliant, "no violation: the call is compliant (合规)")
	assert.False(t, cs.Pass, "a practice call is held to the practice pass mark")
	assert.Equal(t, 75, cs.PassMark)
	assert.Equal(t, []string{"score 0 is below the pass mark 75"}, cs.FailReasons)
	assert.True(t, cs.ScoreApplicable)
	// Anchored hints in turn order; the call-level remarks only for the
	// items no turn can be named for (demand_payment and get_commitment
	// have their turns: the open question, the soft ask, the hedge
	// accepted).
	assert.Equal(t, []string{"no_verification", "no_introduction", "open_question", "vague_accepted", "too_soft",
		"missing_ask_reason", "missing_explain_consequences"}, hintCodes(cs))
	assert.Equal(t, []int{1, 1, 5, 7, 7, 0, 0}, hintTurns(cs))
	assert.Equal(t, 6, cs.Hints[3].EvidenceTurn, "vague_accepted reacts to the hedge")
	assert.Equal(t, "这几天吧", cs.Hints[3].Evidence)
	assert.True(t, cs.Steps["verify_identity"].Done)
	assert.Equal(t, "请问是王芳女士本人吗？我姓陈。", cs.Steps["verify_identity"].Evidence[0].Text)
}

func TestOrderAndPassMark(t *testing.T) {
	_, sc := setup(t)
	cs := scoreFile(t, filepath.Join("..", "testdata", "calls", "S01_compliant.txt"), sc)
	assert.Equal(t, 90, cs.Score, "four tasks; no recording notice")
	assert.Equal(t, 100, cs.Max)
	assert.True(t, cs.Pass)
	assert.False(t, cs.Required["recording_notice"].Done)
	assert.Contains(t, hintCodes(cs), "missing_recording_notice")
	// S01 asks the reason and states the consequences before it demands
	// payment today: two departures from the taught order.
	assert.False(t, cs.OrderOK)
	require.Len(t, cs.Departures, 2)
	assert.Equal(t, "ask_reason", cs.Departures[0].Code)
	assert.Equal(t, "demand_payment", cs.Departures[0].Before)

	bad := scoreFile(t, filepath.Join("..", "testdata", "calls", "S02_insult_threat.txt"), sc)
	assert.False(t, bad.Pass)
	assert.Equal(t, []string{"insult (t5)", "threat (t7)", "score 30 is below the pass mark 60"}, bad.FailReasons)
	assert.Contains(t, hintCodes(bad), "violation")
}

func TestDepartureFromOrder(t *testing.T) {
	a, _ := setup(t)
	c, err := corpus.ReadText("o", "坐席: 麻烦您今天下午五点之前还上\n坐席: 请问是张伟先生吗？\n客户: 是我")
	require.NoError(t, err)
	cs := score.Score(a.Analyze(c), score.Default())
	assert.False(t, cs.OrderOK)
	require.Len(t, cs.Departures, 1)
	assert.Equal(t, score.Departure{Code: "demand_payment", Turn: 1, Before: "verify_identity", BeforeTurn: 2,
		Text: "要求客户今天还款（t1）出现在 确认对方身份（t2）之前；指南的顺序是先确认对方身份，再要求客户今天还款"}, cs.Departures[0])
}

// TestScoreJSONGolden pins the `score --format json` object for the
// sample calls (go test ./score -update).
func TestScoreJSONGolden(t *testing.T) {
	_, sc := setup(t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	files, err := filepath.Glob(filepath.Join("..", "testdata", "calls", "*.txt"))
	require.NoError(t, err)
	files = append(files, filepath.Join("testdata", "practice.txt"))
	for _, f := range files {
		cs := scoreFile(t, f, sc)
		cs.Source = filepath.Base(cs.Source)
		require.NoError(t, enc.Encode(cs))
	}
	golden := filepath.Join("testdata", "golden", "score.jsonl")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update")
	assert.Equal(t, string(want), buf.String())
}

// TestComplianceApartFromScore: the red lines (compliant) and the task
// score are two judgements; a third-party call's score is not applicable
// and no pass mark holds it; production calls keep the plain pass mark.
func TestComplianceApartFromScore(t *testing.T) {
	_, team := setup(t)
	third := scoreFile(t, filepath.Join("..", "testdata", "calls", "S05_third_party_ok.txt"), team)
	assert.False(t, third.ScoreApplicable, "a third party: no task applies")
	assert.True(t, third.Compliant)
	assert.True(t, third.Pass, "the pass mark does not hold a call with a third party")
	assert.Empty(t, third.FailReasons)

	disclosed := scoreFile(t, filepath.Join("..", "testdata", "calls", "S04_third_party.txt"), team)
	assert.False(t, disclosed.Compliant, "the disclosure is a red line")
	assert.True(t, disclosed.Pass, "the team scorecard fails calls for insults and threats only")

	good := scoreFile(t, filepath.Join("..", "testdata", "calls", "S01_compliant.txt"), score.Default())
	assert.True(t, good.Compliant)
	assert.Equal(t, 0, good.PassMark, "a first call under the default scorecard: no pass mark")
	assert.Equal(t, "first_call", good.Kind)
}

// TestTeamScorecardOrder: the steps the team scorecard orders but does not
// weigh are reported, with their evidence and 0 points, and appear in
// the order.
func TestTeamScorecardOrder(t *testing.T) {
	_, sc := setup(t)
	cs := scoreFile(t, filepath.Join("testdata", "practice.txt"), sc)
	require.Contains(t, cs.Steps, "verify_identity")
	require.Contains(t, cs.Steps, "self_introduce")
	vi := cs.Steps["verify_identity"]
	assert.True(t, vi.Done)
	assert.Equal(t, []int{3}, vi.Turns)
	assert.Equal(t, 0, vi.Max)
	assert.Equal(t, "确认对方身份", vi.Name)
	assert.Equal(t, []score.OrderStep{{Code: "verify_identity", Turn: 3}, {Code: "self_introduce", Turn: 3}}, cs.Order)
	assert.Equal(t, 100, cs.Max)
	assert.Equal(t, "要求今天还款", cs.Tasks["demand_payment"].Name)
}
