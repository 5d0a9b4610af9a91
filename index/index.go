package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// DefaultDir is where `callqa index` keeps its index when --index is not
// given.
const DefaultDir = "callqa.bleve"

// DefaultBatchSize is how many calls go into one committed batch.
const DefaultBatchSize = 500

// ErrLocked is returned when another process has the index open for
// writing.
var ErrLocked = errors.New("index is in use by another process")

// ErrNoIndex is returned (wrapped) when opening read-only a folder that
// holds no index, or only one whose creation was cut short.
var ErrNoIndex = errors.New("no index here (create one with callqa index)")

// Options tune Open.
type Options struct {
	// BatchSize is the number of calls per committed batch (default 500).
	BatchSize int
	// LockTimeout is how long to wait for another process's lock before
	// giving up with ErrLocked (default 1s).
	LockTimeout time.Duration
	// ReadOnly opens an existing index for searching only.
	ReadOnly bool
	// Rebuild throws away what dir holds of an index, damaged or not, and
	// creates it anew (writers only).
	Rebuild bool
	// OnCommit, when set, is called after each batch is committed with the
	// number of calls committed so far in this session.
	OnCommit func(calls int)
}

// Index is an open index and its pending batch.
type Index struct {
	bi      bleve.Index
	dir     string
	opts    Options
	batch   *bleve.Batch
	inBatch map[string]string // call doc id → hash and rules version, for calls in the pending batch
	// pendingFindings lists the finding ids each pending call will store.
	pendingFindings map[string][]string
	// cached are the texts whose words this batch put in wordCache.
	cached   []string
	pending  int
	commits  int
	Counts   Counts
	readOnly bool
	// positions: the index was built before the pairs field, with word
	// positions on the turns (hasPairs); its call documents keep the
	// turns as a list, as it was built.
	positions bool
}

// Counts says what Add did to each call.
type Counts struct {
	Added, Updated, Unchanged, Failed int
}

// Outcome is what Add did with one call.
type Outcome string

// Outcomes of Add.
const (
	Added     Outcome = "added"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	// Queued is what a store that decides at commit time (pgindex, which
	// looks up a whole batch's stored hashes at once) returns: the call
	// is in the pending batch, and Tally counts it once committed.
	Queued Outcome = "queued"
)

// Open opens the index in dir, creating it when it does not exist (or
// when dir is an empty folder, or holds an index whose creation was cut
// short by a crash: see create). A writer holds an exclusive lock; a
// second writer gets ErrLocked after LockTimeout instead of waiting
// forever. Opening read-only a folder without a complete index gives an
// error wrapping ErrNoIndex.
func Open(dir string, opts Options) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	var bi bleve.Index
	if opts.Rebuild && !opts.ReadOnly {
		if err := discard(dir, opts.LockTimeout); err != nil {
			return nil, err
		}
	}
	if opts.ReadOnly {
		if state, _ := inspect(dir); state == folderMissing || state == folderEmpty || state == folderCreating {
			return nil, fmt.Errorf("%s: %w", dir, ErrNoIndex)
		}
	} else {
		// An empty folder (mkdir, mktemp, a volume mount) is a new index;
		// a folder with other files in it is never taken over.
		var err error
		if bi, err = create(dir, opts.LockTimeout); err != nil {
			return nil, err
		}
	}
	if bi == nil {
		cfg := map[string]interface{}{"bolt_timeout": opts.LockTimeout.String()}
		if !opts.ReadOnly {
			// A writer that opened an index with a damaged snapshot would
			// fall back to an older one and delete the newer: check it
			// read-only first.
			check, err := openBleve(dir, map[string]interface{}{"bolt_timeout": cfg["bolt_timeout"], "read_only": true})
			if err != nil {
				return nil, err
			}
			check.Close()
		} else {
			cfg["read_only"] = true
		}
		if !opts.ReadOnly {
			cfg = writerConfig(cfg)
		}
		var err error
		if bi, err = openBleve(dir, cfg); err != nil {
			return nil, err
		}
	}
	if !opts.ReadOnly {
		if err := loadWords(); err != nil {
			bi.Close()
			return nil, err
		}
	}
	ix := &Index{bi: bi, dir: dir, opts: opts, readOnly: opts.ReadOnly, positions: !hasPairs(bi.Mapping())}
	ix.newBatch()
	return ix, nil
}

// PositionsLayout says whether the index was built before the pairs
// field: its turns keep word positions, and its phrases are Bleve's own
// (phraseQuery). It is searched and added to as it is; a rebuild gives it
// the current layout.
func (ix *Index) PositionsLayout() bool { return ix.positions }

// Bleve returns the underlying Bleve index, for searching.
func (ix *Index) Bleve() bleve.Index { return ix.bi }

// Dir returns the folder the index lives in.
func (ix *Index) Dir() string { return ix.dir }

func (ix *Index) newBatch() {
	ix.batch = ix.bi.NewBatch()
	ix.inBatch = map[string]string{}
	ix.pendingFindings = map[string][]string{}
	ix.pending = 0
}

// RulesVersion names the rule packs a result was produced with, e.g.
// "false_legal_claim@1,insult@1,…"; a call analyzed with other packs is
// re-indexed even when its text did not change.
func RulesVersion(set *lexicon.Set) string {
	var parts []string
	for _, p := range set.Packs {
		parts = append(parts, p.Name+"@"+p.Version)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Hash is the content hash of a result's call: metadata and turns, not
// the path it was read from, so moving files does not re-index them.
func Hash(res *result.Result) string {
	h := sha256.New()
	if res.Call != nil {
		c := *res.Call
		c.Source = ""
		b, _ := json.Marshal(&c)
		h.Write(b)
	} else {
		b, _ := json.Marshal(res)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// CallDocID and FindingDocID derive document ids from the call id, so
// re-indexing a call replaces its documents.
func CallDocID(callID string) string { return "call/" + callID }

// FindingDocID is the id of one finding document.
func FindingDocID(callID string, turn int, category string) string {
	return fmt.Sprintf("finding/%s/%d/%s", callID, turn, category)
}

// Add stores one analyzed call and its findings in the pending batch,
// committing the batch when it is full. A call whose content hash and rules
// version match what is stored is left alone; a changed one is replaced,
// and its old findings removed.
func (ix *Index) Add(res *result.Result, rulesVersion string) (Outcome, error) {
	if ix.readOnly {
		return "", errors.New("index opened read-only")
	}
	id := CallDocID(res.CallID)
	hash := Hash(res)
	outcome := Added
	var oldFindings []string
	if prev, ok := ix.pendingFindings[id]; ok {
		// The same call id twice before a commit: identical content is
		// unchanged, other content replaces the earlier version.
		if ix.inBatch[id] == hash+" "+rulesVersion {
			ix.Counts.Unchanged++
			return Unchanged, nil
		}
		outcome, oldFindings = Updated, prev
	} else {
		stored, err := ix.storedCall(id)
		if err != nil {
			return "", err
		}
		if stored != nil {
			if stored.hash == hash && stored.rulesVersion == rulesVersion {
				ix.Counts.Unchanged++
				return Unchanged, nil
			}
			outcome, oldFindings = Updated, stored.findingIDs
		}
	}
	for _, fid := range oldFindings {
		ix.batch.Delete(fid)
	}
	ix.cached = rememberWords(res, ix.cached)
	callDoc, findings := documents(res, hash, rulesVersion)
	if ix.positions {
		turnsAsList(callDoc, res)
	}
	var ids []string
	for _, f := range findings {
		fid := f["id"].(string)
		delete(f, "id")
		ids = append(ids, fid)
		if err := ix.batch.Index(fid, f); err != nil {
			return "", err
		}
	}
	callDoc["finding_ids"] = ids
	if err := ix.batch.Index(id, callDoc); err != nil {
		return "", err
	}
	ix.pendingFindings[id] = ids
	ix.inBatch[id] = hash + " " + rulesVersion
	ix.pending++
	if outcome == Added {
		ix.Counts.Added++
	} else {
		ix.Counts.Updated++
	}
	if ix.pending >= ix.opts.BatchSize {
		return outcome, ix.Flush()
	}
	return outcome, nil
}

// Flush commits the pending batch. Once it returns, the batch survives a
// crash of the process.
func (ix *Index) Flush() error {
	if ix.pending == 0 && ix.batch.Size() == 0 {
		return nil
	}
	err := ix.bi.Batch(ix.batch)
	forgetWords(ix.cached)
	ix.cached = ix.cached[:0]
	if err != nil {
		return fmt.Errorf("%s: committing a batch: %w", ix.dir, err)
	}
	ix.commits += ix.pending
	ix.newBatch()
	if ix.opts.OnCommit != nil {
		ix.opts.OnCommit(ix.commits)
	}
	return nil
}

// Close commits the pending batch and closes the index.
func (ix *Index) Close() error {
	var err error
	if !ix.readOnly {
		err = ix.Flush()
	}
	if cerr := ix.bi.Close(); err == nil {
		err = cerr
	}
	return err
}

type storedCall struct {
	hash, rulesVersion string
	findingIDs         []string
}

// storedCall reads the stored fields of a call document, or nil.
func (ix *Index) storedCall(id string) (*storedCall, error) {
	doc, err := ix.bi.Document(id)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, nil
	}
	s := &storedCall{}
	doc.VisitFields(func(f bindex.Field) {
		switch f.Name() {
		case "hash":
			s.hash = string(f.Value())
		case "rules_version":
			s.rulesVersion = string(f.Value())
		case "finding_ids":
			s.findingIDs = append(s.findingIDs, string(f.Value()))
		}
	})
	return s, nil
}
