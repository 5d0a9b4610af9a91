package eval

import (
	"slices"

	"github.com/callqa/callqa/result"
)

// Report is the outcome of comparing results with labels. Its JSON form is
// what `callqa eval --format json` prints.
type Report struct {
	// Scanned counts distinct scanned calls, Labeled the labels, and
	// Evaluated the scanned calls that have a label.
	Scanned   int `json:"scanned"`
	Labeled   int `json:"labeled"`
	Evaluated int `json:"evaluated"`
	// Unlabeled lists scanned calls without a label, in input order; they
	// are left out of every figure.
	Unlabeled []string `json:"unlabeled"`
	// Unscanned lists labels without a scanned call, sorted; their gold
	// violations count as false negatives.
	Unscanned []string `json:"unscanned"`
	// Duplicates lists call ids scanned more than once; only the first
	// result of each counts.
	Duplicates []string `json:"duplicates"`

	// Turns scores violations per (call, turn, category), one entry per
	// violation category in result.ViolationCategories order; Micro sums
	// them.
	Turns []CategoryScore `json:"turns"`
	Micro Score           `json:"micro"`
	// Floor, when above 0, is the --min-f1 the turn-level F1s are held
	// to: the table prints an F1 with as many digits as it takes for the
	// printed figure to fall on the same side of Floor as the F1 itself
	// (0.98996 below 0.99 is printed 0.98996, not 0.990).
	Floor float64 `json:"-"`
	// Calls scores, per category, whether a call has any violation of it.
	Calls []CategoryScore `json:"calls"`
	// Clean counts evaluated calls whose gold has no violation, and lists
	// those whose result failed them anyway.
	Clean CleanCalls `json:"clean"`
	// Party is the accuracy of Result.Party over labels that have a party.
	Party Accuracy `json:"party"`
	// Tasks and Steps score coverage per code, in result.TaskCodes and
	// result.StepCodes order.
	Tasks []CodeScore `json:"tasks"`
	Steps []CodeScore `json:"steps"`

	// The details behind the figures, in call order (scanned calls in
	// input order, then unscanned labels), then turn, then category.
	FalsePositives     []TurnMismatch     `json:"false_positives"`
	FalseNegatives     []TurnMismatch     `json:"false_negatives"`
	PartyMismatches    []PartyMismatch    `json:"party_mismatches"`
	CoverageMismatches []CoverageMismatch `json:"coverage_mismatches"`

	// By holds one Breakdown per `callqa eval --by` field, in the order
	// asked (added field: left out of the JSON when there is none).
	// Evaluate leaves it empty; GroupBy computes each entry.
	By []Breakdown `json:"by,omitempty"`

	// Candidates scores the similar-sentence pass, when it ran (added
	// field; ScoreCandidates computes it, Evaluate leaves it nil).
	Candidates *CandidateScore `json:"candidates,omitempty"`
}

// Score holds counts of true positives, false positives and false
// negatives and the ratios computed from them (see the package comment for
// zero denominators).
type Score struct {
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// NewScore computes precision, recall and F1 from counts. A ratio whose
// denominator is zero is 1 when tp, fp and fn are all zero (nothing to
// find, nothing found) and 0 otherwise.
func NewScore(tp, fp, fn int) Score {
	s := Score{TP: tp, FP: fp, FN: fn}
	empty := tp+fp+fn == 0
	s.Precision = ratio(tp, tp+fp, empty)
	s.Recall = ratio(tp, tp+fn, empty)
	// 2PR/(P+R) = 2TP/(2TP+FP+FN): one division, so F1 is the nearest
	// float to the exact ratio and compares with a floor such as 0.99
	// as the exact ratio does.
	switch {
	case empty:
		s.F1 = 1
	case tp > 0:
		s.F1 = float64(2*tp) / float64(2*tp+fp+fn)
	}
	return s
}

func ratio(n, d int, empty bool) float64 {
	if d == 0 {
		if empty {
			return 1
		}
		return 0
	}
	return float64(n) / float64(d)
}

// CategoryScore is the Score of one violation category.
type CategoryScore struct {
	Category string `json:"category"`
	Score
}

// Accuracy is Correct out of Total. Rate is 0 when Total is 0.
type Accuracy struct {
	Correct int     `json:"correct"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"`
}

func newAccuracy(correct, total int) Accuracy {
	a := Accuracy{Correct: correct, Total: total}
	if total > 0 {
		a.Rate = float64(correct) / float64(total)
	}
	return a
}

// CodeScore scores one task or step code over the evaluated calls whose
// label has it: how often the result agrees, and the precision and recall
// of "covered".
type CodeScore struct {
	Code     string   `json:"code"`
	Accuracy Accuracy `json:"accuracy"`
	Covered  Score    `json:"covered"`
}

// CleanCalls counts evaluated calls without gold violations and lists the
// ones whose result has pass=false.
type CleanCalls struct {
	Total  int      `json:"total"`
	Failed []string `json:"failed"`
}

// TurnMismatch is a false positive or a false negative on one turn.
type TurnMismatch struct {
	CallID   string `json:"call_id"`
	Turn     int    `json:"turn"`
	Category string `json:"category"`
	// Rule is the rule of the first finding behind a false positive.
	Rule string `json:"rule,omitempty"`
	// Match is the matched words of that finding.
	Match string `json:"match,omitempty"`
	// Text is the turn's text, when the result carries it.
	Text string `json:"text,omitempty"`
}

// PartyMismatch is a call whose result party differs from the label.
type PartyMismatch struct {
	CallID string `json:"call_id"`
	Want   string `json:"want"`
	Got    string `json:"got"`
}

// CoverageMismatch is a task or step on which result and label disagree.
// Turns is the result's evidence.
type CoverageMismatch struct {
	CallID string `json:"call_id"`
	Code   string `json:"code"`
	Want   bool   `json:"want"`
	Got    bool   `json:"got"`
	Turns  []int  `json:"turns"`
}

type key struct {
	turn     int
	category string
}

type counts struct{ tp, fp, fn int }

// Evaluate compares results with labels; see the package comment for what
// it counts. Nil results are skipped. Neither argument is changed.
func Evaluate(results []*result.Result, labels map[string]Label) *Report {
	rep := &Report{
		Labeled:            len(labels),
		Unlabeled:          []string{},
		Unscanned:          []string{},
		Duplicates:         []string{},
		Clean:              CleanCalls{Failed: []string{}},
		FalsePositives:     []TurnMismatch{},
		FalseNegatives:     []TurnMismatch{},
		PartyMismatches:    []PartyMismatch{},
		CoverageMismatches: []CoverageMismatch{},
	}

	byID := make(map[string]*result.Result)
	var order []string
	for _, r := range results {
		if r == nil {
			continue
		}
		if _, seen := byID[r.CallID]; seen {
			if !slices.Contains(rep.Duplicates, r.CallID) {
				rep.Duplicates = append(rep.Duplicates, r.CallID)
			}
			continue
		}
		byID[r.CallID] = r
		order = append(order, r.CallID)
	}
	rep.Scanned = len(order)

	var ids []string
	for _, id := range order {
		if _, ok := labels[id]; ok {
			ids = append(ids, id)
		} else {
			rep.Unlabeled = append(rep.Unlabeled, id)
		}
	}
	for _, id := range sortedKeys(labels) {
		if _, ok := byID[id]; !ok {
			rep.Unscanned = append(rep.Unscanned, id)
		}
	}
	ids = append(ids, rep.Unscanned...)

	turnCounts := make(map[string]*counts)
	callCounts := make(map[string]*counts)
	for _, c := range result.ViolationCategories {
		turnCounts[c], callCounts[c] = &counts{}, &counts{}
	}
	var partyCorrect, partyTotal int
	taskTally := newCodeTally(result.TaskCodes)
	stepTally := newCodeTally(result.StepCodes)

	for _, id := range ids {
		r, lab := byID[id], labels[id]
		gold := goldKeys(lab)
		pred := predictedKeys(r)

		for _, k := range sortKeys(pred) {
			if gold[k] {
				turnCounts[k.category].tp++
				continue
			}
			turnCounts[k.category].fp++
			f := pred[k]
			rep.FalsePositives = append(rep.FalsePositives, TurnMismatch{
				CallID: id, Turn: k.turn, Category: k.category,
				Rule: f.Rule, Match: f.Match, Text: turnText(r, k.turn),
			})
		}
		for _, k := range sortKeys(gold) {
			if _, ok := pred[k]; !ok {
				turnCounts[k.category].fn++
				rep.FalseNegatives = append(rep.FalseNegatives, TurnMismatch{
					CallID: id, Turn: k.turn, Category: k.category, Text: turnText(r, k.turn),
				})
			}
		}
		for _, c := range result.ViolationCategories {
			g, p := anyOf(gold, c), anyOf(pred, c)
			switch {
			case g && p:
				callCounts[c].tp++
			case p:
				callCounts[c].fp++
			case g:
				callCounts[c].fn++
			}
		}

		if r == nil {
			continue
		}
		rep.Evaluated++
		if len(gold) == 0 {
			rep.Clean.Total++
			if !r.Pass {
				rep.Clean.Failed = append(rep.Clean.Failed, id)
			}
		}
		if lab.Party != "" {
			partyTotal++
			if r.Party == lab.Party {
				partyCorrect++
			} else {
				rep.PartyMismatches = append(rep.PartyMismatches, PartyMismatch{CallID: id, Want: lab.Party, Got: r.Party})
			}
		}
		rep.CoverageMismatches = taskTally.add(rep.CoverageMismatches, id, lab.Tasks, r.Tasks)
		rep.CoverageMismatches = stepTally.add(rep.CoverageMismatches, id, lab.Steps, r.Steps)
	}

	var micro counts
	for _, c := range result.ViolationCategories {
		t := turnCounts[c]
		micro.tp += t.tp
		micro.fp += t.fp
		micro.fn += t.fn
		rep.Turns = append(rep.Turns, CategoryScore{Category: c, Score: NewScore(t.tp, t.fp, t.fn)})
		cc := callCounts[c]
		rep.Calls = append(rep.Calls, CategoryScore{Category: c, Score: NewScore(cc.tp, cc.fp, cc.fn)})
	}
	rep.Micro = NewScore(micro.tp, micro.fp, micro.fn)
	rep.Party = newAccuracy(partyCorrect, partyTotal)
	rep.Tasks = taskTally.scores()
	rep.Steps = stepTally.scores()
	return rep
}

// goldKeys returns the distinct (turn, category) pairs of a label's
// violations.
func goldKeys(lab Label) map[key]bool {
	gold := make(map[key]bool)
	for _, v := range lab.Violations {
		if result.IsViolation(v.Category) {
			gold[key{v.Turn, v.Category}] = true
		}
	}
	return gold
}

// predictedKeys returns the distinct (turn, category) pairs of a result's
// violation findings, each with its first finding. r may be nil.
func predictedKeys(r *result.Result) map[key]result.Finding {
	pred := make(map[key]result.Finding)
	if r == nil {
		return pred
	}
	for _, f := range r.Findings {
		k := key{f.Turn, f.Category}
		if _, seen := pred[k]; !seen && result.IsViolation(f.Category) {
			pred[k] = f
		}
	}
	return pred
}

// sortKeys orders keys by turn, then by category in report order.
func sortKeys[V any](m map[key]V) []key {
	keys := make([]key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.turn != b.turn {
			return a.turn - b.turn
		}
		return slices.Index(result.ViolationCategories, a.category) -
			slices.Index(result.ViolationCategories, b.category)
	})
	return keys
}

func anyOf[V any](m map[key]V, category string) bool {
	for k := range m {
		if k.category == category {
			return true
		}
	}
	return false
}

// turnText returns the text of turn n from the analyzed call, or from a
// finding on that turn when the result does not carry the call.
func turnText(r *result.Result, n int) string {
	if r == nil {
		return ""
	}
	if r.Call != nil {
		for _, t := range r.Call.Turns {
			if t.N == n {
				return t.Text
			}
		}
	}
	for _, f := range r.Findings {
		if f.Turn == n && f.Text != "" {
			return f.Text
		}
	}
	return ""
}

// codeTally accumulates agreement per task or step code.
type codeTally struct {
	codes   []string
	correct map[string]int
	total   map[string]int
	covered map[string]*counts
}

func newCodeTally(codes []string) *codeTally {
	t := &codeTally{
		codes:   codes,
		correct: make(map[string]int),
		total:   make(map[string]int),
		covered: make(map[string]*counts),
	}
	for _, c := range codes {
		t.covered[c] = &counts{}
	}
	return t
}

// add scores one call's coverage against its label and appends the
// disagreements to mm. Codes the label leaves out are skipped.
func (t *codeTally) add(mm []CoverageMismatch, id string, want map[string]bool, got map[string]result.Coverage) []CoverageMismatch {
	for _, code := range t.codes {
		w, ok := want[code]
		if !ok {
			continue
		}
		cov := got[code]
		t.total[code]++
		c := t.covered[code]
		switch {
		case w && cov.Covered:
			c.tp++
		case cov.Covered:
			c.fp++
		case w:
			c.fn++
		}
		if w == cov.Covered {
			t.correct[code]++
			continue
		}
		turns := append([]int{}, cov.Turns...)
		mm = append(mm, CoverageMismatch{CallID: id, Code: code, Want: w, Got: cov.Covered, Turns: turns})
	}
	return mm
}

func (t *codeTally) scores() []CodeScore {
	out := make([]CodeScore, 0, len(t.codes))
	for _, code := range t.codes {
		c := t.covered[code]
		out = append(out, CodeScore{
			Code:     code,
			Accuracy: newAccuracy(t.correct[code], t.total[code]),
			Covered:  NewScore(c.tp, c.fp, c.fn),
		})
	}
	return out
}
