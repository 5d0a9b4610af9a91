package index_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// startedMarker is what a creator writes into the marker before the first
// index file.
const startedMarker = "callqa: creating the index\n"

// TestOpenAfterCreationCutShort builds, by hand, what a writer killed while
// creating an index leaves (the states `callqa index` killed with SIGKILL
// left in e2e's TestCrashIndex) and checks that a reader sees no index and
// a writer creates it again, where before a folder whose mapping was never
// committed did not open at all ("error parsing mapping JSON") and was
// never taken over.
func TestOpenAfterCreationCutShort(t *testing.T) {
	// A complete empty index to take files from.
	empty := newDir(t)
	ix, err := index.Open(empty, index.Options{})
	require.NoError(t, err)
	require.NoError(t, ix.Close())
	meta, err := os.ReadFile(filepath.Join(empty, "index_meta.json"))
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir string)
	}{
		{"marker_only", func(t *testing.T, dir string) {}},
		{"meta_without_store", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "index_meta.json"), meta, 0o644))
		}},
		{"meta_half_written", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "index_meta.json"), meta[:len(meta)/2], 0o644))
		}},
		{"store_without_mapping", func(t *testing.T, dir string) {
			// bleve.New cut short before it committed the mapping: the
			// store opens, the mapping is not in it.
			copyDir(t, empty, dir)
			bi, err := bleve.Open(dir)
			require.NoError(t, err)
			require.NoError(t, bi.DeleteInternal([]byte("_mapping")))
			require.NoError(t, bi.Close())
			_, err = bleve.Open(dir)
			require.ErrorContains(t, err, "error parsing mapping JSON", "the state that did not open before")
		}},
		{"complete_marker_not_emptied", func(t *testing.T, dir string) {
			copyDir(t, empty, dir)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newDir(t)
			require.NoError(t, os.MkdirAll(dir, 0o700))
			tc.make(t, dir)
			marker := filepath.Join(dir, index.CreatingFile)
			require.NoError(t, os.WriteFile(marker, []byte(startedMarker), 0o644))

			_, err := index.Open(dir, index.Options{ReadOnly: true})
			require.ErrorIs(t, err, index.ErrNoIndex, "for a reader there is no index yet")

			ix, err := index.Open(dir, index.Options{LockTimeout: 200 * time.Millisecond})
			require.NoError(t, err, "a writer creates the index again")
			_, v := setup(t)
			_, err = ix.Add(analyze(t, a1), v)
			require.NoError(t, err)
			require.NoError(t, ix.Close())

			assert.NoFileExists(t, marker)
			assert.Equal(t, []string{"index_meta.json", "store"}, names(t, dir))
			assert.EqualValues(t, 2, docCount(t, reader(t, dir)), "A1 and its finding")
		})
	}
}

// TestOpenEmptyMarker: an empty marker next to an index (its creator died
// after finishing, before removing the marker) changes nothing: readers
// and writers open the index with what it holds.
func TestOpenEmptyMarker(t *testing.T) {
	dir := build(t, a1)
	marker := filepath.Join(dir, index.CreatingFile)
	require.NoError(t, os.WriteFile(marker, nil, 0o644))

	r, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	assert.EqualValues(t, 2, docCount(t, r.Bleve()))
	require.NoError(t, r.Close())
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	assert.EqualValues(t, 2, docCount(t, ix.Bleve()), "not created again")
	require.NoError(t, ix.Close())
}

// TestOpenWhileCreating: while another process creates the index (it holds
// the marker's lock), a writer waits for it at most LockTimeout and then
// gives up with ErrLocked, touching nothing; a reader sees no index.
func TestOpenWhileCreating(t *testing.T) {
	dir := newDir(t)
	require.NoError(t, os.MkdirAll(dir, 0o700))
	f, err := os.OpenFile(filepath.Join(dir, index.CreatingFile), os.O_RDWR|os.O_CREATE, 0o644)
	require.NoError(t, err)
	require.NoError(t, index.LockFile(f, time.Second))
	_, err = f.WriteString(startedMarker)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(`{"storage":"boltdb"`), 0o644))

	start := time.Now()
	_, err = index.Open(dir, index.Options{LockTimeout: 200 * time.Millisecond})
	require.ErrorIs(t, err, index.ErrLocked)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, []string{index.CreatingFile, "index_meta.json"}, names(t, dir), "the other process's files are left alone")
	_, err = index.Open(dir, index.Options{ReadOnly: true})
	require.ErrorIs(t, err, index.ErrNoIndex)

	// The other process dies: its lock goes with it.
	require.NoError(t, f.Close())
	ix, err := index.Open(dir, index.Options{LockTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, ix.Close())
	assert.Equal(t, []string{"index_meta.json", "store"}, names(t, dir))
}

// TestOpenConcurrentCreate: writers that find the same folder missing at
// once create one index between them, and none removes what another
// stored.
func TestOpenConcurrentCreate(t *testing.T) {
	dir := newDir(t)
	_, v := setup(t)
	results := analyzeAll(t, samples...)
	var wg sync.WaitGroup
	errs := make([]error, len(results))
	for i, r := range results {
		wg.Go(func() {
			ix, err := index.Open(dir, index.Options{LockTimeout: 20 * time.Second})
			if err != nil {
				errs[i] = err
				return
			}
			if _, err := ix.Add(r, v); err != nil {
				errs[i] = err
			}
			if err := ix.Close(); err != nil && errs[i] == nil {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, samples[i].id)
	}
	assert.EqualValues(t, sampleDocs, docCount(t, reader(t, dir)))
	assert.Equal(t, []string{"index_meta.json", "store"}, names(t, dir))
}

// names lists a folder's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// copyDir copies the files of folder src into folder dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
}
