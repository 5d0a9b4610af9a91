package index

import (
	"github.com/blevesearch/bleve/v2"

	"github.com/callqa/callqa/result"
)

// Reader answers the questions supervisors and reviewers ask of stored
// results. It has two implementations that give the same answers: Bleve
// (an index folder, or an alias over several, in this package) and a
// PostgreSQL database (package pgindex). Every command and the console
// go through it, so they work on either; internal/backendtest runs one
// suite against both.
type Reader interface {
	// Search returns a page of calls (or with q.Findings findings), the
	// total number of matches and facets by category, team, agent and
	// month (see Search).
	Search(q Query) (*Results, error)
	// Count counts matches and facets of the named fields without loading
	// a document (see Count).
	Count(q Query, size int, fields ...string) (uint64, map[string][]FacetCount, error)
	// IDs returns the call ids of one page of q's results (see IDs).
	IDs(q Query) ([]string, uint64, error)
	// Call returns one stored call with its turns (see Call); an id not
	// stored gives an error wrapping ErrNotFound.
	Call(callID string) (*result.Result, error)
	// Stats counts calls, failed calls and violations per group (see
	// Stats).
	Stats(by string) ([]StatsRow, error)
	// RulesVersionOf returns the rules version a call was stored with
	// (see RulesVersionOf).
	RulesVersionOf(callID string) (string, error)
}

// Writer stores analyzed calls. Add is idempotent on the call id and the
// content hash (Hash) with the rules version: an unchanged call is left
// alone, a changed one replaced with its old findings removed. Calls are
// committed in batches, each as a whole or not at all; Flush commits the
// pending batch and Close commits it and releases the store.
type Writer interface {
	Add(res *result.Result, rulesVersion string) (Outcome, error)
	Flush() error
	Close() error
	// Tally says what Add did to the calls so far.
	Tally() Counts
}

// Bleve is the Reader over a Bleve index or alias.
type Bleve struct{ Index bleve.Index }

// Search runs Search on the index.
func (b Bleve) Search(q Query) (*Results, error) { return Search(b.Index, q) }

// Count runs Count on the index.
func (b Bleve) Count(q Query, size int, fields ...string) (uint64, map[string][]FacetCount, error) {
	return Count(b.Index, q, size, fields...)
}

// IDs runs IDs on the index.
func (b Bleve) IDs(q Query) ([]string, uint64, error) { return IDs(b.Index, q) }

// Call runs Call on the index.
func (b Bleve) Call(callID string) (*result.Result, error) { return Call(b.Index, callID) }

// Stats runs Stats on the index.
func (b Bleve) Stats(by string) ([]StatsRow, error) { return Stats(b.Index, by) }

// RulesVersionOf runs RulesVersionOf on the index.
func (b Bleve) RulesVersionOf(callID string) (string, error) { return RulesVersionOf(b.Index, callID) }

// Tally says what Add did to the calls so far (Counts).
func (ix *Index) Tally() Counts { return ix.Counts }

var (
	_ Reader = Bleve{}
	_ Writer = (*Index)(nil)
)
