package index_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/result"
)

// bleveOf stores the results in a new index and opens it for reading.
func bleveOf(t *testing.T, results []*result.Result) index.Reader {
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	backendtest.Store(t, ix, results)
	return index.Bleve{Index: reader(t, dir)}
}

// TestBackendSuite runs the backend-independent part of the shared suite
// on the Bleve index: answers worked out from the results themselves.
func TestBackendSuite(t *testing.T) {
	t.Run("sample", func(t *testing.T) {
		results := backendtest.Sample(t)
		backendtest.Check(t, bleveOf(t, results), results)
	})
	t.Run("dev", func(t *testing.T) {
		results := backendtest.Dev(t)
		backendtest.Check(t, bleveOf(t, results), results)
	})
}
