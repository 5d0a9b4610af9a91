package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/termtab"
	"github.com/callqa/callqa/result"
)

// tableWriter writes a plain-text report for people, in columns measured
// by their display width (package termtab). Each line keeps its quoted
// Chinese text in the last column, which is not padded.
type tableWriter struct {
	w     io.Writer
	tw    *termtab.Writer
	calls int
}

func newTableWriter(w io.Writer) *tableWriter {
	return &tableWriter{w: w, tw: termtab.NewWriter(w, 2, 0)}
}

func (t *tableWriter) Write(r *result.Result) error {
	if t.calls > 0 {
		fmt.Fprintln(t.tw)
	}
	t.calls++
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	party := r.Party
	if party == "" {
		party = "unknown"
	}
	fmt.Fprintf(t.tw, "%s  score %d  %s  party %s  %s\n", r.CallID, r.Score, verdict, party, r.Source)
	if inf := r.RolesInferred; inf != nil {
		note := ""
		if inf.Weak {
			note = "  UNCERTAIN: check, or give --roles"
		}
		fmt.Fprintf(t.tw, "  roles inferred: speaker %s is the agent (confidence %.2f)%s\n", inf.Agent, inf.Confidence, note)
	}

	var others []result.Finding
	violations := 0
	for _, f := range r.Findings {
		if !result.IsViolation(f.Category) {
			others = append(others, f)
			continue
		}
		violations++
		writeFinding(t.tw, f)
	}
	if violations == 0 {
		fmt.Fprintln(t.tw, "  no violations")
	}
	fmt.Fprintf(t.tw, "  tasks: %s\n", coverageLine(r.Tasks, result.TaskCodes))
	fmt.Fprintf(t.tw, "  steps: %s\n", coverageLine(r.Steps, result.StepCodes))
	if len(others) > 0 {
		fmt.Fprintln(t.tw, "  not scored:")
		for _, f := range others {
			writeFinding(t.tw, f)
		}
	}
	if len(r.Suppressed) > 0 {
		fmt.Fprintln(t.tw, "  suppressed:")
		for _, s := range r.Suppressed {
			cue := ""
			if s.Cue != "" {
				cue = "  cue 「" + s.Cue + "」"
			}
			fmt.Fprintf(t.tw, "  t%d\t%s\t%s\t「%s」%s\n", s.Turn, s.Rule, s.Reason, s.Match, cue)
		}
	}
	return t.tw.Flush()
}

func writeFinding(w io.Writer, f result.Finding) {
	fmt.Fprintf(w, "  t%d\t%s\t%s\t「%s」\n", f.Turn, f.Category, f.Rule, f.Match)
}

// coverageLine renders tasks or steps as
// "demand_payment ✓(t9) ask_reason ✗ …", known codes first.
func coverageLine(m map[string]result.Coverage, known []string) string {
	var parts []string
	for _, code := range codesInOrder(m, known) {
		c := m[code]
		if !c.Covered {
			parts = append(parts, code+" ✗")
			continue
		}
		s := code + " ✓"
		if len(c.Turns) > 0 {
			turns := make([]string, len(c.Turns))
			for i, n := range c.Turns {
				turns[i] = "t" + strconv.Itoa(n)
			}
			s += "(" + strings.Join(turns, ",") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Close writes the summary of the scan; when no call was read it says so
// instead of listing zeros.
func (t *tableWriter) Close(s Summary) error {
	if t.calls > 0 {
		fmt.Fprintln(t.tw)
	}
	if s.Calls == 0 {
		// An all-zero summary would read as a scan that found nothing.
		fmt.Fprintln(t.tw, noCallRead(s))
		return t.tw.Flush()
	}
	fmt.Fprintln(t.tw, "summary")
	fmt.Fprintf(t.tw, "  calls\t%d\n", s.Calls)
	fmt.Fprintf(t.tw, "  passed\t%d\n", s.Passed)
	fmt.Fprintf(t.tw, "  failed\t%d\n", s.Failed)
	fmt.Fprintf(t.tw, "  input errors\t%d\n", s.InputErrors)
	if len(s.SkippedFiles) > 0 {
		fmt.Fprintf(t.tw, "  skipped\t%s (not transcripts by their extension)\n", corpus.SkippedString(s.SkippedFiles))
	}
	fmt.Fprintf(t.tw, "  calls with violations\t%d\n", s.CallsWithViolations)
	fmt.Fprintln(t.tw, "  violating turns:")
	for _, c := range result.ViolationCategories {
		fmt.Fprintf(t.tw, "    %s\t%d\n", c, s.Violations[c])
	}
	return t.tw.Flush()
}

// noCallRead is the table's summary of a scan that read no call.
func noCallRead(s Summary) string {
	switch s.InputErrors {
	case 0:
		return "summary: no call was read"
	case 1:
		return "summary: no call was read: the 1 input failed (the error is on stderr)"
	}
	return fmt.Sprintf("summary: no call was read: all %d inputs failed (the errors are on stderr)", s.InputErrors)
}
