package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/callqa/callqa/result"
)

// Writer writes scan results in one format. Write is called once per call,
// in input order; Close is called once at the end, with the summary of the
// whole scan. A Writer is not safe for concurrent use.
type Writer interface {
	// Write writes the result of one call.
	Write(r *result.Result) error
	// Close ends the output. Formats that have a summary write s;
	// Close does not close the underlying io.Writer.
	Close(s Summary) error
}

// Formats returns the names New accepts, in the order help texts list them.
func Formats() []string {
	return []string{"table", "jsonl", "json", "csv"}
}

// Header languages of the csv format (Options.Lang).
const (
	LangEn = "en"
	LangZh = "zh"
)

// Langs returns the values Options.Lang takes.
func Langs() []string {
	return []string{LangEn, LangZh}
}

// Options change what a Writer writes.
type Options struct {
	// Lang is the language of the csv format's headers: LangEn (also "",
	// the default: the column codes) or LangZh. Cell values stay codes in
	// both. The other formats do not use it yet.
	Lang string
	// WithCall adds two fields to each jsonl line (added fields of
	// formats.md §4): "call", the transcript as read (corpus.Call, masked
	// as the rest of the line), and "rules_version", RulesVersion. callqa
	// index --from-jsonl loads such lines without analyzing them again.
	WithCall     bool
	RulesVersion string
}

// New returns a Writer for format that writes to w.
func New(format string, w io.Writer) (Writer, error) {
	return NewWithOptions(format, w, Options{})
}

// NewWithOptions returns a Writer for format that writes to w with opts.
func NewWithOptions(format string, w io.Writer, opts Options) (Writer, error) {
	if opts.Lang != "" && !slices.Contains(Langs(), opts.Lang) {
		return nil, fmt.Errorf("unknown language %q (want one of %s)", opts.Lang, strings.Join(Langs(), ", "))
	}
	switch format {
	case "table":
		return newTableWriter(w), nil
	case "jsonl":
		j := newJSONLWriter(w)
		j.withCall, j.rulesVersion = opts.WithCall, opts.RulesVersion
		return j, nil
	case "json":
		return newJSONWriter(w), nil
	case "csv":
		return newCSVWriter(w, opts.Lang)
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// Summary is the outcome of a whole scan.
type Summary struct {
	// Calls is the number of calls analyzed.
	Calls int `json:"calls"`
	// Passed and Failed count calls by their Result.Pass.
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// CallsWithViolations counts calls with at least one violation.
	CallsWithViolations int `json:"calls_with_violations"`
	// Violations counts violating turns per violation category: a turn
	// with two findings of the same category counts once (policy.md labels
	// a violation once per category per turn). Every category of
	// result.ViolationCategories is present.
	Violations map[string]int `json:"violations"`
	// InputErrors counts inputs that could not be read or analyzed.
	InputErrors int `json:"input_errors"`
	// SkippedFiles counts the files of the folders read that were skipped
	// for their type, by extension (corpus.Skipped); absent when none were.
	SkippedFiles map[string]int `json:"skipped_files,omitempty"`
}

// WritesSummary reports whether the writer of format prints the Summary
// (the table and JSON do; JSONL and CSV hold results only).
func WritesSummary(format string) bool {
	return format == "table" || format == "json"
}

// Tally accumulates a Summary. Its zero value is ready to use; it is not
// safe for concurrent use.
type Tally struct {
	s Summary
}

// Add counts the result of one call.
func (t *Tally) Add(r *result.Result) {
	if t.s.Violations == nil {
		t.s.Violations = make(map[string]int)
	}
	t.s.Calls++
	if r.Pass {
		t.s.Passed++
	} else {
		t.s.Failed++
	}
	n := 0
	for _, v := range violatingTurns(r) {
		t.s.Violations[v.category]++
		n++
	}
	if n > 0 {
		t.s.CallsWithViolations++
	}
}

// AddInputError counts one input that failed.
func (t *Tally) AddInputError() {
	t.s.InputErrors++
}

// Summary returns the counts so far. The result does not share memory with
// the Tally.
func (t *Tally) Summary() Summary {
	s := t.s
	s.Violations = make(map[string]int, len(result.ViolationCategories))
	for _, c := range result.ViolationCategories {
		s.Violations[c] = t.s.Violations[c]
	}
	return s
}

type turnCategory struct {
	turn     int
	category string
}

// violatingTurns returns the distinct (turn, category) pairs of r's
// violation findings, in finding order.
func violatingTurns(r *result.Result) []turnCategory {
	var out []turnCategory
	seen := make(map[turnCategory]bool)
	for _, f := range r.Findings {
		k := turnCategory{f.Turn, f.Category}
		if !result.IsViolation(f.Category) || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return out
}

// normalize returns r in the shape formats.md §4 promises: findings and
// evidence turns are [] rather than null, and every task and step code is
// present (a code the analyzer left out is not covered). r is not changed.
func normalize(r *result.Result) *result.Result {
	c := *r
	if c.Findings == nil {
		c.Findings = []result.Finding{}
	}
	c.Tasks = fillCoverage(r.Tasks, result.TaskCodes)
	c.Steps = fillCoverage(r.Steps, result.StepCodes)
	return &c
}

func fillCoverage(m map[string]result.Coverage, codes []string) map[string]result.Coverage {
	out := make(map[string]result.Coverage, len(codes)+len(m))
	for k, v := range m {
		if v.Turns == nil {
			v.Turns = []int{}
		}
		out[k] = v
	}
	for _, code := range codes {
		if _, ok := out[code]; !ok {
			out[code] = result.Coverage{Turns: []int{}}
		}
	}
	return out
}

// codesInOrder returns the keys of m: first those of known in that order,
// then any others sorted.
func codesInOrder(m map[string]result.Coverage, known []string) []string {
	out := append([]string(nil), known...)
	var extra []string
	for k := range m {
		if !slices.Contains(known, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}
