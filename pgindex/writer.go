package pgindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/dburl"
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
	text := dburl.Clean(err, db.url)
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
	type stored struct {
		hash, rulesVersion string
		dims               dims
	}
	have := map[string]stored{}
	rows, err := tx.Query(ctx, `SELECT call_id, hash, rules_version, started_at, team, agent, party, month, pass,
		needs_review, has_candidates, categories FROM calls WHERE call_id = ANY($1) FOR UPDATE`, ids)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var id string
		var s stored
		var started *time.Time
		d := &s.dims
		if err := rows.Scan(&id, &s.hash, &s.rulesVersion, &started, &d.team, &d.agent, &d.party, &d.month, &d.pass,
			&d.needsReview, &d.cands, &d.categories); err != nil {
			rows.Close()
			return c, err
		}
		if started != nil {
			d.started, d.hasStart = *started, true
		}
		have[id] = s
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	var write []pending
	var replace []string
	versions := map[string]bool{}
	cube := newCubeDelta()
	for _, p := range db.batch {
		s, ok := have[p.res.CallID]
		switch {
		case ok && s.hash == p.hash && s.rulesVersion == p.rulesVersion:
			c.Unchanged++
			continue
		case ok:
			c.Updated++
			replace = append(replace, p.res.CallID)
			cube.add(s.dims, -1)
		default:
			c.Added++
		}
		cube.add(dimsOf(p.res), 1)
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
		b := newBatchRows(write)
		for _, t := range []struct {
			name string
			cols []string
			rows int
			make func(i int) ([][]any, error)
		}{
			{"calls", callColumns, len(write), b.callRow},
			{"turns", turnColumns, b.turns, b.turnRows},
			{"findings", findingColumns, b.findings, b.findingRows},
			{"call_tasks", taskColumns, b.tasks, b.taskRows},
		} {
			if t.rows == 0 {
				continue
			}
			src := &rowSource{calls: write, make: t.make}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src); err != nil {
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
	// Last: the cube rows are shared by the batches of every writer, so
	// they are held locked for as short a time as can be.
	return c, cube.write(ctx, tx)
}

var (
	callColumns = []string{"call_id", "hash", "rules_version", "source", "agent", "team", "kind", "party",
		"given_party", "started_at", "started_at_text", "month", "day", "score", "pass", "categories", "tasks",
		"needs_review", "has_candidates", "turn_count", "result", "words", "words_turns"}
	turnColumns    = []string{"call_id", "turn", "role", "label", "text", "words", "spans"}
	findingColumns = []string{"call_id", "turn", "category", "severity", "rule", "speaker", "match", "text",
		"match_start", "match_end", "pack_version", "needs_review", "review_reason", "agent", "team", "party",
		"month", "day", "started_at", "started_at_text", "words"}
	taskColumns = []string{"call_id", "kind", "code", "covered", "turns", "rules"}
)

// batchRows makes the rows of a batch's calls, table by table, as COPY
// asks for them: the driver encodes and sends rows in chunks, so the
// server stores one chunk while the next is made (segmenting turns is most
// of the writer's work). The calls go first, then their turns, findings
// and tasks: the call segments its turns (its words are theirs), and the
// turns and findings reuse those words.
type batchRows struct {
	write                  []pending
	meta                   []callMeta
	turnWords              [][][]word // per call, per turn
	turns, findings, tasks int        // rows to come, to skip an empty table
}

// callMeta is what a call's findings copy from the call.
type callMeta struct {
	started    any // time.Time or nil
	month, day string
}

func newBatchRows(write []pending) *batchRows {
	b := &batchRows{write: write, meta: make([]callMeta, len(write)), turnWords: make([][][]word, len(write))}
	for _, p := range write {
		res := p.res
		if res.Call != nil {
			b.turns += len(res.Call.Turns)
		}
		for _, f := range res.Findings {
			if isFinding(f) {
				b.findings++ // at most: repeats of a turn and category are dropped
			}
		}
		b.tasks += len(res.Tasks) + len(res.Steps) + len(res.Required)
	}
	return b
}

// rowSource feeds COPY the rows make gives for each call in turn.
type rowSource struct {
	calls []pending
	make  func(i int) ([][]any, error)
	next  int
	rows  [][]any
	row   []any
	err   error
}

func (s *rowSource) Next() bool {
	for len(s.rows) == 0 {
		if s.err != nil || s.next >= len(s.calls) {
			return false
		}
		s.rows, s.err = s.make(s.next)
		if s.err != nil {
			s.err = fmt.Errorf("call %s: %w", s.calls[s.next].res.CallID, s.err)
			return false
		}
		s.next++
	}
	s.row, s.rows = s.rows[0], s.rows[1:]
	return true
}

func (s *rowSource) Values() ([]any, error) { return s.row, nil }

func (s *rowSource) Err() error { return s.err }

// isFinding tells the findings stored as rows: as in the Bleve index, the
// violations and customer abuse.
func isFinding(f result.Finding) bool {
	return result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse
}

// callRow is the calls row of call i. Its categories are the violation
// categories of its findings.
func (b *batchRows) callRow(i int) ([][]any, error) {
	p := b.write[i]
	res := p.res
	d := dimsOf(res)
	var m callMeta
	if d.hasStart {
		m = callMeta{started: d.started, month: d.month, day: d.started.Format("2006-01-02")}
	}
	b.meta[i] = m
	cats, review := d.categories, d.needsReview
	tasks := []string{}
	for code, cv := range res.Tasks {
		if cv.Covered {
			tasks = append(tasks, code)
		}
	}
	sort.Strings(tasks)
	stored, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	givenParty, turns := "", 0
	if res.Call != nil {
		givenParty, turns = res.Call.Party, len(res.Call.Turns)
	}
	turnWords := make([][]word, turns)
	for n := range turns {
		if turnWords[n], err = segment(res.Call.Turns[n].Text); err != nil {
			return nil, err
		}
	}
	b.turnWords[i] = turnWords
	words, wordsTurns := callWords(turnWords)
	return [][]any{{res.CallID, p.hash, p.rulesVersion, res.Source, res.Agent, res.Team,
		res.Kind, res.Party, givenParty, m.started, res.StartedAt, m.month, m.day, int32(res.Score), res.Pass,
		cats, tasks, review, len(res.Candidates) > 0, int32(turns), string(stored), words, int32(wordsTurns)}}, nil
}

// callWords is the words of a call's turns in one tsvector, for searching
// calls with one index: the words of each turn at consecutive positions,
// one position left free between two turns, so that no phrase runs from
// one turn into the next. It holds whole turns from the first, as many as
// keep within PostgreSQL's limits without dropping a position (the last
// position, positions kept per word), and says how many: the turns after
// those are searched in their own rows.
func callWords(turns [][]word) (pgtype.TSVector, int) {
	var entries []entry
	count := map[string]int{}
	base, n := 0, 0
	for ; n < len(turns); n++ {
		ws := turns[n]
		if base+len(ws) > maxPosition {
			break
		}
		inTurn := map[string]int{}
		fits := true
		for _, w := range ws {
			if keptLexeme(w.term) {
				inTurn[w.term]++
				if count[w.term]+inTurn[w.term] > maxPositions {
					fits = false
					break
				}
			}
		}
		if !fits {
			break
		}
		for t, k := range inTurn {
			count[t] += k
		}
		for j, w := range ws {
			entries = append(entries, entry{w.term, base + j + 1})
		}
		base += len(ws) + 1
	}
	return vector(entries), n
}

// turnRows are the turns rows of call i, with their words (callRow ran
// before and segmented them).
func (b *batchRows) turnRows(i int) ([][]any, error) {
	res := b.write[i].res
	if res.Call == nil {
		return nil, nil
	}
	rows := make([][]any, 0, len(res.Call.Turns))
	for n, t := range res.Call.Turns {
		ws := b.turnWords[i][n] // segmented by callRow
		rows = append(rows, []any{res.CallID, int32(n + 1), string(t.Role), t.Label, t.Text,
			tsvector(ws, nil), spans(ws)})
	}
	return rows, nil
}

// findingRows are the findings rows of call i: one per turn and
// category, a later finding replacing an earlier one, as in the Bleve
// index. They reuse the words of the turns (turnRows ran before).
func (b *batchRows) findingRows(i int) ([][]any, error) {
	res, m, turnWords := b.write[i].res, b.meta[i], b.turnWords[i]
	var rows [][]any
	last := map[findingKey]int{} // → position in rows
	for _, f := range res.Findings {
		if !isFinding(f) {
			continue
		}
		var textWords []word
		var err error
		if f.Turn >= 1 && f.Turn <= len(turnWords) && res.Call.Turns[f.Turn-1].Text == f.Text {
			textWords = turnWords[f.Turn-1]
		} else if textWords, err = segment(f.Text); err != nil {
			return nil, err
		}
		matchWords, err := segment(f.Match)
		if err != nil {
			return nil, err
		}
		row := []any{res.CallID, int32(f.Turn), f.Category, f.Severity, f.Rule, f.Speaker, f.Match, f.Text,
			int32(f.Start), int32(f.End), f.PackVersion, f.NeedsReview, f.ReviewReason, res.Agent, res.Team,
			res.Party, m.month, m.day, m.started, res.StartedAt, tsvector(textWords, matchWords)}
		key := findingKey{f.Turn, f.Category}
		if n, ok := last[key]; ok {
			rows[n] = row
			continue
		}
		last[key] = len(rows)
		rows = append(rows, row)
	}
	return rows, nil
}

type findingKey struct {
	turn     int
	category string
}

// taskRows are the call_tasks rows of call i: its tasks, steps and
// required items, each in code order.
func (b *batchRows) taskRows(i int) ([][]any, error) {
	res := b.write[i].res
	var rows [][]any
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
			rows = append(rows, []any{res.CallID, k.kind, code, cv.Covered, turns, rules})
		}
	}
	return rows, nil
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

// tsvector is the words at positions from 1, then the words of more one
// position further on, so that no phrase runs from the first into the
// second.
func tsvector(ws []word, more []word) pgtype.TSVector {
	entries := make([]entry, 0, len(ws)+len(more))
	for i, w := range ws {
		entries = append(entries, entry{w.term, i + 1})
	}
	for i, w := range more {
		entries = append(entries, entry{w.term, len(ws) + 2 + i})
	}
	return vector(entries)
}

// entry is a word at a position.
type entry struct {
	term string
	pos  int
}

// keptLexeme tells a word a tsvector can hold.
func keptLexeme(term string) bool {
	return term != "" && len(term) <= maxLexeme
}

// vector is the tsvector of the entries, given in order of position,
// within PostgreSQL's limits: positions past the last at the last, the
// first maxPositions of a word, words it cannot hold left out. Its
// lexemes are in byte order, as PostgreSQL keeps them.
func vector(entries []entry) pgtype.TSVector {
	// Stable: a word's positions stay in order.
	slices.SortStableFunc(entries, func(a, b entry) int { return strings.Compare(a.term, b.term) })
	v := pgtype.TSVector{Valid: true}
	positions := make([]pgtype.TSVectorPosition, 0, len(entries))
	for i := 0; i < len(entries); {
		term, from := entries[i].term, len(positions)
		for ; i < len(entries) && entries[i].term == term; i++ {
			pos := min(entries[i].pos, maxPosition)
			n := len(positions) - from
			if n >= maxPositions || (n > 0 && int(positions[len(positions)-1].Position) >= pos) {
				continue
			}
			positions = append(positions, pgtype.TSVectorPosition{Position: uint16(pos)})
		}
		if !keptLexeme(term) {
			positions = positions[:from]
			continue
		}
		v.Lexemes = append(v.Lexemes, pgtype.TSVectorLexeme{Word: term, Positions: positions[from:len(positions):len(positions)]})
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
