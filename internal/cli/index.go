package cli

import (
	"context"
	"errors"
	"fmt"
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
	// beside the index, read only when it exists).
	DB string
}

func newIndexCmd(ios *IOStreams, runF func(*IndexOptions) error) *cobra.Command {
	opts := &IndexOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "index [--index DIR] [--rules PATH]... PATH...",
		Short: "Scan transcripts and store every call and finding in a search index",
		Long: `Scan transcripts with the same readers and analyzer as scan, and store each
call and each finding in a Bleve index on disk (default ./callqa.bleve).

Re-indexing is idempotent: a call whose text and rule-pack versions did not
change is skipped, a changed one is replaced with its old findings removed.
Batches are committed as they fill: if the process dies, every committed
batch is kept and running the command again completes the work. Inputs
that cannot be read are reported as in scan and never touch the index.
--rebuild throws the index in DIR away, damaged or not, and builds it anew
from PATH... (give every source: what is not given is no longer indexed).

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
  callqa index --index archive/2026-03.bleve calls/2026-03/`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
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
	addDBFlag(cmd, &opts.DB)
	return cmd
}

func runIndex(opts *IndexOptions) error {
	var err error
	so := scannerOptions{Paths: opts.Paths, BatchOptions: opts.BatchOptions, SimilarOptions: opts.SimilarOptions}
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
	ix, err := index.Open(opts.Dir, index.Options{
		BatchSize: opts.BatchSize,
		Rebuild:   opts.Rebuild,
		OnCommit: func(n int) {
			if opts.Progress {
				fmt.Fprintf(opts.IO.ErrOut, "callqa: committed %d calls\n", n)
			}
		},
	})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	version := index.RulesVersion(s.set)
	summary, runErr := s.run(func(res *result.Result) error {
		_, err := ix.Add(res, version)
		return err
	})
	closeErr := ix.Close()
	c := ix.Counts
	c.Failed = summary.InputErrors
	skipped := ""
	if len(summary.SkippedFiles) > 0 {
		skipped = ", skipped " + corpus.SkippedString(summary.SkippedFiles)
	}
	fmt.Fprintf(opts.IO.Out, "%s: %d added, %d updated, %d unchanged, %d failed%s\n", opts.Dir, c.Added, c.Updated, c.Unchanged, c.Failed, skipped)
	if err := errors.Join(runErr, closeErr); err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	return checkInputs(opts.IO.ErrOut, summary)
}
