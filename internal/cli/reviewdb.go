package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/review"
)

// dbFlagUsage is the help of --db, the same on every command that reads
// or writes the reviewers' decisions.
const dbFlagUsage = "decisions database: a SQLite `FILE` or a postgres:// URL (default: the SQLite file beside the index, e.g. callqa.review.db beside callqa.bleve)"

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
	return review.Open(ctx, reviewDBPath(db, indexDir))
}
