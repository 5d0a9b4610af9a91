package pgindex_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// freshCube is what a cube must hold (its rows with n other than 0),
// counted from the calls themselves as migration 0004 fills it: by UTC day
// (or month) of the start, '-infinity' without one.
func freshCube(bucket string) string {
	return `SELECT ` + bucket + ` AS bucket, c.team, c.agent, c.party, c.month, c.pass, c.needs_review, c.has_candidates,
		(SELECT coalesce(sum(1 << (k.i::int - 1)), 0) FROM unnest($1::text[]) WITH ORDINALITY k(cat, i)
			WHERE k.cat = ANY(c.categories))::int2 AS catmask, count(*) AS n
		FROM calls c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`
}

// checkCubes asserts that the facet cubes count exactly the stored calls.
func checkCubes(t *testing.T, db *pgindex.DB) {
	t.Helper()
	day := `coalesce((c.started_at AT TIME ZONE 'UTC')::date, '-infinity'::date)`
	month := `coalesce(date_trunc('month', c.started_at AT TIME ZONE 'UTC')::date, '-infinity'::date)`
	for table, bucket := range map[string]string{"call_cube_day": day, "call_cube_month": month} {
		cube := `SELECT bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask, n FROM ` + table + ` WHERE n <> 0`
		var diff, negative int
		err := db.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ((`+cube+` EXCEPT ALL `+freshCube(bucket)+`)
			UNION ALL (`+freshCube(bucket)+` EXCEPT ALL `+cube+`)) d), (SELECT count(*) FROM `+table+` WHERE n < 0)`,
			result.ViolationCategories).Scan(&diff, &negative)
		require.NoError(t, err)
		assert.Zero(t, diff, "%s: rows that differ from the calls", table)
		assert.Zero(t, negative, "%s: rows below 0", table)
	}
}

// changed are copies of some of the results, as a later scan under other
// rules might store them: in another team, passing the other way, without findings, moved
// to a start near UTC midnight in another offset, without a start time.
func changed(results []*result.Result) []*result.Result {
	var out []*result.Result
	for i, r := range results {
		if i%4 != 0 {
			continue
		}
		c := *r
		switch i / 4 % 6 {
		case 0:
			c.Team = "M9-Z"
		case 1:
			c.Pass = !c.Pass
		case 2:
			c.Findings = nil
		case 3:
			c.StartedAt = "2026-03-01T07:30:00+08:00" // 2026-02-28 in UTC
		case 4:
			c.StartedAt = ""
		case 5:
			c.StartedAt = "2026-04-30T20:15:00-05:00" // 2026-05-01 in UTC
		}
		out = append(out, &c)
	}
	return out
}

// TestCubeAnswers: filter-only call searches, which PostgreSQL counts from
// the facet cubes, give the Bleve index's totals, facets and counts for
// date ranges of whole UTC months, of whole days, with parts of a day at
// either end (in any offset), open at either end, within one day, and
// for calls replaced by a later load (other values, no start time); and
// the cubes count exactly the calls stored.
func TestCubeAnswers(t *testing.T) {
	pgtest.ServerURL(t)
	_, version := backendtest.Analyzer(t)
	results := synthResults(t, 0, 240)
	later := changed(results)
	url := pgtest.NewDatabase(t)
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	w := openWriter(t, url, pgindex.Options{BatchSize: 37})
	// The later results come from other rules: they replace the stored ones.
	for _, set := range []struct {
		results []*result.Result
		version string
	}{{results, version}, {later, version + "+later"}} {
		for _, r := range set.results {
			_, err := ix.Add(r, set.version)
			require.NoError(t, err)
			_, err = w.Add(r, set.version)
			require.NoError(t, err)
		}
		require.NoError(t, ix.Flush())
		require.NoError(t, w.Flush())
	}
	require.NoError(t, ix.Close())
	require.NoError(t, w.Close())
	assert.Equal(t, len(later), w.Tally().Updated, "later results replaced")
	bi, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { bi.Close() })
	db := openWriter(t, url, pgindex.Options{ReadOnly: true})
	checkCubes(t, db)

	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	ranges := []struct {
		name     string
		from, to time.Time
	}{
		{"no range", time.Time{}, time.Time{}},
		{"whole months", at("2026-03-01T00:00:00Z"), at("2026-05-01T00:00:00Z")},
		{"months and days", at("2026-02-20T00:00:00Z"), at("2026-05-10T00:00:00Z")},
		{"months days and edges", at("2026-02-20T05:30:00+08:00"), at("2026-05-10T17:45:00-05:00")},
		{"days and edges", at("2026-03-03T12:00:00Z"), at("2026-03-20T01:00:00+08:00")},
		{"one day", at("2026-03-05T00:00:00Z"), at("2026-03-06T00:00:00Z")},
		{"within a day", at("2026-03-05T01:00:00Z"), at("2026-03-05T20:00:00Z")},
		{"across midnight", at("2026-02-28T20:00:00Z"), at("2026-03-01T04:00:00Z")},
		{"from a month", at("2026-04-01T00:00:00Z"), time.Time{}},
		{"from in a day", at("2026-04-15T13:00:00+08:00"), time.Time{}},
		{"to a day", time.Time{}, at("2026-04-20T00:00:00Z")},
		{"to in a day", time.Time{}, at("2026-03-01T07:30:00+08:00")},
		{"reversed", at("2026-05-01T00:00:00Z"), at("2026-03-01T00:00:00Z")},
		{"from year 1", at("0001-01-01T00:00:00Z"), at("2026-06-01T00:00:00Z")},
		{"to year 2200", at("2026-06-01T00:00:00Z"), at("2200-12-31T00:00:00Z")},
	}
	yes, no := true, false
	filters := []struct {
		name string
		q    index.Query
	}{
		{"all", index.Query{}},
		{"fail", index.Query{Pass: &no}},
		{"pass", index.Query{Pass: &yes}},
		{"team", index.Query{Team: results[0].Team}},
		{"moved team", index.Query{Team: "M9-Z"}},
		{"agent", index.Query{Agent: results[1].Agent}},
		{"party", index.Query{Party: "debtor"}},
		{"threat", index.Query{Category: result.CategoryThreat}},
		{"insult failed", index.Query{Category: result.CategoryInsult, Pass: &no}},
		{"needs review", index.Query{NeedsReview: true}},
		{"candidates", index.Query{Candidates: true}},
		{"team agent party", index.Query{Team: results[1].Team, Agent: results[1].Agent, Party: "debtor"}},
	}
	var cases []backendtest.Case
	for _, r := range ranges {
		for _, f := range filters {
			q := f.q
			q.From, q.To, q.Limit = r.from, r.to, 5
			cases = append(cases, backendtest.Case{Name: r.name + "/" + f.name, Query: q})
		}
	}
	backendtest.Compare(t, index.Bleve{Index: bi.Bleve()}, db, cases)

	// --rebuild empties the cubes with the calls; a load fills them again.
	w2 := openWriter(t, url, pgindex.Options{})
	require.NoError(t, w2.EmptyResults(context.Background()))
	var rows int
	require.NoError(t, db.Pool().QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM call_cube_day) + (SELECT count(*) FROM call_cube_month)`).Scan(&rows))
	assert.Zero(t, rows, "cube rows after EmptyResults")
	total, _, err := db.Count(index.Query{}, 1, "team")
	require.NoError(t, err)
	assert.Zero(t, total)
	load(t, w2, version, later)
	checkCubes(t, db)
}

// TestCubeMigration: a database loaded before the cubes (schema 0003) gets
// them filled by migration 0004, exactly; and the migration's list of
// categories is result.ViolationCategories, bit by bit.
func TestCubeMigration(t *testing.T) {
	pgtest.ServerURL(t)
	url := pgtest.NewDatabase(t)
	results := synthResults(t, 0, 60)
	_, version := writerSetup(t)
	w := openWriter(t, url, pgindex.Options{BatchSize: 25})
	load(t, w, version, results)
	ctx := context.Background()
	// Back to schema 0003 with the calls stored: undo 0005 (the calls'
	// words) and 0004 (the cubes), and forget both.
	_, err := w.Pool().Exec(ctx, `DROP INDEX calls_words, calls_words_rest;
		ALTER TABLE calls DROP COLUMN words_rest, DROP COLUMN words, DROP COLUMN words_turns;
		CREATE INDEX turns_words ON turns USING gin (words);
		DROP TABLE call_cube_day, call_cube_month;
		DELETE FROM results_schema_migrations WHERE version >= 4`)
	require.NoError(t, err)
	_, err = pgindex.Open(ctx, url, pgindex.Options{ReadOnly: true})
	require.ErrorIs(t, err, pgindex.ErrOldSchema)
	var applied []string
	w2 := openWriter(t, url, pgindex.Options{Migrated: func(m pgindex.Migration) { applied = append(applied, m.Name) }})
	assert.Equal(t, []string{"facet_cubes", "call_words"}, applied)
	checkCubes(t, w2)

	sql, err := os.ReadFile(filepath.Join("migrations", "0004_facet_cubes.sql"))
	require.NoError(t, err)
	lists := regexp.MustCompile(`ARRAY\[([^\]]*)\]::text\[\]`).FindAllStringSubmatch(string(sql), -1)
	require.NotEmpty(t, lists)
	want := "'" + strings.Join(result.ViolationCategories, "', '") + "'"
	for _, l := range lists {
		assert.Equal(t, want, l[1], "the migration's categories, in the order of result.ViolationCategories")
	}
}
