package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/htmlreport"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/labels"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// ScoreOptions are the inputs of callqa score.
type ScoreOptions struct {
	IO        *IOStreams
	Paths     []string
	Scorecard string
	Format    string
	BatchOptions
}

var scoreFormats = []string{"table", "json", "html"}

func newScoreCmd(ios *IOStreams, runF func(*ScoreOptions) error) *cobra.Command {
	opts := &ScoreOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "score [--scorecard FILE] [--format table|json|html] PATH...",
		Short: "Score practice calls for trainers: tasks, order, hints, points",
		Long: `Score calls the way a trainer reads them: each core task of a first
collection call (demand payment today, learn the reason, state the
consequences, get a commitment) and the two steps (verify identity, introduce
yourself), done or not, with the evidence turns quoted and the points; the
order the guides teach (verify → introduce → demand → reason → consequences →
commitment) and where the call leaves it; coaching hints tied to turns, with
what to say instead; the total and pass/fail.

A scorecard (YAML) sets the weights, the categories that fail a call
outright, a pass mark, the order and extra required items, which are rules
themselves. Without --scorecard the default scorecard of policy.md is used.
--format json writes one object per call per line; html writes the report
of callqa report to standard output.`,
		Example: `  callqa score practice/trainee-07.txt
  callqa score --scorecard team.yaml --format json practice/`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if !slices.Contains(scoreFormats, opts.Format) {
				return flagErrorf("invalid --format %q (want one of %s)", opts.Format, strings.Join(scoreFormats, ", "))
			}
			if runF != nil {
				return runF(opts)
			}
			return runScore(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scorecard, "scorecard", "", "scorecard `FILE` (default: the built-in policy.md scorecard)")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output: table, json or html")
	addBatchFlags(cmd, &opts.BatchOptions)
	return cmd
}

// loadScorecard reads --scorecard, or gives the default.
func loadScorecard(path string) (*score.Scorecard, []*lexicon.Pack, error) {
	sc := score.Default()
	if path != "" {
		var err error
		if sc, err = score.LoadScorecard(path); err != nil {
			return nil, nil, err
		}
	}
	var extra []*lexicon.Pack
	if sc.Required != nil {
		extra = append(extra, sc.Required)
	}
	return sc, extra, nil
}

func runScore(opts *ScoreOptions) error {
	sc, extra, err := loadScorecard(opts.Scorecard)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	s, err := newScanner(opts.IO, scannerOptions{Paths: opts.Paths, BatchOptions: opts.BatchOptions, Extra: extra})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	var all []*score.CallScore
	summary, err := s.run(func(res *result.Result) error {
		cs := score.Score(res, sc)
		switch opts.Format {
		case "json":
			return writeJSON(opts.IO.Out, cs, false)
		case "html":
			all = append(all, cs)
			return nil
		}
		return writeScoreTable(opts.IO.Out, cs)
	})
	if err != nil {
		return err
	}
	if opts.Format == "html" {
		if err := writeHTMLReport(opts.IO.Out, all, sc); err != nil {
			return err
		}
	}
	return checkInputs(opts.IO.ErrOut, summary)
}

// writeScoreTable prints one call for a trainer.
func writeScoreTable(w io.Writer, cs *score.CallScore) error {
	fmt.Fprintf(w, "%s  %s\n", cs.CallID, scoreHeadline(cs))
	nameWidth := itemNameWidth(cs)
	items := func(title string, m map[string]score.Item, codes []string) {
		for _, code := range codes {
			it, ok := m[code]
			if !ok {
				continue
			}
			mark := "✗"
			if it.Done {
				mark = "✓"
			}
			fmt.Fprintf(w, "  %s %-22s %s %s %2d/%-2d", title, code, termtab.Pad(it.Name, nameWidth), mark, it.Points, it.Max)
			if len(it.Evidence) > 0 {
				e := it.Evidence[0]
				fmt.Fprintf(w, "  t%d 「%s」", e.Turn, e.Text)
				if len(it.Turns) > 1 {
					var more []string
					for _, n := range it.Turns[1:] {
						more = append(more, fmt.Sprintf("t%d", n))
					}
					fmt.Fprintf(w, " (also %s)", strings.Join(more, ", "))
				}
			}
			fmt.Fprintln(w)
		}
	}
	items("task", cs.Tasks, result.TaskCodes)
	items("step", cs.Steps, result.StepCodes)
	var req []string
	for code := range cs.Required {
		req = append(req, code)
	}
	slices.Sort(req)
	items("req ", cs.Required, req)
	var order []string
	for _, o := range cs.Order {
		order = append(order, fmt.Sprintf("%s(t%d)", o.Code, o.Turn))
	}
	fmt.Fprintf(w, "  order: %s", strings.Join(order, " → "))
	if cs.OrderOK {
		fmt.Fprintln(w, "  (as taught)")
	} else {
		fmt.Fprintln(w)
		for _, d := range cs.Departures {
			fmt.Fprintf(w, "    out of order: %s\n", d.Text)
		}
	}
	if len(cs.Hints) > 0 {
		fmt.Fprintln(w, "  hints:")
		for _, h := range cs.Hints {
			where := "  call"
			if h.Turn > 0 {
				where = fmt.Sprintf("  t%-3d", h.Turn)
			}
			q := ""
			if h.Quote != "" {
				q = "「" + h.Quote + "」 "
			}
			if h.EvidenceTurn > 0 {
				q += fmt.Sprintf("(after t%d 「%s」) ", h.EvidenceTurn, h.Evidence)
			}
			fmt.Fprintf(w, "  %s %-22s %s%s\n", where, h.Kind, q, h.Text)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// itemNameWidth is the display width of the longest item name of cs, in
// terminal columns (a Chinese character takes two).
func itemNameWidth(cs *score.CallScore) int {
	n := 0
	for _, m := range []map[string]score.Item{cs.Tasks, cs.Steps, cs.Required} {
		for _, it := range m {
			n = max(n, termtab.Width(it.Name))
		}
	}
	return n
}

// scoreHeadline is a scored call's first line: compliance with the red
// lines (合规 / 违规) apart from the task score, the score (不适用 on a
// call with a third party) against the pass mark, and the verdict:
//
//	合规 compliant · 任务得分 score 0/100, 未达练习及格线 75 below the practice pass mark · 不通过 FAIL (default@2)
func scoreHeadline(cs *score.CallScore) string {
	var b strings.Builder
	if cs.Compliant {
		b.WriteString("合规 compliant")
	} else {
		var cats []string
		for _, v := range cs.Violations {
			cats = append(cats, fmt.Sprintf("%s %s (t%d)", labels.ZH(labels.Categories, v.Category), v.Category, v.Turn))
		}
		b.WriteString("违规 violation: " + strings.Join(cats, ", "))
	}
	b.WriteString(" · ")
	switch {
	case !cs.ScoreApplicable:
		b.WriteString("任务得分不适用 score n/a (第三方 third party)")
	case cs.PassMark > 0:
		mark := "及格线 pass mark"
		if cs.Kind == "practice" && cs.PassMark > 0 {
			mark = "练习及格线 practice pass mark"
		}
		fmt.Fprintf(&b, "任务得分 score %d/%d (%s %d)", cs.Score, cs.Max, mark, cs.PassMark)
	default:
		fmt.Fprintf(&b, "任务得分 score %d/%d", cs.Score, cs.Max)
	}
	if cs.Pass {
		b.WriteString(" · 通过 PASS")
	} else {
		b.WriteString(" · 不通过 FAIL: " + strings.Join(cs.FailReasons, "; "))
	}
	fmt.Fprintf(&b, "  (%s)", cs.Scorecard)
	return b.String()
}

// writeHTMLReport writes the self-contained HTML report of scored calls.
func writeHTMLReport(w io.Writer, calls []*score.CallScore, sc *score.Scorecard) error {
	return htmlreport.Write(w, calls, htmlreport.Options{Scorecard: sc.Label()})
}
