package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/callqa/callqa/result"
)

// Label is the gold annotation of one call (formats.md §3).
type Label struct {
	CallID string `json:"call_id"`
	// Party is debtor or third_party; empty when the label leaves it out,
	// and then party accuracy skips the call.
	Party      string      `json:"party,omitempty"`
	Violations []Violation `json:"violations"`
	// Tasks and Steps say whether each code is covered. A code the label
	// leaves out is skipped in scoring.
	Tasks map[string]bool `json:"tasks,omitempty"`
	Steps map[string]bool `json:"steps,omitempty"`
	Notes string          `json:"notes,omitempty"`

	// Extra holds the label line's other top-level scalar fields (strings,
	// numbers as written, true or false), such as "variety" or "labeler",
	// for grouping with `callqa eval --by`. Nested values, null and empty
	// strings are left out. MergeTags adds --tags fields here. Scoring
	// never reads it.
	Extra map[string]string `json:"-"`
}

// labelFields are the top-level keys of a label line that formats.md §3
// names; every other scalar key goes to Label.Extra.
var labelFields = []string{"call_id", "party", "violations", "tasks", "steps", "notes"}

// Field returns the value of a top-level scalar field of the label: an
// Extra field (so a --tags field overrides the label's own), else
// call_id, party or notes. ok is false when the label has no non-empty
// value for name.
func (l Label) Field(name string) (value string, ok bool) {
	if v, ok := l.Extra[name]; ok && v != "" {
		return v, true
	}
	switch name {
	case "call_id":
		value = l.CallID
	case "party":
		value = l.Party
	case "notes":
		value = l.Notes
	}
	return value, value != ""
}

// Violation is one gold violation: a category on a 1-based turn.
type Violation struct {
	Category string `json:"category"`
	Turn     int    `json:"turn"`
}

// ParseError is a problem on one line of a labels file. Line is 1-based;
// Column is the 1-based byte column of a JSON syntax error, 0 otherwise.
type ParseError struct {
	Path   string
	Line   int
	Column int
	Err    error
}

// Error returns "path:line: message", or "path:line:column: message".
func (e *ParseError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.Path, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// maxErrors caps how many problems ReadLabels lists, so that pointing it at
// the wrong file does not print one error per line.
const maxErrors = 20

// ReadLabels reads a labels file, one JSON object per line; blank lines
// are skipped and a UTF-8 byte order mark is allowed. The map is keyed by
// call id.
//
// It checks every line and reports every problem it finds (up to 20), as
// *ParseError values joined with errors.Join: malformed JSON, a missing
// call_id, an unknown party, category, task or step code, a turn below 1,
// and a call_id seen before. Fields that formats.md §3 does not name are
// not checked, so that labels may carry more than the scorer needs; their
// scalar values are kept in Label.Extra.
func ReadLabels(path string) (map[string]Label, error) {
	labels := make(map[string]Label)
	firstLine := make(map[string]int)
	err := readJSONLines(path, func(n int, line []byte, report func(error)) {
		lab, lineErrs := parseLabel(line)
		for _, e := range lineErrs {
			report(e)
		}
		// A line with problems still claims its call_id, so that a
		// second line with the same id is reported too.
		if id := lab.CallID; id != "" {
			if first, dup := firstLine[id]; dup {
				report(fmt.Errorf("duplicate call_id %q (first on line %d)", id, first))
			} else {
				firstLine[id] = n
				if len(lineErrs) == 0 {
					labels[id] = lab
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%s: no labels in file", path)
	}
	return labels, nil
}

// readJSONLines calls fn with every non-blank line of a JSON-lines file
// (a UTF-8 BOM on the first line dropped) and a report function for the
// line's problems. It returns every problem as a ParseError naming the
// file, the line and, for malformed JSON, the column; past maxErrors they
// are counted, not listed.
func readJSONLines(path string, fn func(n int, line []byte, report func(error))) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var errs []error
	problems := 0
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, readErr := r.ReadBytes('\n')
		if readErr != nil && readErr != io.EOF {
			return fmt.Errorf("%s: %w", path, readErr)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			fn(n, line, func(err error) {
				problems++
				if problems > maxErrors {
					return
				}
				pe := &ParseError{Path: path, Line: n, Err: err}
				var syn *json.SyntaxError
				if errors.As(err, &syn) {
					// Offset counts the bytes read up to and including
					// the bad one: the 1-based column.
					pe.Column = int(syn.Offset)
				}
				errs = append(errs, pe)
			})
		}
		if readErr == io.EOF {
			break
		}
	}
	if problems > maxErrors {
		errs = append(errs, fmt.Errorf("%s: %d more problems not shown", path, problems-maxErrors))
	}
	return errors.Join(errs...)
}

// parseLabel decodes and checks one line, returning every problem found.
func parseLabel(line []byte) (Label, []error) {
	var lab Label
	if err := json.Unmarshal(line, &lab); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return lab, []error{fmt.Errorf("malformed JSON: %w", err)}
		}
		return lab, []error{fmt.Errorf("malformed label: %w", err)}
	}
	extra, err := scalarFields(line, labelFields)
	if err != nil {
		return lab, []error{fmt.Errorf("malformed label: %w", err)}
	}
	lab.Extra = extra
	var errs []error
	if lab.CallID == "" {
		errs = append(errs, errors.New("missing call_id"))
	}
	switch lab.Party {
	case "", "debtor", "third_party":
	default:
		errs = append(errs, fmt.Errorf("unknown party %q (want debtor or third_party)", lab.Party))
	}
	for i, v := range lab.Violations {
		if !result.IsViolation(v.Category) {
			errs = append(errs, fmt.Errorf("violation %d: unknown category %q (want %s)",
				i+1, v.Category, strings.Join(result.ViolationCategories, ", ")))
		}
		if v.Turn < 1 {
			errs = append(errs, fmt.Errorf("violation %d: turn %d is not a turn number (turns count from 1)", i+1, v.Turn))
		}
	}
	errs = append(errs, checkCodes("task", lab.Tasks, result.TaskCodes, "step", result.StepCodes)...)
	errs = append(errs, checkCodes("step", lab.Steps, result.StepCodes, "task", result.TaskCodes)...)
	return lab, errs
}

// scalarFields decodes the top-level fields of a JSON object, other than
// skip, whose values are strings, numbers or booleans, as strings (numbers
// as written). Nested values, null and empty strings are left out. It
// returns nil when there is none.
func scalarFields(line []byte, skip []string) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, err
	}
	var out map[string]string
	for k, v := range raw {
		if slices.Contains(skip, k) {
			continue
		}
		s, ok := scalar(v)
		if !ok || s == "" {
			continue
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[k] = s
	}
	return out, nil
}

// scalar returns a JSON string, number or boolean as text; ok is false for
// objects, arrays and null.
func scalar(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false
		}
		return s, true
	case '{', '[', 'n':
		return "", false
	}
	return string(v), true // a number or true/false, as written
}

// checkCodes reports the keys of m that are not in known; a key that
// belongs to the other group gets a hint.
func checkCodes(kind string, m map[string]bool, known []string, otherKind string, other []string) []error {
	var errs []error
	for _, code := range sortedKeys(m) {
		switch {
		case slices.Contains(known, code):
		case slices.Contains(other, code):
			errs = append(errs, fmt.Errorf("unknown %s code %q (it is a %s code; put it under \"%ss\")", kind, code, otherKind, otherKind))
		default:
			errs = append(errs, fmt.Errorf("unknown %s code %q (want %s)", kind, code, strings.Join(known, ", ")))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
