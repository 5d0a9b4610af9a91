package backtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/callqa/callqa/review"
)

// DecisionSource gives the reviewers' current decisions.
type DecisionSource interface {
	Decisions(ctx context.Context) ([]review.Decision, error)
}

// File is a DecisionSource that reads a JSON lines file of
// review.Decision, one a line (blank lines are skipped). A later line for
// the same key replaces an earlier one, as a newer decision does.
type File string

// Decisions reads the file.
func (f File) Decisions(ctx context.Context) ([]review.Decision, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	defer fh.Close()
	return ReadDecisions(fh, string(f))
}

// maxLine is the longest decision line ReadDecisions accepts.
const maxLine = 1 << 20

// ReadDecisions reads JSON lines of review.Decision from r; name is the
// file's name for errors, which say "name:line: what is wrong".
func ReadDecisions(r io.Reader, name string) ([]review.Decision, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var out []review.Decision
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var d review.Decision
		if err := json.Unmarshal(line, &d); err != nil {
			return nil, fmt.Errorf("%s:%d: not a decision: %v", name, n, err)
		}
		if err := check(d); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return out, nil
}

// check says what is wrong with a decision, or nil.
func check(d review.Decision) error {
	switch {
	case d.CallID == "":
		return fmt.Errorf("decision has no call_id")
	case d.Turn < 1:
		return fmt.Errorf("decision on %s: turn %d (want 1 or more)", d.CallID, d.Turn)
	case d.Category == "":
		return fmt.Errorf("decision on %s turn %d has no category", d.CallID, d.Turn)
	}
	switch d.State {
	case review.StateConfirmed, review.StateDismissed, review.StateAppealed:
		return nil
	}
	return fmt.Errorf("decision on %s: state %q (want confirmed, dismissed or appealed)", d.Key, d.State)
}

// byKey maps decisions to their key; a later one for a key replaces an
// earlier one.
func byKey(ds []review.Decision) map[review.Key]review.Decision {
	m := make(map[review.Key]review.Decision, len(ds))
	for _, d := range ds {
		m[d.Key] = d
	}
	return m
}
