package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// CorruptError is an index whose files are damaged: index_meta.json that
// does not parse, a store/root.bolt that is not a database, or a segment
// file that is missing or unreadable. Nothing is repaired: the index is
// built again from the sources with `callqa index --rebuild`.
type CorruptError struct {
	// Dir is the index folder.
	Dir string
	// What says which file is damaged and how.
	What string
}

// Error says, in one line, which index, what is damaged and what to do.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: the index is damaged (%s); build it again from the sources with: callqa index --rebuild --index %s PATH...", e.Dir, e.What, e.Dir)
}

// bleveLog serializes the capture of the standard logger, through which
// Bleve's scorch reports snapshots it could not load (and then opens an
// older one, or none, without an error).
var bleveLog sync.Mutex

// openBleve opens the Bleve index in dir with cfg, keeping Bleve's log
// lines off stderr. A snapshot that did not load (a segment file missing
// or damaged) or files Bleve cannot read give a *CorruptError; a lock
// held by another process gives ErrLocked; a folder without an index,
// ErrNoIndex.
func openBleve(dir string, cfg map[string]interface{}) (bleve.Index, error) {
	if boltTruncated(filepath.Join(dir, storeDir, "root.bolt")) {
		return nil, &CorruptError{Dir: dir, What: filepath.Join(storeDir, "root.bolt") + " is cut short"}
	}
	bleveLog.Lock()
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logged)
	bi, err := bleve.OpenUsing(dir, cfg)
	log.SetOutput(prev)
	bleveLog.Unlock()
	if bad := logged.String(); strings.Contains(bad, "unable to") || strings.Contains(bad, "missing") {
		// With no snapshot left, Bleve fails on the mapping it could not
		// read; with an older one, it opens that: either way the cause is
		// the segment.
		if err == nil {
			bi.Close()
		}
		return nil, &CorruptError{Dir: dir, What: segmentDamage(dir, bad)}
	}
	switch {
	case err == nil:
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return nil, fmt.Errorf("%s: %w", dir, ErrNoIndex)
	case strings.Contains(err.Error(), "timeout"):
		return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
	default:
		if state, _ := inspect(dir); state == folderCreating {
			// A writer started creating the index since we looked.
			return nil, fmt.Errorf("%s: %w", dir, ErrNoIndex)
		}
		return nil, &CorruptError{Dir: dir, What: damage(dir, err)}
	}
	return bi, nil
}

// damage says which file Bleve could not read, from its error.
func damage(dir string, err error) string {
	switch {
	case errors.Is(err, bleve.ErrorIndexMetaCorrupt):
		return metaFile + " is not valid"
	case errors.Is(err, bleve.ErrorIndexMetaMissing):
		return metaFile + " is missing"
	}
	bolt := filepath.Join(storeDir, "root.bolt")
	info, serr := os.Stat(filepath.Join(dir, bolt))
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return bolt + " is missing"
	case serr == nil && info.Size() == 0:
		return bolt + " is empty"
	case serr == nil:
		return bolt + " is damaged: " + oneLine(err.Error())
	}
	return oneLine(err.Error())
}

// segmentFile finds a segment file's name in Bleve's log.
var segmentFile = regexp.MustCompile(`[0-9a-f]{12}\.zap`)

// segmentDamage says which segment file is damaged, from Bleve's log
// line, or by looking for an empty one.
func segmentDamage(dir, logged string) string {
	if name := segmentFile.FindString(logged); name != "" {
		rel := filepath.Join(storeDir, name)
		if _, err := os.Stat(filepath.Join(dir, rel)); errors.Is(err, fs.ErrNotExist) {
			return "segment file " + rel + " is missing"
		}
		return "segment file " + rel + " is damaged"
	}
	segs, _ := filepath.Glob(filepath.Join(dir, storeDir, "*.zap"))
	for _, s := range segs {
		if info, err := os.Stat(s); err == nil && info.Size() == 0 {
			return "segment file " + filepath.Join(storeDir, filepath.Base(s)) + " is empty"
		}
	}
	if len(segs) == 1 {
		return "segment file " + filepath.Join(storeDir, filepath.Base(segs[0])) + " is damaged"
	}
	return "a segment file in " + storeDir + "/ is missing or damaged"
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// boltTruncated says whether the bolt file at path is shorter than its
// own meta page says: bbolt maps the file and would read past its end,
// which the system answers with SIGBUS, a crash instead of an error. A
// file whose meta pages are both unreadable is left to bbolt to refuse.
func boltTruncated(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false
	}
	const pageHeader, metaSize, magic = 16, 64, 0xED0CDAED
	var best struct{ txid, end uint64 }
	found := false
	read := func(off int64) (size uint32) {
		buf := make([]byte, pageHeader+metaSize)
		if _, err := f.ReadAt(buf, off); err != nil {
			return 0
		}
		m := buf[pageHeader:]
		le := binary.LittleEndian
		if le.Uint32(m[0:]) != magic {
			return 0
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != le.Uint64(m[56:]) {
			return 0
		}
		pageSize, pgid, txid := le.Uint32(m[8:]), le.Uint64(m[40:]), le.Uint64(m[48:])
		if !found || txid > best.txid {
			best.txid, best.end, found = txid, pgid*uint64(pageSize), true
		}
		return pageSize
	}
	pageSize := read(0)
	if pageSize == 0 {
		pageSize = uint32(os.Getpagesize())
	}
	read(int64(pageSize))
	return found && uint64(info.Size()) < best.end
}
