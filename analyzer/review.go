package analyzer

import (
	"fmt"
	"strings"

	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/textnorm"
)

// Defaults of the weak-evidence thresholds (Options).
const (
	// DefaultMinRoleConfidence: a finding on a call whose roles were
	// inferred with a lower confidence (or weakly) needs review. 0.5 is a
	// lead of three agent-side rules over the other speaker.
	DefaultMinRoleConfidence = 0.5
	// DefaultMinASRConfidence: a finding on a turn the recognizer was
	// less sure of needs review.
	DefaultMinASRConfidence = 0.6
)

// threshold returns v, or def when v is 0; a negative v turns the check
// off (-1, below every confidence).
func threshold(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// soundAlikeIDs maps the term id of every sound-alike spelling of the set
// (lexicon.Set.SoundAlikes) to its reason detail, "起素→起诉".
func (a *Analyzer) soundAlikeIDs() map[int]string {
	out := map[int]string{}
	for form, word := range a.set.SoundAlikes {
		if id, ok := a.terms.ids[textnorm.Normalize(form).Text]; ok {
			out[id] = form + "→" + word
		}
	}
	return out
}

// matchReasons says why the match m of a finding on turn i rests on weak
// evidence in the turn itself: the recognizer's confidence, a sound-alike
// spelling among its words, a regional rewrite inside it.
func (st *state) matchReasons(i int, m span) []string {
	var out []string
	if c := st.call.Turns[i].Confidence; c != nil && *c < threshold(st.a.opts.MinASRConfidence, DefaultMinASRConfidence) {
		out = append(out, fmt.Sprintf("%s %.2f", result.ReasonASRConfidence, *c))
	}
	p := st.turns[i]
	for k, id := range p.ids {
		detail, ok := st.a.soundAlikes[id]
		if !ok {
			continue
		}
		for _, o := range p.occAt(k) {
			if o.start < m.end && m.start < o.end {
				out = append(out, result.ReasonSoundAlike+" "+detail)
				break
			}
		}
	}
	if r, ok := p.norm.RegionalIn(m.start, m.end); ok {
		s, e := p.norm.Span(r.Start, r.End)
		out = append(out, fmt.Sprintf("%s %s→%s", result.ReasonRegional, st.call.Turns[i].Text[s:e], p.norm.Text[r.Start:r.End]))
	}
	return out
}

// markReview sets NeedsReview and ReviewReason on f from reasons.
func markReview(f *Finding, reasons []string) {
	if len(reasons) == 0 {
		return
	}
	f.NeedsReview = true
	if f.ReviewReason != "" {
		reasons = append([]string{f.ReviewReason}, reasons...)
	}
	f.ReviewReason = strings.Join(reasons, "; ")
}

// markInferredRoles marks every finding of a call whose roles were
// inferred weakly or with less than the minimum confidence: who the agent
// is decides what counts. The reason comes first.
func (a *Analyzer) markInferredRoles(res *Result, inf *RoleInference) {
	if inf == nil || (!inf.Weak && inf.Confidence >= threshold(a.opts.MinRoleConfidence, DefaultMinRoleConfidence)) {
		return
	}
	reason := fmt.Sprintf("%s %.2f", result.ReasonRoleInferred, inf.Confidence)
	for i := range res.Findings {
		f := &res.Findings[i]
		f.NeedsReview = true
		f.ReviewReason = strings.TrimSuffix(reason+"; "+f.ReviewReason, "; ")
	}
}
