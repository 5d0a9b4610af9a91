package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/corpus"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/eval"
)

// EvalOptions are the inputs of callqa eval.
type EvalOptions struct {
	IO *IOStreams

	// Paths are transcript files or folders; "-" is standard input.
	Paths []string
	// Labels is the gold labels file (formats.md §3).
	Labels string
	// Format is one of eval.Formats().
	Format string
	// Verbose lists false positives, false negatives and mismatches.
	Verbose bool
	// MinF1, when above 0, is the lowest turn-level F1 accepted for each
	// violation category and for the micro average.
	MinF1 float64
	// Rules are user rule packs, as for scan.
	Rules []string
	// Workers is the number of calls analyzed at once.
	Workers int
	BatchOptions
	// Input says how to read speech-recognition outputs.
	Input corpus.ReadOptions
}

func newEvalCmd(ios *IOStreams, runF func(*EvalOptions) error) *cobra.Command {
	opts := &EvalOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "eval --labels FILE [flags] PATH...",
		Short: "Scan transcripts and score the results against gold labels",
		Long: `Scan transcripts as scan does, then compare the results with gold labels
(one JSON object per call, formats.md §3) and print precision, recall and F1
per violation category (by turn and by call), clean calls that failed,
party accuracy and task and step accuracy.

A hit is the same call, turn and category. Only the four violation
categories are scored. Calls without a label are listed and not scored;
labels without a scanned call are listed and their violations count as
missed.

Exit status: 0 when every input was read and no score is below --min-f1;
1 when a score is below --min-f1; 2 when an input failed, on a usage error,
or when the labels or the rules did not load.`,
		Example: `  callqa eval --labels devset/labels.jsonl devset/calls
  callqa eval --labels labels.jsonl -v calls/ | less
  callqa eval --labels labels.jsonl --min-f1 0.8 --format json calls/`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Labels == "" {
				return flagErrorf("--labels FILE is required")
			}
			if !slices.Contains(eval.Formats(), opts.Format) {
				return flagErrorf("invalid --format %q (want one of %s)", opts.Format, strings.Join(eval.Formats(), ", "))
			}
			if opts.MinF1 < 0 || opts.MinF1 > 1 {
				return flagErrorf("invalid --min-f1 %g (want a number from 0 to 1)", opts.MinF1)
			}
			if err := checkWorkers(opts.Workers); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runEval(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Labels, "labels", "", "gold labels `FILE` (JSON lines, formats.md §3)")
	f.StringVarP(&opts.Format, "format", "f", "table", "output `format`: "+strings.Join(eval.Formats(), ", "))
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "list false positives, false negatives and mismatches (table format)")
	f.Float64Var(&opts.MinF1, "min-f1", 0, "exit with status 1 when a category's turn-level F1 or the micro F1 is below `F`")
	addScanFlags(cmd, &opts.Rules, &opts.Workers, &opts.BatchOptions)
	addInputFlags(cmd, &opts.Input)
	return cmd
}

func runEval(opts *EvalOptions) error {
	labels, err := eval.ReadLabels(opts.Labels)
	if err != nil {
		return err
	}
	sc, err := newScanner(opts.IO, opts.Paths, opts.Rules, opts.Workers, false, opts.Input, opts.BatchOptions)
	if err != nil {
		return err
	}
	var results []*analyzer.Result
	summary, err := sc.run(func(r *analyzer.Result) error {
		results = append(results, r)
		return nil
	})
	if err != nil {
		return err
	}
	rep := eval.Evaluate(results, labels)
	if err := rep.Write(opts.IO.Out, opts.Format, opts.Verbose); err != nil {
		return err
	}
	inputErr := checkInputs(opts.IO.ErrOut, summary)
	if opts.MinF1 > 0 {
		if err := rep.MinF1(opts.MinF1); err != nil {
			if inputErr != nil {
				printError(opts.IO.ErrOut, err)
				return inputErr
			}
			return &exitError{code: exitViolation, err: err}
		}
	}
	return inputErr
}
