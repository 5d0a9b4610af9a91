package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/backtest"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/review"
)

// BacktestOptions are the inputs of callqa backtest.
type BacktestOptions struct {
	IO      *IOStreams
	Indexes []string
	// Rules are the candidate's user packs (loaded after the built-in
	// packs); BaseRules the baseline's, what runs today.
	Rules, BaseRules []string
	// DB is the decisions database (--db).
	DB string
	// Decisions, when set, gives the reviewers' decisions.
	Decisions  backtest.DecisionSource
	Format     string
	FailOnLoss bool
	Workers    int
}

var reviewFormats = []string{"table", "json"}

func newBacktestCmd(ios *IOStreams, runF func(*BacktestOptions) error) *cobra.Command {
	opts := &BacktestOptions{IO: ios}
	var decisions string
	cmd := &cobra.Command{
		Use:   "backtest --rules CANDIDATE... [--index DIR] [--base-rules PATH]... [--decisions FILE]",
		Short: "Re-analyze the indexed calls with candidate rule packs and report what changes",
		Long: `Re-analyze every call stored in the index from its stored transcript (never
the original files) twice: with the baseline packs (the built-in packs and
--base-rules, what runs today) and with the candidate packs (the built-in
packs and --rules, as scan --rules loads them: a rule with a loaded id
replaces it, a pack's disable: list switches rules off). Give --rules every
user pack the candidate has, as scan would be given them.

Per rule it reports the findings gained (the candidate has the call, turn,
category and rule, the baseline not) and lost, and how many of each the
reviewers had confirmed (appealed and added violations count as
confirmed), dismissed or not decided; a finding's decision is the decision
on its call, turn and category. Then each category's findings in both
runs, and an estimate of both runs' precision on the reviewed findings
(confirmed / (confirmed + dismissed)) and recall on the reviewer-confirmed
violations (those found / all). Drift counts the calls whose baseline
findings differ from what the index stored: the index is stale, or was
built with other packs; re-index before trusting the numbers.

--decisions FILE reads the decisions as JSON lines, one review decision a
line (call_id, turn, category, state: confirmed, dismissed or appealed,
added, rule, by, at, ...); a later line for the same key replaces an
earlier one.

--format json prints one object with stable field names, for CI.

With --db postgres://… and no --index, the calls are read from that
PostgreSQL database (stored by callqa index --db), as are the decisions;
with --index, --db is only the decisions database.

Exit status: 0; 1 with --fail-on-loss when the candidate no longer finds a
violation reviewers confirmed that the baseline finds (under no rule: a
rule renamed or moved does not fail), listed under confirmed_lost; 2 when
a call could not be read from the index, the rules or decisions did not
load, or on a usage error.`,
		Example: `  callqa backtest --index callqa.bleve --rules candidate/
  callqa backtest --base-rules team/ --rules team-new/ --decisions decisions.jsonl
  callqa backtest --rules candidate/ --decisions decisions.jsonl --format json --fail-on-loss`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.Rules) == 0 {
				return flagErrorf("no --rules given (name the candidate rule packs)")
			}
			if err := checkReviewFormat(opts.Format); err != nil {
				return err
			}
			if err := checkWorkers(opts.Workers); err != nil {
				return err
			}
			src, err := decisionsFrom(decisions, opts.DB, opts.Indexes)
			if err != nil {
				return err
			}
			opts.Decisions = src
			if runF != nil {
				return runF(opts)
			}
			return runBacktest(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	f.StringArrayVar(&opts.Rules, "rules", nil, "a candidate user rule pack `PATH` (file or folder), loaded after the built-in packs; repeatable")
	f.StringArrayVar(&opts.BaseRules, "base-rules", nil, "a baseline user rule pack `PATH` (what runs today); repeatable")
	addDecisionFlags(cmd, &decisions, &opts.DB)
	f.StringVarP(&opts.Format, "format", "f", "table", "output: table or json")
	f.BoolVar(&opts.FailOnLoss, "fail-on-loss", false, "exit with status 1 when the candidate loses a reviewer-confirmed violation")
	f.IntVarP(&opts.Workers, "jobs", "j", runtime.GOMAXPROCS(0), "number of calls analyzed at once, on as many cores")
	return cmd
}

// addDecisionFlags adds --decisions FILE and --db, the two places the
// reviewers' decisions can come from (decisionsFrom).
func addDecisionFlags(cmd *cobra.Command, file, db *string) {
	cmd.Flags().StringVar(file, "decisions", "", "reviewers' decisions, a JSON lines `FILE` of review decisions (callqa verdicts export --format decisions); default: the decisions database")
	addDBFlag(cmd, db)
}

// decisionsFrom is where the reviewers' decisions come from: --decisions
// FILE, else the decisions database (--db, else the SQLite file beside the
// first index). Without --db, a missing SQLite file means no decisions yet.
func decisionsFrom(file, db string, indexes []string) (backtest.DecisionSource, error) {
	if file != "" && db != "" {
		return nil, flagErrorf("--decisions and --db both name the decisions; give one")
	}
	if file != "" {
		return backtest.File(file), nil
	}
	dirs, err := expandIndexes(indexes)
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	path := reviewDBPath(db, dirs[0])
	if db == "" && !review.IsURL(path) {
		if _, err := os.Stat(path); err != nil {
			return nil, nil
		}
	}
	return storeSource(path), nil
}

// storeSource is a DecisionSource reading every decision of a decisions
// database.
type storeSource string

// Decisions opens the database, reads the decisions and closes it.
func (s storeSource) Decisions(ctx context.Context) ([]review.Decision, error) {
	st, err := openReview(ctx, string(s), "")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Decisions(ctx, review.Filter{})
}

func checkReviewFormat(format string) error {
	if !slices.Contains(reviewFormats, format) {
		return flagErrorf("invalid --format %q%s; want one of %s", format, lexicon.DidYouMean(format, reviewFormats), strings.Join(reviewFormats, ", "))
	}
	return nil
}

// loadDecisions reads the decisions of src (none when src is nil).
func loadDecisions(src backtest.DecisionSource) ([]review.Decision, error) {
	if src == nil {
		return nil, nil
	}
	return src.Decisions(context.Background())
}

func runBacktest(opts *BacktestOptions) error {
	base, err := loadAnalyzer(opts.BaseRules, analyzer.Options{})
	if err != nil {
		return &exitError{code: exitTrouble, err: fmt.Errorf("baseline: %w", err)}
	}
	cand, err := loadAnalyzer(opts.Rules, analyzer.Options{})
	if err != nil {
		return &exitError{code: exitTrouble, err: fmt.Errorf("candidate: %w", err)}
	}
	decisions, err := loadDecisions(opts.Decisions)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	bi, _, closeAll, err := openResults(opts.Indexes, len(opts.Indexes) > 0, opts.DB)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	defer closeAll()
	rep, err := backtest.Run(context.Background(), bi, backtest.Options{
		Baseline: base, Candidate: cand, Workers: opts.Workers, Decisions: decisions,
		OnError: func(_ string, err error) { printError(opts.IO.ErrOut, err) },
	})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	if opts.Format == "json" {
		err = writeJSON(opts.IO.Out, rep, true)
	} else {
		err = writeBacktestTable(opts.IO.Out, rep)
	}
	if err != nil {
		return err
	}
	switch {
	case rep.Failed > 0:
		fmt.Fprintf(opts.IO.ErrOut, "callqa: %d of %d calls could not be read from the index\n", rep.Failed, rep.Failed+rep.Calls)
		return &exitError{code: exitTrouble}
	case opts.FailOnLoss && len(rep.ConfirmedLost) > 0:
		return &exitError{code: exitViolation}
	}
	return nil
}

// driftShown is how many drifted call ids the table names.
const driftShown = 10

func writeBacktestTable(w io.Writer, rep *backtest.Report) error {
	fmt.Fprintf(w, "%d calls re-analyzed from the index, %d decisions\n", rep.Calls, rep.Decisions)
	if rep.Drift.Calls > 0 {
		ids := rep.Drift.CallIDs
		more := ""
		if len(ids) > driftShown {
			ids, more = ids[:driftShown], fmt.Sprintf(" and %d more", len(ids)-driftShown)
		}
		fmt.Fprintf(w, "drift: %d calls' baseline findings differ from what the index stored (%s%s); re-index them with callqa index\n",
			rep.Drift.Calls, strings.Join(ids, ", "), more)
	}
	fmt.Fprintln(w)
	if len(rep.Rules) == 0 {
		fmt.Fprintln(w, "no finding gained or lost")
	} else {
		tw := termtab.NewWriter(w, 2, 0)
		fmt.Fprintln(tw, "RULE\tCATEGORY\tCHANGE\tFINDINGS\tCONFIRMED\tDISMISSED\tOPEN")
		for _, r := range rep.Rules {
			for _, c := range []struct {
				name string
				n    backtest.Counts
			}{{"gained", r.Gained}, {"lost", r.Lost}} {
				if c.n.Findings > 0 {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", r.Rule, r.Category, c.name, c.n.Findings, c.n.Confirmed, c.n.Dismissed, c.n.Open)
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	tw := termtab.NewWriter(w, 2, 0)
	fmt.Fprintln(tw, "CATEGORY\tBASELINE\tCANDIDATE\tGAINED\tLOST")
	for _, c := range rep.Categories {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", c.Category, c.Baseline, c.Candidate, c.Gained, c.Lost)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = termtab.NewWriter(w, 2, 0)
	fmt.Fprintln(tw, "RUN\tFINDINGS\tCONFIRMED\tDISMISSED\tPRECISION\tRECALL")
	for _, run := range []struct {
		name string
		e    backtest.Estimate
	}{{"baseline", rep.Baseline}, {"candidate", rep.Candidate}} {
		e := run.e
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", run.name, e.Findings, e.Confirmed, e.Dismissed,
			share(e.Precision, e.Confirmed, e.Confirmed+e.Dismissed), share(e.Recall, e.Found, e.Violations))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.ConfirmedLost) > 0 {
		keys := make([]string, len(rep.ConfirmedLost))
		for i, k := range rep.ConfirmedLost {
			keys[i] = k.String()
		}
		fmt.Fprintf(w, "\n%d confirmed violations the candidate no longer finds: %s\n", len(keys), strings.Join(keys, ", "))
	}
	return nil
}

// share prints a ratio as "0.75 (3/4)", or "-" when there is none.
func share(r *float64, n, d int) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f (%d/%d)", *r, n, d)
}
