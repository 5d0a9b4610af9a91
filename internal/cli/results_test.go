package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/review"
)

// resultsCorpus writes the sample calls and 60 synthetic ones (callqa gen)
// into a folder and returns it: calls of many teams, agents, days and
// categories, Traditional and speech-recognition ones among them.
func resultsCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyInto(t, dir, filepath.Join("..", "..", "testdata", "calls"))
	code, _, errOut := callqa("gen", "--calls", "60", "--seed", "19", "--asr", "0.5", "--out", filepath.Join(dir, "gen.jsonl"))
	require.Equal(t, exitOK, code, errOut)
	return dir
}

// indexBoth stores the calls of corpus in a fresh Bleve index and in a
// fresh PostgreSQL database (callqa index --db) and returns both.
func indexBoth(t *testing.T, corpus string) (bleveDir, pgURL string) {
	t.Helper()
	pgURL = pgtest.NewDatabase(t)
	bleveDir = filepath.Join(t.TempDir(), "callqa.bleve")
	code, out, errOut := callqa("index", "-q", "--index", bleveDir, corpus)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "67 added")
	code, out, errOut = callqa("index", "-q", "--db", pgURL, corpus)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "67 added, 0 updated, 0 unchanged, 0 failed")
	assert.Contains(t, errOut, "applied results schema migration 0001_results", "the writer reports the migrations it applied")
	return bleveDir, pgURL
}

// comparableJSON decodes a search, stats or API answer for comparison
// across backends: took_ns (time) and each hit's relevance (Bleve's own
// scoring, which no other engine reproduces) are left out, and with
// anyOrder the hits are sorted by call id.
func comparableJSON(t *testing.T, out string, anyOrder bool) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	delete(m, "took_ns")
	for _, key := range []string{"hits", "findings"} {
		list, _ := m[key].([]any)
		for _, h := range list {
			if hm, ok := h.(map[string]any); ok {
				delete(hm, "relevance")
			}
		}
		if anyOrder {
			sort.Slice(list, func(i, j int) bool {
				a, _ := list[i].(map[string]any)
				b, _ := list[j].(map[string]any)
				return a["call_id"].(string) < b["call_id"].(string)
			})
		}
	}
	return m
}

// TestResultsInPostgresAnswerAsBleve: index --db, then search and stats
// --db give the JSON the same commands give on a Bleve index of the same
// calls.
func TestResultsInPostgresAnswerAsBleve(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 67 calls twice")
	}
	bleveDir, pgURL := indexBoth(t, resultsCorpus(t))
	searches := []struct {
		name     string
		args     []string
		anyOrder bool
	}{
		{name: "all_newest_first", args: []string{"--limit", "30"}},
		{name: "category", args: []string{"--category", "threat"}},
		{name: "team_fail", args: []string{"--team", "M1-A", "--fail"}},
		{name: "pass", args: []string{"--pass", "--limit", "5", "--offset", "2"}},
		{name: "date_range", args: []string{"--from", "2026-03-02", "--to", "2026-03-04"}},
		{name: "party", args: []string{"--party", "third_party"}},
		{name: "free_text", args: []string{"坐牢"}},
		{name: "free_text_traditional", args: []string{"銀行"}},
		{name: "free_text_two_phrases", args: []string{"还钱 今天"}},
		{name: "sort_score", args: []string{"--sort", "score", "--limit", "10"}},
		{name: "relevance", args: []string{"--sort", "relevance", "--limit", "200", "欠款"}, anyOrder: true},
		{name: "findings", args: []string{"--findings", "--limit", "50"}},
		{name: "findings_category_text", args: []string{"--findings", "--category", "insult", "--limit", "50"}},
		{name: "findings_needs_review", args: []string{"--findings", "--needs-review"}},
		{name: "needs_review_calls", args: []string{"--needs-review"}},
		{name: "candidates", args: []string{"--candidates"}},
	}
	for _, s := range searches {
		t.Run("search_"+s.name, func(t *testing.T) {
			args := append([]string{"search", "--format", "json"}, s.args...)
			code, want, errOut := callqa(append(args, "--index", bleveDir)...)
			require.Equal(t, exitOK, code, errOut)
			code, got, errOut := callqa(append(args, "--db", pgURL)...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, comparableJSON(t, want, s.anyOrder), comparableJSON(t, got, s.anyOrder))
		})
	}
	for _, by := range index.StatsBy {
		t.Run("stats_"+by, func(t *testing.T) {
			code, want, errOut := callqa("stats", "--format", "json", "--by", by, "--index", bleveDir)
			require.Equal(t, exitOK, code, errOut)
			code, got, errOut := callqa("stats", "--format", "json", "--by", by, "--db", pgURL)
			require.Equal(t, exitOK, code, errOut)
			assert.JSONEq(t, want, got)
		})
	}
	t.Run("table", func(t *testing.T) {
		code, out, errOut := callqa("search", "--db", pgURL, "--category", "insult")
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "matching calls")
	})
}

// TestServeResultsInPostgres: serve --db (no --index) answers /api/search
// as serve on a Bleve index of the same calls, and counts its calls at
// startup from the database.
func TestServeResultsInPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 67 calls twice")
	}
	t.Setenv(tokenEnv, "")
	bleveDir, pgURL := indexBoth(t, resultsCorpus(t))
	start := func(opts *ServeOptions) (string, func(), string) {
		ios, out, errBuf := testIO("")
		opts.IO, opts.Addr, opts.MaxBody = ios, "127.0.0.1:0", "2MiB"
		base, stop := startServeInTest(t, opts, errBuf)
		return base, stop, out.String()
	}
	bleveBase, stopBleve, _ := start(&ServeOptions{Indexes: []string{bleveDir}, DB: filepath.Join(t.TempDir(), "qa.db")})
	defer stopBleve()
	pgBase, stopPG, banner := start(&ServeOptions{DB: pgURL})
	defer stopPG()
	assert.Contains(t, banner, "serving 67 calls")
	assert.Contains(t, banner, "decisions in postgres://", "the decisions are in the same database")

	get := func(base, path string) string {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, b)
		return string(b)
	}
	for _, q := range []string{
		"/api/search",
		"/api/search?category=threat",
		"/api/search?team=M1-A&pass=fail",
		"/api/search?q=%E5%9D%90%E7%89%A2", // 坐牢
		"/api/search?from=2026-03-01&to=2026-03-03&sort=score",
		"/api/search?limit=5&offset=5",
	} {
		assert.Equal(t, comparableJSON(t, get(bleveBase, q), false), comparableJSON(t, get(pgBase, q), false), q)
	}
	assert.JSONEq(t, get(bleveBase, "/healthz"), get(pgBase, "/healthz"))
}

// TestResultsDatabaseErrors: a wrong URL, a refused port, a database with
// no results and one of an older schema each give one line naming the
// database without its password, and exit status 2.
func TestResultsDatabaseErrors(t *testing.T) {
	pgURL := pgtest.NewDatabase(t)
	old := pgtest.NewDatabase(t)
	oldSchema(t, old)

	refused := "postgres://qa:s3cret@127.0.0.1:1/callqa?connect_timeout=3"
	badURL := "postgres://qa:s3cret@127.0.0.1:notaport/callqa"
	calls := filepath.Join("..", "..", "testdata", "calls", "S02_insult_threat.txt")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"search_refused", []string{"search", "--db", refused}, "postgres://qa:xxxxx@127.0.0.1:1/callqa?connect_timeout=3: cannot connect"},
		{"stats_refused", []string{"stats", "--db", refused}, "cannot connect"},
		{"index_refused", []string{"index", "-q", "--db", refused, calls}, "postgres://qa:xxxxx@127.0.0.1:1/callqa?connect_timeout=3: cannot open the decisions database"},
		{"index_refused_no_similar", []string{"index", "-q", "--similar=false", "--db", refused, calls}, "postgres://qa:xxxxx@127.0.0.1:1/callqa?connect_timeout=3: cannot connect"},
		{"index_bad_url", []string{"index", "-q", "--similar=false", "--db", badURL, calls}, "not a valid PostgreSQL URL"},
		{"search_bad_url", []string{"search", "--db", badURL}, "not a valid PostgreSQL URL"},
		{"search_no_results", []string{"search", "--db", pgURL}, "no callqa results in this database (load calls with callqa index --db URL)"},
		{"search_old_schema", []string{"search", "--db", old}, "run callqa db migrate --db URL"},
		{"stats_old_schema", []string{"stats", "--db", old}, "run callqa db migrate --db URL"},
		{"rules_health_refused", []string{"rules", "health", "--db", refused}, "postgres://qa:xxxxx@127.0.0.1:1/callqa?connect_timeout=3: "},
		{"backtest_refused", []string{"backtest", "--db", refused, "--rules", filepath.Join("..", "..", "testdata", "backtest", "insult_candidate.yaml")}, "postgres://qa:xxxxx@127.0.0.1:1/callqa?connect_timeout=3: "},
		{"serve_refused", []string{"serve", "--addr", "127.0.0.1:0", "--db", refused}, "cannot connect"},
		{"stats_sqlite", []string{"stats", "--db", "qa.db"}, "--db: stats reads the results of a postgres:// URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(tokenEnv, "")
			code, _, errOut := callqa(c.args...)
			assert.Equal(t, exitTrouble, code, errOut)
			assert.Contains(t, errOut, c.want)
			assert.NotContains(t, errOut, "s3cret")
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if !strings.HasPrefix(c.name, "stats_sqlite") {
				assert.Len(t, lines, 1, "one line: %q", errOut)
			}
		})
	}
	t.Run("migrate_then_search", func(t *testing.T) {
		code, out, errOut := callqa("db", "migrate", "--db", old)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, fmt.Sprintf("results schema version %d", latestResultsSchema(t)))
		code, _, errOut = callqa("search", "--db", old)
		assert.Equal(t, exitOK, code, errOut)
	})
}

// oldSchema gives the database at url the results schema of version 1,
// as a callqa of that version left it.
func oldSchema(t *testing.T, url string) {
	t.Helper()
	sql, err := os.ReadFile(filepath.Join("..", "..", "pgindex", "migrations", "0001_results.sql"))
	require.NoError(t, err)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, stmt := range []string{
		string(sql),
		`CREATE TABLE results_schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO results_schema_migrations (version, name) VALUES (1, 'results')`,
	} {
		_, err := conn.Exec(ctx, stmt)
		require.NoError(t, err)
	}
}

// TestIndexRebuildPostgres: --rebuild with a PostgreSQL database empties
// the results tables before loading, and leaves the decisions alone.
func TestIndexRebuildPostgres(t *testing.T) {
	pgURL := pgtest.NewDatabase(t)
	code, out, errOut := callqa("index", "-q", "--db", pgURL, filepath.Join("..", "..", "testdata", "calls"))
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "7 added")
	assert.NotContains(t, out, "s3cret")

	ctx := context.Background()
	st, err := review.Open(ctx, pgURL)
	require.NoError(t, err)
	_, err = st.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: review.Actor{Name: "wang", Role: review.RoleReviewer},
		Finding: review.FindingRef{Key: review.Key{CallID: "S02", Turn: 5, Category: "insult"}, Text: "t", Team: "M1-A"}})
	require.NoError(t, err)
	st.Close()

	code, out, errOut = callqa("index", "-q", "--rebuild", "--db", pgURL, sample("S02_insult_threat.txt"), sample("S03_false_legal.txt"))
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "2 added, 0 updated, 0 unchanged, 0 failed")
	assert.NotContains(t, errOut, "applied results schema migration", "the schema was current")

	db, err := pgindex.Open(ctx, pgURL, pgindex.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	var ids []string
	rows, err := db.Pool().Query(ctx, `SELECT call_id FROM calls ORDER BY call_id`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"S02", "S03"}, ids)
	for _, table := range []string{"turns", "findings", "call_tasks"} {
		var stale int
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE call_id NOT IN ('S02', 'S03')`).Scan(&stale))
		assert.Zero(t, stale, table)
	}

	st, err = review.Open(ctx, pgURL)
	require.NoError(t, err)
	defer st.Close()
	ds, err := st.Decisions(ctx, review.Filter{})
	require.NoError(t, err)
	assert.Len(t, ds, 1, "the decisions survive --rebuild")
}

// TestDBMigrateResultsSchema: db migrate --db postgres://… migrates the
// results schema too (and only without --index).
func TestDBMigrateResultsSchema(t *testing.T) {
	pgURL := pgtest.NewDatabase(t)
	code, out, errOut := callqa("db", "migrate", "--db", pgURL, "--index", filepath.Join(t.TempDir(), "x.bleve"))
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, out, "results", "with --index the results are in Bleve")

	code, out, errOut = callqa("db", "migrate", "--db", pgURL)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "applied results 0001_results\napplied results 0002_search_indexes\n")
	assert.Contains(t, out, "schema version 1 (postgres)")
	assert.Contains(t, out, fmt.Sprintf("results schema version %d", latestResultsSchema(t)))
	code, out, _ = callqa("db", "migrate", "--db", pgURL)
	require.Equal(t, exitOK, code)
	assert.NotContains(t, out, "applied")
}

// TestScanWithCallIntoIndexFromJSONL: scan --with-call piped into index
// --from-jsonl gives an index whose search results are those of callqa
// index on the same calls; every call hashes as callqa index stored it.
func TestScanWithCallIntoIndexFromJSONL(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the calls twice")
	}
	corpusDir := resultsCorpus(t)
	// --similar: the candidates for review come with the lines, as
	// callqa index (similar pass on by default) would queue them.
	code, lines, errOut := callqa("scan", "-q", "--format", "jsonl", "--with-call", "--similar", corpusDir)
	require.Equal(t, exitOK, code, errOut)
	checkWithCallLines(t, lines, corpusDir)

	indexed := filepath.Join(t.TempDir(), "indexed.bleve")
	code, _, errOut = callqa("index", "-q", "--index", indexed, corpusDir)
	require.Equal(t, exitOK, code, errOut)
	loaded := filepath.Join(t.TempDir(), "loaded.bleve")
	ios, out, errBuf := testIO(lines)
	code = run([]string{"index", "--from-jsonl", "--index", loaded, "-"}, ios)
	require.Equal(t, exitOK, code, errBuf.String())
	assert.Equal(t, loaded+": 67 added, 0 updated, 0 unchanged, 0 failed\n", out.String())

	for _, args := range [][]string{{}, {"--category", "threat"}, {"坐牢"}, {"--findings", "--limit", "100"}, {"--team", "M1-A", "--fail"}} {
		a := append([]string{"search", "--format", "json", "--limit", "100"}, args...)
		_, want, _ := callqa(append(a, "--index", indexed)...)
		_, got, _ := callqa(append(a, "--index", loaded)...)
		assert.Equal(t, comparableJSON(t, want, false), comparableJSON(t, got, false), "%v", args)
	}
	// Loading again, or into the index callqa index built, changes
	// nothing: the hash of a result rebuilt from its line is the hash of
	// the original, and the rules version the same.
	for _, dir := range []string{loaded, indexed} {
		ios, out, errBuf := testIO(lines)
		code = run([]string{"index", "--from-jsonl", "--index", dir, "-"}, ios)
		require.Equal(t, exitOK, code, errBuf.String())
		assert.Equal(t, dir+": 0 added, 0 updated, 67 unchanged, 0 failed\n", out.String())
	}

	t.Run("postgres", func(t *testing.T) {
		pgURL := pgtest.NewDatabase(t)
		for _, want := range []string{"67 added, 0 updated, 0 unchanged", "0 added, 0 updated, 67 unchanged"} {
			ios, out, errBuf := testIO(lines)
			code := run([]string{"index", "--from-jsonl", "--db", pgURL, "-"}, ios)
			require.Equal(t, exitOK, code, errBuf.String())
			assert.Contains(t, out.String(), want)
		}
		for _, args := range [][]string{{}, {"--category", "threat"}, {"坐牢"}} {
			a := append([]string{"search", "--format", "json", "--limit", "100"}, args...)
			_, want, _ := callqa(append(a, "--index", indexed)...)
			code, got, errOut := callqa(append(a, "--db", pgURL)...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, comparableJSON(t, want, false), comparableJSON(t, got, false), "%v", args)
		}
	})
}

// checkWithCallLines checks the added fields of scan --with-call: each
// line is the plain scan line plus "call" and "rules_version".
func checkWithCallLines(t *testing.T, lines, corpusDir string) {
	t.Helper()
	code, plain, errOut := callqa("scan", "-q", "--format", "jsonl", "--similar", corpusDir)
	require.Equal(t, exitOK, code, errOut)
	got := strings.Split(strings.TrimSuffix(lines, "\n"), "\n")
	want := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
	require.Len(t, got, len(want))
	for i := range got {
		var g, w map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(got[i]), &g))
		require.NoError(t, json.Unmarshal([]byte(want[i]), &w))
		var call struct {
			ID    string `json:"call_id"`
			Turns []struct {
				N     int    `json:"n"`
				Role  string `json:"role"`
				Label string `json:"label"`
				Text  string `json:"text"`
			} `json:"turns"`
		}
		require.NoError(t, json.Unmarshal(g["call"], &call))
		assert.Equal(t, jsonString(t, w["call_id"]), call.ID)
		assert.NotEmpty(t, call.Turns)
		assert.NotEmpty(t, call.Turns[0].Role)
		assert.NotEmpty(t, call.Turns[0].Text)
		assert.NotEmpty(t, jsonString(t, g["rules_version"]))
		delete(g, "call")
		delete(g, "rules_version")
		assert.Equal(t, w, g, "the other fields are those of the plain line")
	}
}

func jsonString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s))
	return s
}

// TestScanWithCallRedacts: the transcript of "call" is masked as the rest
// of the line, unless --no-redact.
func TestScanWithCallRedacts(t *testing.T) {
	pii := filepath.Join("..", "..", "testdata", "pii", "P01_numbers.txt")
	raw, err := os.ReadFile(pii)
	require.NoError(t, err)
	code, masked, errOut := callqa("scan", "-q", "--format", "jsonl", "--with-call", pii)
	require.Equal(t, exitOK, code, errOut)
	code, unmasked, errOut := callqa("scan", "-q", "--format", "jsonl", "--with-call", "--no-redact", pii)
	require.Equal(t, exitOK, code, errOut)
	var m, u struct {
		Call struct {
			Turns []struct{ Text string } `json:"turns"`
		} `json:"call"`
	}
	require.NoError(t, json.Unmarshal([]byte(masked), &m))
	require.NoError(t, json.Unmarshal([]byte(unmasked), &u))
	var all, allMasked string
	for i := range u.Call.Turns {
		all += u.Call.Turns[i].Text
		allMasked += m.Call.Turns[i].Text
	}
	assert.NotEqual(t, all, allMasked, "the transcript is masked")
	for _, tu := range u.Call.Turns {
		assert.Contains(t, string(raw), tu.Text, "--no-redact keeps the text as written")
	}

	code, _, errOut = callqa("scan", "--format", "csv", "--with-call", pii)
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, "--with-call goes with --format jsonl")
}

// TestIndexFromJSONLBadLines: a line that cannot be loaded is one error
// naming file:line and what is wrong; the other lines are loaded and the
// command exits with status 2.
func TestIndexFromJSONLBadLines(t *testing.T) {
	code, good, errOut := callqa("scan", "-q", "--format", "jsonl", "--with-call", sample("S02_insult_threat.txt"), sample("S03_false_legal.txt"))
	require.Equal(t, exitOK, code, errOut)
	goodLines := strings.Split(strings.TrimSuffix(good, "\n"), "\n")
	code, plain, _ := callqa("scan", "-q", "--format", "jsonl", sample("S01_compliant.txt"))
	require.Equal(t, exitOK, code)
	noVersion := strings.Replace(goodLines[1], `"rules_version":`, `"rules_version_":`, 1)
	otherCall := strings.Replace(goodLines[1], `"call":{"call_id":"S03"`, `"call":{"call_id":"S09"`, 1)
	require.NotEqual(t, goodLines[1], otherCall)

	dir := t.TempDir()
	file := filepath.Join(dir, "mapped.jsonl")
	content := strings.Join([]string{
		goodLines[0],
		"{not json",
		strings.TrimSpace(plain),
		noVersion,
		`{"call_id": 7}`,
		otherCall,
		"",
		goodLines[1],
	}, "\n") + "\n"
	require.NoError(t, os.WriteFile(file, []byte(content), 0o644))

	ix := filepath.Join(dir, "x.bleve")
	code, out, errOut := callqa("index", "--from-jsonl", "--index", ix, file, filepath.Join(dir, "missing.jsonl"))
	assert.Equal(t, exitTrouble, code)
	assert.Equal(t, ix+": 2 added, 0 updated, 0 unchanged, 6 failed\n", out)
	want := []string{
		file + ":2: column 2: invalid character 'n' looking for beginning of object key string",
		file + `:3: call S01 has no "call" field: write the lines with callqa scan --format jsonl --with-call`,
		file + `:4: call S03 has no "rules_version": write the lines with callqa scan --format jsonl --with-call`,
		file + `:5: column 13: "call_id" is a JSON number, want string`,
		file + `:6: call S03: its "call" is call S09`,
		"open " + filepath.Join(dir, "missing.jsonl") + ": no such file or directory",
		"6 of 8 inputs failed; 2 calls loaded",
	}
	got := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	require.Len(t, got, len(want), errOut)
	for i := range want {
		assert.Equal(t, "callqa: "+want[i], got[i])
	}

	code, _, errOut = callqa("index", "--from-jsonl", "--rules", "x.yaml", file)
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, "--from-jsonl loads analyzed lines: --rules does not apply")
}

// TestReviewCommandsOnPostgresResults: verdicts export, rules health and
// backtest with --db postgres://… and no --index read the calls and the
// decisions from that one database.
func TestReviewCommandsOnPostgresResults(t *testing.T) {
	pgURL := pgtest.NewDatabase(t)
	code, _, errOut := callqa("index", "-q", "--db", pgURL, filepath.Join("..", "..", "testdata", "calls"))
	require.Equal(t, exitOK, code, errOut)
	ctx := context.Background()
	st, err := review.Open(ctx, pgURL)
	require.NoError(t, err)
	qa := review.Actor{Name: "wang", Role: review.RoleReviewer}
	ref := review.FindingRef{Key: review.Key{CallID: "S02", Turn: 5, Category: "insult"}, Text: "t", Team: "M2-B"}
	_, err = st.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: qa, Finding: ref})
	require.NoError(t, err)
	_, err = st.CompleteCall(ctx, qa, review.FindingRef{Key: review.Key{CallID: "S02"}, Team: "M2-B"}, 0, "")
	require.NoError(t, err)
	st.Close()

	calls := filepath.Join(t.TempDir(), "reviewed.jsonl")
	code, out, errOut := callqa("verdicts", "export", "--db", pgURL, "--calls", calls)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "exported 1 reviewed call(s)")
	assert.Contains(t, out, `"call_id":"S02"`)
	b, err := os.ReadFile(calls)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"call_id":"S02"`, "the transcript comes from the database")

	code, out, errOut = callqa("rules", "health", "--db", pgURL)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "7 calls")

	code, out, errOut = callqa("backtest", "--db", pgURL, "--rules", filepath.Join("..", "..", "testdata", "backtest", "insult_candidate.yaml"))
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "7 calls re-analyzed from the index, 1 decisions")
}

// latestResultsSchema is the version of the newest results migration.
func latestResultsSchema(t *testing.T) int {
	all, err := pgindex.Migrations()
	require.NoError(t, err)
	return all[len(all)-1].Version
}
