package pgindex_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// stores loads the results into a new Bleve index on disk and a new
// PostgreSQL database, and opens both for reading.
func stores(t *testing.T, results []*result.Result) (index.Reader, *pgindex.DB) {
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
