package cli

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/report"
	"github.com/callqa/callqa/similar"
)

// ScanOptions are the inputs of callqa scan.
type ScanOptions struct {
	IO *IOStreams

	// Paths are transcript files or folders; "-" is standard input.
	Paths []string
	// Format is one of report.Formats().
	Format string
	// Lang is the language of the csv headers, one of report.Langs().
	Lang string
	// Explain records suppressed matches; the table format prints them.
	Explain bool
	// FailOnViolation makes a violation exit with status 1.
	FailOnViolation bool
	// WithCall adds the transcript ("call") and the rules version
	// ("rules_version") to each jsonl line, for callqa index --from-jsonl.
	WithCall bool
	BatchOptions
	SimilarOptions
}

func newScanCmd(ios *IOStreams, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Check transcripts and report violations, tasks and scores",
		Long: `Check transcripts and report, per call, the violations found, the coverage
of the four core tasks and two steps, the score and whether the call passes.

PATH is a transcript (.txt, .json or .jsonl), a folder of them (read
recursively), or - for standard input. The output keeps the input order.
An input that cannot be read is reported on stderr and the scan goes on.

Exit status: 0 when every input was read; 1 with --fail-on-violation when a
violation was found; 2 when an input failed, on a usage error, or when the
rules did not load.

--format csv is for Excel: one row per finding, a UTF-8 byte order mark so
that Excel reads the Chinese, times as 2006-01-02 15:04:05 in the call's own
time zone, a scored column that is false for customer abuse (reported, never
scored), and a single quote before any text cell that starts with = + - @, a
tab or a carriage return, so that Excel shows it instead of running it as a
formula (OWASP's advice on CSV injection). --lang zh writes Chinese headers.

--similar also lists, under "candidates", agent turns no rule flagged that
resemble a violation example (the similar-sentence pass; never a finding).
It is off in scan, as it costs about a fifth more CPU; callqa index runs it
by default and puts the candidates in the reviewers' queue.

--with-call (with --format jsonl) adds two fields to each line: "call", the
transcript as read (its turns with role, label and text; masked as the rest
unless --no-redact), and "rules_version", the version of the loaded packs.
callqa index --from-jsonl loads such lines into the index or PostgreSQL
without analyzing them again, so scan can run as a stateless mapper on many
machines (JSONL in, JSONL out) and one loader stores the results.`,
		Example: `  callqa scan calls/
  callqa scan --format jsonl calls/ > results.jsonl
  callqa scan --format csv --lang zh calls/ > results.csv
  callqa scan --rules team-rules/ --explain calls/D0007.txt
  cat call.txt | callqa scan -
  callqa scan --format jsonl --with-call --similar calls/ | callqa index --from-jsonl -`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if !slices.Contains(report.Formats(), opts.Format) {
				return flagErrorf("invalid --format %q (want one of %s)", opts.Format, strings.Join(report.Formats(), ", "))
			}
			if !slices.Contains(report.Langs(), opts.Lang) {
				return flagErrorf("invalid --lang %q (want one of %s)", opts.Lang, strings.Join(report.Langs(), ", "))
			}
			if err := opts.SimilarOptions.check(); err != nil {
				return err
			}
			if opts.WithCall && opts.Format != "jsonl" {
				return flagErrorf("--with-call goes with --format jsonl")
			}
			if runF != nil {
				return runF(opts)
			}
			return runScan(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "table", "output `format`: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&opts.Lang, "lang", report.LangEn, "language of the csv headers: en (the column codes) or zh (Chinese)")
	f.BoolVar(&opts.Explain, "explain", false, "record matches that did not count and why (the table format prints them)")
	f.BoolVar(&opts.FailOnViolation, "fail-on-violation", false, "exit with status 1 when any violation is found")
	f.BoolVar(&opts.WithCall, "with-call", false, "add the transcript (\"call\") and the rules version to each jsonl line, for callqa index --from-jsonl")
	addBatchFlags(cmd, &opts.BatchOptions)
	// Off by default: the pass costs about a fifth more CPU a scan, and
	// its candidates are for the review queue, which lives in the index.
	addSimilarFlags(cmd, &opts.SimilarOptions, false)
	return cmd
}

// BatchOptions are the options every batch command (scan, eval, index,
// score, report) shares: the rules to load, how to read the inputs, how
// many calls to analyze at once, masking and progress. Each command's
// options embed it and addBatchFlags registers its flags, so a flag that
// every batch command takes is added here, once.
type BatchOptions struct {
	// Rules are user rule packs (files or folders), loaded after the
	// built-in packs, in order.
	Rules []string
	// Workers is the number of calls analyzed at once.
	Workers int
	// Input says how to read the inputs: their format, the roles and
	// merging of speech-recognition segments, CSV columns and limits.
	Input corpus.ReadOptions
	// NoRedact keeps phone, ID and card numbers and e-mail addresses in
	// the output; by default they are masked (package redact).
	NoRedact bool
	// Quiet turns off the progress display.
	Quiet bool
	// MinASRConfidence: a finding on a turn whose recognizer confidence
	// is lower needs review (analyzer.Options.MinASRConfidence); 0 turns
	// the check off.
	MinASRConfidence float64
}

// SimilarOptions are the flags of the similar-sentence pass (scan, index,
// eval): whether it runs and its threshold.
type SimilarOptions struct {
	// Similar runs the pass: agent turns no rule flagged that resemble a
	// violation example become candidates (result.Result.Candidates).
	Similar bool
	// SimilarThreshold is the least cosine of a candidate.
	SimilarThreshold float64
}

// addSimilarFlags registers --similar (on by default when on is true) and
// --similar-threshold.
func addSimilarFlags(cmd *cobra.Command, o *SimilarOptions, on bool) {
	f := cmd.Flags()
	usage := "list agent turns no rule flagged that resemble a violation example as candidates for review (off by default: it costs about a fifth more CPU)"
	if on {
		usage = "queue agent turns no rule flagged that resemble a violation example as candidates for review (--similar=false: off)"
	}
	f.BoolVar(&o.Similar, "similar", on, usage)
	f.Float64Var(&o.SimilarThreshold, "similar-threshold", similar.DefaultThreshold, "least character n-gram cosine (0 to 1) of a candidate and the example it resembles")
}

// check returns a usage error for a threshold outside 0 to 1.
func (o SimilarOptions) check() error {
	if o.SimilarThreshold <= 0 || o.SimilarThreshold > 1 {
		return flagErrorf("invalid --similar-threshold %g (want more than 0, at most 1)", o.SimilarThreshold)
	}
	return nil
}

// addBatchFlags registers the flags of BatchOptions on cmd: --rules,
// --jobs (and its old name --workers), --no-redact, --quiet and the input
// flags of addInputFlags. It sets cmd.PreRunE: before the command runs, a
// --jobs below 1 is a usage error and the input flags are read into
// batch.Input.
func addBatchFlags(cmd *cobra.Command, batch *BatchOptions) {
	f := cmd.Flags()
	f.BoolVar(&batch.NoRedact, "no-redact", false, "keep phone, ID and card numbers and e-mail addresses unmasked in the output (masked by default)")
	f.BoolVarP(&batch.Quiet, "quiet", "q", false, "no progress display on stderr")
	f.StringArrayVar(&batch.Rules, "rules", nil, "load a user rule pack `PATH` (file or folder) after the built-in packs; repeatable")
	f.IntVarP(&batch.Workers, "jobs", "j", runtime.GOMAXPROCS(0), "number of calls analyzed at once, on as many cores")
	// --workers was the name before --jobs; kept so scripts go on working.
	f.IntVar(&batch.Workers, "workers", runtime.GOMAXPROCS(0), "")
	_ = f.MarkHidden("workers")
	f.Float64Var(&batch.MinASRConfidence, "min-asr-confidence", analyzer.DefaultMinASRConfidence,
		"a finding on a turn whose speech-recognition confidence (when the input gives one) is below this needs review; 0: never")
	input := addInputFlags(cmd)
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkWorkers(batch.Workers); err != nil {
			return err
		}
		if c := batch.MinASRConfidence; c < 0 || c > 1 {
			return flagErrorf("invalid --min-asr-confidence %g (want 0 to 1)", c)
		}
		o, err := input.readOptions(cmd)
		if err != nil {
			return &FlagError{Err: err}
		}
		batch.Input = o
		return nil
	}
}

// requirePaths is the Args check of commands that read transcripts.
func requirePaths(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return flagErrorf("no PATH given (name transcript files or folders, or - for standard input)")
	}
	return nil
}

func checkWorkers(n int) error {
	if n < 1 {
		return flagErrorf("invalid --jobs %d (want 1 or more)", n)
	}
	return nil
}

func runScan(opts *ScanOptions) error {
	sc, err := newScanner(opts.IO, scannerOptions{
		Paths: opts.Paths, Explain: opts.Explain, BatchOptions: opts.BatchOptions, SimilarOptions: opts.SimilarOptions,
		TranscriptUnused: !opts.WithCall, // only --with-call writes the transcript
	})
	if err != nil {
		return err
	}
	ro := report.Options{Lang: opts.Lang, WithCall: opts.WithCall}
	if opts.WithCall {
		ro.RulesVersion = index.RulesVersion(sc.set)
	}
	w, err := report.NewWithOptions(opts.Format, opts.IO.Out, ro)
	if err != nil {
		return err
	}
	summary, err := sc.run(w.Write)
	if err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	if err := w.Close(summary); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	if !report.WritesSummary(opts.Format) {
		noteSkipped(opts.IO.ErrOut, summary)
	}
	if err := checkInputs(opts.IO.ErrOut, summary); err != nil {
		return err
	}
	if opts.FailOnViolation && summary.CallsWithViolations > 0 {
		return &exitError{code: exitViolation}
	}
	return nil
}
