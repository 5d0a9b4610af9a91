package result

import (
	"maps"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/redact"
)

// Redacted returns a copy of r with the personal data of every text it
// carries masked (package redact: mobile and landline numbers, resident ID
// and bank-card numbers, e-mail addresses): the turn texts of r.Call, each
// finding's text and quote, hints, suppressed matches and the call's
// metadata values. Masks keep byte lengths, so offsets stay valid; quotes
// are cut from the masked turn, so a number that a quote cuts in half is
// masked too. r is not changed. The call id, source path, agent and team
// are kept: they name the call rather than the debtor.
func (r *Result) Redacted() *Result {
	out := *r
	masked := map[int]string{} // turn number → masked text
	turnText := func(n int, text string) string {
		if m, ok := masked[n]; ok && len(m) == len(text) {
			return m
		}
		m := redact.Mask(text)
		masked[n] = m
		return m
	}
	if r.Call != nil {
		c := *r.Call
		c.Turns = make([]corpus.Turn, len(r.Call.Turns))
		for i, t := range r.Call.Turns {
			t.Text = turnText(t.N, t.Text)
			c.Turns[i] = t
		}
		if c.Meta != nil {
			c.Meta = maps.Clone(c.Meta)
			for k, v := range c.Meta {
				c.Meta[k] = redact.Mask(v)
			}
		}
		out.Call = &c
	}
	if r.Findings != nil {
		out.Findings = make([]Finding, len(r.Findings))
		for i, f := range r.Findings {
			f.Text = turnText(f.Turn, f.Text)
			if 0 <= f.Start && f.Start <= f.End && f.End <= len(f.Text) {
				f.Match = f.Text[f.Start:f.End]
			} else {
				f.Match = redact.Mask(f.Match)
			}
			out.Findings[i] = f
		}
	}
	if r.Hints != nil {
		out.Hints = make([]Hint, len(r.Hints))
		for i, h := range r.Hints {
			h.Quote = redact.Mask(h.Quote)
			h.Evidence = redact.Mask(h.Evidence)
			out.Hints[i] = h
		}
	}
	if r.Suppressed != nil {
		out.Suppressed = make([]Suppressed, len(r.Suppressed))
		for i, s := range r.Suppressed {
			s.Match = redact.Mask(s.Match)
			s.Cue = redact.Mask(s.Cue)
			out.Suppressed[i] = s
		}
	}
	return &out
}
