package analyzer

import (
	"sort"

	"github.com/callqa/callqa/lexicon"
)

// compiled is a rule with its terms resolved to term ids and its regular
// expressions compiled.
type compiled struct {
	rule       *lexicon.Rule
	index      int   // position among the analyzer's compiled rules
	triggers   []int // term ids one of which a term or pattern match needs
	terms      []int
	patterns   [][]compiledStep
	near       []compiledNear
	regex      []*ruleRegexp
	exceptions []int
	unless     []int
	negation   *compiledCues
	quote      *compiledCues
}

type compiledStep struct {
	any            []int
	gapMin, gapMax int
}

// compiledNear is a proximity frame: groups of term ids, the first the
// anchor.
type compiledNear struct {
	groups [][]int
	within int
	scope  string
}

type compiledCues struct {
	terms  []int
	window int
	scope  string
}

func compileCues(x *termIndex, c *lexicon.Cues) *compiledCues {
	if !c.Active() {
		return nil
	}
	return &compiledCues{terms: x.addAll(c.Terms), window: c.Window, scope: c.Scope}
}

func compileRule(x *termIndex, r *lexicon.Rule) (*compiled, error) {
	c := &compiled{
		rule:       r,
		terms:      x.addAll(r.Terms),
		exceptions: x.addAll(r.Exceptions),
		unless:     x.addAll(r.Unless),
		negation:   compileCues(x, r.Negation),
		quote:      compileCues(x, r.Quote),
	}
	for _, p := range r.Patterns {
		steps := make([]compiledStep, len(p.Steps))
		for i, s := range p.Steps {
			steps[i] = compiledStep{any: x.addAll(s.Any), gapMin: s.GapMin, gapMax: s.GapMax}
		}
		c.patterns = append(c.patterns, steps)
		if len(steps) > 0 {
			c.triggers = append(c.triggers, steps[0].any...)
		}
	}
	for _, n := range r.Near {
		cn := compiledNear{within: n.Within, scope: firstNonEmpty(n.Scope, r.Scope)}
		for _, g := range n.Groups {
			cn.groups = append(cn.groups, x.addAll(g))
		}
		c.near = append(c.near, cn)
		// Every group is needed: the anchor's terms are enough as triggers.
		c.triggers = append(c.triggers, cn.groups[0]...)
	}
	c.triggers = append(c.triggers, c.terms...)
	for _, expr := range r.Regex {
		re, err := compileRuleRegexp(lexicon.ExpandRegex(expr))
		if err != nil {
			return nil, err
		}
		c.regex = append(c.regex, re)
	}
	return c, nil
}

// matches returns the rule's raw matches in a turn, in text order, before
// any cue, speaker or party check.
func (c *compiled) matches(p *prepared) []span {
	if p.cand != nil && !p.cand[c.index] {
		return nil // none of its words, nor a start of its expressions, is in the turn
	}
	var out []span
	for _, id := range c.terms {
		out = append(out, p.occOf(id)...)
	}
	for _, steps := range c.patterns {
		out = append(out, matchPattern(p, steps, c.rule.Scope)...)
	}
	for _, n := range c.near {
		out = append(out, matchNear(p, n)...)
	}
	for _, re := range c.regex {
		for _, m := range re.findAll(p.norm.Text) {
			if m[1] <= m[0] {
				continue
			}
			first, last := p.wordsOf(m[0], m[1])
			out = append(out, newSpan(m[0], m[1], first, last))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].end < out[j].end
	})
	return out
}

// matchPattern finds each start of the pattern and, from it, the
// shortest way through the remaining steps. Gaps count words; every step
// must be in the same scope as the first.
func matchPattern(p *prepared, steps []compiledStep, scope string) []span {
	var out []span
	var walk func(i int, first span, prev span) (span, bool)
	walk = func(i int, first, prev span) (span, bool) {
		if i == len(steps) {
			return span{start: first.start, end: prev.end, first: first.first, last: prev.last,
				headEnd: first.end, tailStart: prev.start}, true
		}
		st := steps[i]
		var best span
		found := false
		// Gaps are at most 30 words (lexicon checks it): only the
		// occurrences that start in the window are looked at, found by
		// binary search (a term's occurrences are in text order), so a
		// long turn with many occurrences stays linear.
		lo, hi := prev.last+1+st.gapMin, prev.last+1+st.gapMax
		for _, id := range st.any {
			occs := p.occOf(id)
			k := sort.Search(len(occs), func(j int) bool { return occs[j].first >= lo })
			for ; k < len(occs) && occs[k].first <= hi; k++ {
				o := occs[k]
				if !p.sameScope(scope, first.first, o.last) {
					continue
				}
				if m, ok := walk(i+1, first, o); ok && (!found || m.end < best.end) {
					best, found = m, true
				}
			}
		}
		return best, found
	}
	for _, id := range steps[0].any {
		for _, o := range p.occOf(id) {
			if m, ok := walk(1, o, o); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// matchNear finds, for each occurrence of the anchor group, the nearest
// occurrence of every other group within n.within words of it (words
// between the two, before or after) and in the same scope. The match
// spans from the earliest to the latest of them.
func matchNear(p *prepared, n compiledNear) []span {
	var out []span
	for _, aid := range n.groups[0] {
		for _, a := range p.occOf(aid) {
			m, ok := a, true
			m.headEnd, m.tailStart = a.end, a.start
			for _, g := range n.groups[1:] {
				best, dist := span{}, -1
				for _, id := range g {
					for _, o := range p.occOf(id) {
						if o.start < a.end && a.start < o.end {
							continue // one word cannot stand for two groups
						}
						d := o.first - a.last - 1
						if o.last < a.first {
							d = a.first - o.last - 1
						}
						if d < 0 {
							d = 0
						}
						if d > n.within || !p.sameScope(n.scope, a.first, o.first) {
							continue
						}
						if dist < 0 || d < dist {
							best, dist = o, d
						}
					}
				}
				if dist < 0 {
					ok = false
					break
				}
				if best.start < m.start {
					m.start, m.first, m.headEnd = best.start, best.first, best.end
				}
				if best.end > m.end {
					m.end, m.last, m.tailStart = best.end, best.last, best.start
				}
			}
			if ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// cueBefore returns the first cue that ends before the match, no more than
// window words before it, in the same scope.
func cueBefore(p *prepared, c *compiledCues, m span) (span, bool) {
	if c == nil {
		return span{}, false
	}
	for _, id := range c.terms {
		for _, o := range p.occOf(id) {
			if o.end > m.start {
				continue
			}
			dist := m.first - o.last - 1
			if dist < 0 || dist > c.window || !p.sameScope(c.scope, o.last, m.first) {
				continue
			}
			return o, true
		}
	}
	return span{}, false
}

// inScope returns the first occurrence of one of ids in the same scope as
// the match (anywhere in the clause, before or after).
func inScope(p *prepared, ids []int, scope string, m span) (span, bool) {
	for _, id := range ids {
		for _, o := range p.occOf(id) {
			if p.sameScope(scope, o.first, m.first) {
				return o, true
			}
		}
	}
	return span{}, false
}
