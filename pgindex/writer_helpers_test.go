package pgindex_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// The writer tests load synthetic calls (internal/synth, seed
// writerSeed) analyzed with the built-in rules; the analyzer loads the
// gse dictionary (about a second), so the test binary builds it once.
const writerSeed = 19

var (
	writerOnce    sync.Once
	writerEngine  *analyzer.Analyzer
	writerVersion string
	writerErr     error
)

// writerSetup is the analyzer of the writer tests and its rules version.
func writerSetup(t testing.TB) (*analyzer.Analyzer, string) {
	t.Helper()
	writerOnce.Do(func() {
		var set *lexicon.Set
		if set, writerErr = lexicon.LoadSet(nil); writerErr != nil {
			return
		}
		writerEngine, writerErr = analyzer.New(set, analyzer.Options{})
		writerVersion = index.RulesVersion(set)
	})
	require.NoError(t, writerErr)
	return writerEngine, writerVersion
}

// synthResults analyzes synthetic calls from..to-1 (the same calls in
// every process of the test binary).
func synthResults(t testing.TB, from, to int) []*result.Result {
	t.Helper()
	a, _ := writerSetup(t)
	g := synth.NewGenerator(writerSeed, synth.Options{})
	out := make([]*result.Result, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, a.Analyze(g.Call(i)))
	}
	return out
}

// openWriter opens url for writing and closes it when the test ends
// (Close after a failed Flush is harmless).
func openWriter(t testing.TB, url string, opts pgindex.Options) *pgindex.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := pgindex.Open(ctx, url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// load adds results to db and commits them.
func load(t testing.TB, db *pgindex.DB, version string, results []*result.Result) {
	t.Helper()
	for _, r := range results {
		_, err := db.Add(r, version)
		require.NoError(t, err)
	}
	require.NoError(t, db.Flush())
}

// tableCounts counts the rows of each results table, and the rows whose
// key occurs more than once (which the primary keys forbid: a check that
// they are there).
func tableCounts(t testing.TB, db *pgindex.DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	out := map[string]int{}
	for table, key := range map[string]string{
		"calls":         "call_id",
		"turns":         "call_id, turn",
		"findings":      "call_id, turn, category",
		"call_tasks":    "call_id, kind, code",
		"rule_versions": "rules_version",
	} {
		var n, dups int
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
		require.NoError(t, db.Pool().QueryRow(ctx,
			`SELECT count(*) FROM (SELECT 1 FROM `+table+` GROUP BY `+key+` HAVING count(*) > 1) d`).Scan(&dups))
		require.Zero(t, dups, "%s: rows with the same key", table)
		out[table] = n
	}
	return out
}

// expectedCounts is what tableCounts must give for results (each call
// once, the later of a repeated id).
func expectedCounts(results []*result.Result) map[string]int {
	last := map[string]*result.Result{}
	versions := 1
	for _, r := range results {
		last[r.CallID] = r
	}
	want := map[string]int{"calls": len(last), "rule_versions": versions}
	for _, r := range last {
		want["turns"] += len(r.Call.Turns)
		keys := map[[2]any]bool{}
		for _, f := range r.Findings {
			if result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse {
				keys[[2]any{f.Turn, f.Category}] = true
			}
		}
		want["findings"] += len(keys)
		want["call_tasks"] += len(r.Tasks) + len(r.Steps) + len(r.Required)
	}
	return want
}

// checkComplete verifies that no call is half-written: each call's turns
// number its turn_count, with turns 1..n, and its findings and tasks are
// those of its result.
func checkComplete(t testing.TB, db *pgindex.DB) {
	t.Helper()
	ctx := context.Background()
	var bad []string
	rows, err := db.Pool().Query(ctx, `
		SELECT c.call_id FROM calls c
		LEFT JOIN (SELECT call_id, count(*) n, max(turn) hi, min(turn) lo FROM turns GROUP BY call_id) t USING (call_id)
		WHERE coalesce(t.n, 0) <> c.turn_count OR (c.turn_count > 0 AND (t.lo <> 1 OR t.hi <> c.turn_count))
		UNION ALL
		SELECT c.call_id FROM calls c
		LEFT JOIN (SELECT call_id, count(*) n FROM findings GROUP BY call_id) f USING (call_id)
		WHERE coalesce(f.n, 0) <> (SELECT count(DISTINCT (x->>'turn', x->>'category')) FROM json_array_elements(CASE json_typeof(c.result::json->'findings') WHEN 'array' THEN c.result::json->'findings' ELSE '[]' END) x
			WHERE x->>'category' IN ('customer_abuse') OR x->>'category' = ANY (SELECT unnest(c.categories)))
		UNION ALL
		SELECT c.call_id FROM calls c
		LEFT JOIN (SELECT call_id, count(*) n FROM call_tasks GROUP BY call_id) k USING (call_id)
		WHERE coalesce(k.n, 0) <> (SELECT count(*) FROM json_object_keys(CASE json_typeof(c.result::json->'tasks') WHEN 'object' THEN c.result::json->'tasks' ELSE '{}' END))
			+ (SELECT count(*) FROM json_object_keys(CASE json_typeof(c.result::json->'steps') WHEN 'object' THEN c.result::json->'steps' ELSE '{}' END))
			+ (SELECT count(*) FROM json_object_keys(CASE json_typeof(c.result::json->'required') WHEN 'object' THEN c.result::json->'required' ELSE '{}' END))
		UNION ALL
		SELECT DISTINCT call_id FROM turns WHERE call_id NOT IN (SELECT call_id FROM calls)
		UNION ALL
		SELECT DISTINCT call_id FROM findings WHERE call_id NOT IN (SELECT call_id FROM calls)
		UNION ALL
		SELECT DISTINCT call_id FROM call_tasks WHERE call_id NOT IN (SELECT call_id FROM calls)`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		bad = append(bad, id)
	}
	require.NoError(t, rows.Err())
	require.Empty(t, bad, "calls written in part")
}
