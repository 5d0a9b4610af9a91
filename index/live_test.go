package index_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// TestLive: a Live index holds no lock on the index, so a writer opens it
// at once; while the writer has it open, Refresh keeps the old snapshot;
// once it is closed, Refresh serves what it added; a damaged index is not
// swapped in; Close removes the snapshots, and a snapshot left by a killed
// reader is removed by the next one.
func TestLive(t *testing.T) {
	_, v := setup(t)
	dir := build(t, a1)
	live, err := index.OpenLive([]string{dir}, time.Second)
	require.NoError(t, err)
	calls := func() uint64 {
		t.Helper()
		n, _, err := index.Count(live.Index(), index.Query{}, 0)
		require.NoError(t, err)
		return n
	}
	assert.EqualValues(t, 1, calls())

	w, err := index.Open(dir, index.Options{LockTimeout: 50 * time.Millisecond})
	require.NoError(t, err, "the writer opens while Live is open")
	for _, r := range analyzeAll(t, a2, a3) {
		_, err := w.Add(r, v)
		require.NoError(t, err)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, live.Refresh(), "the writer holds the index: nothing to do yet")
	assert.EqualValues(t, 1, calls())
	require.NoError(t, w.Close())
	require.NoError(t, live.Refresh())
	assert.EqualValues(t, 3, calls())

	require.NoError(t, os.Truncate(filepath.Join(dir, "store", "root.bolt"), 1000))
	err = live.Refresh()
	var corrupt *index.CorruptError
	require.True(t, errors.As(err, &corrupt), "%v", err)
	assert.Equal(t, dir, corrupt.Dir)
	assert.Equal(t, "store/root.bolt is cut short", corrupt.What)
	assert.EqualValues(t, 3, calls(), "the last good snapshot goes on answering")

	snaps, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".callqa.bleve.serve-*"))
	assert.Len(t, snaps, 1)
	require.NoError(t, live.Close())
	snaps, _ = filepath.Glob(filepath.Join(filepath.Dir(dir), ".callqa.bleve.serve-*"))
	assert.Empty(t, snaps)
}

// TestLiveRemovesStale: the snapshot folder of a reader that was killed
// (no lock on it) is removed by the next reader, once it is a minute old.
func TestLiveRemovesStale(t *testing.T) {
	dir := build(t, a1)
	stale := filepath.Join(filepath.Dir(dir), ".callqa.bleve.serve-123")
	require.NoError(t, os.MkdirAll(filepath.Join(stale, "store"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "store", "root.bolt"), []byte("x"), 0o600))
	recent := filepath.Join(filepath.Dir(dir), ".callqa.bleve.serve-456")
	require.NoError(t, os.MkdirAll(recent, 0o700))
	old := time.Now().Add(-2 * time.Minute)
	require.NoError(t, os.Chtimes(stale, old, old))

	live, err := index.OpenLive([]string{dir}, time.Second)
	require.NoError(t, err)
	defer live.Close()
	assert.NoDirExists(t, stale)
	assert.DirExists(t, recent, "a reader may be taking it right now")
}
