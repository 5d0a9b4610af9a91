package pgindex

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// The facet cubes (migrations/0004_facet_cubes.sql) count the calls for
// every combination of the values a filter-only call search filters and
// counts by, per UTC day (call_cube_day) and per UTC month
// (call_cube_month) of their start. The writer adds each batch's changes
// in the batch's transaction; the reader sums cube rows instead of
// visiting every matching call.

// cubeTables are the cube tables, day first.
var cubeTables = []string{"call_cube_day", "call_cube_month"}

// cubeCategories are the categories of the cube's catmask bits: bit i is
// category i. The migration that fills the cubes lists the same.
var cubeCategories = result.ViolationCategories

// dims are the values of a call the calls row and the cubes hold.
type dims struct {
	started                   time.Time
	hasStart                  bool
	team, agent, party, month string
	pass, needsReview, cands  bool
	// categories are the violation categories of the call's findings,
	// sorted.
	categories []string
}

// dimsOf is what the calls row of res holds: its start time (and the
// month in its own offset), its violation categories, whether one of
// its stored findings needs review, whether it has candidates.
func dimsOf(res *result.Result) dims {
	d := dims{team: res.Team, agent: res.Agent, party: res.Party, pass: res.Pass,
		cands: len(res.Candidates) > 0, categories: []string{}}
	if t, err := time.Parse(time.RFC3339, res.StartedAt); err == nil {
		d.started, d.hasStart, d.month = t, true, t.Format("2006-01")
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if result.IsViolation(f.Category) && !seen[f.Category] {
			seen[f.Category] = true
			d.categories = append(d.categories, f.Category)
		}
		if f.NeedsReview && isFinding(f) {
			d.needsReview = true
		}
	}
	sort.Strings(d.categories)
	return d
}

// catmask is the cube's bit set of categories.
func catmask(categories []string) int16 {
	var m int16
	for _, c := range categories {
		if i := slices.Index(cubeCategories, c); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// cubeKey is one row of a cube: a bucket (the UTC day or month start;
// none for calls without a start time) and the values.
type cubeKey struct {
	hasStart                  bool
	bucket                    time.Time
	team, agent, party, month string
	pass, needsReview, cands  bool
	catmask                   int16
}

// keys are the day and month cube rows a call counts in.
func (d dims) keys() (day, month cubeKey) {
	k := cubeKey{hasStart: d.hasStart, team: d.team, agent: d.agent, party: d.party, month: d.month,
		pass: d.pass, needsReview: d.needsReview, cands: d.cands, catmask: catmask(d.categories)}
	day, month = k, k
	if d.hasStart {
		u := d.started.UTC()
		day.bucket = time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
		month.bucket = time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day, month
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// compareKeys is the order cube rows are written in, the same for every
// writer, so that two writers lock them in the same order and never
// deadlock on them.
func compareKeys(a, b cubeKey) int {
	if c := compareBool(a.hasStart, b.hasStart); c != 0 {
		return c
	}
	if c := a.bucket.Compare(b.bucket); c != 0 {
		return c
	}
	for _, c := range []int{strings.Compare(a.team, b.team), strings.Compare(a.agent, b.agent),
		strings.Compare(a.party, b.party), strings.Compare(a.month, b.month), compareBool(a.pass, b.pass),
		compareBool(a.needsReview, b.needsReview), compareBool(a.cands, b.cands), cmp.Compare(a.catmask, b.catmask)} {
		if c != 0 {
			return c
		}
	}
	return 0
}

// cubeDelta is a batch's change to the cubes.
type cubeDelta struct {
	day, month map[cubeKey]int64
}

func newCubeDelta() *cubeDelta {
	return &cubeDelta{day: map[cubeKey]int64{}, month: map[cubeKey]int64{}}
}

// add counts a call in (n = 1) or out (n = -1).
func (c *cubeDelta) add(d dims, n int64) {
	day, month := d.keys()
	c.day[day] += n
	c.month[month] += n
}

// write adds the changes to the cubes in tx: one statement a cube, the
// rows in compareKeys order; changes that cancel out are left out.
func (c *cubeDelta) write(ctx context.Context, tx pgx.Tx) error {
	for _, t := range []struct {
		table string
		delta map[cubeKey]int64
	}{{"call_cube_day", c.day}, {"call_cube_month", c.month}} {
		keys := make([]cubeKey, 0, len(t.delta))
		for k, n := range t.delta {
			if n != 0 {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		slices.SortFunc(keys, compareKeys)
		var (
			buckets                   = make([]pgtype.Timestamptz, len(keys))
			team, agent, party, month = make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
			pass, review, cands       = make([]bool, len(keys)), make([]bool, len(keys)), make([]bool, len(keys))
			masks                     = make([]int16, len(keys))
			ns                        = make([]int64, len(keys))
		)
		for i, k := range keys {
			buckets[i] = pgtype.Timestamptz{Time: k.bucket, Valid: k.hasStart}
			team[i], agent[i], party[i], month[i] = k.team, k.agent, k.party, k.month
			pass[i], review[i], cands[i], masks[i], ns[i] = k.pass, k.needsReview, k.cands, k.catmask, t.delta[k]
		}
		// The bucket goes in as the UTC midnight that starts it.
		sql := `INSERT INTO ` + t.table + ` AS k (bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask, n)
			SELECT coalesce((u.b AT TIME ZONE 'UTC')::date, '-infinity'::date), u.team, u.agent, u.party, u.month,
				u.pass, u.review, u.cands, u.mask, u.n
			FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[],
				$8::bool[], $9::int2[], $10::int8[]) WITH ORDINALITY u(b, team, agent, party, month, pass, review, cands, mask, n, i)
			ORDER BY u.i
			ON CONFLICT (bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask)
			DO UPDATE SET n = k.n + EXCLUDED.n`
		if _, err := tx.Exec(ctx, sql, buckets, team, agent, party, month, pass, review, cands, masks, ns); err != nil {
			return err
		}
	}
	return nil
}

// cubeFields are how the cubes count the facet fields they can count:
// a column of the cube, or the categories (catmask).
var cubeFields = map[string]facetField{
	"category": {"catmask", arrayField}, "categories": {"catmask", arrayField},
	"team": {"team", scalarField}, "agent": {"agent", scalarField}, "party": {"party", scalarField},
	"month": {"month", scalarField}, "pass": {"pass", boolField},
	"needs_review": {"needs_review", boolField}, "has_candidates": {"has_candidates", boolField},
}

// cubeable tells a call query whose total and counts of fields the cubes
// give exactly: filters only (no text, no document ids), a category the
// cubes know, dates the cubes' buckets can hold, and fields among
// cubeFields (or no field of the calls at all).
func cubeable(q index.Query, fields []string) bool {
	if q.Findings || strings.TrimSpace(q.Text) != "" || q.DocIDs != nil || len(q.ExcludeDocIDs) > 0 {
		return false
	}
	if q.Category != "" && !slices.Contains(cubeCategories, q.Category) {
		return false
	}
	for _, t := range []time.Time{q.From, q.To} {
		if y := t.UTC().Year(); !t.IsZero() && (y < 1 || y > 9998) {
			return false
		}
	}
	for _, f := range fields {
		if _, ok := cubeFields[f]; !ok {
			if _, known := callFacets[f]; known {
				return false
			}
		}
	}
	return true
}

// span is a time range [from, to); a zero end is open.
type span struct{ from, to time.Time }

// cubeParts splits the date range of q into what each source counts:
// the whole UTC months (from call_cube_month), the whole UTC days of
// the rest (from call_cube_day) and the parts of a day at either end
// (from the calls themselves); months is nil when the range holds no
// whole month. ok is false when the range holds no
// whole day (the calls themselves answer that quickly).
func cubeParts(from, to time.Time) (months *span, days, edges []span, ok bool) {
	var firstDay, lastDay time.Time
	if !from.IsZero() {
		firstDay = ceilDay(from)
		if !firstDay.Equal(from) {
			edges = append(edges, span{from, firstDay})
		}
	}
	if !to.IsZero() {
		lastDay = floorDay(to)
		if !lastDay.Equal(to) {
			edges = append(edges, span{lastDay, to})
		}
	}
	if !from.IsZero() && !to.IsZero() && !firstDay.Before(lastDay) {
		return nil, nil, nil, false
	}
	var firstMonth, lastMonth time.Time
	if !from.IsZero() {
		firstMonth = firstDay
		if firstMonth.Day() != 1 {
			firstMonth = time.Date(firstDay.Year(), firstDay.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	if !to.IsZero() {
		lastMonth = time.Date(lastDay.Year(), lastDay.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if !from.IsZero() && !to.IsZero() && !firstMonth.Before(lastMonth) {
		return nil, []span{{firstDay, lastDay}}, edges, true
	}
	months = &span{firstMonth, lastMonth}
	if !from.IsZero() && firstDay.Before(firstMonth) {
		days = append(days, span{firstDay, firstMonth})
	}
	if !to.IsZero() && lastMonth.Before(lastDay) {
		days = append(days, span{lastMonth, lastDay})
	}
	return months, days, edges, true
}

// floorDay is the UTC midnight at or before t; ceilDay at or after.
func floorDay(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

func ceilDay(t time.Time) time.Time {
	d := floorDay(t)
	if d.Equal(t) {
		return d
	}
	return d.AddDate(0, 0, 1)
}

// cubeFacets counts q's matches and the fields from the cubes, as facets
// does from the calls; ok is false when q is not cubeable (or its range
// holds no whole day), and facets must count.
func (db *DB) cubeFacets(ctx context.Context, q index.Query, fields []string, size int) (total uint64, out map[string][]index.FacetCount, ok bool, err error) {
	if !cubeable(q, fields) {
		return 0, nil, false, nil
	}
	dated := !q.From.IsZero() || !q.To.IsZero()
	months, days, edges, ok := cubeParts(q.From, q.To)
	if !ok {
		return 0, nil, false, nil
	}
	var s sqlQuery
	// dimsWhere are the filters on the values, on the cube (alias k) or
	// the calls (alias c).
	dimsWhere := func(a string, cube bool) []string {
		var w []string
		if q.Category != "" {
			if cube {
				bit := 1 << slices.Index(cubeCategories, q.Category)
				w = append(w, "(k.catmask & "+strconv.Itoa(bit)+") <> 0")
			} else {
				// Not the GIN index of categories: the calls of the
				// edges are few, and found by their start.
				w = append(w, s.arg(q.Category)+"::text = ANY(c.categories)")
			}
		}
		for _, kv := range [][2]string{{"team", q.Team}, {"agent", q.Agent}, {"party", q.Party}} {
			if kv[1] != "" {
				w = append(w, a+"."+kv[0]+" = "+s.arg(kv[1]))
			}
		}
		if q.NeedsReview {
			w = append(w, a+".needs_review")
		}
		if q.Candidates {
			w = append(w, a+".has_candidates")
		}
		if q.Pass != nil {
			w = append(w, a+".pass = "+s.arg(*q.Pass))
		}
		return w
	}
	date := func(t time.Time) string { return s.arg(t.Format("2006-01-02")) + "::date" }
	buckets := func(ss []span) string {
		var or []string
		for _, sp := range ss {
			var and []string
			if sp.from.IsZero() {
				and = append(and, "k.bucket > '-infinity'::date")
			} else {
				and = append(and, "k.bucket >= "+date(sp.from))
			}
			if !sp.to.IsZero() {
				and = append(and, "k.bucket < "+date(sp.to))
			}
			or = append(or, "("+strings.Join(and, " AND ")+")")
		}
		return "(" + strings.Join(or, " OR ") + ")"
	}
	const cols = "team, agent, party, month, pass, needs_review, has_candidates, catmask"
	var parts []string
	cube := func(table, cond string) {
		w := append(dimsWhere("k", true), cond)
		parts = append(parts, "SELECT "+cols+", n FROM "+table+" k WHERE "+strings.Join(w, " AND "))
	}
	switch {
	case !dated:
		cube("call_cube_month", "true")
	default:
		if months != nil {
			cube("call_cube_month", buckets([]span{*months}))
		}
		if len(days) > 0 {
			cube("call_cube_day", buckets(days))
		}
	}
	if len(edges) > 0 {
		var or []string
		for _, e := range edges {
			or = append(or, "(c.started_at >= "+s.arg(e.from)+" AND c.started_at < "+s.arg(e.to)+")")
		}
		w := append(dimsWhere("c", false), "("+strings.Join(or, " OR ")+")")
		mask := "(SELECT coalesce(sum(1 << (b.i::int - 1)), 0) FROM unnest(" + s.arg(cubeCategories) +
			"::text[]) WITH ORDINALITY b(cat, i) WHERE b.cat = ANY(c.categories))::int2"
		parts = append(parts, "SELECT c.team, c.agent, c.party, c.month, c.pass, c.needs_review, c.has_candidates, "+
			mask+", 1::int8 FROM calls c WHERE "+strings.Join(w, " AND "))
	}
	sql := "WITH m (" + cols + ", n) AS MATERIALIZED (" + strings.Join(parts, " UNION ALL ") +
		") SELECT 0, '', coalesce(sum(m.n), 0)::int8 FROM m"
	for i, name := range fields {
		f, known := cubeFields[name]
		if !known {
			continue
		}
		n := strconv.Itoa(i + 1)
		switch f.kind {
		case arrayField:
			sql += " UNION ALL SELECT " + n + ", b.cat, sum(m.n)::int8 FROM m, unnest(" + s.arg(cubeCategories) +
				"::text[]) WITH ORDINALITY b(cat, i) WHERE (m.catmask::int & (1 << (b.i::int - 1))) <> 0 GROUP BY b.cat HAVING sum(m.n) > 0"
		case boolField:
			sql += " UNION ALL SELECT " + n + ", CASE WHEN m." + f.col + " THEN 'true' ELSE 'false' END, sum(m.n)::int8 FROM m GROUP BY 2 HAVING sum(m.n) > 0"
		default:
			sql += " UNION ALL SELECT " + n + ", m." + f.col + "::text, sum(m.n)::int8 FROM m WHERE m." + f.col + " <> '' GROUP BY m." + f.col + " HAVING sum(m.n) > 0"
		}
	}
	rows, err := db.pool.Query(ctx, sql, s.args...)
	if err != nil {
		return 0, nil, false, db.errorf("counting", err)
	}
	total, out, err = collectFacets(rows, fields, size)
	if err != nil {
		return 0, nil, false, db.errorf("counting", err)
	}
	return total, out, true, nil
}
