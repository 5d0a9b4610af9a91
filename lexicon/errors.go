package lexicon

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a rule pack, at a position in its file.
// Line and Col are 1-based; 0 means unknown.
type Error struct {
	File   string
	Line   int
	Col    int
	RuleID string
	Msg    string
}

// Error formats the problem as "file:line:col: rule ID: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.RuleID != "" {
		b.WriteString("rule " + e.RuleID + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList collects every problem found while loading, in the manner of
// go/scanner.ErrorList.
type ErrorList []*Error

// Add appends a problem.
func (l *ErrorList) Add(file string, line, col int, ruleID, format string, args ...any) {
	*l = append(*l, &Error{File: file, Line: line, Col: col, RuleID: ruleID, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the problems by file and position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Error prints one problem a line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns nil for an empty list, else the sorted list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}
