package eval

import (
	"fmt"
	"io"
	"math"

	"github.com/callqa/callqa/result"
)

// CandidateScore measures the similar-sentence pass (Result.Candidates)
// against the gold labels: of the agent turns it queued for review, how
// many hold a gold violation the rules missed and how many are clean.
type CandidateScore struct {
	// Queued counts the candidate turns of the evaluated calls.
	Queued int `json:"queued"`
	// Missed counts queued turns with a gold violation that no finding
	// of the rules caught; SameCategory those of them whose candidate
	// category is the gold one.
	Missed       int `json:"missed"`
	SameCategory int `json:"same_category"`
	// Clean counts queued turns without a gold violation.
	Clean int `json:"clean"`
	// MissedTotal counts the gold violation turns the rules missed, the
	// most the pass could surface.
	MissedTotal int `json:"missed_total"`
	// MissedPer100Clean is Missed per 100 Clean turns queued, to one
	// decimal (with no clean turn queued, per 100 of one).
	MissedPer100Clean float64 `json:"missed_per_100_clean"`
}

// ScoreCandidates scores the candidates of the labeled results. A
// result is counted once (the first of a call id), like Evaluate does.
func ScoreCandidates(results []*result.Result, labels map[string]Label) *CandidateScore {
	s := &CandidateScore{}
	seen := map[string]bool{}
	for _, r := range results {
		if r == nil || seen[r.CallID] {
			continue
		}
		seen[r.CallID] = true
		lab, ok := labels[r.CallID]
		if !ok {
			continue
		}
		gold := goldKeys(lab)
		pred := predictedKeys(r)
		missed := map[int]map[string]bool{}
		for k := range gold {
			if _, caught := pred[k]; !caught {
				s.MissedTotal++
				if missed[k.turn] == nil {
					missed[k.turn] = map[string]bool{}
				}
				missed[k.turn][k.category] = true
			}
		}
		goldTurn := map[int]bool{}
		for k := range gold {
			goldTurn[k.turn] = true
		}
		for _, c := range r.Candidates {
			s.Queued++
			switch {
			case len(missed[c.Turn]) > 0:
				s.Missed++
				if missed[c.Turn][c.Category] {
					s.SameCategory++
				}
			case !goldTurn[c.Turn]:
				s.Clean++
			}
		}
	}
	// No clean turn queued: counted as if one were, so the figure stays
	// a finite number for JSON.
	s.MissedPer100Clean = math.Round(float64(s.Missed)*100/float64(max(s.Clean, 1))*10) / 10
	return s
}

// writeCandidates prints the candidate figures as two table lines.
func writeCandidates(w io.Writer, s *CandidateScore) {
	fmt.Fprintf(w, "similar-sentence candidates\t%d queued: %d missed violations (%d same category) of %d missed, %d clean turns\n",
		s.Queued, s.Missed, s.SameCategory, s.MissedTotal, s.Clean)
	fmt.Fprintf(w, "missed violations surfaced per 100 clean turns queued\t%.1f\n", s.MissedPer100Clean)
}
