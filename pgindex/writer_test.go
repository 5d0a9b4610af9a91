package pgindex_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// rowVersions is the xmin of every call row: it changes when a row is
// written again, so equal maps mean nothing was rewritten.
func rowVersions(t *testing.T, db *pgindex.DB) map[string]string {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `SELECT call_id, xmin::text FROM calls`)
	require.NoError(t, err)
	out := map[string]string{}
	for rows.Next() {
		var id, x string
		require.NoError(t, rows.Scan(&id, &x))
		out[id] = x
	}
	require.NoError(t, rows.Err())
	return out
}

// withFindings and without pick a call with violation or abuse findings
// and one with none.
func withFindings(results []*result.Result, want bool) *result.Result {
	for _, r := range results {
		n := 0
		for _, f := range r.Findings {
			if result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse {
				n++
			}
		}
		if (n > 0) == want {
			return r
		}
	}
	return nil
}

// asCall is other's transcript analyzed under id: a changed version of
// the call id.
func asCall(t *testing.T, id string, other *result.Result) *result.Result {
	t.Helper()
	a, _ := writerSetup(t)
	c := *other.Call
	c.ID = id
	return a.Analyze(&c)
}

// Loading the same results again adds nothing; a changed call replaces
// its rows, a call under other rules too; the same call twice in a batch
// keeps the later.
func TestWriterIdempotent(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, version := writerSetup(t)
	results := synthResults(t, 0, 60)

	db := openWriter(t, url, pgindex.Options{BatchSize: 16})
	load(t, db, version, results)
	assert.Equal(t, index.Counts{Added: 60}, db.Tally())
	want := expectedCounts(results)
	assert.Equal(t, want, tableCounts(t, db))
	checkComplete(t, db)
	before := rowVersions(t, db)
	require.NoError(t, db.Close())

	t.Run("again", func(t *testing.T) {
		db := openWriter(t, url, pgindex.Options{BatchSize: 7})
		load(t, db, version, results)
		assert.Equal(t, index.Counts{Unchanged: 60}, db.Tally())
		assert.Equal(t, want, tableCounts(t, db))
		assert.Equal(t, before, rowVersions(t, db), "rows were rewritten")
	})

	t.Run("changed text", func(t *testing.T) {
		old, clean := withFindings(results, true), withFindings(results, false)
		require.NotNil(t, old)
		require.NotNil(t, clean)
		changed := asCall(t, old.CallID, clean)
		db := openWriter(t, url, pgindex.Options{})
		load(t, db, version, []*result.Result{changed})
		assert.Equal(t, index.Counts{Updated: 1}, db.Tally())
		checkRows(t, db, changed, version)
		checkComplete(t, db)
		// The loaded set with old replaced by changed.
		now := append(append([]*result.Result{}, results...), changed)
		assert.Equal(t, expectedCounts(now), tableCounts(t, db))
		var n int
		require.NoError(t, db.Pool().QueryRow(context.Background(),
			`SELECT count(*) FROM findings WHERE call_id = $1`, old.CallID).Scan(&n))
		assert.Zero(t, n, "the old findings are still there")
		// Back to the original, for the next subtests.
		load(t, db, version, []*result.Result{old})
		assert.Equal(t, index.Counts{Updated: 2}, db.Tally())
		checkRows(t, db, old, version)
	})

	t.Run("other rules", func(t *testing.T) {
		db := openWriter(t, url, pgindex.Options{})
		r := results[3]
		load(t, db, "other_pack@2", []*result.Result{r})
		assert.Equal(t, index.Counts{Updated: 1}, db.Tally())
		checkRows(t, db, r, "other_pack@2")
		got := tableCounts(t, db)
		assert.Equal(t, want["rule_versions"]+1, got["rule_versions"])
		got["rule_versions"] = want["rule_versions"]
		assert.Equal(t, want, got)
		load(t, db, version, []*result.Result{r})
		checkRows(t, db, r, version)
		// rule_versions is reference data: it keeps every version seen.
		want["rule_versions"]++
	})

	t.Run("twice in a batch", func(t *testing.T) {
		db := openWriter(t, url, pgindex.Options{BatchSize: 100})
		a, b := results[0], results[1]
		changed := asCall(t, a.CallID, b)
		for _, r := range []*result.Result{a, changed, b, b} {
			_, err := db.Add(r, version)
			require.NoError(t, err)
		}
		require.NoError(t, db.Flush())
		// As in the Bleve index: a then changed in one batch is one call
		// updated (changed replaced a stored call too); b twice is once
		// unchanged (it is stored) and once unchanged in the batch.
		assert.Equal(t, index.Counts{Updated: 2, Unchanged: 2}, db.Tally())
		checkRows(t, db, changed, version)
		checkRows(t, db, b, version)
		checkComplete(t, db)
		load(t, db, version, []*result.Result{a})
		checkRows(t, db, a, version)
		assert.Equal(t, want, tableCounts(t, db))
	})

	t.Run("new calls twice in a batch", func(t *testing.T) {
		db := openWriter(t, url, pgindex.Options{BatchSize: 100})
		fresh := synthResults(t, 60, 62)
		changed := asCall(t, fresh[0].CallID, fresh[1])
		for _, r := range []*result.Result{fresh[0], changed, fresh[1], fresh[1]} {
			_, err := db.Add(r, version)
			require.NoError(t, err)
		}
		require.NoError(t, db.Flush())
		assert.Equal(t, index.Counts{Added: 2, Updated: 1, Unchanged: 1}, db.Tally())
		checkRows(t, db, changed, version)
		checkRows(t, db, fresh[1], version)
		wantNow := expectedCounts(append(append([]*result.Result{}, results...), changed, fresh[1]))
		wantNow["rule_versions"] = want["rule_versions"]
		assert.Equal(t, wantNow, tableCounts(t, db))
	})
}

// The rows of a call are its result: the call's columns, its turns with
// their words and spans, its findings and its tasks.
func TestWriterRows(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, version := writerSetup(t)
	results := synthResults(t, 0, 40)
	db := openWriter(t, url, pgindex.Options{BatchSize: 8})
	load(t, db, version, results)
	for _, r := range []*result.Result{results[0], withFindings(results, true), withFindings(results, false)} {
		checkRows(t, db, r, version)
	}
}

// checkRows compares the stored rows of r's call with r.
func checkRows(t *testing.T, db *pgindex.DB, r *result.Result, version string) {
	t.Helper()
	ctx := context.Background()
	pool := db.Pool()

	// calls
	var (
		hash, rv, source, agent, team, kind, party, given, startedText, month, day, stored string
		started                                                                            *time.Time
		score, turnCount                                                                   int
		pass, review, cand                                                                 bool
		cats, tasks                                                                        []string
	)
	require.NoError(t, pool.QueryRow(ctx, `SELECT hash, rules_version, source, agent, team, kind, party, given_party,
		started_at, started_at_text, month, day, score, pass, categories, tasks, needs_review, has_candidates,
		turn_count, result FROM calls WHERE call_id = $1`, r.CallID).Scan(&hash, &rv, &source, &agent, &team, &kind,
		&party, &given, &started, &startedText, &month, &day, &score, &pass, &cats, &tasks, &review, &cand,
		&turnCount, &stored))
	assert.Equal(t, index.Hash(r), hash)
	assert.Equal(t, version, rv)
	assert.Equal(t, []string{r.Source, r.Agent, r.Team, r.Kind, r.Party, r.Call.Party, r.StartedAt},
		[]string{source, agent, team, kind, party, given, startedText})
	at, err := time.Parse(time.RFC3339, r.StartedAt)
	require.NoError(t, err)
	require.NotNil(t, started)
	assert.True(t, at.Equal(*started))
	assert.Equal(t, at.Format("2006-01"), month)
	assert.Equal(t, at.Format("2006-01-02"), day)
	assert.Equal(t, r.Score, score)
	assert.Equal(t, r.Pass, pass)
	assert.Equal(t, len(r.Call.Turns), turnCount)
	assert.Equal(t, len(r.Candidates) > 0, cand)
	wantCats, wantReview := []string{}, false
	for _, f := range r.Findings {
		if result.IsViolation(f.Category) && !contains(wantCats, f.Category) {
			wantCats = append(wantCats, f.Category)
		}
		if f.NeedsReview && (result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse) {
			wantReview = true
		}
	}
	sort.Strings(wantCats)
	assert.Equal(t, wantCats, cats)
	assert.Equal(t, wantReview, review)
	wantTasks := []string{}
	for code, cv := range r.Tasks {
		if cv.Covered {
			wantTasks = append(wantTasks, code)
		}
	}
	sort.Strings(wantTasks)
	assert.Equal(t, wantTasks, tasks)
	js, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, string(js), stored)

	// turns
	rows, err := pool.Query(ctx, `SELECT turn, role, label, text, words, spans FROM turns WHERE call_id = $1 ORDER BY turn`, r.CallID)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var (
			turn        int
			role, label string
			text        string
			words       pgtype.TSVector
			sp          []int32
		)
		require.NoError(t, rows.Scan(&turn, &role, &label, &text, &words, &sp))
		require.Less(t, n, len(r.Call.Turns))
		want := r.Call.Turns[n]
		n++
		assert.Equal(t, n, turn)
		assert.Equal(t, []string{string(want.Role), want.Label, want.Text}, []string{role, label, text})
		ws, err := index.Words(want.Text)
		require.NoError(t, err)
		wantPos := map[string][]int{}
		var wantSpans []int32
		for i, w := range ws {
			wantPos[w.Term] = append(wantPos[w.Term], i+1)
			wantSpans = append(wantSpans, int32(w.Start), int32(w.End))
		}
		assert.Equal(t, wantPos, positions(words), "turn %d words", turn)
		if len(wantSpans) == 0 {
			wantSpans = []int32{}
		}
		assert.Equal(t, wantSpans, sp, "turn %d spans", turn)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(r.Call.Turns), n)

	// findings: one per turn and category, the later winning
	type key struct {
		turn     int
		category string
	}
	wantF := map[key]result.Finding{}
	for _, f := range r.Findings {
		if result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse {
			wantF[key{f.Turn, f.Category}] = f
		}
	}
	rows, err = pool.Query(ctx, `SELECT turn, category, severity, rule, speaker, match, text, match_start, match_end,
		pack_version, needs_review, review_reason, agent, team, party, month, day, started_at_text, words
		FROM findings WHERE call_id = $1`, r.CallID)
	require.NoError(t, err)
	got := 0
	for rows.Next() {
		var (
			k                                             key
			sev, rule, speaker, match, text, pack, reason string
			fAgent, fTeam, fParty, fMonth, fDay, fStarted string
			start, end                                    int
			needs                                         bool
			words                                         pgtype.TSVector
		)
		require.NoError(t, rows.Scan(&k.turn, &k.category, &sev, &rule, &speaker, &match, &text, &start, &end,
			&pack, &needs, &reason, &fAgent, &fTeam, &fParty, &fMonth, &fDay, &fStarted, &words))
		got++
		f, ok := wantF[k]
		require.True(t, ok, "finding %v is not in the result", k)
		assert.Equal(t, []any{f.Severity, f.Rule, f.Speaker, f.Match, f.Text, f.Start, f.End, f.PackVersion, f.NeedsReview, f.ReviewReason},
			[]any{sev, rule, speaker, match, text, start, end, pack, needs, reason})
		assert.Equal(t, []string{r.Agent, r.Team, r.Party, month, day, r.StartedAt},
			[]string{fAgent, fTeam, fParty, fMonth, fDay, fStarted})
		tw, err := index.Words(f.Text)
		require.NoError(t, err)
		mw, err := index.Words(f.Match)
		require.NoError(t, err)
		wantPos := map[string][]int{}
		for i, w := range tw {
			wantPos[w.Term] = append(wantPos[w.Term], i+1)
		}
		for i, w := range mw {
			wantPos[w.Term] = append(wantPos[w.Term], len(tw)+2+i)
		}
		assert.Equal(t, wantPos, positions(words), "finding %v words", k)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(wantF), got, "findings")

	// call_tasks
	type task struct {
		covered bool
		turns   []int32
		rules   []string
	}
	wantT := map[[2]string]task{}
	for kind, cov := range map[string]map[string]result.Coverage{"task": r.Tasks, "step": r.Steps, "required": r.Required} {
		for code, cv := range cov {
			tk := task{covered: cv.Covered, turns: []int32{}, rules: cv.Rules}
			for _, n := range cv.Turns {
				tk.turns = append(tk.turns, int32(n))
			}
			if tk.rules == nil {
				tk.rules = []string{}
			}
			wantT[[2]string{kind, code}] = tk
		}
	}
	rows, err = pool.Query(ctx, `SELECT kind, code, covered, turns, rules FROM call_tasks WHERE call_id = $1`, r.CallID)
	require.NoError(t, err)
	gotT := map[[2]string]task{}
	for rows.Next() {
		var k [2]string
		var tk task
		require.NoError(t, rows.Scan(&k[0], &k[1], &tk.covered, &tk.turns, &tk.rules))
		gotT[k] = tk
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, wantT, gotT)
}

// positions are a tsvector's words with their positions.
func positions(v pgtype.TSVector) map[string][]int {
	out := map[string][]int{}
	for _, l := range v.Lexemes {
		for _, p := range l.Positions {
			out[l.Word] = append(out[l.Word], int(p.Position))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A turn longer than a tsvector holds: PostgreSQL keeps positions up to
// 16,383, 256 of them a word, and words up to 2,046 bytes; the rows keep
// what fits (the first positions of each word) and every word's span.
func TestWriterLongTurn(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, version := writerSetup(t)
	long := strings.Repeat("x", 3000)
	text := "# call_id: LONG1\n# agent: 赵强\n# team: M1-A\n# started_at: 2026-03-02T10:00:00+08:00\n" +
		"坐席：您好，请问是刘洋吗？\n" +
		"客户：" + strings.Repeat("我们还款 ", 9000) + long + " 好的\n"
	c, err := corpus.ReadText("LONG1.txt", text)
	require.NoError(t, err)
	r := a.Analyze(c)
	db := openWriter(t, url, pgindex.Options{})
	load(t, db, version, []*result.Result{r})
	checkComplete(t, db)

	var words pgtype.TSVector
	var sp []int32
	require.NoError(t, db.Pool().QueryRow(context.Background(),
		`SELECT words, spans FROM turns WHERE call_id = 'LONG1' AND turn = 2`).Scan(&words, &sp))
	ws, err := index.Words(r.Call.Turns[1].Text)
	require.NoError(t, err)
	require.Greater(t, len(ws), 16383)
	assert.Len(t, sp, 2*len(ws), "every word has its span")
	want := map[string][]int{}
	for i, w := range ws {
		p := min(i+1, 16383)
		ps := want[w.Term]
		if len(w.Term) > 2046 || len(ps) == 256 || (len(ps) > 0 && ps[len(ps)-1] >= p) {
			continue
		}
		want[w.Term] = append(ps, p)
	}
	delete(want, long)
	got := positions(words)
	assert.Equal(t, want, got)
	assert.Len(t, got["我们"], 256)
	assert.NotContains(t, got, long)
	assert.Equal(t, []int{16383}, got["好"], "words past the last position are at the last")
}
