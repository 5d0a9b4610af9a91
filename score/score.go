package score

import (
	"fmt"
	"sort"
	"strings"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// Score turns an analysis into the trainer's view under a scorecard: each
// item done or not with its evidence quoted and its points, the order of
// the first call's steps and where the call leaves it, the hints, the
// total and pass/fail. res must come from an analyzer whose rule set holds
// sc.Required, when the scorecard has required items.
func Score(res *result.Result, sc *Scorecard) *CallScore {
	cs := &CallScore{
		CallID: res.CallID, Source: res.Source, Agent: res.Agent, Team: res.Team,
		StartedAt: res.StartedAt, Party: res.Party, Kind: res.Kind, Scorecard: sc.Label(), Max: sc.Max(),
		FailReasons: []string{}, Tasks: map[string]Item{}, Steps: map[string]Item{},
		Order: []OrderStep{}, Departures: []Departure{}, Violations: []result.Finding{},
		Hints: []Hint{}, Turns: []TurnView{},
	}
	if res.Call != nil {
		for _, t := range res.Call.Turns {
			cs.Turns = append(cs.Turns, TurnView{N: t.N, Role: string(t.Role), Text: t.Text})
		}
	}
	quote := func(n int) Quote {
		if n >= 1 && n <= len(cs.Turns) {
			t := cs.Turns[n-1]
			return Quote{Turn: n, Role: t.Role, Text: t.Text}
		}
		return Quote{Turn: n}
	}
	first := map[string]int{}
	for _, code := range sc.ItemOrder {
		spec := sc.Items[code]
		var cov result.Coverage
		switch spec.Kind {
		case "task":
			cov = res.Tasks[code]
		case "step":
			cov = res.Steps[code]
		default:
			cov = res.Required[code]
		}
		it := Item{Code: code, Kind: spec.Kind, Name: spec.Name, Done: cov.Covered, Turns: append([]int{}, cov.Turns...), Evidence: []Quote{}, Max: spec.Weight}
		for _, n := range cov.Turns {
			it.Evidence = append(it.Evidence, quote(n))
		}
		if it.Done {
			it.Points = spec.Weight
			if len(cov.Turns) > 0 {
				first[code] = cov.Turns[0]
			}
		}
		cs.Score += it.Points
		switch spec.Kind {
		case "task":
			cs.Tasks[code] = it
		case "step":
			cs.Steps[code] = it
		default:
			if cs.Required == nil {
				cs.Required = map[string]Item{}
			}
			cs.Required[code] = it
		}
	}

	// Fail reasons: a violation of a fail_on category (一票否决), or a
	// score under the pass mark.
	byCat := map[string][]string{}
	for _, f := range res.Violations() {
		cs.Violations = append(cs.Violations, f)
		if contains(sc.FailOn, f.Category) {
			byCat[f.Category] = append(byCat[f.Category], fmt.Sprintf("t%d", f.Turn))
		}
	}
	for _, c := range result.ViolationCategories {
		if turns := byCat[c]; len(turns) > 0 {
			cs.FailReasons = append(cs.FailReasons, fmt.Sprintf("%s (%s)", c, strings.Join(turns, ", ")))
		}
	}
	// Compliance is the red lines of policy.md, all four, whatever the
	// scorecard fails a call for.
	cs.Compliant = len(cs.Violations) == 0
	// A call with a third party has no task to do (policy.md): its score
	// is not applicable, and the pass mark does not apply to it.
	cs.ScoreApplicable = res.Party != lexicon.PartyThirdParty
	cs.PassMark = sc.PassMarkFor(res.Kind)
	if cs.ScoreApplicable && cs.Score < cs.PassMark {
		cs.FailReasons = append(cs.FailReasons, fmt.Sprintf("score %d is below the pass mark %d", cs.Score, cs.PassMark))
	}
	cs.Pass = len(cs.FailReasons) == 0

	// Order: the first evidence turn of each element of the expected
	// order, and each element that came before an element expected earlier.
	for _, code := range sc.Order {
		if t, ok := first[code]; ok {
			cs.Order = append(cs.Order, OrderStep{Code: code, Turn: t})
		}
	}
	sort.SliceStable(cs.Order, func(i, j int) bool { return cs.Order[i].Turn < cs.Order[j].Turn })
	for j, code := range sc.Order {
		tj, ok := first[code]
		if !ok {
			continue
		}
		for _, earlier := range sc.Order[:j] {
			if ti, ok := first[earlier]; ok && ti > tj {
				cs.Departures = append(cs.Departures, Departure{
					Code: code, Turn: tj, Before: earlier, BeforeTurn: ti,
					Text: fmt.Sprintf("%s（t%d）出现在 %s（t%d）之前；指南的顺序是先%s，再%s", name(sc, code), tj, name(sc, earlier), ti, name(sc, earlier), name(sc, code)),
				})
				break
			}
		}
	}
	cs.OrderOK = len(cs.Departures) == 0

	// Hints: the packs' hint rules, every violation with what to say
	// instead, and every missing item with its advice.
	anchored := map[string]bool{} // items a turn-anchored hint coaches
	for _, h := range res.Hints {
		cs.Hints = append(cs.Hints, Hint{Turn: h.Turn, Code: h.Code, Kind: h.Code, About: h.About, Rule: h.Rule, Text: h.Text, Quote: h.Quote, EvidenceTurn: h.EvidenceTurn, Evidence: h.Evidence})
		if h.Turn > 0 && h.About != "" {
			anchored[h.About] = true
		}
	}
	for _, f := range cs.Violations {
		if f.Advice != "" {
			cs.Hints = append(cs.Hints, Hint{Turn: f.Turn, Code: "violation", Kind: "violation", Rule: f.Rule, Text: f.Advice, Quote: f.Match})
		}
	}
	for _, code := range sc.ItemOrder {
		spec := sc.Items[code]
		// The call-level remark only where no turn can be named: never
		// beside a hint anchored at the turn where the item went wrong.
		if spec.Advice == "" || itemDone(cs, code) || anchored[code] {
			continue
		}
		// A call with a third party has no tasks to do (policy.md).
		if spec.Kind == "task" && res.Party == lexicon.PartyThirdParty {
			continue
		}
		cs.Hints = append(cs.Hints, Hint{Turn: 0, Code: "missing_" + code, Kind: "missing_" + code, About: code, Rule: sc.Label(), Text: spec.Advice})
	}
	sort.SliceStable(cs.Hints, func(i, j int) bool {
		a, b := cs.Hints[i].Turn, cs.Hints[j].Turn
		if (a == 0) != (b == 0) {
			return b == 0 // call-level hints last
		}
		return a < b
	})
	return cs
}

func itemDone(cs *CallScore, code string) bool {
	for _, m := range []map[string]Item{cs.Tasks, cs.Steps, cs.Required} {
		if it, ok := m[code]; ok {
			return it.Done
		}
	}
	return false
}

func name(sc *Scorecard, code string) string {
	if n := sc.Items[code].Name; n != "" {
		return n
	}
	return code
}
