package pgindex_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// oneLine checks that a message is one line, names the database and
// never shows a password.
func oneLine(t *testing.T, msg, names string, secrets ...string) {
	t.Helper()
	assert.NotContains(t, msg, "\n", "more than one line")
	assert.Contains(t, msg, names, "does not name the database")
	for _, s := range secrets {
		assert.NotContains(t, msg, s, "shows the password")
	}
	assert.NotContains(t, msg, ": : ", "an empty part")
}

// closedPort is a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// A URL that is not one, or names no server, is one clear line without
// its password.
func TestOpenBadURL(t *testing.T) {
	const secret = "Xq7-unprintable-Pw"
	port := closedPort(t)
	for _, tc := range []struct {
		name, url, names, says string
	}{
		{"other scheme", "mysql://callqa:" + secret + "@db.example/callqa", "mysql://callqa:", "not a PostgreSQL URL"},
		{"a file", "results.db", "results.db", "not a PostgreSQL URL"},
		{"bad port", "postgres://callqa:" + secret + "@127.0.0.1:port/callqa", "127.0.0.1:port/callqa", "not a valid PostgreSQL URL"},
		{"bad escape", "postgres://callqa:" + secret + "%zz@127.0.0.1/callqa", "127.0.0.1/callqa", "not a valid PostgreSQL URL"},
		{"an @ in the password", "postgres://callqa:Xq7@unprintable-Pw@127.0.0.1/callqa", "127.0.0.1/callqa", "write an @"},
		{"bad option", "postgres://callqa:" + secret + "@127.0.0.1/callqa?sslmode=sometimes", "127.0.0.1/callqa", "not a valid PostgreSQL URL"},
		{"refused", fmt.Sprintf("postgres://callqa:%s@127.0.0.1:%d/callqa?sslmode=disable", secret, port),
			fmt.Sprintf("postgres://callqa:xxxxx@127.0.0.1:%d/callqa", port), "cannot connect"},
		{"refused, password in the query", fmt.Sprintf("postgres://callqa@127.0.0.1:%d/callqa?sslmode=disable&password=%s", port, secret),
			fmt.Sprintf("postgres://callqa@127.0.0.1:%d/callqa", port), "cannot connect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, ro := range []bool{false, true} {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				db, err := pgindex.Open(ctx, tc.url, pgindex.Options{ReadOnly: ro})
				cancel()
				if err == nil {
					db.Close()
				}
				require.Error(t, err)
				oneLine(t, err.Error(), tc.names, secret, "unprintable")
				assert.Contains(t, err.Error(), tc.says)
			}
		})
	}
}

// applyFirstMigration makes url a database at schema version 1, as the
// first callqa with PostgreSQL results left it.
func applyFirstMigration(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	sql, err := os.ReadFile("migrations/0001_results.sql")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `CREATE TABLE results_schema_migrations (
		version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, string(sql))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO results_schema_migrations (version, name) VALUES (1, 'results')`)
	require.NoError(t, err)
}

// A database of an older schema: a reader says to migrate it, a writer
// migrates it and loads.
func TestOpenOldSchema(t *testing.T) {
	url := pgtest.NewDatabase(t)
	applyFirstMigration(t, url)
	ctx := context.Background()

	_, err := pgindex.Open(ctx, url, pgindex.Options{ReadOnly: true})
	require.ErrorIs(t, err, pgindex.ErrOldSchema)
	oneLine(t, err.Error(), strings.TrimSuffix(url, "?sslmode=disable"))
	assert.Contains(t, err.Error(), "run callqa db migrate")

	all, err := pgindex.Migrations()
	require.NoError(t, err)
	var migrated []int
	_, version := writerSetup(t)
	results := synthResults(t, 0, 12)
	db := openWriter(t, url, pgindex.Options{BatchSize: 5, Migrated: func(m pgindex.Migration) {
		migrated = append(migrated, m.Version)
	}})
	var want []int
	for _, m := range all[1:] {
		want = append(want, m.Version)
	}
	assert.Equal(t, want, migrated)
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[len(all)-1].Version, v)
	load(t, db, version, results)
	assert.Equal(t, expectedCounts(results), tableCounts(t, db))
	require.NoError(t, db.Close())

	ro, err := pgindex.Open(ctx, url, pgindex.Options{ReadOnly: true})
	require.NoError(t, err)
	ro.Close()

	// Migrating again does nothing.
	migrated = nil
	db = openWriter(t, url, pgindex.Options{Migrated: func(m pgindex.Migration) { migrated = append(migrated, m.Version) }})
	assert.Empty(t, migrated)
	applied, err := db.Migrate(ctx)
	require.NoError(t, err)
	assert.Empty(t, applied)
}

// An empty database is no results to a reader.
func TestOpenEmpty(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, err := pgindex.Open(context.Background(), url, pgindex.Options{ReadOnly: true})
	require.ErrorIs(t, err, pgindex.ErrNoResults)
	oneLine(t, err.Error(), strings.TrimSuffix(url, "?sslmode=disable"))
}

// Two writers loading overlapping calls at once, in opposite orders,
// store each call once: a batch that meets a call the other writer has
// just stored is tried again.
func TestConcurrentWriters(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, version := writerSetup(t)
	results := synthResults(t, 0, 80)
	// Both writers open (and so migrate) before either loads.
	dbs := []*pgindex.DB{openWriter(t, url, pgindex.Options{BatchSize: 6}), openWriter(t, url, pgindex.Options{BatchSize: 9})}
	first := results[:60]
	second := make([]*result.Result, 0, 60)
	for i := len(results) - 1; i >= 20; i-- {
		second = append(second, results[i])
	}
	loadAtOnce(t, dbs, version, first, second)
	a, b := dbs[0].Tally(), dbs[1].Tally()
	assert.Equal(t, 80, a.Added+b.Added)
	assert.Equal(t, 40, a.Unchanged+b.Unchanged)
	assert.Zero(t, a.Updated+b.Updated)
	assert.Equal(t, expectedCounts(results), tableCounts(t, dbs[0]))
	checkComplete(t, dbs[0])

	// And again, each writer all the calls: nothing changes.
	before := rowVersions(t, dbs[0])
	loadAtOnce(t, dbs, version, results, results)
	assert.Equal(t, before, rowVersions(t, dbs[0]))
	assert.Equal(t, index.Counts{Added: a.Added, Unchanged: a.Unchanged + 80}, dbs[0].Tally())
}

// TestSessionSettings: every connection plans each search with its
// values and without JIT, unless the URL says otherwise.
func TestSessionSettings(t *testing.T) {
	pgtest.ServerURL(t)
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	w, err := pgindex.Open(ctx, url, pgindex.Options{})
	require.NoError(t, err)
	defer w.Close()
	var mode, jit string
	require.NoError(t, w.Pool().QueryRow(ctx, `SELECT current_setting('plan_cache_mode'), current_setting('jit')`).Scan(&mode, &jit))
	assert.Equal(t, "force_custom_plan", mode)
	assert.Equal(t, "off", jit)

	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	own, err := pgindex.Open(ctx, url+sep+"plan_cache_mode=auto", pgindex.Options{})
	require.NoError(t, err)
	defer own.Close()
	require.NoError(t, own.Pool().QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&mode))
	assert.Equal(t, "auto", mode, "the URL's own setting wins")
}

// loadAtOnce loads sets[i] with writer dbs[i], all writers at once, and
// commits.
func loadAtOnce(t *testing.T, dbs []*pgindex.DB, version string, sets ...[]*result.Result) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(sets))
	for i, rs := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range rs {
				if _, err := dbs[i].Add(r, version); err != nil {
					errs[i] = err
					return
				}
			}
			errs[i] = dbs[i].Flush()
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
}
