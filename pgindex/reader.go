package pgindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

var _ index.Reader = (*DB)(nil)

// facetScan is how many values of a facet Search considers, as the Bleve
// index does, before listing index.FacetLimit of them.
const facetScan = 10000

// sqlQuery collects the text of a statement and its parameters: every
// value goes in as a parameter, never into the text.
type sqlQuery struct {
	args []any
}

// arg adds a parameter and returns its placeholder. PostgreSQL refuses
// text that is not UTF-8, which the Bleve index takes and matches nothing
// with (everything stored is UTF-8): such bytes become U+FFFD, which
// matches nothing stored either, unless a stored value holds U+FFFD just
// there. So does a NUL byte, which PostgreSQL's text cannot hold.
func (s *sqlQuery) arg(v any) string {
	switch x := v.(type) {
	case string:
		v = pgText(x)
	case []string:
		valid := make([]string, len(x))
		for i, e := range x {
			valid[i] = pgText(e)
		}
		v = valid
	}
	s.args = append(s.args, v)
	return "$" + strconv.Itoa(len(s.args))
}

// pgText is s as PostgreSQL's text can hold it: bytes that are not UTF-8
// and NUL bytes become U+FFFD.
func pgText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// search is a Query turned into SQL for calls (alias c) or findings
// (alias f).
type search struct {
	sqlQuery
	findings bool
	where    []string
	// marks are the words to mark in the turns of a hit (calls only).
	marks []mark
	// rank is a tsquery of every text part, for the relevance order;
	// rankSQL scores a document by it once asked for (rankExpr).
	rank    []string
	rankSQL string
	// nWhere is how many of args the WHERE clause uses.
	nWhere int
	// rest tells that some call's turns are not all in its words.
	rest bool
}

// mark is what a text query matched in the turns: a phrase (its words at
// consecutive positions) or, for a match query, each of its words alone.
type mark struct {
	terms  []string
	phrase bool
}

// alias is the table alias of the search's documents.
func (s *search) alias() string {
	if s.findings {
		return "f"
	}
	return "c"
}

func (s *search) table() string {
	if s.findings {
		return "findings f"
	}
	return "calls c"
}

// newSearch is newSearch for the calls stored: a call search with text
// asks whether any call leaves turns out of its words.
func (db *DB) newSearch(q index.Query, findings bool) (*search, error) {
	rest := false
	if !findings && strings.TrimSpace(q.Text) != "" {
		ctx, cancel := db.ctx()
		defer cancel()
		err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calls WHERE words_rest)`).Scan(&rest)
		if err != nil {
			return nil, db.errorf("searching calls", err)
		}
	}
	return newSearch(q, findings, rest)
}

// newSearch translates q's filters and text into a WHERE clause, as the
// Bleve index's buildQuery does. rest tells that some call leaves turns
// out of its words (words_rest), to search in their rows.
func newSearch(q index.Query, findings, rest bool) (*search, error) {
	s := &search{findings: findings, rest: rest}
	a := s.alias()
	if q.Category != "" {
		if findings {
			s.where = append(s.where, "f.category = "+s.arg(q.Category))
		} else {
			s.where = append(s.where, "c.categories @> ARRAY["+s.arg(q.Category)+"::text]")
		}
	}
	for _, kv := range [][2]string{{"team", q.Team}, {"agent", q.Agent}, {"party", q.Party}} {
		if kv[1] != "" {
			s.where = append(s.where, a+"."+kv[0]+" = "+s.arg(kv[1]))
		}
	}
	if !q.From.IsZero() {
		s.where = append(s.where, a+".started_at >= "+s.arg(q.From))
	}
	if !q.To.IsZero() {
		s.where = append(s.where, a+".started_at < "+s.arg(q.To))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		s.where = append(s.where, a+".started_at IS NOT NULL")
	}
	if q.NeedsReview {
		s.where = append(s.where, a+".needs_review")
	}
	if q.Candidates && !findings {
		s.where = append(s.where, "c.has_candidates")
	}
	if q.Pass != nil && !findings {
		s.where = append(s.where, "c.pass = "+s.arg(*q.Pass))
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		if err := s.addText(text); err != nil {
			return nil, err
		}
	}
	if q.DocIDs != nil {
		s.where = append(s.where, s.docIDs(q.DocIDs))
	}
	if len(q.ExcludeDocIDs) > 0 {
		s.where = append(s.where, "NOT "+s.docIDs(q.ExcludeDocIDs))
	}
	s.nWhere = len(s.args)
	return s, nil
}

// docIDs is a condition true for the documents with one of the ids
// (index.CallDocID, index.FindingDocID).
func (s *search) docIDs(ids []string) string {
	if !s.findings {
		var calls []string
		for _, id := range ids {
			if c, ok := strings.CutPrefix(id, "call/"); ok {
				calls = append(calls, c)
			}
		}
		if calls == nil {
			return "false"
		}
		return "(c.call_id = ANY(" + s.arg(calls) + "::text[]))"
	}
	var calls, cats []string
	var turns []int32
	for _, id := range ids {
		rest, ok := strings.CutPrefix(id, "finding/")
		if !ok {
			continue
		}
		// The call id may hold a slash; the turn and category do not.
		i := strings.LastIndexByte(rest, '/')
		if i < 0 {
			continue
		}
		j := strings.LastIndexByte(rest[:i], '/')
		if j < 0 {
			continue
		}
		turn, err := strconv.Atoi(rest[j+1 : i])
		if err != nil || turn < math.MinInt32 || turn > math.MaxInt32 || strconv.Itoa(turn) != rest[j+1:i] {
			continue
		}
		calls, turns, cats = append(calls, rest[:j]), append(turns, int32(turn)), append(cats, rest[i+1:])
	}
	if calls == nil {
		return "false"
	}
	return "((f.call_id, f.turn, f.category) IN (SELECT * FROM unnest(" + s.arg(calls) + "::text[], " +
		s.arg(turns) + "::int4[], " + s.arg(cats) + "::text[])))"
}

// addText adds free text (each space-separated part a phrase in one turn,
// or in a finding's text or match) or query-string syntax.
func (s *search) addText(text string) error {
	if index.IsQueryString(text) {
		tree, err := index.ParseQueryString(text)
		if err != nil {
			return err
		}
		cond, none, err := s.translate(tree, false)
		if err != nil {
			return err
		}
		if none {
			cond = "false"
		}
		s.where = append(s.where, cond)
		return nil
	}
	for _, part := range strings.Fields(text) {
		terms, err := terms(part)
		if err != nil {
			return err
		}
		if len(terms) == 0 {
			s.where = append(s.where, "false")
			continue
		}
		s.where = append(s.where, s.textCond("", tsPhrase(terms)))
		s.marks = append(s.marks, mark{terms: terms, phrase: true})
	}
	return nil
}

// textCond is the condition that a turn of the call (or the finding's
// words) matches the tsquery tsq. field is "" or _all for every text
// field of the document, or text or match for one of a finding's.
// A call's words hold its turns (one position apart, so that a phrase
// stays in one turn) up to words_turns; the turns after, in a call too
// long for one tsvector (words_rest), are searched in their rows. Without
// such calls the condition is the words alone: an index condition that
// needs no look at the words of a row for a query of single words.
func (s *search) textCond(field, tsq string) string {
	s.rank = append(s.rank, tsq)
	p := s.arg(tsq) + "::tsquery"
	if !s.findings && !s.rest {
		return "c.words @@ " + p
	}
	if !s.findings {
		return "(c.words @@ " + p + " OR (c.words_rest AND EXISTS (SELECT 1 FROM turns t" +
			" WHERE t.call_id = c.call_id AND t.turn > c.words_turns AND t.words @@ " + p + ")))"
	}
	switch field {
	case "text":
		return "(f.words @@ " + p + " AND " + findingPart("<") + " @@ " + p + ")"
	case "match":
		return "(f.words @@ " + p + " AND " + findingPart(">") + " @@ " + p + ")"
	}
	return "f.words @@ " + p
}

// findingPart is the part of a finding's words before (cmp "<") or after
// (">") the gap that separates the words of its text from those of its
// match (see tsvector in writer.go): the first position no word holds.
func findingPart(cmp string) string {
	return `(SELECT string_agg('''' || replace(replace(w.lexeme, '\', '\\'), '''', '''''') || ''':' || w.ps, ' ')::tsvector
	FROM (SELECT u.lexeme, string_agg(p::text, ',' ORDER BY p) ps FROM unnest(f.words) u, unnest(u.positions) p
		WHERE p ` + cmp + ` (SELECT coalesce(min(q.i), count(*) + 1) FROM (SELECT q0.p, row_number() OVER (ORDER BY q0.p) i
			FROM (SELECT DISTINCT unnest(u2.positions) p FROM unnest(f.words) u2) q0) q WHERE q.p <> q.i)
		GROUP BY u.lexeme) w)`
}

// terms are the words of text as the index stores them.
func terms(text string) ([]string, error) {
	ws, err := index.Words(text)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if w.Term != "" {
			out = append(out, w.Term)
		}
	}
	return out, nil
}

// tsLexeme quotes a word for a tsquery: the tsquery's own syntax, with no
// text-search parser involved.
func tsLexeme(term string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(term, `\`, `\\`), "'", "''") + "'"
}

// tsPhrase is a tsquery matching the words at consecutive positions.
func tsPhrase(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = tsLexeme(t)
	}
	return strings.Join(q, " <-> ")
}

// tsAny is a tsquery matching any of the words.
func tsAny(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = tsLexeme(t)
	}
	return strings.Join(q, " | ")
}

// order is the ORDER BY of a sort, as the Bleve index sorts: newest first
// (no start time last), then by document id in byte order.
func (s *search) order(sortBy string) (string, error) {
	a := s.alias()
	id := "c.call_id"
	if s.findings {
		id = `('finding/' || f.call_id || '/' || f.turn::text || '/' || f.category) COLLATE "C"`
	}
	date := a + ".started_at DESC NULLS LAST, " + id
	switch sortBy {
	case "", "date":
		return date, nil
	case "score":
		if s.findings { // findings have no score: all tie
			return date, nil
		}
		return "c.score, " + date, nil
	case "relevance":
		if r := s.rankExpr(); r != "" {
			return r + " DESC, " + date, nil
		}
		return date, nil
	}
	return "", fmt.Errorf("unknown sort %q (want date, score or relevance)", sortBy)
}

// rankExpr scores a document by how well its words match the text parts,
// or is "" without text.
func (s *search) rankExpr() string {
	if len(s.rank) == 0 || s.rankSQL != "" {
		return s.rankSQL
	}
	parts := make([]string, len(s.rank))
	for i, r := range s.rank {
		parts[i] = "(" + r + ")"
	}
	p := s.arg(strings.Join(parts, " | ")) + "::tsquery"
	s.rankSQL = "(SELECT coalesce(sum(ts_rank(t.words, " + p + ")), 0) FROM turns t WHERE t.call_id = c.call_id AND t.words @@ " + p + ")"
	if s.findings {
		s.rankSQL = "ts_rank(f.words, " + p + ")"
	}
	return s.rankSQL
}

func (s *search) whereSQL() string {
	if len(s.where) == 0 {
		return "true"
	}
	return strings.Join(s.where, " AND ")
}

// page checks and defaults the paging of q, as the Bleve index does.
func page(q *index.Query) error {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Offset < 0 || q.Offset > math.MaxInt-1-q.Limit {
		return fmt.Errorf("offset %d with limit %d is out of range (want an offset from 0)", q.Offset, q.Limit)
	}
	return nil
}

func (db *DB) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), db.opts.QueryTimeout)
}

// Search runs q as index.Search does on a Bleve index, with the same
// hits in the same order (for the date and score sorts), total, facets
// and highlights.
func (db *DB) Search(q index.Query) (*index.Results, error) {
	start := time.Now()
	s, err := db.newSearch(q, q.Findings)
	if err != nil {
		return nil, err
	}
	if err := page(&q); err != nil {
		return nil, err
	}
	order, err := s.order(q.Sort)
	if err != nil {
		return nil, err
	}
	ctx, cancel := db.ctx()
	defer cancel()
	total, facets, err := db.count(ctx, q, s, []string{"category", "team", "agent", "month"}, facetScan)
	if err != nil {
		return nil, err
	}
	out := &index.Results{Total: total, Facets: map[string][]index.FacetCount{}}
	for name, counts := range facets {
		if len(counts) == 0 {
			out.Facets[name] = nil // as Bleve gives a facet without values
			continue
		}
		sort.SliceStable(counts, func(i, j int) bool {
			if name == "month" {
				return counts[i].Value > counts[j].Value
			}
			return counts[i].Count > counts[j].Count
		})
		if len(counts) > index.FacetLimit {
			if out.FacetTotals == nil {
				out.FacetTotals = map[string]int{}
			}
			out.FacetTotals[name] = len(counts)
			counts = counts[:index.FacetLimit]
		}
		out.Facets[name] = counts
	}
	switch {
	case uint64(q.Offset) >= total && q.Findings:
		// No hit on the page: the total is exact, so a page past it
		// is not searched for (the index walk of a sort finding none
		// reads every row).
	case uint64(q.Offset) >= total:
		out.Hits = []index.Hit{}
	case q.Findings:
		out.Findings, err = db.findingHits(ctx, s, order, q)
	default:
		out.Hits, err = db.callHits(ctx, s, order, q)
	}
	if err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

func (db *DB) findingHits(ctx context.Context, s *search, order string, q index.Query) ([]index.FindingHit, error) {
	sql := `SELECT f.call_id, f.turn, f.category, f.severity, f.rule, f.match, f.text, f.agent, f.team,
		f.started_at_text, f.needs_review, f.review_reason FROM findings f WHERE ` + s.whereSQL() +
		` ORDER BY ` + order + ` LIMIT ` + s.arg(q.Limit) + ` OFFSET ` + s.arg(q.Offset)
	rows, err := db.pool.Query(ctx, sql, s.args...)
	if err != nil {
		return nil, db.errorf("searching findings", err)
	}
	var out []index.FindingHit
	for rows.Next() {
		var h index.FindingHit
		var turn int32
		if err := rows.Scan(&h.CallID, &turn, &h.Category, &h.Severity, &h.Rule, &h.Match, &h.Text, &h.Agent,
			&h.Team, &h.StartedAt, &h.NeedsReview, &h.ReviewReason); err != nil {
			rows.Close()
			return nil, db.errorf("searching findings", err)
		}
		h.Turn = int(turn)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("searching findings", err)
	}
	return out, nil
}

func (db *DB) callHits(ctx context.Context, s *search, order string, q index.Query) ([]index.Hit, error) {
	rel := "0::float8"
	if q.Sort == "relevance" || len(s.rank) > 0 {
		if r := s.rankExpr(); r != "" {
			rel = r + "::float8"
		}
	}
	sql := `SELECT c.call_id, c.result, ` + rel + ` FROM calls c WHERE ` + s.whereSQL() +
		` ORDER BY ` + order + ` LIMIT ` + s.arg(q.Limit) + ` OFFSET ` + s.arg(q.Offset)
	rows, err := db.pool.Query(ctx, sql, s.args...)
	if err != nil {
		return nil, db.errorf("searching calls", err)
	}
	type row struct {
		id, result string
		rel        float64
	}
	var page []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.result, &r.rel); err != nil {
			rows.Close()
			return nil, db.errorf("searching calls", err)
		}
		page = append(page, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("searching calls", err)
	}
	hits := []index.Hit{}
	if len(page) == 0 {
		return hits, nil
	}
	ids := make([]string, len(page))
	for i, r := range page {
		ids[i] = r.id
	}
	turns, spans, err := db.marks(ctx, ids, s.marks)
	if err != nil {
		return nil, err
	}
	for _, r := range page {
		var res result.Result
		if err := json.Unmarshal([]byte(r.result), &res); err != nil {
			return nil, fmt.Errorf("%s: call %s: stored result does not decode: %w", db.where, r.id, err)
		}
		hits = append(hits, index.NewHit(&res, turns[r.id], spans[r.id], r.rel, q))
	}
	return hits, nil
}

// marks reads the turns of the calls and finds in them the words the text
// query matched: their byte spans by call and turn index from 0, from the
// positions of the words (the tsvector) and the stored offsets (spans).
func (db *DB) marks(ctx context.Context, ids []string, marks []mark) (map[string][]string, map[string]map[int][][2]int, error) {
	texts := map[string][]string{}
	offsets := map[[2]any][]int32{}
	rows, err := db.pool.Query(ctx, `SELECT call_id, turn, text, spans FROM turns WHERE call_id = ANY($1::text[]) ORDER BY call_id, turn`, ids)
	if err != nil {
		return nil, nil, db.errorf("reading turns", err)
	}
	for rows.Next() {
		var id, text string
		var turn int32
		var sp []int32
		if err := rows.Scan(&id, &turn, &text, &sp); err != nil {
			rows.Close()
			return nil, nil, db.errorf("reading turns", err)
		}
		texts[id] = append(texts[id], text)
		offsets[[2]any{id, int(turn)}] = sp
	}
	if err := rows.Err(); err != nil {
		return nil, nil, db.errorf("reading turns", err)
	}
	spans := map[string]map[int][][2]int{}
	if len(marks) == 0 {
		return texts, spans, nil
	}
	var words []string
	for _, m := range marks {
		words = append(words, m.terms...)
	}
	type turnKey struct {
		id   string
		turn int
	}
	positions := map[turnKey]map[string][]int{}
	rows, err = db.pool.Query(ctx, `SELECT t.call_id, t.turn, u.lexeme, u.positions FROM turns t, unnest(t.words) u
		WHERE t.call_id = ANY($1::text[]) AND u.lexeme = ANY($2::text[])`, ids, words)
	if err != nil {
		return nil, nil, db.errorf("reading turns", err)
	}
	for rows.Next() {
		var k turnKey
		var turn int32
		var lexeme string
		var ps []int16
		if err := rows.Scan(&k.id, &turn, &lexeme, &ps); err != nil {
			rows.Close()
			return nil, nil, db.errorf("reading turns", err)
		}
		k.turn = int(turn)
		if positions[k] == nil {
			positions[k] = map[string][]int{}
		}
		for _, p := range ps {
			positions[k][lexeme] = append(positions[k][lexeme], int(p))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, db.errorf("reading turns", err)
	}
	for k, pos := range positions {
		sp := offsets[[2]any{k.id, k.turn}]
		for _, p := range matchedPositions(pos, marks) {
			if 2*p > len(sp) {
				continue
			}
			if spans[k.id] == nil {
				spans[k.id] = map[int][][2]int{}
			}
			spans[k.id][k.turn-1] = append(spans[k.id][k.turn-1], [2]int{int(sp[2*p-2]), int(sp[2*p-1])})
		}
	}
	return texts, spans, nil
}

// matchedPositions are the positions of one turn's words (pos: word →
// positions) that the marks match: every word of a phrase occurrence, or
// every occurrence of a match query's words.
func matchedPositions(pos map[string][]int, marks []mark) []int {
	var out []int
	for _, m := range marks {
		if !m.phrase {
			for _, t := range m.terms {
				out = append(out, pos[t]...)
			}
			continue
		}
		has := func(term string, p int) bool {
			for _, q := range pos[term] {
				if q == p {
					return true
				}
			}
			return false
		}
		for _, p := range pos[m.terms[0]] {
			ok := true
			for i, t := range m.terms[1:] {
				if !has(t, p+i+1) {
					ok = false
					break
				}
			}
			if ok {
				for i := range m.terms {
					out = append(out, p+i)
				}
			}
		}
	}
	return out
}

// facetField is how a field of the documents is counted: a column, an
// array column (each element counted), or a boolean column (as "true" or
// "false", the Bleve index's keywords).
type facetField struct {
	col  string
	kind int
}

const (
	scalarField = iota
	arrayField
	boolField
)

// callFacets and findingFacets are the fields Count and Search count, as
// named in the Bleve index's documents.
var (
	callFacets = map[string]facetField{
		"category": {"categories", arrayField}, "categories": {"categories", arrayField}, "tasks": {"tasks", arrayField},
		"team": {"team", scalarField}, "agent": {"agent", scalarField}, "party": {"party", scalarField},
		"month": {"month", scalarField}, "day": {"day", scalarField}, "kind": {"kind", scalarField},
		"source": {"source", scalarField}, "call_id": {"call_id", scalarField}, "hash": {"hash", scalarField},
		"rules_version": {"rules_version", scalarField}, "pass": {"pass", boolField},
		"needs_review": {"needs_review", boolField}, "has_candidates": {"has_candidates", boolField},
	}
	findingFacets = map[string]facetField{
		"category": {"category", scalarField}, "rule": {"rule", scalarField}, "severity": {"severity", scalarField},
		"speaker": {"speaker", scalarField}, "team": {"team", scalarField}, "agent": {"agent", scalarField},
		"party": {"party", scalarField}, "month": {"month", scalarField}, "day": {"day", scalarField},
		"pack_version": {"pack_version", scalarField}, "call_id": {"call_id", scalarField},
		"needs_review": {"needs_review", boolField},
	}
)

// facets counts the matches of s and, in the same scan, the values of each
// field (an empty value is no value, as in the Bleve index): the size
// commonest of each, ties in value order.
func (db *DB) facets(ctx context.Context, s *search, fields []string, size int) (uint64, map[string][]index.FacetCount, error) {
	known := callFacets
	if s.findings {
		known = findingFacets
	}
	cols := map[string]bool{}
	var parts []string
	for i, name := range fields {
		f, ok := known[name]
		if !ok {
			continue
		}
		cols[f.col] = true
		n := strconv.Itoa(i + 1)
		switch f.kind {
		case arrayField:
			parts = append(parts, "SELECT "+n+", v::text, count(*) FROM m, unnest(m."+f.col+") v WHERE v <> '' GROUP BY v")
		case boolField:
			parts = append(parts, "SELECT "+n+", CASE WHEN m."+f.col+" THEN 'true' ELSE 'false' END, count(*) FROM m GROUP BY 2")
		default:
			parts = append(parts, "SELECT "+n+", m."+f.col+"::text, count(*) FROM m WHERE m."+f.col+" <> '' GROUP BY m."+f.col)
		}
	}
	sel := []string{"1"}
	for c := range cols {
		sel = append(sel, s.alias()+"."+c)
	}
	sort.Strings(sel)
	sql := "WITH m AS MATERIALIZED (SELECT " + strings.Join(sel, ", ") + " FROM " + s.table() + " WHERE " + s.whereSQL() +
		") SELECT 0, '', count(*) FROM m"
	for _, p := range parts {
		sql += " UNION ALL " + p
	}
	rows, err := db.pool.Query(ctx, sql, s.args[:s.nWhere]...)
	if err != nil {
		return 0, nil, db.errorf("counting", err)
	}
	total, out, err := collectFacets(rows, fields, size)
	if err != nil {
		return 0, nil, db.errorf("counting", err)
	}
	return total, out, nil
}

// collectFacets reads the rows of a count: (0, "", total), then (i, value,
// count) for the value of fields[i-1]; it keeps the size commonest values
// of each field, ties in value order. Every field has a list, if empty.
func collectFacets(rows pgx.Rows, fields []string, size int) (uint64, map[string][]index.FacetCount, error) {
	out := map[string][]index.FacetCount{}
	for _, name := range fields {
		out[name] = []index.FacetCount{}
	}
	var total uint64
	for rows.Next() {
		var i int
		var v string
		var n int64
		if err := rows.Scan(&i, &v, &n); err != nil {
			rows.Close()
			return 0, nil, err
		}
		if i == 0 {
			total = uint64(n)
			continue
		}
		name := fields[i-1]
		out[name] = append(out[name], index.FacetCount{Value: v, Count: int(n)})
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	for name, counts := range out {
		sort.Slice(counts, func(i, j int) bool {
			if counts[i].Count != counts[j].Count {
				return counts[i].Count > counts[j].Count
			}
			return counts[i].Value < counts[j].Value
		})
		if len(counts) > size {
			counts = counts[:size]
		}
		out[name] = counts
	}
	return total, out, nil
}

// Count counts q's matches and the values of the named fields, as
// index.Count does on a Bleve index.
func (db *DB) Count(q index.Query, size int, fields ...string) (uint64, map[string][]index.FacetCount, error) {
	s, err := db.newSearch(q, q.Findings)
	if err != nil {
		return 0, nil, err
	}
	if q.Findings && q.Category == "" {
		s.where = append(s.where, "f.category = ANY("+s.arg(result.ViolationCategories)+"::text[])")
		s.nWhere = len(s.args)
	}
	ctx, cancel := db.ctx()
	defer cancel()
	return db.count(ctx, q, s, fields, max(size, 1))
}

// count counts the matches of q (s translated) and the values of the
// fields: from the facet cubes when they can answer q, else from the
// matching rows themselves.
func (db *DB) count(ctx context.Context, q index.Query, s *search, fields []string, size int) (uint64, map[string][]index.FacetCount, error) {
	total, out, ok, err := db.cubeFacets(ctx, q, fields, size)
	if ok || err != nil {
		return total, out, err
	}
	return db.facets(ctx, s, fields, size)
}

// IDs returns the call ids of one page of q's results and the total, as
// index.IDs does on a Bleve index.
func (db *DB) IDs(q index.Query) ([]string, uint64, error) {
	s, err := db.newSearch(q, false)
	if err != nil {
		return nil, 0, err
	}
	order, err := s.order(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	if err := page(&q); err != nil {
		return nil, 0, err
	}
	ctx, cancel := db.ctx()
	defer cancel()
	q.Findings = false
	total, _, err := db.count(ctx, q, s, nil, 1)
	if err != nil {
		return nil, 0, err
	}
	if uint64(q.Offset) >= total {
		return []string{}, total, nil
	}
	sql := "SELECT c.call_id FROM calls c WHERE " + s.whereSQL() + " ORDER BY " + order +
		" LIMIT " + s.arg(q.Limit) + " OFFSET " + s.arg(q.Offset)
	rows, err := db.pool.Query(ctx, sql, s.args...)
	if err != nil {
		return nil, 0, db.errorf("searching calls", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, 0, db.errorf("searching calls", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, total, nil
}

// Call returns one stored call with Result.Call rebuilt from its turns,
// as index.Call does on a Bleve index; an id not stored gives an error
// wrapping index.ErrNotFound.
func (db *DB) Call(callID string) (*result.Result, error) {
	ctx, cancel := db.ctx()
	defer cancel()
	var stored, party string
	err := db.pool.QueryRow(ctx, `SELECT result, given_party FROM calls WHERE call_id = $1`, callID).Scan(&stored, &party)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", callID, index.ErrNotFound)
	}
	if err != nil {
		return nil, db.errorf("reading call "+callID, err)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(stored), &res); err != nil {
		return nil, fmt.Errorf("%s: call %s: stored result does not decode: %w", db.where, callID, err)
	}
	rows, err := db.pool.Query(ctx, `SELECT text, role, label FROM turns WHERE call_id = $1 ORDER BY turn`, callID)
	if err != nil {
		return nil, db.errorf("reading call "+callID, err)
	}
	c := &corpus.Call{
		ID: res.CallID, Agent: res.Agent, Team: res.Team, StartedAt: res.StartedAt,
		Kind: res.Kind, Party: party, Source: res.Source, Turns: []corpus.Turn{},
	}
	for rows.Next() {
		var t corpus.Turn
		var role string
		if err := rows.Scan(&t.Text, &role, &t.Label); err != nil {
			rows.Close()
			return nil, db.errorf("reading call "+callID, err)
		}
		t.N, t.Role = len(c.Turns)+1, corpus.Role(role)
		c.Turns = append(c.Turns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("reading call "+callID, err)
	}
	res.Call = c
	return &res, nil
}

// RulesVersionOf returns the rules version a call was stored with; an id
// not stored gives an error wrapping index.ErrNotFound.
func (db *DB) RulesVersionOf(callID string) (string, error) {
	ctx, cancel := db.ctx()
	defer cancel()
	var v string
	err := db.pool.QueryRow(ctx, `SELECT rules_version FROM calls WHERE call_id = $1`, callID).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("%s: %w", callID, index.ErrNotFound)
	}
	if err != nil {
		return "", db.errorf("reading call "+callID, err)
	}
	return v, nil
}

// Stats counts calls, failed calls and violations per group, as
// index.Stats does on a Bleve index: calls without a value of the
// grouping are the group "(none)" (but for categories, where they are
// left out).
func (db *DB) Stats(by string) ([]index.StatsRow, error) {
	var calls string
	switch by {
	case "team", "agent", "month":
		calls = `SELECT CASE WHEN ` + by + ` = '' THEN '(none)' ELSE ` + by + `::text END g, count(*), count(*) FILTER (WHERE NOT pass)
			FROM calls GROUP BY 1`
	case "category":
		calls = `SELECT g::text, count(*), count(*) FILTER (WHERE NOT pass) FROM calls, unnest(categories) g GROUP BY 1`
	default:
		return nil, fmt.Errorf("unknown grouping %q (want team, agent, month or category)", by)
	}
	ctx, cancel := db.ctx()
	defer cancel()
	rows, err := db.pool.Query(ctx, calls)
	if err != nil {
		return nil, db.errorf("counting calls", err)
	}
	var out []index.StatsRow
	for rows.Next() {
		var r index.StatsRow
		var n, failed int64
		if err := rows.Scan(&r.Group, &n, &failed); err != nil {
			rows.Close()
			return nil, db.errorf("counting calls", err)
		}
		r.Calls, r.Failed = int(n), int(failed)
		if n > 0 {
			r.PassRate = float64(n-failed) / float64(n)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("counting calls", err)
	}
	viol := map[string]int{}
	rows, err = db.pool.Query(ctx, `SELECT CASE WHEN `+by+` = '' THEN '(none)' ELSE `+by+`::text END, count(*)
		FROM findings WHERE category = ANY($1::text[]) GROUP BY 1`, result.ViolationCategories)
	if err != nil {
		return nil, db.errorf("counting violations", err)
	}
	for rows.Next() {
		var g string
		var n int64
		if err := rows.Scan(&g, &n); err != nil {
			rows.Close()
			return nil, db.errorf("counting violations", err)
		}
		viol[g] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("counting violations", err)
	}
	for i := range out {
		out[i].Violations = viol[out[i].Group]
	}
	index.SortStats(out, by)
	return out, nil
}
