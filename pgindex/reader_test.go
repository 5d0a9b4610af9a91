package pgindex_test

import (
	"context"
	"path/filepath"
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

// stores loads the results into a new Bleve index on disk and a new
// PostgreSQL database, and opens both for reading.
func stores(t testing.TB, results []*result.Result) (index.Reader, *pgindex.DB) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	backendtest.Store(t, ix, results)
	w, err := pgindex.Open(context.Background(), url, pgindex.Options{BatchSize: 50})
	require.NoError(t, err)
	backendtest.Store(t, w, results)

	bi, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { bi.Close() })
	db, err := pgindex.Open(context.Background(), url, pgindex.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return index.Bleve{Index: bi.Bleve()}, db
}

// TestSameAnswers runs the shared suite's table on the Bleve index and on
// PostgreSQL holding the same calls, the sample calls and the dev set's.
func TestSameAnswers(t *testing.T) {
	for _, set := range []struct {
		name string
		load func(testing.TB) []*result.Result
	}{{"sample", backendtest.Sample}, {"dev", backendtest.Dev}} {
		t.Run(set.name, func(t *testing.T) {
			pgtest.ServerURL(t)
			results := set.load(t)
			bleve, db := stores(t, results)
			backendtest.Compare(t, bleve, db, backendtest.Queries(results))
			backendtest.CompareLookups(t, bleve, db, results)
		})
	}
}

// TestBackendSuite runs the backend-independent part of the shared suite
// on PostgreSQL.
func TestBackendSuite(t *testing.T) {
	pgtest.ServerURL(t)
	results := backendtest.Sample(t)
	_, db := stores(t, results)
	backendtest.Check(t, db, results)
}

// TestUnsupportedSyntax: query-string syntax PostgreSQL does not search
// (wildcards, regular expressions, fuzzy words) is a one-line error that
// says so and what to search instead, where the Bleve index answers it.
func TestUnsupportedSyntax(t *testing.T) {
	pgtest.ServerURL(t)
	results := backendtest.Sample(t)
	bleve, db := stores(t, results)
	for _, text := range []string{"turns:还*", "turns:还?款", "/还.*/", "turns:还款~1", "+team:M1-A 还款~2"} {
		t.Run(text, func(t *testing.T) {
			_, err := bleve.Search(index.Query{Text: text})
			require.NoError(t, err, "Bleve answers it")
			_, err = db.Search(index.Query{Text: text})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "is not supported with a PostgreSQL database: ")
			assert.NotContains(t, err.Error(), "\n")
			_, _, err = db.Count(index.Query{Text: text}, 1, "team")
			require.Error(t, err)
		})
	}
}

// TestQueryTimeout: every question is bounded by Options.QueryTimeout.
func TestQueryTimeout(t *testing.T) {
	url := pgtest.NewDatabase(t)
	w, err := pgindex.Open(context.Background(), url, pgindex.Options{})
	require.NoError(t, err)
	backendtest.Store(t, w, backendtest.Sample(t))
	db, err := pgindex.Open(context.Background(), url, pgindex.Options{ReadOnly: true, QueryTimeout: time.Nanosecond})
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Search(index.Query{Text: "还款"})
	require.Error(t, err)
	_, err = db.Stats("team")
	require.Error(t, err)
}
