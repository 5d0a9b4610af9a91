package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/backtest"
	"github.com/callqa/callqa/corpus"

	"github.com/callqa/callqa/eval"
	"github.com/callqa/callqa/result"
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
	BatchOptions
	// Only, when set, restricts scoring to these call ids and ranges
	// (eval.ParseIDs; each entry is a comma-separated list). Labels and
	// scanned calls outside them are ignored.
	Only []string
	// By are the fields to break the figures down by (eval.GroupBy), in
	// order, without duplicates.
	By []string
	// Tags is a JSON-lines file of extra per-call fields for By
	// (eval.ReadTags).
	Tags string
	// SimilarOptions run the similar-sentence pass and score its
	// candidates (off by default in eval).
	SimilarOptions
	// Decisions, with Similar, is a JSON-lines file of review.Decision
	// (backtest.ReadDecisions) whose confirmed violations become examples
	// of the pass (confirmedExamples), as index does with the decisions
	// database.
	Decisions string
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

--only IDS scores only the listed calls: a comma-separated list of call ids
and inclusive ranges such as DEV001..DEV170 (both ends with the same prefix;
the numbers are compared as numbers, so DEV9..DEV10 holds DEV9 and DEV10);
repeatable. Labels and scanned calls outside the list are ignored, neither
scored nor listed as missing. A malformed item is a usage error; a list that
matches no label, or no scanned call, is an error.

--by FIELD (repeatable, or comma-separated) adds, after the report, the
figures per value of FIELD: turn-level TP, FP, FN, P, R and F1 per category
and micro-averaged, the number of calls, clean calls failed and task and step
accuracy. FIELD is looked up in order in:
  - the --tags file, then the label line's top-level fields (extra keys such
    as "variety" included; party is the gold party);
  - the transcript header: agent, team, kind, party, date (the date of
    started_at), or any other header key;
  - for variety, the transcript text: cantonese, taiwan (Traditional
    characters), asr (no punctuation) or mandarin.
Calls without a value are grouped under "(none)"; -v also lists each
group's calls. In --format json the groups are under "by".

--tags FILE is a JSON-lines file of {"call_id": ..., "FIELD": value, ...}
whose fields --by can name; a tag overrides a label field of the same name
for grouping (scoring always uses the labels).

--similar runs the similar-sentence pass and scores its candidates: of the
agent turns it queues, how many hold a gold violation the rules missed and
how many are clean. --decisions FILE adds, as index does from the decisions
database, the violations reviewers confirmed (or added) as examples: FILE
holds JSON lines of decisions, as written by
'callqa verdicts export --format decisions'.

Exit status: 0 when every input was read and no score is below --min-f1;
1 when a score is below --min-f1; 2 when an input failed, on a usage error,
when the labels, tags, decisions or rules did not load, or when --only matched nothing.`,
		Example: `  callqa eval --labels devset/labels.jsonl devset/calls
  callqa eval --labels labels.jsonl -v calls/ | less
  callqa eval --labels labels.jsonl --min-f1 0.8 --format json calls/
  callqa eval --labels devset/labels.jsonl --only DEV001..DEV170 --min-f1 0.95 devset/calls
  callqa eval --labels devset/labels.jsonl --only DEV007,DEV121..DEV140 -v devset/calls
  callqa eval --labels devset/labels.jsonl --by variety devset/calls
  callqa eval --labels devset/labels.jsonl --by team --by date devset/calls
  callqa eval --labels labels.jsonl --tags vendors.jsonl --by vendor calls/
  callqa eval --labels labels.jsonl --similar --decisions decisions.jsonl calls/`,
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
			if err := checkEvalSelection(opts); err != nil {
				return err
			}
			if err := opts.SimilarOptions.check(); err != nil {
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
	f.StringArrayVar(&opts.Only, "only", nil, "score only these call `IDS`: comma-separated ids and ranges such as DEV001..DEV170; repeatable")
	f.StringArrayVar(&opts.By, "by", nil, "also print the figures per value of `FIELD` (label field, header field, or variety); repeatable or comma-separated")
	f.StringVar(&opts.Tags, "tags", "", "JSON-lines `FILE` of extra per-call fields for --by ({\"call_id\": ..., \"FIELD\": ...})")
	addBatchFlags(cmd, &opts.BatchOptions)
	addSimilarFlags(cmd, &opts.SimilarOptions, false)
	f.StringVar(&opts.Decisions, "decisions", "", "with --similar, also use the violations reviewers confirmed in `FILE` (JSON lines, as 'verdicts export --format decisions' writes) as examples")
	return cmd
}

// checkEvalSelection checks --only, --by and --tags and normalizes
// opts.By: split on commas, trimmed, without duplicates. A malformed
// --only item, an empty --by field and --tags without --by are usage
// errors.
func checkEvalSelection(opts *EvalOptions) error {
	if opts.Only != nil {
		if _, err := eval.ParseIDs(opts.Only...); err != nil {
			return flagErrorf("invalid --only: %v", err)
		}
	}
	var by []string
	for _, list := range opts.By {
		for field := range strings.SplitSeq(list, ",") {
			field = strings.TrimSpace(field)
			if field == "" {
				return flagErrorf("invalid --by %q: empty field name", list)
			}
			if !slices.Contains(by, field) {
				by = append(by, field)
			}
		}
	}
	opts.By = by
	if opts.Tags != "" && len(opts.By) == 0 {
		return flagErrorf("--tags FILE is only used with --by FIELD")
	}
	if opts.Decisions != "" && !opts.Similar {
		return flagErrorf("--decisions FILE is only used with --similar")
	}
	return nil
}

func runEval(opts *EvalOptions) error {
	labels, err := eval.ReadLabels(opts.Labels)
	if err != nil {
		return err
	}
	var only *eval.IDSet
	if opts.Only != nil {
		if only, err = eval.ParseIDs(opts.Only...); err != nil {
			return flagErrorf("invalid --only: %v", err)
		}
		if labels = only.Labels(labels); len(labels) == 0 {
			return fmt.Errorf("--only %s matched no label in %s", strings.Join(opts.Only, ","), opts.Labels)
		}
	}
	if opts.Tags != "" {
		tags, err := eval.ReadTags(opts.Tags)
		if err != nil {
			return err
		}
		labels = eval.MergeTags(labels, tags)
	}
	so := scannerOptions{Paths: opts.Paths, BatchOptions: opts.BatchOptions, SimilarOptions: opts.SimilarOptions}
	if opts.Decisions != "" {
		ds, err := backtest.File(opts.Decisions).Decisions(context.Background())
		if err != nil {
			return err
		}
		so.Confirmed = confirmedExamples(ds)
	}
	sc, err := newScanner(opts.IO, so)
	if err != nil {
		return err
	}
	if only != nil {
		// Calls outside --only are read (their ids are in the files)
		// but not analyzed.
		analyze := sc.analyze
		sc.analyze = func(c *corpus.Call) *result.Result {
			if !only.Contains(c.ID) {
				return &result.Result{CallID: c.ID, Source: c.Source, Turns: len(c.Turns)}
			}
			return analyze(c)
		}
	}
	var results []*result.Result
	summary, err := sc.run(func(r *result.Result) error {
		if only == nil || only.Contains(r.CallID) {
			results = append(results, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if only != nil && len(results) == 0 {
		err := fmt.Errorf("--only %s matched no scanned call (%d %s in %s did)",
			strings.Join(opts.Only, ","), len(labels), pluralWord(len(labels), "label", "labels"), opts.Labels)
		if inputErr := checkInputs(opts.IO.ErrOut, summary); inputErr != nil {
			printError(opts.IO.ErrOut, err)
			return inputErr
		}
		return err
	}
	rep := eval.Evaluate(results, labels)
	for _, field := range opts.By {
		rep.By = append(rep.By, eval.GroupBy(results, labels, field))
	}
	rep.Floor = opts.MinF1
	if opts.Similar {
		rep.Candidates = eval.ScoreCandidates(results, labels)
	}
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

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
