package backtest

import (
	"maps"
	"slices"
	"sort"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// aggregate sums the calls' runs into a Report.
type aggregate struct {
	decided    map[review.Key]review.Decision
	calls      int
	failed     int
	drifted    []string
	analyzed   map[string]bool
	rules      map[string]*RuleChange
	categories map[string]*CategoryChange
	base, cand Estimate
	// foundBase and foundCand are the keys each run finds, over all calls.
	foundBase, foundCand map[review.Key]bool
	// sets are the rule sets of the runs, candidate first, for the
	// category of a rule.
	sets []*lexicon.Set
}

func newAggregate(decided map[review.Key]review.Decision, sets ...*lexicon.Set) *aggregate {
	return &aggregate{
		decided: decided, analyzed: map[string]bool{}, sets: sets,
		rules: map[string]*RuleChange{}, categories: map[string]*CategoryChange{},
		foundBase: map[review.Key]bool{}, foundCand: map[review.Key]bool{},
	}
}

// confirmed reports whether a decision counts its key as a violation:
// confirmed, appealed, or an added violation (stored as confirmed).
func confirmed(d review.Decision) bool { return d.Confirmed() }

// tally counts one finding of key in c by its decision.
func (a *aggregate) tally(c *Counts, k review.Key) {
	c.Findings++
	d, ok := a.decided[k]
	switch {
	case !ok:
		c.Open++
	case confirmed(d):
		c.Confirmed++
	default:
		c.Dismissed++
	}
}

func (a *aggregate) rule(f finding) *RuleChange {
	rc := a.rules[f.rule]
	if rc == nil {
		rc = &RuleChange{Rule: f.rule, Category: a.ruleCategory(f)}
		a.rules[f.rule] = rc
	}
	return rc
}

// ruleCategory is the category of f's rule as its pack declares it (an
// insult rule finds customer_abuse on the other party's turns), or f's
// category for a rule neither set has.
func (a *aggregate) ruleCategory(f finding) string {
	for _, s := range a.sets {
		if s == nil {
			continue
		}
		if r := s.Rule(f.rule); r != nil {
			return r.Category
		}
	}
	return f.category
}

func (a *aggregate) category(name string) *CategoryChange {
	cc := a.categories[name]
	if cc == nil {
		cc = &CategoryChange{Category: name}
		a.categories[name] = cc
	}
	return cc
}

// add counts one call's runs.
func (a *aggregate) add(r callRun) {
	a.calls++
	a.analyzed[r.id] = true
	if !maps.Equal(r.stored, r.baseline) {
		a.drifted = append(a.drifted, r.id)
	}
	key := func(f finding) review.Key { return review.Key{CallID: r.id, Turn: f.turn, Category: f.category} }
	for f := range r.baseline {
		a.category(f.category).Baseline++
		a.foundBase[key(f)] = true
		if !r.candidate[f] {
			a.tally(&a.rule(f).Lost, key(f))
			a.category(f.category).Lost++
		}
	}
	for f := range r.candidate {
		a.category(f.category).Candidate++
		a.foundCand[key(f)] = true
		if !r.baseline[f] {
			a.tally(&a.rule(f).Gained, key(f))
			a.category(f.category).Gained++
		}
	}
}

// report puts the sums in order and computes the estimates.
func (a *aggregate) report(decisions int) *Report {
	rep := &Report{
		Calls: a.calls, Failed: a.failed, Decisions: decisions,
		Drift:         Drift{Calls: len(a.drifted), CallIDs: sorted(a.drifted)},
		Rules:         []RuleChange{},
		Categories:    []CategoryChange{},
		ConfirmedLost: []review.Key{},
	}
	for _, id := range slices.Sorted(maps.Keys(a.rules)) {
		rep.Rules = append(rep.Rules, *a.rules[id])
	}
	for _, name := range categoryOrder(a.categories) {
		rep.Categories = append(rep.Categories, *a.categories[name])
	}
	rep.Baseline = a.estimate(a.foundBase)
	rep.Candidate = a.estimate(a.foundCand)
	for k, d := range a.decided {
		if confirmed(d) && a.foundBase[k] && !a.foundCand[k] {
			rep.ConfirmedLost = append(rep.ConfirmedLost, k)
		}
	}
	sortKeys(rep.ConfirmedLost)
	return rep
}

// estimate measures the keys one run found against the decisions on the
// calls analyzed.
func (a *aggregate) estimate(found map[review.Key]bool) Estimate {
	e := Estimate{Findings: len(found)}
	for k := range found {
		if d, ok := a.decided[k]; ok {
			if confirmed(d) {
				e.Confirmed++
			} else {
				e.Dismissed++
			}
		}
	}
	for k, d := range a.decided {
		if confirmed(d) && a.analyzed[k.CallID] {
			e.Violations++
			if found[k] {
				e.Found++
			}
		}
	}
	e.Precision = ratio(e.Confirmed, e.Confirmed+e.Dismissed)
	e.Recall = ratio(e.Found, e.Violations)
	return e
}

// ratio is n/d, or nil when d is 0.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// categoryOrder lists the categories in report order: the violation
// categories, then customer_abuse, then any other by name.
func categoryOrder(m map[string]*CategoryChange) []string {
	order := append(slices.Clone(result.ViolationCategories), result.CategoryCustomerAbuse)
	var out []string
	for _, c := range order {
		if m[c] != nil {
			out = append(out, c)
		}
	}
	for _, c := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(order, c) {
			out = append(out, c)
		}
	}
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// sortKeys orders keys by call, turn and category.
func sortKeys(ks []review.Key) {
	sort.Slice(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.CallID != b.CallID {
			return a.CallID < b.CallID
		}
		if a.Turn != b.Turn {
			return a.Turn < b.Turn
		}
		return a.Category < b.Category
	})
}
