package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// VerdictsOptions are the inputs of `callqa verdicts export` and `list`.
type VerdictsOptions struct {
	IO      *IOStreams
	Indexes []string
	DB      string
	Format  string
	Out     string
	Calls   string
	Since   string
	Team    string
	States  []string
	CallIDs []string
	// NoRedact writes exported transcripts unmasked.
	NoRedact bool
}

func newVerdictsCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verdicts",
		Short: "Export or list the reviewers' decisions on findings",
		Long: `Reviewers confirm or dismiss findings, add violations the rules missed and
resolve appeals in the console (callqa serve). Those decisions live in the
decisions database (--db; by default the SQLite file beside the index).
"verdicts export" turns the finished reviews into gold labels that
callqa eval measures the rules against; "verdicts list" shows them.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return flagErrorf("unknown command %q for %q (want export or list)", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newVerdictsExportCmd(ios, nil), newVerdictsListCmd(ios, nil))
	return cmd
}

func verdictsCommonFlags(cmd *cobra.Command, opts *VerdictsOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	addDBFlag(cmd, &opts.DB)
	f.StringVar(&opts.Since, "since", "", "only reviews finished (export) or decisions made (list) on or after `DATE` (2026-03-01 or RFC 3339)")
	f.StringVar(&opts.Team, "team", "", "only calls of `TEAM`")
	f.StringVarP(&opts.Out, "out", "o", "", "write to `FILE` instead of standard output")
}

func newVerdictsExportCmd(ios *IOStreams, runF func(*VerdictsOptions) error) *cobra.Command {
	opts := &VerdictsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "export [--format labels|decisions] [--calls FILE] [--since DATE] [--team TEAM]",
		Short: "Write the finished reviews as gold labels (or every decision as JSONL)",
		Long: `--format labels (the default) writes one line per call whose review was
finished ("review finished" in the console), in the gold-label format of the
dev set (formats.md §3): the violations are the findings reviewers confirmed
(an appealed finding counts until the appeal overturns it) and the violations
they added; dismissed findings are left out. The labels carry no tasks,
steps or party, which reviewers do not decide, so eval scores only the
violations. Extra fields team, agent, reviewed_by and reviewed_at can be
grouped with eval --by.

--calls FILE also writes those calls' transcripts, as stored in the index,
as JSON lines, so that

  callqa verdicts export --calls reviewed.jsonl -o gold.jsonl
  callqa eval --labels gold.jsonl reviewed.jsonl

measures the current rules against what the team decided. Phone, ID and card
numbers in the transcripts are masked unless --no-redact is given.

A finding that appeared after the review was finished (the call was indexed
again with other rules) has no decision: it is left out and counted in a
warning. --format decisions writes every decision (review.Decision) as a
JSON line, the input of callqa backtest --decisions.

With --db postgres://… and no --index, the calls are read from that
PostgreSQL database (stored by callqa index --db), as are the decisions;
with --index, --db is only the decisions database.

Exit status: 0, or 2 when the index or the database cannot be read.`,
		Example: `  callqa verdicts export --calls reviewed.jsonl -o gold.jsonl
  callqa verdicts export --team M1-A --since 2026-11-01 -o gold-m1a.jsonl
  callqa verdicts export --format decisions --db postgres://qa@db/callqa > decisions.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format != "labels" && opts.Format != "decisions" {
				return flagErrorf("--format %q: want labels or decisions", opts.Format)
			}
			if opts.Calls != "" && opts.Format != "labels" {
				return flagErrorf("--calls goes with --format labels")
			}
			if _, err := parseDay(opts.Since, false); err != nil {
				return flagErrorf("--since: %v", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerdictsExport(opts)
		},
	}
	verdictsCommonFlags(cmd, opts)
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "labels", "labels (gold labels of the finished reviews) or decisions (every decision, JSON lines)")
	f.StringVar(&opts.Calls, "calls", "", "also write the reviewed calls' transcripts to `FILE` (JSON lines)")
	f.BoolVar(&opts.NoRedact, "no-redact", false, "write the transcripts unmasked")
	return cmd
}

func newVerdictsListCmd(ios *IOStreams, runF func(*VerdictsOptions) error) *cobra.Command {
	opts := &VerdictsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "list [--state confirmed|dismissed|appealed]... [--call ID]... [--format table|json]",
		Short: "List the decisions on findings",
		Long: `List the decisions of the decisions database, one row per finding: call,
turn, category, state, the rule (empty for an added violation), who decided,
when and why. --state, --call, --team and --since narrow the list.

Exit status: 0, or 2 when the database cannot be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format != "table" && opts.Format != "json" {
				return flagErrorf("--format %q: want table or json", opts.Format)
			}
			for _, s := range opts.States {
				switch review.State(s) {
				case review.StateConfirmed, review.StateDismissed, review.StateAppealed:
				default:
					return flagErrorf("--state %q: want confirmed, dismissed or appealed", s)
				}
			}
			if _, err := parseDay(opts.Since, false); err != nil {
				return flagErrorf("--since: %v", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerdictsList(opts)
		},
	}
	verdictsCommonFlags(cmd, opts)
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "table", "table or json")
	f.StringArrayVar(&opts.States, "state", nil, "only decisions in `STATE` (confirmed, dismissed, appealed; repeatable)")
	f.StringArrayVar(&opts.CallIDs, "call", nil, "only the call `ID` (repeatable)")
	return cmd
}

// openReviewExisting opens the decisions database for reading: a SQLite
// file that does not exist is an error, not a new empty database.
func openReviewExisting(ctx context.Context, db string, indexes []string) (*review.Store, error) {
	dirs, err := expandIndexes(indexes)
	if err != nil {
		return nil, err
	}
	path := reviewDBPath(db, dirs[0])
	if !review.IsURL(path) {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no decisions database at %s (review calls in callqa serve first, or give --db)", path)
		}
	}
	return openReview(ctx, path, "")
}

// output opens --out, or standard output.
func (o *VerdictsOptions) output() (io.Writer, func() error, error) {
	if o.Out == "" {
		return o.IO.Out, func() error { return nil }, nil
	}
	f, err := os.Create(o.Out)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func (o *VerdictsOptions) filter() review.Filter {
	since, _ := parseDay(o.Since, false)
	f := review.Filter{Team: o.Team, Since: since, CallIDs: o.CallIDs}
	for _, s := range o.States {
		f.States = append(f.States, review.State(s))
	}
	return f
}

func runVerdictsExport(opts *VerdictsOptions) error {
	ctx := context.Background()
	st, err := openReviewExisting(ctx, opts.DB, opts.Indexes)
	if err != nil {
		return troubleErr(err)
	}
	defer st.Close()
	w, closeOut, err := opts.output()
	if err != nil {
		return troubleErr(err)
	}
	if opts.Format == "decisions" {
		ds, err := st.Decisions(ctx, opts.filter())
		if err != nil {
			return troubleErr(err)
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, d := range ds {
			if err := enc.Encode(d); err != nil {
				return troubleErr(err)
			}
		}
		return troubleErr(closeOut())
	}
	bi, _, closeIdx, err := openResults(opts.Indexes, len(opts.Indexes) > 0, opts.DB)
	if err != nil {
		return troubleErr(err)
	}
	defer closeIdx()
	exp, err := exportLabels(ctx, st, bi, opts.filter())
	if err != nil {
		return troubleErr(err)
	}
	if err := writeJSONLines(w, exp.Labels); err != nil {
		return troubleErr(err)
	}
	if err := closeOut(); err != nil {
		return troubleErr(err)
	}
	if opts.Calls != "" {
		if err := writeCallsFile(opts.Calls, exp.Calls, !opts.NoRedact); err != nil {
			return troubleErr(err)
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "callqa: exported %d reviewed call(s), %d violation(s)\n", len(exp.Labels), exp.Violations)
	if exp.Undecided > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "callqa: warning: %d finding(s) of %d call(s) have no decision (they appeared after the review was finished); left out of the labels\n", exp.Undecided, exp.UndecidedCalls)
	}
	if len(exp.Missing) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "callqa: warning: %d reviewed call(s) are not in the index (%s); their labels are written, their transcripts are not\n", len(exp.Missing), strings.Join(firstN(exp.Missing, 5), ", "))
	}
	return nil
}

// troubleErr is err as exit status 2 (an input, the database or the
// index could not be read), or nil.
func troubleErr(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitTrouble, err: err}
}

// oneLine keeps a free-text note on one table line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string(nil), s[:n]...), "…")
}

// goldLabel is one exported label line: formats.md §3 plus fields to group
// by with eval --by.
type goldLabel struct {
	CallID     string          `json:"call_id"`
	Violations []goldViolation `json:"violations"`
	Notes      string          `json:"notes,omitempty"`
	Team       string          `json:"team,omitempty"`
	Agent      string          `json:"agent,omitempty"`
	ReviewedBy string          `json:"reviewed_by"`
	ReviewedAt string          `json:"reviewed_at"`
}

type goldViolation struct {
	Category string `json:"category"`
	Turn     int    `json:"turn"`
}

// labelExport is what exportLabels found.
type labelExport struct {
	Labels     []goldLabel
	Calls      []*result.Result
	Violations int
	// Undecided counts findings of finished reviews that have no decision.
	Undecided, UndecidedCalls int
	// Missing lists reviewed calls the index does not hold.
	Missing []string
}

// exportLabels builds the gold labels of the finished reviews a filter
// selects: confirmed (and appealed) findings and added violations of the
// four violation categories.
func exportLabels(ctx context.Context, st *review.Store, bi index.Reader, f review.Filter) (*labelExport, error) {
	crs, err := st.CallReviews(ctx, f)
	if err != nil {
		return nil, err
	}
	exp := &labelExport{}
	if len(crs) == 0 {
		return exp, nil
	}
	var ids []string
	for _, c := range crs {
		ids = append(ids, c.CallID)
	}
	decided := map[review.Key]review.Decision{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		ds, err := st.Decisions(ctx, review.Filter{CallIDs: ids[start:end]})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			decided[d.Key] = d
		}
	}
	byCall := map[string][]review.Decision{}
	for _, d := range decided {
		byCall[d.CallID] = append(byCall[d.CallID], d)
	}
	for _, c := range crs {
		lab := goldLabel{CallID: c.CallID, Violations: []goldViolation{}, Team: c.Team, Agent: c.Agent,
			ReviewedBy: c.By, ReviewedAt: c.At.UTC().Format(time.RFC3339)}
		ds := byCall[c.CallID]
		sort.Slice(ds, func(i, j int) bool {
			if ds[i].Turn != ds[j].Turn {
				return ds[i].Turn < ds[j].Turn
			}
			return ds[i].Category < ds[j].Category
		})
		confirmed, dismissed, added := 0, 0, 0
		for _, d := range ds {
			if !result.IsViolation(d.Category) {
				continue
			}
			if d.Confirmed() {
				lab.Violations = append(lab.Violations, goldViolation{Category: d.Category, Turn: d.Turn})
				if d.Added {
					added++
				} else {
					confirmed++
				}
			} else {
				dismissed++
			}
		}
		lab.Notes = fmt.Sprintf("callqa review: %d confirmed, %d added, %d dismissed", confirmed, added, dismissed)
		exp.Violations += len(lab.Violations)
		exp.Labels = append(exp.Labels, lab)

		res, err := bi.Call(c.CallID)
		if errors.Is(err, index.ErrNotFound) {
			exp.Missing = append(exp.Missing, c.CallID)
			continue
		}
		if err != nil {
			return nil, err
		}
		undecided := 0
		for _, fd := range res.Findings {
			k := review.Key{CallID: c.CallID, Turn: fd.Turn, Category: fd.Category}
			if _, ok := decided[k]; !ok && result.IsViolation(fd.Category) {
				undecided++
			}
		}
		if undecided > 0 {
			exp.Undecided += undecided
			exp.UndecidedCalls++
		}
		exp.Calls = append(exp.Calls, res)
	}
	return exp, nil
}

// writeJSONLines writes values one JSON object per line, Chinese as is.
func writeJSONLines[T any](w io.Writer, values []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeCallsFile writes the stored transcripts as JSON lines in the
// transcript format (formats.md §2) that callqa reads back, masked unless
// redact is false.
func writeCallsFile(path string, calls []*result.Result, redact bool) error {
	out := make([]*corpus.Call, 0, len(calls))
	for _, res := range calls {
		if redact {
			res = res.Redacted()
		}
		out = append(out, res.Call)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := synth.WriteJSONL(f, out); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func runVerdictsList(opts *VerdictsOptions) error {
	ctx := context.Background()
	st, err := openReviewExisting(ctx, opts.DB, opts.Indexes)
	if err != nil {
		return troubleErr(err)
	}
	defer st.Close()
	ds, err := st.Decisions(ctx, opts.filter())
	if err != nil {
		return troubleErr(err)
	}
	w, closeOut, err := opts.output()
	if err != nil {
		return troubleErr(err)
	}
	if opts.Format == "json" {
		if ds == nil {
			ds = []review.Decision{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ds); err != nil {
			return troubleErr(err)
		}
		return troubleErr(closeOut())
	}
	tab := termtab.NewWriter(w, 2, 0)
	fmt.Fprintln(tab, "CALL\tTURN\tCATEGORY\tSTATE\tRULE\tBY\tAT\tREASON")
	for _, d := range ds {
		rule := d.Rule
		if d.Added {
			rule = "(added)"
		}
		reason := d.Reason
		if d.Note != "" {
			reason = strings.TrimSpace(reason + " " + d.Note)
		}
		fmt.Fprintf(tab, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", d.CallID, d.Turn, d.Category, d.State, rule, d.By,
			d.At.Local().Format("2006-01-02 15:04"), oneLine(reason))
	}
	if err := tab.Flush(); err != nil {
		return troubleErr(err)
	}
	fmt.Fprintf(w, "%d decision(s)\n", len(ds))
	return troubleErr(closeOut())
}
