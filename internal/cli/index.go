package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/corpus"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// IndexOptions are the inputs of callqa index.
type IndexOptions struct {
	IO    *IOStreams
	Paths []string
	Dir   string
	BatchOptions
	SimilarOptions
	BatchSize int
	// Rebuild throws the index away (damaged or not) and builds it anew
	// from Paths.
	Rebuild bool
	// Progress prints a line on stderr after each committed batch.
	Progress bool
	// DB is the decisions database whose confirmed violations the
	// similar-sentence pass uses as examples (default: the SQLite file
	// beside the index, read only when it exists). A postgres:// URL
	// without --index (IndexGiven false) is where the results go as well.
	DB string
	// IndexGiven says --index was given: Dir is then the index even when
	// DB is a PostgreSQL URL.
	IndexGiven bool
	// FromJSONL loads the lines of callqa scan --format jsonl --with-call
	// from Paths (files or - for standard input) without analyzing.
	FromJSONL bool
}

func newIndexCmd(ios *IOStreams, runF func(*IndexOptions) error) *cobra.Command {
	opts := &IndexOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "index [--index DIR | --db URL] [--rules PATH]... PATH...",
		Short: "Scan transcripts and store every call and finding in a search index",
		Long: `Scan transcripts with the same readers and analyzer as scan, and store each
call and each finding in a Bleve index on disk (default ./callqa.bleve), or
with --db postgres://… and no --index in that PostgreSQL database (the
reviewers' decisions live there too; the schema is created or migrated
first, each migration reported on stderr). With --index, --db is only the
decisions database.

Re-indexing is idempotent: a call whose text and rule-pack versions did not
change is skipped, a changed one is replaced with its old findings removed.
Batches are committed as they fill: if the process dies, every committed
batch is kept and running the command again completes the work. Inputs
that cannot be read are reported as in scan and never touch the index.
--rebuild throws the index in DIR away, damaged or not, and builds it anew
from PATH... (give every source: what is not given is no longer indexed);
in PostgreSQL it empties the results tables (calls, turns, findings,
call_tasks), never the decisions.

--from-jsonl loads the lines of callqa scan --format jsonl --with-call
(files, or - for standard input) as they are, without analyzing them again:
scan runs as a stateless mapper on many machines, index loads its output.
A line that is not JSON, or lacks "call" or "rules_version", is reported
with its file and line and the load goes on. The candidates for review are
those of the lines: run scan with --similar to queue them as index does
(with the packs' examples only; scan reads no decisions database).

The similar-sentence pass runs by default (--similar=false: off): agent
turns no rule flagged that resemble a violation example are stored as
candidates for review, never as findings. The examples are the packs' own
and the violations reviewers confirmed or added in the decisions database
(--db, default the SQLite file beside the index; none when it does not
exist). A call already indexed and unchanged is not analyzed again: use
--rebuild to queue its candidates against newer decisions.

Exit status: 0 when every input was indexed; 2 when an input failed, the
index is in use by another process, or the rules did not load.`,
		Example: `  callqa index calls/
  callqa index --rebuild --index callqa.bleve calls/
  callqa index --index archive/2026-03.bleve calls/2026-03/
  callqa index --db postgres://qa@db.internal/callqa calls/
  callqa scan --format jsonl --with-call --similar calls/ | callqa index --from-jsonl --db postgres://qa@db.internal/callqa -`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.IndexGiven = cmd.Flags().Changed("index")
			if opts.FromJSONL && len(opts.Rules) > 0 {
				return flagErrorf("--from-jsonl loads analyzed lines: --rules does not apply (give it to scan)")
			}
			if opts.BatchSize < 1 {
				return flagErrorf("--batch-size must be at least 1")
			}
			if err := opts.SimilarOptions.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runIndex(opts)
		},
	}
	addBatchFlags(cmd, &opts.BatchOptions)
	addSimilarFlags(cmd, &opts.SimilarOptions, true)
	cmd.Flags().StringVar(&opts.Dir, "index", index.DefaultDir, "index `DIR`")
	cmd.Flags().IntVar(&opts.BatchSize, "batch-size", index.DefaultBatchSize, "calls per committed batch")
	cmd.Flags().BoolVar(&opts.Rebuild, "rebuild", false, "throw the index away (a damaged one too) and build it anew from PATH...")
	cmd.Flags().BoolVar(&opts.Progress, "progress", false, "print a line on stderr after each committed batch")
	cmd.Flags().BoolVar(&opts.FromJSONL, "from-jsonl", false, "load the lines of callqa scan --format jsonl --with-call from PATH... (files or -) without analyzing")
	addDBFlag(cmd, &opts.DB)
	return cmd
}

// indexMemoryLimit is the soft limit of the Go heap while callqa index
// runs (runtime/debug.SetMemoryLimit), unless GOMEMLIMIT sets one: Bleve's
// batches and merges leave much garbage, and with the collector's default
// pacing alone the heap doubled over what was live (450 MB peak RSS at
// 20,000 calls; 320 MB with a limit of 256 MiB, for 4% more CPU time). At
// 100,000 calls the peak is this limit plus the pages of the index's
// segments and of the executable that the process has touched: 240 MiB
// keeps it under 400 MB (370–373 MiB, 388–391 MB, against 382–385 MiB,
// 400–404 MB, with 256 MiB; 1.5% more CPU time; two alternating runs
// each).
const indexMemoryLimit = 240 << 20

func runIndex(opts *IndexOptions) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(indexMemoryLimit))
	}
	if opts.FromJSONL {
		return runIndexFromJSONL(opts)
	}
	var err error
	// Four calls a worker ahead, not a scan's 32: Bleve's batches are what
	// the analysis waits for here, and each result carries its words (at
	// 32, the peak RSS of 100,000 calls rose by 10 MB).
	so := scannerOptions{Paths: opts.Paths, BatchOptions: opts.BatchOptions, SimilarOptions: opts.SimilarOptions, KeepWords: true, Ahead: 4}
	if opts.Similar {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		so.Confirmed, err = loadConfirmed(ctx, opts.DB, opts.Dir)
		cancel()
		if err != nil {
			return &exitError{code: exitTrouble, err: err}
		}
	}
	s, err := newScanner(opts.IO, so)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	w, where, err := opts.openWriter()
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	version := index.RulesVersion(s.set)
	summary, runErr := s.run(func(res *result.Result) error {
		_, err := w.Add(res, version)
		return err
	})
	closeErr := w.Close()
	skipped := ""
	if len(summary.SkippedFiles) > 0 {
		skipped = ", skipped " + corpus.SkippedString(summary.SkippedFiles)
	}
	printIndexed(opts.IO.Out, where, w.Tally(), summary.InputErrors, skipped)
	if err := errors.Join(runErr, closeErr); err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	return checkInputs(opts.IO.ErrOut, summary)
}

// openWriter opens where the results go (openResultsWriter).
func (opts *IndexOptions) openWriter() (index.Writer, string, error) {
	return openResultsWriter(resultsWriterOptions{
		Dir: opts.Dir, IndexGiven: opts.IndexGiven, DB: opts.DB,
		BatchSize: opts.BatchSize, Rebuild: opts.Rebuild, ErrOut: opts.IO.ErrOut,
		OnCommit: func(n int) {
			if opts.Progress {
				fmt.Fprintf(opts.IO.ErrOut, "callqa: committed %d calls\n", n)
			}
		},
	})
}

// printIndexed prints the summary line of callqa index.
func printIndexed(w io.Writer, where string, c index.Counts, failed int, skipped string) {
	fmt.Fprintf(w, "%s: %d added, %d updated, %d unchanged, %d failed%s\n", where, c.Added, c.Updated, c.Unchanged, failed, skipped)
}
