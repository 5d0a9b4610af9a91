package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/backtest"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/lexicon"
)

// RulesHealthOptions are the inputs of callqa rules health.
type RulesHealthOptions struct {
	IO      *IOStreams
	Indexes []string
	Rules   []string
	// DB is the decisions database (--db).
	DB string
	// Decisions, when set, gives the reviewers' decisions.
	Decisions   backtest.DecisionSource
	Format      string
	MinReviewed int
}

func newRulesHealthCmd(ios *IOStreams, runF func(*RulesHealthOptions) error) *cobra.Command {
	opts := &RulesHealthOptions{IO: ios}
	var decisions string
	cmd := &cobra.Command{
		Use:   "health [--index DIR] [--rules PATH]... [--decisions FILE]",
		Short: "List rules that never fired, rules reviewers dismiss, and violations no rule caught",
		Long: `Check the loaded rules (the built-in packs and --rules) against the indexed
calls and the reviewers' decisions, the QA lead's to-do list for the packs:

  - the violation rules with no finding in the index (never fired);
  - the rules with at least --min-reviewed decided findings, ranked by the
    share of them reviewers dismissed (with confirmed, dismissed and open
    counts; appealed counts as confirmed);
  - the violations reviewers added that no finding in the index is on
    (missed: no rule catches them);
  - the decisions whose finding the index no longer holds, because the call
    was analyzed again and the finding is gone (orphaned).

--decisions FILE reads the decisions as JSON lines, one review decision a
line, as callqa backtest does. --format json prints one object with stable
field names.

With --db postgres://… and no --index, the calls are read from that
PostgreSQL database (stored by callqa index --db), as are the decisions;
with --index, --db is only the decisions database.

Exit status: 0; 2 when the index, the rules or the decisions did not load,
or on a usage error.`,
		Example: `  callqa rules health --index callqa.bleve
  callqa rules health --rules team/ --decisions decisions.jsonl --min-reviewed 10`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := checkReviewFormat(opts.Format); err != nil {
				return err
			}
			if opts.MinReviewed < 1 {
				return flagErrorf("invalid --min-reviewed %d (want 1 or more)", opts.MinReviewed)
			}
			src, err := decisionsFrom(decisions, opts.DB, opts.Indexes)
			if err != nil {
				return err
			}
			opts.Decisions = src
			if runF != nil {
				return runF(opts)
			}
			return runRulesHealth(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	f.StringArrayVar(&opts.Rules, "rules", nil, "extra rule pack `FILE|DIR` (repeatable; same id replaces)")
	addDecisionFlags(cmd, &decisions, &opts.DB)
	f.StringVarP(&opts.Format, "format", "f", "table", "output: table or json")
	f.IntVar(&opts.MinReviewed, "min-reviewed", 5, "decided findings a rule needs to be ranked by its dismissed share")
	return cmd
}

func runRulesHealth(opts *RulesHealthOptions) error {
	set, err := lexicon.LoadSet(opts.Rules)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
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
	h, err := backtest.CheckHealth(bi, backtest.HealthOptions{Set: set, Decisions: decisions, MinReviewed: opts.MinReviewed})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, h, true)
	}
	return writeHealthTable(opts.IO.Out, h, opts.MinReviewed)
}

func writeHealthTable(w io.Writer, h *backtest.Health, minReviewed int) error {
	fmt.Fprintf(w, "%d calls, %d findings in the index\n\n", h.Calls, h.Findings)
	fmt.Fprintf(w, "Never fired: %d violation rules\n", len(h.NeverFired))
	if len(h.NeverFired) > 0 {
		tw := termtab.NewWriter(w, 2, 0)
		fmt.Fprintln(tw, "RULE\tCATEGORY\tSOURCE")
		for _, r := range h.NeverFired {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Rule, r.Category, r.Source)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nMost dismissed: %d rules with %d or more decided findings\n", len(h.Dismissed), minReviewed)
	if len(h.Dismissed) > 0 {
		tw := termtab.NewWriter(w, 2, 0)
		fmt.Fprintln(tw, "RULE\tCATEGORY\tDISMISSED%\tCONFIRMED\tDISMISSED\tOPEN")
		for _, r := range h.Dismissed {
			fmt.Fprintf(tw, "%s\t%s\t%.0f%%\t%d\t%d\t%d\n", r.Rule, r.Category, 100*r.DismissedShare, r.Confirmed, r.Dismissed, r.Open)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, part := range []struct {
		title string
		refs  []backtest.DecisionRef
	}{
		{"Missed: %d violations reviewers added that no rule caught", h.Missed},
		{"Orphaned: %d decisions whose finding is no longer in the index", h.Orphaned},
	} {
		fmt.Fprintf(w, "\n"+part.title+"\n", len(part.refs))
		if len(part.refs) == 0 {
			continue
		}
		tw := termtab.NewWriter(w, 2, 0)
		fmt.Fprintln(tw, "FINDING\tSTATE\tRULE\tREASON\tBY\tAT")
		for _, d := range part.refs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Key, d.State, dash(d.Rule), dash(d.Reason), dash(d.By), dash(d.At))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// dash is s, or "-" when it is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
