package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/review"
)

// DBOptions are the inputs of `callqa db migrate`.
type DBOptions struct {
	IO      *IOStreams
	Indexes []string
	DB      string
}

func newDBCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the decisions database (reviewers' verdicts, appeals, audit trail)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return flagErrorf("unknown command %q for %q (want migrate)", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newDBMigrateCmd(ios, nil))
	return cmd
}

func newDBMigrateCmd(ios *IOStreams, runF func(*DBOptions) error) *cobra.Command {
	opts := &DBOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "migrate [--db FILE|URL] [--index DIR]",
		Short: "Bring the decisions database's schema (and the results schema in PostgreSQL) up to date",
		Long: `The schema of the decisions database is versioned; the migrations are part
of the binary and every command that opens the database applies the ones it
lacks. "db migrate" applies them explicitly, e.g. before several servers
start against one PostgreSQL database, and prints the schema version.

A SQLite file that does not exist is created. A database whose schema is
newer than this callqa is refused: an older binary must not write to it.

--db postgres://… without --index also brings the results schema (what
callqa index --db stores; its own version) up to date, and prints both
versions. Commands that only read results (search, stats, serve) never
migrate it: on an older schema they say to run this command.

Exit status: 0, or 2 when the database cannot be opened or migrated.`,
		Example: `  callqa db migrate                      # callqa.review.db beside callqa.bleve
  callqa db migrate --db postgres://qa@db.internal/callqa`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDBMigrate(opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` the database sits beside (default "+index.DefaultDir+")")
	addDBFlag(cmd, &opts.DB)
	return cmd
}

func runDBMigrate(opts *DBOptions) error {
	ctx := context.Background()
	dirs, err := expandIndexes(opts.Indexes)
	if err != nil {
		return troubleErr(err)
	}
	st, err := review.OpenNoMigrate(ctx, reviewDBPath(opts.DB, dirs[0]))
	if err != nil {
		return troubleErr(err)
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintf(opts.IO.Out, "applied %04d_%s\n", m.Version, m.Name)
	}
	if err != nil {
		return troubleErr(err)
	}
	v, err := st.Version(ctx)
	if err != nil {
		return troubleErr(err)
	}
	fmt.Fprintf(opts.IO.Out, "%s: schema version %d (%s)\n", st.Where(), v, st.Dialect())
	if !resultsInDB(len(opts.Indexes) > 0, opts.DB) {
		return nil
	}
	return migrateResults(ctx, opts)
}

// migrateResults applies the results schema migrations the PostgreSQL
// database of --db lacks and prints its results schema version.
func migrateResults(ctx context.Context, opts *DBOptions) error {
	pg, err := pgindex.Open(ctx, opts.DB, pgindex.Options{
		Migrated: func(m pgindex.Migration) {
			fmt.Fprintf(opts.IO.Out, "applied results %04d_%s\n", m.Version, m.Name)
		},
	})
	if err != nil {
		return troubleErr(err)
	}
	defer pg.Close()
	v, err := pg.Version(ctx)
	if err != nil {
		return troubleErr(err)
	}
	fmt.Fprintf(opts.IO.Out, "%s: results schema version %d\n", pg.Where(), v)
	return nil
}
