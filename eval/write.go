package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/internal/termtab"
)

// Formats returns the names Write accepts.
func Formats() []string {
	return []string{"table", "json"}
}

// Write writes the report as "table" or "json". verbose adds the lists of
// false positives, false negatives and mismatches to the table; the JSON
// form always has them.
func (r *Report) Write(w io.Writer, format string, verbose bool) error {
	switch format {
	case "table":
		return r.WriteTable(w, verbose)
	case "json":
		return r.WriteJSON(w)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// maxTextRunes is how much of a turn's text the verbose table quotes.
const maxTextRunes = 60

// WriteTable writes the report for people. The figures come last, with
// the turn-level violation scores at the very end, so that the tail of a
// long -v listing is the part to read (and to paste into notes). Columns
// are measured by their display width (package termtab); quoted Chinese
// text is always the last column.
func (r *Report) WriteTable(w io.Writer, verbose bool) error {
	tw := termtab.NewWriter(w, 2, 0)
	if verbose {
		r.writeDetails(tw)
	}

	fmt.Fprintf(tw, "%d calls scanned, %d labels, %d calls evaluated\n", r.Scanned, r.Labeled, r.Evaluated)
	writeIDs(tw, "scanned without a label (not scored)", r.Unlabeled)
	writeIDs(tw, "labeled but not scanned (gold violations count as missed)", r.Unscanned)
	writeIDs(tw, "scanned more than once (first result scored)", r.Duplicates)
	fmt.Fprintln(tw)

	fmt.Fprintf(tw, "party\t%s\n", accuracyCells(r.Party))
	fmt.Fprintf(tw, "clean calls failed\t%d of %d\n", len(r.Clean.Failed), r.Clean.Total)
	writeIDs(tw, "", r.Clean.Failed)
	if r.Candidates != nil {
		writeCandidates(tw, r.Candidates)
	}
	fmt.Fprintln(tw)

	fmt.Fprintln(tw, "task / step\tcorrect\taccuracy\tP\tR\tF1")
	for _, group := range [][]CodeScore{r.Tasks, r.Steps} {
		for _, c := range group {
			if c.Accuracy.Total == 0 {
				fmt.Fprintf(tw, "%s\t-\tn/a\n", c.Code)
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Code, accuracyCells(c.Accuracy), fmtRatio(c.Covered.Precision), ratios(c.Covered))
		}
	}
	fmt.Fprintln(tw)

	fmt.Fprintln(tw, "violations by call\tTP\tFP\tFN\tP\tR\tF1")
	for _, c := range r.Calls {
		writeScore(tw, c.Category, c.Score)
	}
	fmt.Fprintln(tw)

	fmt.Fprintln(tw, "violations by turn\tTP\tFP\tFN\tP\tR\tF1")
	for _, c := range r.Turns {
		writeTurnScore(tw, c.Category, c.Score, r.Floor)
	}
	writeTurnScore(tw, "micro average", r.Micro, r.Floor)
	for _, b := range r.By {
		writeBreakdown(tw, b, verbose)
	}
	return tw.Flush()
}

// writeBreakdown writes one --by field: a heading, then for each group
// its number of calls and clean calls failed, its task and step accuracy
// and its turn-level violation scores. verbose lists each group's call
// ids.
func writeBreakdown(w io.Writer, b Breakdown, verbose bool) {
	fmt.Fprintf(w, "\nby %s: %d %s\n", b.Field, len(b.Groups), plural(len(b.Groups), "group", "groups"))
	for _, g := range b.Groups {
		fmt.Fprintf(w, "\n%s = %s: %d %s", b.Field, g.Value, g.Calls, plural(g.Calls, "call", "calls"))
		if n := g.Calls - g.Evaluated; n > 0 {
			fmt.Fprintf(w, " (%d not scanned)", n)
		}
		fmt.Fprintf(w, ", clean calls failed %d of %d\n", len(g.Clean.Failed), g.Clean.Total)
		writeIDs(w, "", g.Clean.Failed)
		if verbose {
			writeIDs(w, "calls", g.CallIDs)
		}
		fmt.Fprintln(w, "task / step\tcorrect\taccuracy")
		for _, group := range [][]CodeScore{g.Tasks, g.Steps} {
			for _, c := range group {
				fmt.Fprintf(w, "%s\t%s\n", c.Code, accuracyCells(c.Accuracy))
			}
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "violations by turn\tTP\tFP\tFN\tP\tR\tF1")
		for _, c := range g.Turns {
			writeScore(w, c.Category, c.Score)
		}
		writeScore(w, "micro average", g.Micro)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (r *Report) writeDetails(w io.Writer) {
	fmt.Fprintf(w, "false positives (%d)\n", len(r.FalsePositives))
	for _, m := range r.FalsePositives {
		fmt.Fprintf(w, "  %s\tt%d\t%s\t%s\t「%s」 %s\n", m.CallID, m.Turn, m.Category, m.Rule, m.Match, clip(m.Text))
	}
	fmt.Fprintf(w, "\nfalse negatives (%d)\n", len(r.FalseNegatives))
	for _, m := range r.FalseNegatives {
		fmt.Fprintf(w, "  %s\tt%d\t%s%s\n", m.CallID, m.Turn, m.Category, lastCell(clip(m.Text)))
	}
	fmt.Fprintf(w, "\ntask and step mismatches (%d)\n", len(r.CoverageMismatches))
	for _, m := range r.CoverageMismatches {
		fmt.Fprintf(w, "  %s\t%s\twant %s\tgot %s%s\n", m.CallID, m.Code, mark(m.Want), mark(m.Got), lastCell(turnList(m.Turns)))
	}
	fmt.Fprintf(w, "\nparty mismatches (%d)\n", len(r.PartyMismatches))
	for _, m := range r.PartyMismatches {
		got := m.Got
		if got == "" {
			got = "(none)"
		}
		fmt.Fprintf(w, "  %s\twant %s\tgot %s\n", m.CallID, m.Want, got)
	}
	fmt.Fprintln(w)
}

// writeIDs writes a heading line and the call ids, ten to a line; nothing
// when ids is empty.
func writeIDs(w io.Writer, heading string, ids []string) {
	if len(ids) == 0 {
		return
	}
	if heading != "" {
		fmt.Fprintf(w, "%s: %d\n", heading, len(ids))
	}
	for i := 0; i < len(ids); i += 10 {
		fmt.Fprintf(w, "  %s\n", strings.Join(ids[i:min(i+10, len(ids))], " "))
	}
}

func writeScore(w io.Writer, name string, s Score) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\n", name, s.TP, s.FP, s.FN, fmtRatio(s.Precision), ratios(s))
}

// writeTurnScore writes a turn-level score row like writeScore, with the
// F1 printed so that it reads on the right side of floor (see
// Report.Floor).
func writeTurnScore(w io.Writer, name string, s Score, floor float64) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\t%s\n", name, s.TP, s.FP, s.FN, fmtRatio(s.Precision), fmtRatio(s.Recall), fmtAgainst(s.F1, floor, 3))
}

// fmtAgainst formats v with at least digits decimals, and more when
// needed for the printed figure to compare with floor as v does: 0.98996
// against 0.99 is "0.98996" where three decimals would print "0.990"
// for a figure below the floor. A floor of 0 or less asks for nothing.
func fmtAgainst(v, floor float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if floor <= 0 {
		return s
	}
	for d := digits; d <= 17; d++ {
		s = strconv.FormatFloat(v, 'f', d, 64)
		if p, err := strconv.ParseFloat(s, 64); err == nil && (p < floor) == (v < floor) {
			return s
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// ratios renders recall and F1 as two cells.
func ratios(s Score) string {
	return fmtRatio(s.Recall) + "\t" + fmtRatio(s.F1)
}

func fmtRatio(f float64) string {
	return strconv.FormatFloat(f, 'f', 3, 64)
}

func accuracyCells(a Accuracy) string {
	if a.Total == 0 {
		return "-\tn/a"
	}
	return fmt.Sprintf("%d/%d\t%.1f%%", a.Correct, a.Total, 100*a.Rate)
}

// lastCell returns s as a final cell after a tab, or nothing when s is
// empty, so that lines do not end in padding.
func lastCell(s string) string {
	if s == "" {
		return ""
	}
	return "\t" + s
}

func mark(b bool) string {
	if b {
		return "✓"
	}
	return "✗"
}

func turnList(turns []int) string {
	if len(turns) == 0 {
		return ""
	}
	s := make([]string, len(turns))
	for i, n := range turns {
		s[i] = "t" + strconv.Itoa(n)
	}
	return "evidence " + strings.Join(s, ",")
}

// clip shortens text to maxTextRunes runes.
func clip(text string) string {
	if utf8.RuneCountInString(text) <= maxTextRunes {
		return text
	}
	runes := []rune(text)
	return string(runes[:maxTextRunes]) + "…"
}

// MinF1 checks the turn-level F1 of every violation category and the micro
// average against floor, unrounded. It returns nil when none is below it,
// and otherwise one error naming each score that is, with four decimals
// or as many more as it takes to read below the floor, such as
// "turn-level F1 below 0.8: insult 0.7500, micro average 0.7999".
func (r *Report) MinF1(floor float64) error {
	var below []string
	for _, c := range r.Turns {
		if c.F1 < floor {
			below = append(below, c.Category+" "+fmtAgainst(c.F1, floor, 4))
		}
	}
	if r.Micro.F1 < floor {
		below = append(below, "micro average "+fmtAgainst(r.Micro.F1, floor, 4))
	}
	if len(below) == 0 {
		return nil
	}
	return fmt.Errorf("turn-level F1 below %s: %s", strconv.FormatFloat(floor, 'f', -1, 64), strings.Join(below, ", "))
}
