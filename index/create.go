package index

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Creating an index is not atomic in Bleve: bleve.New writes
// index_meta.json, then creates the store, then commits the mapping, and a
// process killed in between leaves a folder that does not open ("error
// parsing mapping JSON") and that Open would never take over again. So a
// writer creates an index under a marker file, which
//
//   - is created and locked (flock, released by the system when the
//     process dies) before anything else is written, so that only one
//     process creates the index in a folder at a time;
//   - holds a line while index files are being written, from before the
//     first one until the index is complete;
//   - is emptied once the index is complete (the commit point) and then
//     removed.
//
// A marker with a line in it is a creation under way, or one cut short
// if its lock is free: readers see no index, and the next writer removes
// what was written and creates the index again. Nothing else is lost: no
// call is added before Open returns. An empty marker next to
// index_meta.json means nothing (the creator finished and died before
// removing it, or a writer that found the folder empty created it after
// another finished).
const (
	creatingFile = "callqa.creating"
	metaFile     = "index_meta.json" // Bleve's, written first by bleve.New
	storeDir     = "store"           // Bleve's, where the store lives
)

// folderState is what a folder holds, as far as creating an index goes.
type folderState int

const (
	folderMissing  folderState = iota // no folder
	folderEmpty                       // nothing, or nothing but an empty marker
	folderIndex                       // an index whose creation finished
	folderCreating                    // an index being created, or whose creation was cut short
	folderOther                       // something else (Bleve says what is wrong when opening it)
)

// inspect tells what dir holds; other says whether it holds anything
// other than an index and its marker.
func inspect(dir string) (state folderState, other bool) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return folderMissing, false
	}
	if err != nil {
		return folderOther, false
	}
	var meta, store, marker, started bool
	for _, e := range entries {
		switch e.Name() {
		case metaFile:
			meta = true
		case storeDir:
			store = true
		case creatingFile:
			marker = true
			info, err := e.Info()
			started = err != nil || info.Size() > 0
		default:
			other = true
		}
	}
	switch {
	case marker && started:
		return folderCreating, other
	case meta:
		return folderIndex, other
	case !store && !other:
		return folderEmpty, false
	}
	return folderOther, other
}

// create makes sure dir holds an index whose creation finished, creating
// it when dir is missing, empty, or holds a creation cut short. It returns
// the new index, open, or nil when there was one already (or something
// that is not an index, for Open to report). It waits at most timeout for
// another process that is creating the index, then gives up with
// ErrLocked.
func create(dir string, timeout time.Duration) (bleve.Index, error) {
	for range 10 {
		state, other := inspect(dir)
		switch state {
		case folderIndex, folderOther:
			return nil, nil
		case folderMissing:
			if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
				return nil, err
			}
			if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return nil, err
			}
		case folderCreating:
			if other {
				return nil, fmt.Errorf("%s: creating the index was cut short and the folder holds other files; remove the folder", dir)
			}
		}
		bi, again, err := createLocked(dir, timeout)
		if !again {
			return bi, err
		}
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
}

// createLocked takes the marker's lock and creates the index if the
// folder still needs it; again says that another process finished
// creating it while this one waited, and the folder must be looked at
// afresh.
func createLocked(dir string, timeout time.Duration) (bi bleve.Index, again bool, err error) {
	path := filepath.Join(dir, creatingFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	if err := lockFile(f, timeout); err != nil {
		if errors.Is(err, ErrLocked) {
			return nil, false, fmt.Errorf("%s: %w", dir, err)
		}
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	// The lock is on the marker that is in the folder, not on one that was
	// removed while this process waited for it.
	held, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if cur, err := os.Stat(path); err != nil || !os.SameFile(held, cur) {
		return nil, true, nil
	}

	state, other := inspect(dir)
	started := held.Size() > 0
	switch {
	case !started && state == folderIndex:
		// An index another process finished; this marker means nothing.
		os.Remove(path)
		return nil, false, nil
	case other || !started && state == folderOther:
		// Files appeared that are not the index's: never take them over.
		if !started {
			os.Remove(path)
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("%s: creating the index was cut short and the folder holds other files; remove the folder", dir)
	}

	// This process creates the index. What a creation cut short wrote
	// goes first.
	if _, err := f.WriteAt([]byte("callqa: creating the index; it is incomplete while this file is not empty\n"), 0); err != nil {
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	if err := os.Remove(filepath.Join(dir, metaFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	if err := os.RemoveAll(filepath.Join(dir, storeDir)); err != nil {
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	m, err := newMapping()
	if err != nil {
		return nil, false, err
	}
	bi, err = bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, writerConfig(nil))
	if err != nil {
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	// The index is complete (bleve.New returns once the mapping is
	// committed): empty the marker, then remove it.
	if err := f.Truncate(0); err != nil {
		bi.Close()
		return nil, false, fmt.Errorf("%s: creating the index: %w", dir, err)
	}
	f.Close()
	f = nil
	os.Remove(path)
	return bi, false, nil
}

// discard marks what dir holds of an index as a creation cut short, so
// that create removes it and creates the index anew: what `callqa index
// --rebuild` does with a damaged index. A folder holding other files is
// left alone, and an index that another process has open gives ErrLocked
// after timeout.
func discard(dir string, timeout time.Duration) error {
	state, other := inspect(dir)
	switch {
	case state == folderMissing || state == folderEmpty:
		return nil
	case other:
		return fmt.Errorf("%s: the folder holds files that are not an index's; not rebuilding it", dir)
	}
	if bolt, err := os.OpenFile(filepath.Join(dir, storeDir, "root.bolt"), os.O_RDWR, 0); err == nil {
		defer bolt.Close()
		if err := lockFile(bolt, timeout); err != nil {
			if errors.Is(err, ErrLocked) {
				return fmt.Errorf("%s: %w", dir, err)
			}
			return fmt.Errorf("%s: rebuilding the index: %w", dir, err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, creatingFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s: rebuilding the index: %w", dir, err)
	}
	defer f.Close()
	if err := lockFile(f, timeout); err != nil {
		if errors.Is(err, ErrLocked) {
			return fmt.Errorf("%s: %w", dir, err)
		}
		return fmt.Errorf("%s: rebuilding the index: %w", dir, err)
	}
	if _, err := f.WriteAt([]byte("callqa: rebuilding the index; it is incomplete while this file is not empty\n"), 0); err != nil {
		return fmt.Errorf("%s: rebuilding the index: %w", dir, err)
	}
	return nil
}
