package htmlreport

import (
	"encoding/json"

	"github.com/callqa/callqa/callview"
)

// segment is a run of a turn's text as the page's script reads it: a
// callview.Part, plain (Class "") or marked ("violation", or "signal" for
// a finding that is no violation, such as customer_abuse), Title naming
// the findings that cover it. Segments go to the page as JSON (see
// MarshalJSON); its script sets them as text, never as HTML.
type segment struct {
	Text  string
	Class string
	Title string
}

// segments are a turn's parts as the page's script reads them.
func segments(parts []callview.Part) []segment {
	out := make([]segment, len(parts))
	for i, p := range parts {
		out[i] = segment{Text: p.Text, Class: p.Class, Title: p.Title}
	}
	return out
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
