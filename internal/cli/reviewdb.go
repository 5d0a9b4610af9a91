package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/review"
)

// dbFlagUsage is the help of --db, the same on every command that reads
// or writes the reviewers' decisions.
const dbFlagUsage = "decisions database: a SQLite `FILE` or a postgres:// URL (default: the SQLite file beside the index, e.g. callqa.review.db beside callqa.bleve); a postgres:// URL without --index holds the results too, in place of a Bleve index"

// resultsDBFlagUsage is the help of --db on a command that reads results
// but no decisions (stats).
const resultsDBFlagUsage = "read the results from this PostgreSQL database (a postgres:// `URL`, as stored by callqa index --db) instead of a Bleve index; not with --index"

// addDBFlag adds --db to a command.
func addDBFlag(cmd *cobra.Command, db *string) {
	cmd.Flags().StringVar(db, "db", "", dbFlagUsage)
}

// reviewDBPath is the database a command uses: --db, else the SQLite file
// beside the index directory.
func reviewDBPath(db, indexDir string) string {
	if db != "" {
		return db
	}
	return review.DefaultPath(indexDir)
}

// openReview opens the decisions database (applying its migrations) for a
// command; errors name the database without its password.
func openReview(ctx context.Context, db, indexDir string) (*review.Store, error) {
	s, err := review.Open(ctx, reviewDBPath(db, indexDir))
	if err != nil {
		// Drivers may explain over several lines (pgx lists each address
		// it tried): one line, as every callqa error.
		return nil, errors.New(strings.Join(strings.Fields(err.Error()), " "))
	}
	return s, nil
}
