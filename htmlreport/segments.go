package htmlreport

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/analyzer"
)

// segment is a run of a turn's text: plain (Class ""), or covered by one or
// more findings (Class "violation", or "signal" for a finding that is not a
// violation, such as customer_abuse). Title names the rules that cover it.
// The template escapes Text and Title; segments are never HTML.
type segment struct {
	Text  string
	Class string
	Title string
}

// span is the byte range [start, end) of one finding in a turn's text.
type span struct {
	start, end int
	rule       string
	violation  bool
}

// locate returns the byte range of f in text. The finding's Start and End
// are byte offsets into the original turn text; they are used when they are
// in bounds, fall on character boundaries and quote f.Match. Otherwise (a
// finding made on another copy of the text) the first occurrence of f.Match
// is used, and ok is false when there is none.
func locate(text string, f analyzer.Finding) (start, end int, ok bool) {
	if validRange(text, f.Start, f.End) && (f.Match == "" || text[f.Start:f.End] == f.Match) {
		return f.Start, f.End, true
	}
	if f.Match == "" {
		return 0, 0, false
	}
	i := strings.Index(text, f.Match)
	if i < 0 {
		return 0, 0, false
	}
	return i, i + len(f.Match), true
}

// validRange reports whether [start, end) is a non-empty byte range of text
// that starts and ends on UTF-8 character boundaries.
func validRange(text string, start, end int) bool {
	if start < 0 || end > len(text) || start >= end {
		return false
	}
	return utf8.RuneStart(text[start]) && (end == len(text) || utf8.RuneStart(text[end]))
}

// segments cuts text at the edges of the findings' spans. Overlapping
// findings do not nest: each piece of text is one segment that names every
// rule covering it, and neighbouring pieces with the same rules merge.
func segments(text string, findings []analyzer.Finding) []segment {
	var spans []span
	cuts := []int{0, len(text)}
	for _, f := range findings {
		s, e, ok := locate(text, f)
		if !ok {
			continue
		}
		spans = append(spans, span{start: s, end: e, rule: f.Rule, violation: analyzer.IsViolation(f.Category)})
		cuts = append(cuts, s, e)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)

	var out []segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		var rules []string
		violation := false
		for _, sp := range spans {
			if sp.start <= a && b <= sp.end {
				if !slices.Contains(rules, sp.rule) {
					rules = append(rules, sp.rule)
				}
				violation = violation || sp.violation
			}
		}
		seg := segment{Text: text[a:b]}
		if len(rules) > 0 {
			seg.Class = "signal"
			if violation {
				seg.Class = "violation"
			}
			seg.Title = strings.Join(rules, ", ")
		}
		if n := len(out); n > 0 && out[n-1].Class == seg.Class && out[n-1].Title == seg.Title {
			out[n-1].Text += seg.Text
			continue
		}
		out = append(out, seg)
	}
	return out
}
