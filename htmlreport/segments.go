package htmlreport

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/analyzer"
)

// segment is a run of a turn's text: plain (Class ""), or covered by one or
// more findings (Class "violation", or "signal" for a finding that is not a
// violation, such as customer_abuse). Title names the rules that cover it.
// Segments go to the page as JSON (see MarshalJSON); its script sets them
// as text, never as HTML.
type segment struct {
	Text  string
	Class string
	Title string
}

// MarshalJSON writes a plain segment as its text, and a covered one as
// [text, class, title]: most of a report's text is plain, and this keeps
// the embedded data small.
func (s segment) MarshalJSON() ([]byte, error) {
	if s.Class == "" && s.Title == "" {
		return json.Marshal(s.Text)
	}
	return json.Marshal([3]string{s.Text, s.Class, s.Title})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *segment) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*s = segment{}
		return json.Unmarshal(b, &s.Text)
	}
	var a [3]string
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*s = segment{Text: a[0], Class: a[1], Title: a[2]}
	return nil
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
	if i < 0 || !validRange(text, i, i+len(f.Match)) { // a Match that is part of a character
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

// Segment is a run of a turn's text covered by the same findings: none for
// plain text, one or more where findings overlap. Text is a substring of the
// turn's text, never HTML: a page escapes it like any other text.
type Segment struct {
	Text     string
	Findings []analyzer.Finding
}

// Segments cuts text, a turn's original text, at the edges of the
// findings' byte ranges (Finding.Start and End; the first occurrence of
// Finding.Match when they do not quote it) and returns the pieces in order;
// joined, their texts are text. Overlapping findings do not nest: each piece
// lists every finding that covers it, in the order given, and neighbouring
// pieces covered by the same findings are one segment. Every cut falls on a
// UTF-8 character boundary, so a page can wrap each piece in its own element.
func Segments(text string, findings []analyzer.Finding) []Segment {
	// located is one finding and its byte range [start, end) in text.
	type located struct {
		start, end int
		f          analyzer.Finding
	}
	var spans []located
	cuts := []int{0, len(text)}
	for _, f := range findings {
		s, e, ok := locate(text, f)
		if !ok {
			continue
		}
		spans = append(spans, located{start: s, end: e, f: f})
		cuts = append(cuts, s, e)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)

	var out []Segment
	var covering []int // indexes into spans of the last segment's findings
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		var cover []int
		for j, sp := range spans {
			if sp.start <= a && b <= sp.end {
				cover = append(cover, j)
			}
		}
		if n := len(out); n > 0 && slices.Equal(covering, cover) {
			out[n-1].Text += text[a:b]
			continue
		}
		seg := Segment{Text: text[a:b]}
		for _, j := range cover {
			seg.Findings = append(seg.Findings, spans[j].f)
		}
		out = append(out, seg)
		covering = cover
	}
	return out
}

// segments are the report's pieces of a turn: Segments with a class and
// the names of the rules that cover each piece; neighbouring pieces with the
// same class and rules merge.
func segments(text string, findings []analyzer.Finding) []segment {
	var out []segment
	for _, s := range Segments(text, findings) {
		var rules []string
		violation := false
		for _, f := range s.Findings {
			if !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
			}
			violation = violation || analyzer.IsViolation(f.Category)
		}
		seg := segment{Text: s.Text}
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
