package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/dburl"
	"github.com/callqa/callqa/pgindex"
)

// Where the results live. One rule for every command that reads or writes
// stored results (index, search, stats, serve, backtest, rules health,
// verdicts export):
//
//   - --db postgres://… without --index: the results live in that
//     PostgreSQL database (package pgindex), and so do the decisions;
//   - otherwise the results are the Bleve index of --index (default
//     ./callqa.bleve), and --db, a SQLite file or a PostgreSQL URL, holds
//     only the decisions.

// openTimeout bounds connecting to a results database.
const openTimeout = 30 * time.Second

// resultsInDB reports whether the results live in the PostgreSQL database
// db rather than in a Bleve index: db is a postgres:// URL and no --index
// was given.
func resultsInDB(indexGiven bool, db string) bool {
	return !indexGiven && dburl.IsURL(db)
}

// openResults opens the stored results read-only: the PostgreSQL
// database of db when resultsInDB, else the Bleve shards of indexes (one
// alias). where names them for messages, without a password. A database
// of an older schema is refused with a pointer to callqa db migrate.
func openResults(indexes []string, indexGiven bool, db string) (r index.Reader, where string, closeAll func() error, err error) {
	if !resultsInDB(indexGiven, db) {
		dirs, err := expandIndexes(indexes)
		if err != nil {
			return nil, "", nil, err
		}
		bi, closeAll, err := index.OpenAlias(dirs)
		if err != nil {
			return nil, "", nil, err
		}
		return index.Bleve{Index: bi}, strings.Join(dirs, ", "), closeAll, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	pg, err := pgindex.Open(ctx, db, pgindex.Options{ReadOnly: true})
	if err != nil {
		return nil, "", nil, err
	}
	return pg, pg.Where(), pg.Close, nil
}

// resultsWriterOptions are the inputs of openResultsWriter.
type resultsWriterOptions struct {
	// Dir is the Bleve index folder (--index), IndexGiven whether --index
	// was given; DB is --db.
	Dir        string
	IndexGiven bool
	DB         string
	BatchSize  int
	// Rebuild starts from empty results: the Bleve folder is thrown away;
	// in PostgreSQL the results tables are emptied (the decisions stay).
	Rebuild bool
	// OnCommit is called after each committed batch with the calls
	// committed so far.
	OnCommit func(calls int)
	// ErrOut receives a line for each results schema migration applied.
	ErrOut io.Writer
}

// openResultsWriter opens where callqa index stores results: the
// PostgreSQL database of --db when resultsInDB (applying the schema
// migrations it lacks, each reported on ErrOut), else the Bleve index in
// Dir. where names it for messages, without a password.
func openResultsWriter(o resultsWriterOptions) (w index.Writer, where string, err error) {
	if !resultsInDB(o.IndexGiven, o.DB) {
		ix, err := index.Open(o.Dir, index.Options{BatchSize: o.BatchSize, Rebuild: o.Rebuild, OnCommit: o.OnCommit})
		if err != nil {
			return nil, "", err
		}
		if ix.PositionsLayout() && o.ErrOut != nil {
			fmt.Fprintf(o.ErrOut, "callqa: %s: note: this index was built by an earlier callqa and keeps word positions; it is added to as it is, and callqa index --rebuild makes it smaller and its phrase searches faster\n", o.Dir)
		}
		return ix, o.Dir, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	where = dburl.Redact(o.DB)
	pg, err := pgindex.Open(ctx, o.DB, pgindex.Options{
		BatchSize: o.BatchSize,
		OnCommit:  o.OnCommit,
		Migrated: func(m pgindex.Migration) {
			fmt.Fprintf(o.ErrOut, "callqa: %s: applied results schema migration %04d_%s\n", where, m.Version, m.Name)
		},
	})
	if err != nil {
		return nil, "", err
	}
	if o.Rebuild {
		if err := pg.EmptyResults(ctx); err != nil {
			pg.Close()
			return nil, "", err
		}
	}
	return pg, pg.Where(), nil
}
