package index

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Live searches indexes without holding them open, so that `callqa index`
// can add calls to them while a long-running reader (callqa serve)
// answers. Bleve's store is a bolt file that a writer locks exclusively
// and a reader shared, for as long as each has it open; so Live searches
// a private snapshot of each index instead: under a shared lock held for
// a moment, it copies store/root.bolt and index_meta.json and hard-links
// the segment files, which Bleve never changes once written, into a
// folder beside the index (".NAME.serve-*", or one in the temporary folder
// if that cannot be written, where segments are copied), and opens that.
// Refresh takes a new snapshot of each index whose root.bolt changed and
// whose writer is done, and swaps it in: a search in flight finishes on
// the snapshot it started on, and no search fails meanwhile. A snapshot
// that does not open (a damaged index) is not swapped in; the last good
// one goes on answering.
type Live struct {
	alias  bleve.IndexAlias
	mu     sync.Mutex
	shards []*liveShard
}

type liveShard struct {
	dir    string
	seen   os.FileInfo // root.bolt when the last snapshot was attempted
	folder string      // the snapshot's folder
	bi     bleve.Index
}

// rootBolt is the bolt file of a scorch index, relative to its folder.
var rootBolt = filepath.Join(storeDir, "root.bolt")

// OpenLive takes a snapshot of each index in dirs and opens them as one
// alias. An index that another process is writing is waited for at most
// timeout (then ErrLocked); one that is damaged gives a *CorruptError.
func OpenLive(dirs []string, timeout time.Duration) (*Live, error) {
	l := &Live{alias: bleve.NewIndexAlias()}
	for _, d := range dirs {
		removeStale(d)
		s := &liveShard{dir: d}
		bi, folder, seen, err := snapshot(d, timeout)
		if err != nil {
			l.Close()
			return nil, err
		}
		s.bi, s.folder, s.seen = bi, folder, seen
		l.shards = append(l.shards, s)
		l.alias.Add(bi)
	}
	return l, nil
}

// Index returns the alias to search.
func (l *Live) Index() bleve.Index { return l.alias }

// Refresh swaps in a new snapshot of every index whose root.bolt changed
// since the last one, unless a writer has it open (then it is tried again
// on the next Refresh). It returns the errors of snapshots that failed; the
// previous snapshot of those indexes goes on answering.
func (l *Live) Refresh() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	for _, s := range l.shards {
		cur, err := os.Stat(filepath.Join(s.dir, rootBolt))
		if err != nil || sameState(s.seen, cur) {
			continue // being rebuilt, or unchanged
		}
		bi, folder, seen, err := snapshot(s.dir, 0)
		if errors.Is(err, ErrLocked) || errors.Is(err, ErrNoIndex) {
			continue // a writer is at work: next time
		}
		s.seen = cur
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.seen = seen
		// Swap waits for the searches in flight on the old snapshot.
		l.alias.Swap([]bleve.Index{bi}, []bleve.Index{s.bi})
		s.bi.Close()
		os.RemoveAll(s.folder)
		s.bi, s.folder = bi, folder
	}
	return errors.Join(errs...)
}

// Close closes the snapshots and removes their folders.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	for _, s := range l.shards {
		errs = append(errs, s.bi.Close())
		os.RemoveAll(s.folder)
	}
	l.shards = nil
	return errors.Join(errs...)
}

// sameState says whether root.bolt is as it was: the same file, size and
// modification time.
func sameState(a, b os.FileInfo) bool {
	return a != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// snapshot copies the index in dir, under a shared lock on its root.bolt
// that waits at most timeout for a writer, and opens the copy.
func snapshot(dir string, timeout time.Duration) (bi bleve.Index, folder string, seen os.FileInfo, err error) {
	if state, _ := inspect(dir); state == folderMissing || state == folderEmpty || state == folderCreating {
		return nil, "", nil, fmt.Errorf("%s: %w", dir, ErrNoIndex)
	}
	bolt, err := os.Open(filepath.Join(dir, rootBolt))
	if err != nil {
		// What is missing is said as for any damaged index.
		_, err = openBleve(dir, map[string]interface{}{"read_only": true, "bolt_timeout": "1s"})
		if err == nil {
			err = &CorruptError{Dir: dir, What: rootBolt + " is missing"}
		}
		return nil, "", nil, err
	}
	defer bolt.Close()
	if err := lockShared(bolt, timeout); err != nil {
		return nil, "", nil, fmt.Errorf("%s: %w", dir, err)
	}
	if seen, err = bolt.Stat(); err != nil {
		return nil, "", nil, err
	}
	folder, err = os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), snapshotPrefix(dir))
	if err != nil {
		if folder, err = os.MkdirTemp("", "callqa-serve-"); err != nil {
			return nil, "", nil, fmt.Errorf("%s: taking a snapshot: %w", dir, err)
		}
	}
	if err := copyIndex(dir, folder); err != nil {
		os.RemoveAll(folder)
		return nil, "", nil, fmt.Errorf("%s: taking a snapshot: %w", dir, err)
	}
	bolt.Close() // releases the lock: the snapshot is taken
	bi, err = openBleve(folder, map[string]interface{}{"read_only": true, "bolt_timeout": "1s"})
	if err != nil {
		os.RemoveAll(folder)
		var corrupt *CorruptError
		if errors.As(err, &corrupt) {
			corrupt.Dir = dir
			return nil, "", nil, corrupt
		}
		return nil, "", nil, fmt.Errorf("%s: opening a snapshot: %w", dir, err)
	}
	return bi, folder, seen, nil
}

// snapshotPrefix names the snapshot folders of dir: hidden, and not ending
// in .bleve, so that no glob of indexes takes them.
func snapshotPrefix(dir string) string {
	return "." + filepath.Base(filepath.Clean(dir)) + ".serve-"
}

// removeStale removes the snapshot folders beside dir that no process has
// open (left by a reader that was killed): the reader of a snapshot holds a
// shared lock on its root.bolt.
func removeStale(dir string) {
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Clean(dir)), snapshotPrefix(dir)+"*"))
	for _, o := range old {
		if info, err := os.Stat(o); err != nil || time.Since(info.ModTime()) < time.Minute {
			continue // another reader may be taking it right now
		}
		f, err := os.OpenFile(filepath.Join(o, rootBolt), os.O_RDWR, 0)
		if err != nil {
			if os.IsNotExist(err) {
				os.RemoveAll(o)
			}
			continue
		}
		if lockFile(f, 0) == nil {
			os.RemoveAll(o)
		}
		f.Close()
	}
}

// copyIndex copies index_meta.json and store/ from dir into folder:
// segment files are hard-linked when they can be (Bleve never changes one
// once written), the rest copied.
func copyIndex(dir, folder string) error {
	if err := copyFile(filepath.Join(dir, metaFile), filepath.Join(folder, metaFile)); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(folder, storeDir), 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(dir, storeDir))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		from, to := filepath.Join(dir, storeDir, e.Name()), filepath.Join(folder, storeDir, e.Name())
		if strings.HasSuffix(e.Name(), ".zap") && os.Link(from, to) == nil {
			continue
		}
		if err := copyFile(from, to); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
