package callview

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/labels"
	"github.com/callqa/callqa/result"
)

// Segment is a run of a turn's text covered by the same findings: none for
// plain text, one or more where findings overlap. Text is a substring of the
// turn's text, never HTML: a page escapes it like any other text.
type Segment struct {
	Text     string
	Findings []result.Finding
}

// Segments cuts text, a turn's original text, at the edges of the
// findings' byte ranges (Finding.Start and End; the first occurrence of
// Finding.Match when they do not quote it) and returns the pieces in order;
// joined, their texts are text. Overlapping findings do not nest: each piece
// lists every finding that covers it, in the order given, and neighbouring
// pieces covered by the same findings are one segment. Every cut falls on a
// UTF-8 character boundary, so a page can wrap each piece in its own element.
func Segments(text string, findings []result.Finding) []Segment {
	// located is one finding and its byte range [start, end) in text.
	type located struct {
		start, end int
		f          result.Finding
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

// locate returns the byte range of f in text. The finding's Start and End
// are byte offsets into the original turn text; they are used when they are
// in bounds, fall on character boundaries and quote f.Match. Otherwise (a
// finding made on another copy of the text) the first occurrence of f.Match
// is used, and ok is false when there is none.
func locate(text string, f result.Finding) (start, end int, ok bool) {
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

// Part is a piece of a turn as a page shows it: plain (Class ""), or
// marked as a violation (Class "violation") or as a finding that is no
// violation, such as customer_abuse (Class "signal"). Categories are the
// codes of the findings that cover it, and Title names each of them as
// "辱骂 insult · insult.slur · 严重 critical", for a tooltip.
type Part struct {
	Text       string
	Class      string
	Categories []string
	Title      string
}

// Parts are Segments with a class, categories and title; neighbouring
// pieces that would show alike (same class and title) are one part.
func Parts(text string, findings []result.Finding) []Part {
	var out []Part
	for _, s := range Segments(text, findings) {
		p := partOf(s)
		if n := len(out); n > 0 && out[n-1].Class == p.Class && out[n-1].Title == p.Title {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}

func partOf(s Segment) Part {
	p := Part{Text: s.Text}
	if len(s.Findings) == 0 {
		return p
	}
	p.Class = "signal"
	var titles []string
	for _, f := range s.Findings {
		if result.IsViolation(f.Category) {
			p.Class = "violation"
		}
		if !slices.Contains(p.Categories, f.Category) {
			p.Categories = append(p.Categories, f.Category)
		}
		title := codeText(labels.Categories, f.Category) + " · " + f.Rule + " · " + codeText(labels.Severities, f.Severity)
		if !slices.Contains(titles, title) {
			titles = append(titles, title)
		}
	}
	p.Title = strings.Join(titles, "; ")
	return p
}

// codeText is a code as plain text: its Chinese name and the code, "辱骂
// insult", or the code alone when it has no name.
func codeText(m map[string]labels.Label, code string) string {
	if l, ok := m[code]; ok {
		return l.ZH + " " + code
	}
	return code
}
