package pgindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// pending is a call waiting in the batch.
type pending struct {
	res                *result.Result
	hash, rulesVersion string
}

// Add queues one analyzed call for the pending batch and commits the batch
// when it is full. It returns index.Queued: whether the call is added,
// updated or unchanged is decided when its batch commits, against the
// hashes stored then, and counted in Tally.
func (db *DB) Add(res *result.Result, rulesVersion string) (index.Outcome, error) {
	if db.opts.ReadOnly {
		return "", fmt.Errorf("%s: opened read-only", db.where)
	}
	p := pending{res: res, hash: index.Hash(res), rulesVersion: rulesVersion}
	if i, ok := db.inBatch[res.CallID]; ok {
		// The same call id twice in one batch: the later version is the
		// one stored, as in the Bleve index.
		if db.batch[i].hash == p.hash && db.batch[i].rulesVersion == p.rulesVersion {
			db.counts.Unchanged++
			return index.Unchanged, nil
		}
		db.batch[i] = p
		db.counts.Updated++
		return index.Updated, nil
	}
	db.inBatch[res.CallID] = len(db.batch)
	db.batch = append(db.batch, p)
	if len(db.batch) >= db.opts.BatchSize {
		return index.Queued, db.Flush()
	}
	return index.Queued, nil
}

// Tally says what Add did to the calls committed so far (and to calls
// repeated within a batch).
func (db *DB) Tally() index.Counts { return db.counts }

// commitAttempts is how often a batch is tried when another writer
// stored one of its calls at the same moment (or the two deadlocked):
// each retry sees what the other committed, so two writers loading the
// same calls at once end with each call once.
const commitAttempts = 10

// Flush commits the pending batch in one transaction. Once it returns
// nil, the batch is in the database; when it fails, nothing of the batch
// is (unless the connection was lost at the commit itself, when the
// message says so), and running the load again completes it.
func (db *DB) Flush() error {
	if len(db.batch) == 0 {
		return nil
	}
	var err error
	var atCommit bool
	for attempt := 0; attempt < commitAttempts; attempt++ {
		if attempt > 0 {
			time.Sleep(retryPause(attempt))
		}
		var c index.Counts
		if c, atCommit, err = db.commitBatch(context.Background()); err == nil {
			db.counts.Added += c.Added
			db.counts.Updated += c.Updated
			db.counts.Unchanged += c.Unchanged
			db.commits += len(db.batch)
			db.batch, db.inBatch = db.batch[:0], map[string]int{}
			if db.opts.OnCommit != nil {
				db.opts.OnCommit(db.commits)
			}
			return nil
		}
		if !retryable(err) {
			break
		}
	}
	n := len(db.batch)
	db.batch, db.inBatch = db.batch[:0], map[string]int{}
	stored := "none of them was stored"
	var pe *pgconn.PgError
	if atCommit && !errors.As(err, &pe) {
		stored = "the connection was lost as it committed, so whether it was stored is not known"
	}
	return &Error{Where: db.where, Doing: fmt.Sprintf("committing a batch of %d calls", n), Err: err, text: fmt.Sprintf(
		"%s (%d calls were committed before it); run the same command again to complete the load: %s",
		stored, db.commits, db.driverText(err))}
}

// driverText is the driver's error on one line without the password; a
// connection cut off (the server stopped or crashed) says so.
func (db *DB) driverText(err error) string {
	text := cleanDriverErr(err, db.url)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, pgconn.ErrConnClosed) {
		text = "the server closed the connection (" + text + ")"
	}
	return text
}

// retryPause is the wait before another attempt at a batch: growing,
// with jitter so that two writers do not meet again in step.
func retryPause(attempt int) time.Duration {
	return time.Duration(attempt)*10*time.Millisecond + time.Duration(rand.IntN(20))*time.Millisecond
}

// retryable tells a conflict with another writer (a call both stored at
// once, a deadlock) from a failure that a retry would only repeat.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505" || pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// commitBatch writes the batch: it locks the rows of the batch's calls
// already stored, leaves alone those with the same hash and rules version,
// deletes the rows of the others and copies in the new ones.
// atCommit tells an error of the commit itself.
func (db *DB) commitBatch(ctx context.Context) (c index.Counts, atCommit bool, err error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return c, false, err
	}
	defer tx.Rollback(ctx)
	if c, err = db.writeBatch(ctx, tx); err != nil {
		return c, false, err
	}
	return c, true, tx.Commit(ctx)
}

// writeBatch writes the batch in tx.
func (db *DB) writeBatch(ctx context.Context, tx pgx.Tx) (index.Counts, error) {
	var c index.Counts
	ids := make([]string, len(db.batch))
	for i, p := range db.batch {
		ids[i] = p.res.CallID
	}
	type stored struct{ hash, rulesVersion string }
	have := map[string]stored{}
	rows, err := tx.Query(ctx, `SELECT call_id, hash, rules_version FROM calls WHERE call_id = ANY($1) FOR UPDATE`, ids)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var id string
		var s stored
		if err := rows.Scan(&id, &s.hash, &s.rulesVersion); err != nil {
			rows.Close()
			return c, err
		}
		have[id] = s
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	var write []pending
	var replace []string
	versions := map[string]bool{}
	for _, p := range db.batch {
		s, ok := have[p.res.CallID]
		switch {
		case ok && s.hash == p.hash && s.rulesVersion == p.rulesVersion:
			c.Unchanged++
			continue
		case ok:
			c.Updated++
			replace = append(replace, p.res.CallID)
		default:
			c.Added++
		}
		write = append(write, p)
		versions[p.rulesVersion] = true
	}
	if len(replace) > 0 {
		for _, table := range []string{"turns", "findings", "call_tasks", "calls"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE call_id = ANY($1)`, replace); err != nil {
				return c, err
			}
		}
	}
	if len(write) > 0 {
		r, err := buildRows(write)
		if err != nil {
			return c, err
		}
		for _, t := range []struct {
			name string
			cols []string
			rows [][]any
		}{
			{"calls", callColumns, r.calls},
			{"turns", turnColumns, r.turns},
			{"findings", findingColumns, r.findings},
			{"call_tasks", taskColumns, r.tasks},
		} {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return c, err
			}
		}
		var vs []string
		for v := range versions {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		if _, err := tx.Exec(ctx, `INSERT INTO rule_versions (rules_version) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, vs); err != nil {
			return c, err
		}
	}
	return c, nil
}

var (
	callColumns = []string{"call_id", "hash", "rules_version", "source", "agent", "team", "kind", "party",
		"given_party", "started_at", "started_at_text", "month", "day", "score", "pass", "categories", "tasks",
		"needs_review", "has_candidates", "turn_count", "result"}
	turnColumns    = []string{"call_id", "turn", "role", "label", "text", "words", "spans"}
	findingColumns = []string{"call_id", "turn", "category", "severity", "rule", "speaker", "match", "text",
		"match_start", "match_end", "pack_version", "needs_review", "review_reason", "agent", "team", "party",
		"month", "day", "started_at", "started_at_text", "words"}
	taskColumns = []string{"call_id", "kind", "code", "covered", "turns", "rules"}
)

// tableRows are the rows of a batch, table by table.
type tableRows struct {
	calls, turns, findings, tasks [][]any
}

func buildRows(batch []pending) (*tableRows, error) {
	r := &tableRows{}
	for _, p := range batch {
		if err := r.add(p); err != nil {
			return nil, fmt.Errorf("call %s: %w", p.res.CallID, err)
		}
	}
	return r, nil
}

// add appends the rows of one call. What goes where mirrors the Bleve
// index's documents: findings are the violations and customer abuse, one
// per turn and category (a later one replacing an earlier), and the
// call's categories are its violation categories.
func (r *tableRows) add(p pending) error {
	res := p.res
	var started any
	month, day := "", ""
	if t, err := time.Parse(time.RFC3339, res.StartedAt); err == nil {
		started = t
		month, day = t.Format("2006-01"), t.Format("2006-01-02")
	}
	cats, tasks := []string{}, []string{}
	seen := map[string]bool{}
	review := false
	for _, f := range res.Findings {
		if result.IsViolation(f.Category) && !seen[f.Category] {
			seen[f.Category] = true
			cats = append(cats, f.Category)
		}
		if f.NeedsReview && (result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse) {
			review = true
		}
	}
	sort.Strings(cats)
	for code, cv := range res.Tasks {
		if cv.Covered {
			tasks = append(tasks, code)
		}
	}
	sort.Strings(tasks)
	stored, err := json.Marshal(res)
	if err != nil {
		return err
	}
	givenParty := ""
	var turnWords [][]word
	if res.Call != nil {
		givenParty = res.Call.Party
		for i, t := range res.Call.Turns {
			ws, err := segment(t.Text)
			if err != nil {
				return err
			}
			turnWords = append(turnWords, ws)
			r.turns = append(r.turns, []any{res.CallID, int32(i + 1), string(t.Role), t.Label, t.Text,
				tsvector(ws, 0, nil), spans(ws)})
		}
	}
	r.calls = append(r.calls, []any{res.CallID, p.hash, p.rulesVersion, res.Source, res.Agent, res.Team,
		res.Kind, res.Party, givenParty, started, res.StartedAt, month, day, int32(res.Score), res.Pass,
		cats, tasks, review, len(res.Candidates) > 0, int32(len(turnWords)), string(stored)})

	last := map[[2]string]int{} // (turn, category) → row index in r.findings
	for _, f := range res.Findings {
		if !result.IsViolation(f.Category) && f.Category != result.CategoryCustomerAbuse {
			continue
		}
		var textWords []word
		if f.Turn >= 1 && f.Turn <= len(turnWords) && res.Call.Turns[f.Turn-1].Text == f.Text {
			textWords = turnWords[f.Turn-1]
		} else if textWords, err = segment(f.Text); err != nil {
			return err
		}
		matchWords, err := segment(f.Match)
		if err != nil {
			return err
		}
		row := []any{res.CallID, int32(f.Turn), f.Category, f.Severity, f.Rule, f.Speaker, f.Match, f.Text,
			int32(f.Start), int32(f.End), f.PackVersion, f.NeedsReview, f.ReviewReason, res.Agent, res.Team,
			res.Party, month, day, started, res.StartedAt, tsvector(textWords, 0, matchWords)}
		key := [2]string{fmt.Sprint(f.Turn), f.Category}
		if i, ok := last[key]; ok {
			r.findings[i] = row
			continue
		}
		last[key] = len(r.findings)
		r.findings = append(r.findings, row)
	}
	for _, k := range []struct {
		kind string
		cov  map[string]result.Coverage
	}{{"task", res.Tasks}, {"step", res.Steps}, {"required", res.Required}} {
		codes := make([]string, 0, len(k.cov))
		for code := range k.cov {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			cv := k.cov[code]
			turns := make([]int32, len(cv.Turns))
			for i, t := range cv.Turns {
				turns[i] = int32(t)
			}
			rules := cv.Rules
			if rules == nil {
				rules = []string{}
			}
			r.tasks = append(r.tasks, []any{res.CallID, k.kind, code, cv.Covered, turns, rules})
		}
	}
	return nil
}

// word is one segmented word: its normalized term and byte offsets.
type word struct {
	term       string
	start, end int
}

// segment cuts text into the words the Bleve index stores for it.
func segment(text string) ([]word, error) {
	ws, err := index.Words(text)
	if err != nil {
		return nil, err
	}
	out := make([]word, len(ws))
	for i, w := range ws {
		out[i] = word{w.Term, w.Start, w.End}
	}
	return out, nil
}

// PostgreSQL's limits on a tsvector: the largest position, positions
// kept per word and the longest word, in bytes. A turn of more than 16,383
// words or a word repeated more than 256 times in one turn loses phrase
// matches past those limits (the Bleve index keeps them); a "word" of
// 2 KB is not one anyone searches for.
const (
	maxPosition  = 16383
	maxPositions = 256
	maxLexeme    = 2046
)

// tsvector is the words at positions from 1 (after an offset), then the
// words of more one position further on, so that no phrase runs from the
// first into the second.
func tsvector(ws []word, offset int, more []word) pgtype.TSVector {
	positions := map[string][]pgtype.TSVectorPosition{}
	var order []string
	add := func(term string, pos int) {
		if term == "" || len(term) > maxLexeme {
			return
		}
		pos = min(pos, maxPosition)
		ps, ok := positions[term]
		if !ok {
			order = append(order, term)
		}
		if len(ps) >= maxPositions || (len(ps) > 0 && int(ps[len(ps)-1].Position) >= pos) {
			return
		}
		positions[term] = append(ps, pgtype.TSVectorPosition{Position: uint16(pos)})
	}
	for i, w := range ws {
		add(w.term, offset+i+1)
	}
	for i, w := range more {
		add(w.term, offset+len(ws)+2+i)
	}
	sort.Strings(order)
	v := pgtype.TSVector{Valid: true, Lexemes: make([]pgtype.TSVectorLexeme, len(order))}
	for i, term := range order {
		v.Lexemes[i] = pgtype.TSVectorLexeme{Word: term, Positions: positions[term]}
	}
	return v
}

// spans are the byte offsets of the words, start and end, in order of
// position.
func spans(ws []word) []int32 {
	out := make([]int32, 0, 2*len(ws))
	for _, w := range ws {
		out = append(out, int32(w.start), int32(w.end))
	}
	return out
}
