package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/review"
)

// reviewSample indexes the sample calls and records reviewers' decisions
// on them in db (empty: the SQLite file beside the index):
//
//	S02: insult at 5 confirmed, threat at 7 dismissed; review finished
//	S03: both false legal claims confirmed, a threat added at turn 2; finished
//	S06: insult at 5 confirmed only; review not finished
func reviewSample(t *testing.T, db string) (dir, dbPath string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "calls.bleve")
	code, _, errOut := callqa("index", "-q", "--index", dir, filepath.Join("..", "..", "testdata", "calls"))
	require.Equal(t, 0, code, errOut)
	dbPath = reviewDBPath(db, dir)
	st, err := review.Open(context.Background(), dbPath)
	require.NoError(t, err)
	defer st.Close()
	qa := review.Actor{Name: "wang", Role: review.RoleReviewer}
	act := func(kind review.ActionKind, call string, turn int, cat, reason string) {
		f := review.FindingRef{Key: review.Key{CallID: call, Turn: turn, Category: cat}, Text: "t", Team: "M1-A"}
		_, err := st.Apply(context.Background(), review.Action{Kind: kind, Actor: qa, Finding: f, Reason: reason})
		require.NoError(t, err)
	}
	act(review.ActConfirm, "S02", 5, "insult", "")
	act(review.ActDismiss, "S02", 7, "threat", "context")
	act(review.ActConfirm, "S03", 5, "false_legal_claim", "")
	act(review.ActConfirm, "S03", 7, "false_legal_claim", "")
	act(review.ActAdd, "S03", 2, "threat", "")
	act(review.ActConfirm, "S06", 5, "insult", "")
	for _, id := range []string{"S02", "S03"} {
		_, err := st.CompleteCall(context.Background(), qa, review.FindingRef{Key: review.Key{CallID: id}, Team: "M1-A"}, 0, "")
		require.NoError(t, err)
	}
	return dir, dbPath
}

// The loop: decisions → gold labels and transcripts → eval, which gives
// back exactly what the reviewers decided: confirmed findings as hits,
// dismissed ones as false alarms, added violations as misses.
func TestVerdictsExportEvalReproducesDecisions(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db := ""
			if backend == "postgres" {
				db = pgtest.NewDatabase(t)
			}
			dir, _ := reviewSample(t, db)
			out := t.TempDir()
			gold, calls := filepath.Join(out, "gold.jsonl"), filepath.Join(out, "reviewed.jsonl")
			args := []string{"verdicts", "export", "--index", dir, "--calls", calls, "-o", gold}
			if db != "" {
				args = append(args, "--db", db)
			}
			code, _, errOut := callqa(args...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, errOut, "exported 2 reviewed call(s), 4 violation(s)")

			b, err := os.ReadFile(gold)
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			require.Len(t, lines, 2, "S06's review is not finished")
			assert.JSONEq(t, `{"call_id":"S02","violations":[{"category":"insult","turn":5}],"notes":"callqa review: 1 confirmed, 0 added, 1 dismissed","team":"M1-A","reviewed_by":"wang","reviewed_at":"X"}`,
				strings.Replace(lines[0], jsonField(t, lines[0], "reviewed_at"), "X", 1))

			code, evalOut, errOut := callqa("eval", "--format", "json", "--labels", gold, calls)
			require.Equal(t, 0, code, errOut)
			var rep struct {
				Evaluated int `json:"evaluated"`
				Turns     []struct {
					Category   string
					TP, FP, FN int
				} `json:"turns"`
			}
			require.NoError(t, json.Unmarshal([]byte(evalOut), &rep))
			assert.Equal(t, 2, rep.Evaluated)
			got := map[string][3]int{}
			for _, c := range rep.Turns {
				got[c.Category] = [3]int{c.TP, c.FP, c.FN}
			}
			assert.Equal(t, map[string][3]int{
				"insult":                 {1, 0, 0},
				"threat":                 {0, 1, 1},
				"false_legal_claim":      {2, 0, 0},
				"third_party_disclosure": {0, 0, 0},
			}, got)
		})
	}
}

func jsonField(t *testing.T, line, field string) string {
	var m map[string]interface{}
	require.NoError(t, json.Unmarshal([]byte(line), &m))
	s, _ := m[field].(string)
	return s
}

func TestVerdictsExportNarrowingAndDecisions(t *testing.T) {
	dir, _ := reviewSample(t, "")
	code, out, errOut := callqa("verdicts", "export", "--index", dir, "--team", "M2")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "exported 0 reviewed call(s)")
	code, out, _ = callqa("verdicts", "export", "--index", dir, "--since", "2999-01-01")
	require.Equal(t, 0, code)
	assert.Empty(t, out)

	code, out, errOut = callqa("verdicts", "export", "--index", dir, "--format", "decisions")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 6)
	var d review.Decision
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &d))
	assert.Equal(t, review.Key{CallID: "S02", Turn: 5, Category: "insult"}, d.Key)
	assert.Equal(t, review.StateConfirmed, d.State)

	code, out, errOut = callqa("verdicts", "list", "--index", dir, "--state", "dismissed")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "S02")
	assert.Contains(t, out, "context")
	assert.Contains(t, out, "1 decision(s)")
	code, out, _ = callqa("verdicts", "list", "--index", dir, "--call", "S03", "--format", "json")
	require.Equal(t, 0, code)
	var ds []review.Decision
	require.NoError(t, json.Unmarshal([]byte(out), &ds))
	assert.Len(t, ds, 3)
	assert.True(t, ds[0].Added, "the added threat at turn 2 comes first")
}

func TestVerdictsErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"verdicts", "export", "--index", filepath.Join(dir, "none.bleve")}, 2, "no decisions database at " + filepath.Join(dir, "none.review.db")},
		{[]string{"verdicts", "export", "--format", "csv"}, 2, `--format "csv": want labels or decisions`},
		{[]string{"verdicts", "export", "--format", "decisions", "--calls", "x"}, 2, "--calls goes with --format labels"},
		{[]string{"verdicts", "list", "--state", "open"}, 2, `--state "open"`},
		{[]string{"verdicts", "list", "--since", "yesterday"}, 2, "--since"},
		{[]string{"verdicts", "list", "--db", "postgres://qa:s3cret@127.0.0.1:1/x?connect_timeout=3"}, 2, "postgres://qa:xxxxx@127.0.0.1:1/x"},
		{[]string{"db", "migrate", "--db", "postgres://qa:s3cret@127.0.0.1:1/x?connect_timeout=3"}, 2, "cannot open the decisions database"},
	}
	for _, c := range cases {
		code, _, errOut := callqa(c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.msg, "%v", c.args)
		assert.NotContains(t, errOut, "s3cret")
	}
}

func TestDBMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qa.db")
	code, out, errOut := callqa("db", "migrate", "--db", db)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "applied 0001_review")
	assert.Contains(t, out, "schema version 1 (sqlite)")
	code, out, _ = callqa("db", "migrate", "--db", db)
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "applied", "nothing left to apply")

	pg := pgtest.NewDatabase(t)
	code, out, errOut = callqa("db", "migrate", "--db", pg)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "schema version 1 (postgres)")
}

// backtest and rules health read the decisions database beside the index
// when no --decisions file is given.
func TestBacktestAndHealthReadTheDatabase(t *testing.T) {
	dir, _ := reviewSample(t, "")
	code, out, errOut := callqa("rules", "health", "--index", dir, "--format", "json")
	require.Equal(t, 0, code, errOut)
	var h struct {
		Missed []struct {
			CallID   string `json:"call_id"`
			Turn     int    `json:"turn"`
			Category string `json:"category"`
		} `json:"missed"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	require.Len(t, h.Missed, 1, out)
	assert.Equal(t, "S03", h.Missed[0].CallID)
	assert.Equal(t, 2, h.Missed[0].Turn)

	code, out, errOut = callqa("backtest", "--index", dir, "--rules", filepath.Join("..", "..", "testdata", "backtest", "insult_candidate.yaml"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "6 decisions")

	code, _, errOut = callqa("backtest", "--index", dir, "--rules", "x.yaml", "--db", "a.db", "--decisions", "b.jsonl")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give one")
}

// --verdict without a decisions database says so instead of creating an
// empty one beside the index.
func TestSearchVerdictWithoutDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "calls.bleve")
	code, _, errOut := callqa("index", "-q", "--index", dir, filepath.Join("..", "..", "testdata", "calls", "S02_insult_threat.txt"))
	require.Equal(t, 0, code, errOut)
	code, _, errOut = callqa("search", "--index", dir, "--verdict", "open")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no decisions database at "+review.DefaultPath(dir))
	_, err := os.Stat(review.DefaultPath(dir))
	assert.True(t, os.IsNotExist(err), "no file was created")
}
