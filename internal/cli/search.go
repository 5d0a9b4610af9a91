package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/dburl"
	"github.com/callqa/callqa/internal/reviewidx"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// SearchOptions are the inputs of callqa search.
type SearchOptions struct {
	IO       *IOStreams
	Indexes  []string
	Query    index.Query
	From, To string
	PassOnly bool
	FailOnly bool
	Format   string
	// Verdict keeps the calls (or findings) with a finding in this review
	// state; DB is the decisions database it is read from.
	Verdict string
	DB      string
}

var searchFormats = []string{"table", "json", "jsonl"}

func newSearchCmd(ios *IOStreams, runF func(*SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "search [flags] [QUERY]",
		Short: "Search the indexed calls (or findings) with filters, facets and highlights",
		Long: `Search the calls stored by callqa index. QUERY is Chinese free text: each
space-separated part must occur as a phrase in the call's turns; Traditional
and Simplified, full- and half-width match each other. A QUERY holding one
of : + - " * ~ ^ is Bleve query-string syntax (e.g. '+turns:坐牢 -team:M2'):
to search such a character as written, escape it with a backslash
('坐牢 \+') or leave it out; a QUERY that does not parse is an error that
says so.

--category is one of insult, threat, false_legal_claim,
third_party_disclosure (with --findings also customer_abuse), --party one of
debtor, third_party; a value that is not one of these is an error, with the
nearest one suggested.

Calls come back newest first (--sort score puts the lowest scores first,
--sort relevance the best text matches), each with its matching turns (the
matched words marked 【like this】) and its findings. --format json prints
one object with the total number of matches, the hits and facets by
category, team, agent and month. --findings returns one finding per hit
instead, for exports. --needs-review keeps the findings that rest on weak
evidence (an inferred role, low speech-recognition confidence, a sound-alike
or regional word; their review_reason says which), or the calls with one.
--candidates keeps the calls with a candidate for review: an agent turn no
rule flagged that resembles a violation example (callqa index --similar),
listed under the hit's findings.

--index may be given several times or as a glob (archive/2026-*.bleve):
the shards are searched together and totals and facets cover all of them.
--db postgres://… without --index searches the results callqa index --db
stored in that PostgreSQL database (the same flags, the same JSON); with
--index, --db is only the decisions database that --verdict reads.`,
		Example: `  callqa search --category threat --team M1-A --from 2026-03-01 --to 2026-03-08
  callqa search 坐牢
  callqa search --findings --category third_party_disclosure --agent 李娜 --format jsonl
  callqa search --db postgres://qa@db.internal/callqa --category threat 坐牢`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Query.Text = args[0]
			}
			if !slices.Contains(searchFormats, opts.Format) {
				return flagErrorf("invalid --format %q%s; want one of %s", opts.Format, lexicon.DidYouMean(opts.Format, searchFormats), strings.Join(searchFormats, ", "))
			}
			if opts.PassOnly && opts.FailOnly {
				return flagErrorf("--pass and --fail exclude each other")
			}
			var err error
			if opts.Query.From, err = parseDay(opts.From, false); err != nil {
				return flagErrorf("--from: %v", err)
			}
			if opts.Query.To, err = parseDay(opts.To, true); err != nil {
				return flagErrorf("--to: %v", err)
			}
			if opts.PassOnly || opts.FailOnly {
				p := opts.PassOnly
				opts.Query.Pass = &p
			}
			if err := checkSearchFilters(opts.Query); err != nil {
				return err
			}
			if opts.Verdict != "" {
				if _, err := reviewidx.ParseVerdict(opts.Verdict); err != nil {
					return flagErrorf("invalid --verdict %q%s; want one of %s", opts.Verdict, lexicon.DidYouMean(opts.Verdict, reviewidx.Verdicts), strings.Join(reviewidx.Verdicts, ", "))
				}
			}
			if opts.Query.Limit < 1 {
				return flagErrorf("--limit must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSearch(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	f.StringVar(&opts.Query.Category, "category", "", "only calls with a violation of this category: "+strings.Join(index.Categories(false), ", "))
	f.StringVar(&opts.Query.Team, "team", "", "only this team")
	f.StringVar(&opts.Query.Agent, "agent", "", "only this agent")
	f.StringVar(&opts.Query.Party, "party", "", "only calls with this party (debtor or third_party)")
	f.StringVar(&opts.From, "from", "", "only calls started on or after `DATE` (2026-03-01 or RFC 3339)")
	f.StringVar(&opts.To, "to", "", "only calls started before the end of `DATE`")
	f.BoolVar(&opts.PassOnly, "pass", false, "only calls that pass")
	f.BoolVar(&opts.FailOnly, "fail", false, "only calls that fail")
	f.IntVar(&opts.Query.Limit, "limit", 20, "hits per page")
	f.IntVar(&opts.Query.Offset, "offset", 0, "hits to skip (paging)")
	f.StringVar(&opts.Query.Sort, "sort", "date", "order: date, score or relevance")
	f.StringVarP(&opts.Format, "format", "f", "table", "output: table, json or jsonl")
	f.BoolVar(&opts.Query.Findings, "findings", false, "return finding documents instead of calls")
	f.StringVar(&opts.Verdict, "verdict", "", "only calls with a finding in this review state: "+strings.Join(reviewidx.Verdicts, ", ")+" (open: not decided yet)")
	addDBFlag(cmd, &opts.DB)
	f.BoolVar(&opts.Query.NeedsReview, "needs-review", false, "only findings that rest on weak evidence (with --findings), or calls with one")
	f.BoolVar(&opts.Query.Candidates, "candidates", false, "only calls with a candidate for review: a turn no rule flagged that resembles a violation example (not with --findings)")
	return cmd
}

// checkSearchFilters checks the enumerated filters (--category, --party,
// --sort) against the values the index knows, the same list the web API
// checks them against, and makes a bad one a usage error.
func checkSearchFilters(q index.Query) error {
	err := q.Check()
	var fe *index.FilterError
	if errors.As(err, &fe) {
		return flagErrorf("%s", fe.Describe("invalid --"+fe.Field))
	}
	if errors.Is(err, index.ErrCandidatesFindings) {
		return flagErrorf("--candidates and --findings exclude each other: candidates are turns no rule flagged, not findings")
	}
	if err != nil {
		return &FlagError{Err: err}
	}
	return nil
}

// parseDay reads a date (2006-01-02, taken as local midnight) or an RFC 3339
// time. For an end date the whole day is included.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2026-03-01 or an RFC 3339 time", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// expandIndexes resolves globs; no --index means the default folder.
func expandIndexes(list []string) ([]string, error) {
	if len(list) == 0 {
		return []string{index.DefaultDir}, nil
	}
	var out []string
	for _, p := range list {
		if strings.ContainsAny(p, "*?[") {
			m, err := filepath.Glob(p)
			if err != nil {
				return nil, fmt.Errorf("--index %q: %w", p, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("--index %q matches no folder", p)
			}
			out = append(out, m...)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

func runSearch(opts *SearchOptions) error {
	bi, _, closeAll, err := openResults(opts.Indexes, len(opts.Indexes) > 0, opts.DB)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	defer closeAll()
	if opts.Verdict != "" {
		if err := narrowVerdict(opts, bi); err != nil {
			return &exitError{code: exitTrouble, err: err}
		}
	}
	res, err := bi.Search(opts.Query)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	switch opts.Format {
	case "json":
		return writeJSON(opts.IO.Out, res, true)
	case "jsonl":
		if opts.Query.Findings {
			for _, f := range res.Findings {
				if err := writeJSON(opts.IO.Out, f, false); err != nil {
					return err
				}
			}
			return nil
		}
		for _, h := range res.Hits {
			if err := writeJSON(opts.IO.Out, h, false); err != nil {
				return err
			}
		}
		return nil
	}
	return writeSearchTable(opts.IO.Out, res, opts.Query)
}

// narrowVerdict restricts the search to --verdict, reading the decisions
// from --db (by default the database beside the first index).
func narrowVerdict(opts *SearchOptions, bi index.Reader) error {
	ctx := context.Background()
	store, err := openReviewExisting(ctx, opts.DB, opts.Indexes)
	if err != nil {
		return err
	}
	defer store.Close()
	return reviewidx.Narrow(ctx, store, bi, &opts.Query, review.State(opts.Verdict))
}

func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

func writeSearchTable(w io.Writer, res *index.Results, q index.Query) error {
	shown := len(res.Hits) + len(res.Findings)
	fmt.Fprintf(w, "%d matching %s, showing %d from %d (%s)\n", res.Total, map[bool]string{true: "findings", false: "calls"}[q.Findings], shown, q.Offset+1, res.Took.Round(time.Microsecond))
	if q.Findings {
		for _, f := range res.Findings {
			fmt.Fprintf(w, "\n%s  t%d  %s  %s  %s  %s  %s\n  「%s」 %s\n", f.CallID, f.Turn, f.Category, f.Rule, f.StartedAt, f.Team, f.Agent, f.Match, f.Text)
			if f.NeedsReview {
				fmt.Fprintf(w, "  needs review: %s\n", f.ReviewReason)
			}
		}
	}
	for _, h := range res.Hits {
		status := "PASS"
		if !h.Pass {
			status = "FAIL"
		}
		fmt.Fprintf(w, "\n%s  %s  %s  %s  score %d  %s  %s\n", h.CallID, h.StartedAt, h.Team, h.Agent, h.Score, status, strings.Join(h.Categories, ","))
		for _, hl := range h.Highlights {
			fmt.Fprintf(w, "  t%d  %s\n", hl.Turn, hl.Marked)
		}
		for _, f := range h.Findings {
			fmt.Fprintf(w, "  finding t%d %s %s 「%s」%s\n", f.Turn, f.Category, f.Rule, f.Match, reviewNote(f))
		}
		for _, c := range h.Candidates {
			fmt.Fprintf(w, "  candidate t%d %s %.2f like 「%s」 (%s)\n", c.Turn, c.Category, c.Similarity, c.Example, c.Source)
		}
	}
	if len(res.Facets) > 0 && res.Total > 0 {
		fmt.Fprintln(w)
		tw := termtab.NewWriter(w, 2, 0)
		for _, name := range []string{"category", "team", "agent", "month"} {
			var parts []string
			for _, c := range res.Facets[name] {
				parts = append(parts, fmt.Sprintf("%s %d", c.Value, c.Count))
			}
			if len(parts) > 0 {
				fmt.Fprintf(tw, "by %s\t%s\n", name, strings.Join(parts, " · "))
			}
		}
		return tw.Flush()
	}
	return nil
}

// StatsOptions are the inputs of callqa stats.
type StatsOptions struct {
	IO      *IOStreams
	Indexes []string
	By      string
	Format  string
	// DB, a postgres:// URL without --index, is where the results live.
	DB string
}

func newStatsCmd(ios *IOStreams, runF func(*StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "stats [--index DIR | --db URL]... [--by team|agent|month|category]",
		Short: "Violation counts and pass rate per team, agent, month or category",
		Long: `Count the calls, failed calls and violations per team, agent, month or
category of the calls stored by callqa index: in the Bleve index of --index
(default ./callqa.bleve; several or a glob are counted together), or with
--db postgres://… and no --index in that PostgreSQL database.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !slices.Contains(index.StatsBy, opts.By) {
				return flagErrorf("invalid --by %q (want one of %s)", opts.By, strings.Join(index.StatsBy, ", "))
			}
			if !slices.Contains([]string{"table", "json"}, opts.Format) {
				return flagErrorf("invalid --format %q (want table or json)", opts.Format)
			}
			if opts.DB != "" && (len(opts.Indexes) > 0 || !dburl.IsURL(opts.DB)) {
				return flagErrorf("--db: stats reads the results of a postgres:// URL, without --index (it reads no decisions)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runStats(opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	cmd.Flags().StringVar(&opts.By, "by", "team", "group by team, agent, month or category")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output: table or json")
	cmd.Flags().StringVar(&opts.DB, "db", "", resultsDBFlagUsage)
	return cmd
}

func runStats(opts *StatsOptions) error {
	bi, _, closeAll, err := openResults(opts.Indexes, len(opts.Indexes) > 0, opts.DB)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	defer closeAll()
	rows, err := bi.Stats(opts.By)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, rows, true)
	}
	tw := termtab.NewWriter(opts.IO.Out, 2, termtab.AlignRight)
	fmt.Fprintf(tw, "%s\tcalls\tfailed\tpass rate\tviolations\t\n", strings.ToUpper(opts.By))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%d\t\n", r.Group, r.Calls, r.Failed, 100*r.PassRate, r.Violations)
	}
	return tw.Flush()
}

// reviewNote is " (needs review: REASON)" for a finding that needs review.
func reviewNote(f result.Finding) string {
	if !f.NeedsReview {
		return ""
	}
	return " (needs review: " + f.ReviewReason + ")"
}
