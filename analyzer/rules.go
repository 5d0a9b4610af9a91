package analyzer

import (
	"cmp"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/callqa/callqa/lexicon"
)

// compiled is a rule with its terms resolved to term ids and its regular
// expressions compiled.
type compiled struct {
	rule     *lexicon.Rule
	index    int   // position among the analyzer's compiled rules (-1: none)
	triggers []int // term ids one of which a term or pattern match needs
	terms    termSet
	patterns [][]compiledStep
	// needs[k] are the term sets of pattern k, rarest first (see
	// rarity): all must be in a turn for the pattern to match, and the
	// rarest is the likeliest to be missing.
	needs      [][]termSet
	near       []compiledNear
	regex      []*ruleRegexp
	exceptions []int
	unless     termSet
	negation   *compiledCues
	quote      *compiledCues
	// reacts is a hint's reacts_to: what the other party must have said.
	reacts *compiled
}

type compiledStep struct {
	any            termSet
	gapMin, gapMax int
}

// compiledNear is a proximity frame: groups of term ids, the first the
// anchor.
type compiledNear struct {
	groups []termSet
	needs  []termSet // groups, rarest first
	within int
	scope  lexicon.Scope
}

type compiledCues struct {
	terms  termSet
	except []int // phrases in which a cue word is no cue
	window int
	scope  lexicon.Scope
}

func compileCues(x *termIndex, c *lexicon.Cues) *compiledCues {
	if !c.Active() {
		return nil
	}
	return &compiledCues{terms: newTermSet(x.addAll(c.Terms)), except: x.addAll(c.Except), window: c.Window, scope: c.Scope}
}

func compileRule(x *termIndex, r *lexicon.Rule) (*compiled, error) {
	c := &compiled{
		rule:       r,
		terms:      newTermSet(x.addAll(r.Terms)),
		exceptions: x.addAll(r.Exceptions),
		unless:     newTermSet(x.addAll(r.Unless)),
		negation:   compileCues(x, r.Negation),
		quote:      compileCues(x, r.Quote),
	}
	for _, p := range r.Patterns {
		steps := make([]compiledStep, len(p.Steps))
		for i, s := range p.Steps {
			steps[i] = compiledStep{any: newTermSet(x.addAll(s.Any)), gapMin: s.GapMin, gapMax: s.GapMax}
		}
		c.patterns = append(c.patterns, steps)
		sets := make([]termSet, len(steps))
		for i, st := range steps {
			sets[i] = st.any
		}
		x.byRarity(sets)
		x.watchAll(sets)
		c.needs = append(c.needs, sets)
		if len(sets) > 0 {
			c.triggers = append(c.triggers, sets[0].ids...)
		}
	}
	for _, n := range r.Near {
		cn := compiledNear{within: n.Within, scope: n.Scope}
		for _, g := range n.Groups {
			cn.groups = append(cn.groups, newTermSet(x.addAll(g)))
		}
		cn.needs = slices.Clone(cn.groups)
		x.byRarity(cn.needs)
		x.watchAll(cn.needs)
		c.near = append(c.near, cn)
		// Every group is needed: one group's terms are enough as triggers.
		if len(cn.needs) > 0 {
			c.triggers = append(c.triggers, cn.needs[0].ids...)
		}
	}
	c.triggers = append(c.triggers, c.terms.ids...)
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
	if p.cand != nil && c.index >= 0 && !p.cand[c.index] {
		return nil // none of its words, nor a start of its expressions, is in the turn
	}
	var out []span
	c.terms.each(p, func(_ int, occs []span) { out = append(out, occs...) })
	for k, steps := range c.patterns {
		if allPresent(p, c.needs[k]) {
			out = append(out, matchPattern(p, steps, c.rule.Scope)...)
		}
	}
	for _, n := range c.near {
		if allPresent(p, n.needs) {
			out = append(out, matchNear(p, n)...)
		}
	}
	for _, re := range c.regex {
		for _, m := range re.findAll(p.norm.Text, &p.bloom) {
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
func matchPattern(p *prepared, steps []compiledStep, scope lexicon.Scope) []span {
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
		st.any.each(p, func(_ int, occs []span) {
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
		})
		return best, found
	}
	steps[0].any.each(p, func(_ int, occs []span) {
		for _, o := range occs {
			if m, ok := walk(1, o, o); ok {
				out = append(out, m)
			}
		}
	})
	return out
}

// matchNear finds, for each occurrence of the anchor group, the nearest
// occurrence of every other group within n.within words of it (words
// between the two, before or after) and in the same scope. The match
// spans from the earliest to the latest of them.
func matchNear(p *prepared, n compiledNear) []span {
	var out []span
	n.groups[0].each(p, func(_ int, anchors []span) {
		for _, a := range anchors {
			m, ok := a, true
			m.headEnd, m.tailStart = a.end, a.start
			for _, g := range n.groups[1:] {
				best, dist := span{}, -1
				g.each(p, func(_ int, occs []span) {
					for _, o := range occs {
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
				})
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
	})
	return out
}

// byRarity sorts sets that a match needs all of by how likely each is to
// be in a turn, least likely first: the fewest short terms (a one- or
// two-character word such as 你 or 今天 is in most turns), then the
// fewest terms. The first is the rule's trigger set: a rule is only tried
// on a turn holding one of its triggers, so a rare trigger keeps it off
// most turns; and the presence check stops soonest on the rarest.
func (x *termIndex) byRarity(sets []termSet) {
	short := func(s termSet) int {
		n := 0
		for _, id := range s.ids {
			if utf8.RuneCountInString(x.terms[id]) <= 2 {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(sets, func(a, b termSet) int {
		if c := cmp.Compare(short(a), short(b)); c != 0 {
			return c
		}
		return cmp.Compare(len(a.ids), len(b.ids))
	})
}

// allPresent reports whether every set has a term in the turn: a pattern
// or frame that lacks one cannot match, and the walk from each of its
// starts is skipped.
func allPresent(p *prepared, sets []termSet) bool {
	for _, s := range sets {
		if !s.anyIn(p) {
			return false
		}
	}
	return true
}

// termSet is a list of term ids and a bitset of them. A rule's list is
// walked directly when it is no longer than the list of terms the turn
// holds; otherwise the turn's terms are filtered through the bitset, so a
// class of hundreds of words costs what the turn holds, not what the class
// holds.
type termSet struct {
	ids  []int
	bits []uint64
	// watch is the set's number among the term index's watched sets
	// (termIndex.watchAll), or -1: the turn then knows whether it holds a
	// term of the set (prepared.watched) before any rule asks.
	watch int32
}

func newTermSet(ids []int) termSet {
	s := termSet{ids: ids, watch: -1}
	for _, id := range ids {
		w := id / 64
		for len(s.bits) <= w {
			s.bits = append(s.bits, 0)
		}
		s.bits[w] |= 1 << (id % 64)
	}
	return s
}

func (s termSet) has(id int) bool {
	w := id / 64
	return w < len(s.bits) && s.bits[w]&(1<<(id%64)) != 0
}

// anyIn reports whether some term of the set occurs in the turn.
func (s termSet) anyIn(p *prepared) bool {
	if s.watch >= 0 && p.watching {
		return p.watched[s.watch/64]&(1<<(s.watch%64)) != 0
	}
	if len(s.ids) <= len(p.ids) {
		for _, id := range s.ids {
			if w := id / 64; w < len(p.present) && p.present[w]&(1<<(id%64)) != 0 {
				return true
			}
		}
		return false
	}
	for _, id := range p.ids {
		if s.has(id) {
			return true
		}
	}
	return false
}

// each calls fn with every term of the set that occurs in the turn and its
// occurrences (in text order).
func (s termSet) each(p *prepared, fn func(id int, occs []span)) {
	if len(s.ids) <= len(p.ids) {
		for _, id := range s.ids {
			if occs := p.occOf(id); len(occs) > 0 {
				fn(id, occs)
			}
		}
		return
	}
	for k, id := range p.ids {
		if s.has(id) {
			fn(id, p.occAt(k))
		}
	}
}

// cueBefore returns the first cue that ends before the match, no more than
// window words before it, in the same scope.
func cueBefore(x *termIndex, p *prepared, c *compiledCues, m span) (span, bool) {
	if c == nil {
		return span{}, false
	}
	var cue span
	found := false
	var except []span
	if len(c.except) > 0 {
		except = x.findRaw(p, c.except)
	}
	c.terms.each(p, func(_ int, occs []span) {
		for _, o := range occs {
			if found || o.end > m.start || inside(o, except) {
				continue
			}
			dist := m.first - o.last - 1
			if dist < 0 || dist > c.window || !p.sameScope(c.scope, o.last, m.first) {
				continue
			}
			cue, found = o, true
		}
	})
	return cue, found
}

// inside reports whether o lies within one of the spans.
func inside(o span, spans []span) bool {
	for _, e := range spans {
		if e.start <= o.start && o.end <= e.end {
			return true
		}
	}
	return false
}

// inScope returns the first occurrence of one of ids in the same scope as
// the match (anywhere in the clause, before or after).
func inScope(p *prepared, ids termSet, scope lexicon.Scope, m span) (span, bool) {
	var hit span
	found := false
	ids.each(p, func(_ int, occs []span) {
		for _, o := range occs {
			if !found && p.sameScope(scope, o.first, m.first) {
				hit, found = o, true
			}
		}
	})
	return hit, found
}
