package analyzer

import (
	"fmt"
	"slices"
	"sort"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/segment"
	"github.com/callqa/callqa/similar"
)

// Options tune an Analyzer.
type Options struct {
	// Explain records suppressed matches in Result.Suppressed.
	Explain bool
	// Weights gives the points per covered task; nil means 25 each.
	Weights map[string]int
	// MinRoleConfidence: findings of a call whose roles were inferred
	// (RolesInferred) weakly or with a lower confidence need review. 0
	// means DefaultMinRoleConfidence; a negative value checks only Weak.
	MinRoleConfidence float64
	// MinASRConfidence: a finding on a turn whose recognizer confidence
	// (corpus.Turn.Confidence) is lower needs review. 0 means
	// DefaultMinASRConfidence; a negative value turns the check off.
	MinASRConfidence float64
	// Similar, when set, runs the similar-sentence pass: agent turns no
	// rule flagged that resemble a violation example at SimilarThreshold
	// or more go to Result.Candidates.
	Similar *similar.Model
	// SimilarThreshold is the least cosine for a candidate; 0 means
	// similar.DefaultThreshold.
	SimilarThreshold float64
}

// DefaultWeight is the points a covered core task is worth by default.
const DefaultWeight = 25

// Analyzer applies compiled rule packs to calls. It is safe for concurrent
// use: the segmenter and the rules are read-only once built.
type Analyzer struct {
	set   *lexicon.Set
	opts  Options
	seg   *segment.Segmenter
	terms *termIndex
	// Rules by stage: party signals first (they decide who listens), then
	// violations, then tasks and steps (which may depend on violations).
	party, violations, tasks []*compiled
	// roles are only run while inferring who the agent is.
	roles []*compiled
	// hints raise coaching hints after everything else.
	hints []*compiled
	// compiled counts the rules; byTerm lists, per term id, the rules
	// (by compiled index) that the term can trigger.
	compiled int
	byTerm   map[int][]int
	// byRune lists, per rune, the rules with a regular expression that can
	// start with it; anyText the rules with one that can start anywhere.
	byRune map[rune][]int
	// termRules and runeRules are byTerm and byRune as slices indexed by
	// term id and by rune (Basic Multilingual Plane), made once the rules
	// are compiled: they are looked up for every term and rune of a turn.
	termRules [][]int
	runeRules [][]int
	// runeBits marks the runes of runeRules that have rules: most have
	// none, and the bit is cheaper to read than the big array.
	runeBits []uint64
	anyText  []int
	// keepWords: Analyze keeps each turn's words in Result.Words
	// (KeepWords).
	keepWords bool
	// soundAlikes maps the term ids of the sound-alike spellings to their
	// review detail (soundAlikeIDs).
	soundAlikes map[int]string
}

// New builds an Analyzer from a loaded rule set: it loads the segmenter
// dictionary with the packs' words and compiles every rule.
func New(set *lexicon.Set, opts Options) (*Analyzer, error) {
	seg, err := newSegmenter(set.Words)
	if err != nil {
		return nil, fmt.Errorf("loading the segmenter dictionary: %w", err)
	}
	a := &Analyzer{set: set, opts: opts, seg: seg, terms: newTermIndex(), byTerm: map[int][]int{}, byRune: map[rune][]int{}}
	for _, r := range set.Rules {
		c, err := compileRule(a.terms, r)
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s: %w", r.Source(), r.ID, err)
		}
		c.index = a.compiled
		a.compiled++
		if r.ReactsTo != nil {
			rc, err := compileRule(a.terms, r.ReactsTo)
			if err != nil {
				return nil, fmt.Errorf("%s: rule %s: %w", r.Source(), r.ReactsTo.ID, err)
			}
			rc.index = -1 // tried on the other party's turns, never a candidate
			c.reacts = rc
		}
		for _, id := range c.triggers {
			if l := a.byTerm[id]; len(l) == 0 || l[len(l)-1] != c.index {
				a.byTerm[id] = append(l, c.index)
			}
		}
		for _, re := range c.regex {
			if re.starts == nil {
				a.anyText = append(a.anyText, c.index)
				continue
			}
			for r := range re.starts {
				if l := a.byRune[r]; len(l) == 0 || l[len(l)-1] != c.index {
					a.byRune[r] = append(l, c.index)
				}
			}
		}
		switch r.Category {
		case lexicon.CategoryParty:
			a.party = append(a.party, c)
		case lexicon.CategoryTask, lexicon.CategoryStep, lexicon.CategoryRequired:
			a.tasks = append(a.tasks, c)
		case lexicon.CategoryRole:
			a.roles = append(a.roles, c)
		case lexicon.CategoryHint:
			a.hints = append(a.hints, c)
		default:
			a.violations = append(a.violations, c)
		}
	}
	a.terms.freeze()
	a.terms.particles = map[rune]bool{}
	for _, w := range set.Particles {
		for _, r := range w {
			a.terms.particles[r] = true
		}
	}
	a.termRules = make([][]int, len(a.terms.terms))
	for id, rules := range a.byTerm {
		a.termRules[id] = rules
	}
	a.runeRules = make([][]int, 1<<16)
	a.runeBits = make([]uint64, 1<<16/64)
	for r, rules := range a.byRune {
		if r < 1<<16 {
			a.runeRules[r] = rules
			a.runeBits[r/64] |= 1 << (r % 64)
		}
	}
	a.soundAlikes = a.soundAlikeIDs()
	return a, nil
}

// Set returns the rule set the analyzer was built from.
func (a *Analyzer) Set() *lexicon.Set { return a.set }

// hit is one rule that fired on one turn, before findings are deduplicated.
type hit struct {
	rule *lexicon.Rule
	turn int
	m    span
}

// state is the work of one Analyze call.
type state struct {
	a       *Analyzer
	call    *corpus.Call
	turns   []*prepared
	parties []string // per turn: debtor or third_party
	liable  bool     // the other party is a guarantor or co-borrower
	res     *Result
	hits    []hit
	// found records the categories already reported per turn.
	found map[int]map[string]bool
	// hints are the hint rules that fired, before coverage filters them,
	// with their rules.
	hints     []hintAt
	hintRules []*lexicon.Rule
	// firstAt is where each task and step code was first covered: the
	// turn and the byte offset of the evidence in the normalized text.
	firstAt map[string]position
	// evidence holds the spans of each task and step code's evidence, by
	// turn number.
	evidence map[string]map[int][]span
}

// hintAt is a hint and where its quote starts in its turn (the
// normalized text; for a finding, the original), for ordering.
type hintAt struct {
	Hint
	start int
}

// position is a place in a call: a turn number and an offset in it.
type position struct{ turn, start int }

func (p position) before(q position) bool {
	return p.turn < q.turn || p.turn == q.turn && p.start < q.start
}

// Analyze checks one call and returns its result.
//
// A call with speakers of unknown role (speech-recognition output without
// a --roles mapping) first goes through InferRoles; the result then says
// what was inferred in RolesInferred. A call whose roles a mapping gave is
// checked against the evidence (CheckRoles); RolesDisputed says when the
// evidence goes strongly against the mapping, which is used all the same.
func (a *Analyzer) Analyze(call *corpus.Call) *Result {
	var inf *RoleInference
	if call.NeedsRoles() {
		inf = a.InferRoles(call)
		call = withInferredRoles(call, inf)
	}
	res, _ := a.analyze(call)
	res.RolesInferred = inf
	res.RolesDisputed = a.CheckRoles(call)
	a.markInferredRoles(res, inf)
	return res
}

func (a *Analyzer) analyze(call *corpus.Call) (*Result, []hit) {
	return a.run(call, false)
}

// run analyzes a call; with inferring, the role-inference cues run too.
func (a *Analyzer) run(call *corpus.Call, inferring bool) (*Result, []hit) {
	st := &state{a: a, call: call, found: map[int]map[string]bool{}, firstAt: map[string]position{}, evidence: map[string]map[int][]span{}}
	st.res = &Result{
		CallID: call.ID, Source: call.Source, Turns: len(call.Turns),
		Findings: []Finding{}, Tasks: map[string]Coverage{}, Steps: map[string]Coverage{},
		Agent: call.Agent, Team: call.Team, StartedAt: call.StartedAt, Kind: call.Kind,
		Call: call,
	}
	st.turns = make([]*prepared, len(call.Turns))
	for i, t := range call.Turns {
		p := prepare(a.seg, a.terms, t.Text)
		p.candBuf = slices.Grow(p.candBuf[:0], a.compiled)[:a.compiled]
		clear(p.candBuf)
		p.cand = p.candBuf
		for _, id := range p.ids {
			for _, ri := range a.termRules[id] {
				p.cand[ri] = true
			}
		}
		for _, ri := range a.anyText {
			p.cand[ri] = true
		}
		for _, r := range p.norm.Text {
			var rules []int
			if r < 1<<16 {
				if a.runeBits[r/64]&(1<<(r%64)) == 0 {
					continue
				}
				rules = a.runeRules[r]
			} else {
				rules = a.byRune[r]
			}
			for _, ri := range rules {
				p.cand[ri] = true
			}
		}
		st.turns[i] = p
	}
	if a.keepWords && !inferring {
		st.res.Words = turnWords(call, st.turns)
	}
	st.parties, st.res.Party = st.decideParties()
	for i := range call.Turns {
		for _, c := range a.violations {
			st.apply(i, c)
		}
	}
	for i := range call.Turns {
		for _, c := range a.tasks {
			st.apply(i, c)
		}
		if inferring {
			for _, c := range a.roles {
				st.apply(i, c)
			}
		}
	}
	for i := range call.Turns {
		for _, c := range a.hints {
			st.apply(i, c)
		}
	}
	st.findingHints()
	st.score()
	if !inferring && a.opts.Similar != nil {
		st.res.Candidates = st.candidates()
	}
	releaseTurns(st.turns)
	return st.res, st.hits
}

func isOther(r corpus.Role) bool { return r == corpus.RoleCustomer || r == corpus.RoleThirdParty }

// check runs the cue, exception and speaker checks on one raw match and
// returns the reason it does not count ("" when it counts) and the cue.
func (st *state) check(i int, c *compiled, m span) (reason string, cue span) {
	p := st.turns[i]
	r := c.rule
	for _, o := range st.a.terms.findRaw(p, c.exceptions) {
		// An exception overlapping a matched term means the words belong
		// to another phrase: 傻瓜 in 傻瓜相机, 还 in 现在还在. Words that a
		// pattern's gap skips over do not count.
		if o.start < m.headEnd && m.start < o.end || o.start < m.end && m.tailStart < o.end {
			return "allow_listed", o
		}
	}
	if o, ok := inScope(p, c.unless, r.Scope, m); ok {
		return "unless", o
	}
	if o, ok := cueBefore(st.a.terms, p, c.negation, m); ok {
		return "negated", o
	}
	if o, ok := cueBefore(st.a.terms, p, c.quote, m); ok {
		return "quoted", o
	}
	for _, cat := range r.UnlessFinding {
		if st.found[i+1][cat] && st.findingInScope(i, cat, r.Scope, m) {
			return "turn_has_" + cat, span{}
		}
	}
	for _, code := range r.UnlessSameTurn {
		if st.coversTurn(code, i+1) {
			return "turn_covers_" + code, span{}
		}
	}
	for _, code := range r.UnlessInside {
		for _, e := range st.evidence[code][i+1] {
			if e.start <= m.start && m.end <= e.end {
				return "inside_" + code, e
			}
		}
	}
	return "", span{}
}

// findingInScope reports whether a violation of category cat on turn i
// lies in the same scope (clause, sentence, turn) as m: a lawful
// consequence in its own sentence still counts beside a threat in the
// next one.
func (st *state) findingInScope(i int, cat string, scope lexicon.Scope, m span) bool {
	p := st.turns[i]
	for _, h := range st.hits {
		if h.turn == i+1 && h.rule.Category == cat && p.sameScope(scope, h.m.first, m.first) {
			return true
		}
	}
	return false
}

// coversTurn reports whether task or step code has evidence on turn n.
func (st *state) coversTurn(code string, n int) bool {
	for _, m := range []map[string]Coverage{st.res.Tasks, st.res.Steps} {
		if slices.Contains(m[code].Turns, n) {
			return true
		}
	}
	return false
}

// reaction finds what a hint on agent turn i reacts to: the last match of
// rc in the other party's turns since the agent last spoke. It returns
// the quoted words and their turn.
func (st *state) reaction(i int, rc *compiled) (string, int, bool) {
	for j := i - 1; j >= 0; j-- {
		role := st.call.Turns[j].Role
		if !isOther(role) {
			if role == corpus.RoleAgent {
				break
			}
			continue
		}
		matches := rc.matches(st.turns[j])
		for k := len(matches) - 1; k >= 0; k-- {
			if reason, _ := st.check(j, rc, matches[k]); reason == "" {
				quote, _, _ := st.quote(j, matches[k])
				return quote, j + 1, true
			}
		}
	}
	return "", 0, false
}

// addHint records a hint unless its turn already has one of its kind
// (one hint per kind per turn).
func (st *state) addHint(h hintAt, r *lexicon.Rule) {
	for _, o := range st.hints {
		if o.Turn == h.Turn && o.Code == h.Code {
			return
		}
	}
	st.hints = append(st.hints, h)
	st.hintRules = append(st.hintRules, r)
}

// findingHints raises the hints that fire on findings (on_findings): one
// on every turn holding a finding of one of the rule's categories.
func (st *state) findingHints() {
	for _, c := range st.a.hints {
		r := c.rule
		if len(r.OnFindings) == 0 {
			continue
		}
		for _, f := range st.res.Findings {
			if slices.Contains(r.OnFindings, f.Category) {
				st.addHint(hintAt{Hint{Turn: f.Turn, Code: r.Code, Kind: r.Code, About: r.About, Rule: r.ID, Text: r.Advice, Quote: f.Match}, f.Start}, r)
			}
		}
	}
}

// speakerOK reports whether the rule applies to who speaks turn i.
func speakerOK(r *lexicon.Rule, role corpus.Role) bool {
	switch r.Speaker {
	case lexicon.SpeakerAny:
		return true
	case lexicon.SpeakerOther:
		return isOther(role)
	}
	return role == corpus.RoleAgent
}

func (st *state) apply(i int, c *compiled) {
	p := st.turns[i]
	r := c.rule
	turn := st.call.Turns[i]
	if !st.a.opts.Explain && !st.mayApply(i, r) {
		return // nothing to report, and no suppressed match to explain
	}
	matches := c.matches(p)
	if len(matches) == 0 {
		return
	}
	// Abuse from the other party is reported, never scored (policy.md).
	abuse := false
	if !speakerOK(r, turn.Role) {
		if isOther(turn.Role) && (r.Category == lexicon.CategoryInsult || r.Category == lexicon.CategoryThreat) {
			abuse = true
		} else {
			st.suppress(i, r, matches[0], "wrong_speaker", span{}, false)
			return
		}
	}
	party := st.parties[i]
	if r.Party == lexicon.PartyNotLiable {
		if st.liable {
			st.suppress(i, r, matches[0], "listener_is_liable", span{}, false)
			return
		}
	} else if r.Party != lexicon.PartyAny && r.Party != party {
		reason := "listener_is_debtor"
		if party == lexicon.PartyThirdParty {
			reason = "third_party_call"
		}
		st.suppress(i, r, matches[0], reason, span{}, false)
		return
	}
	if r.Category == lexicon.CategoryTask && party != lexicon.PartyDebtor {
		// Tasks concern the conversation with the debtor (policy.md).
		st.suppress(i, r, matches[0], "third_party_call", span{}, false)
		return
	}
	for _, m := range matches {
		if reason, cue := st.check(i, c, m); reason != "" {
			st.suppress(i, r, m, reason, cue, cue.end > cue.start)
			continue
		}
		if !abuse { // the rule itself did not fire: it reports abuse instead
			st.hits = append(st.hits, hit{rule: r, turn: i + 1, m: m})
		}
		st.record(i, c, m, abuse)
		return
	}
}

// mayApply reports whether rule r can produce anything on turn i: a
// finding, a coverage, or customer abuse. It lets Analyze skip matching
// rules that cannot apply (an other-party rule on an agent turn).
func (st *state) mayApply(i int, r *lexicon.Rule) bool {
	role := st.call.Turns[i].Role
	if !speakerOK(r, role) && !(isOther(role) && (r.Category == lexicon.CategoryInsult || r.Category == lexicon.CategoryThreat)) {
		return false
	}
	party := st.parties[i]
	switch {
	case r.Party == lexicon.PartyNotLiable:
		return !st.liable
	case r.Party != lexicon.PartyAny && r.Party != party:
		return false
	case r.Category == lexicon.CategoryTask && party != lexicon.PartyDebtor:
		return false
	}
	return true
}

func (st *state) quote(i int, m span) (text string, start, end int) {
	p := st.turns[i]
	orig := st.call.Turns[i].Text
	start, end = p.norm.Span(m.start, m.end)
	return orig[start:end], start, end
}

func (st *state) suppress(i int, r *lexicon.Rule, m span, reason string, cue span, hasCue bool) {
	if !st.a.opts.Explain {
		return
	}
	s := Suppressed{Turn: i + 1, Rule: r.ID, Reason: reason}
	s.Match, _, _ = st.quote(i, m)
	if hasCue {
		s.Cue, _, _ = st.quote(i, cue)
	}
	st.res.Suppressed = append(st.res.Suppressed, s)
}

func (st *state) record(i int, c *compiled, m span, abuse bool) {
	r := c.rule
	n := i + 1
	switch r.Category {
	case lexicon.CategoryParty, lexicon.CategoryRole:
		return
	case lexicon.CategoryHint:
		quote, _, _ := st.quote(i, m)
		h := hintAt{Hint{Turn: n, Code: r.Code, Kind: r.Code, About: r.About, Rule: r.ID, Text: r.Advice, Quote: quote}, m.start}
		if c.reacts != nil {
			ev, evTurn, ok := st.reaction(i, c.reacts)
			if !ok {
				return
			}
			h.EvidenceTurn, h.Evidence = evTurn, ev
		}
		st.addHint(h, r)
		return
	case lexicon.CategoryTask, lexicon.CategoryStep, lexicon.CategoryRequired:
		cov := st.res.Tasks
		switch r.Category {
		case lexicon.CategoryStep:
			cov = st.res.Steps
		case lexicon.CategoryRequired:
			if st.res.Required == nil {
				st.res.Required = map[string]Coverage{}
			}
			cov = st.res.Required
		}
		if st.evidence[r.Code] == nil {
			st.evidence[r.Code] = map[int][]span{}
		}
		st.evidence[r.Code][n] = append(st.evidence[r.Code][n], m)
		if at, ok := st.firstAt[r.Code]; !ok || (position{n, m.start}).before(at) {
			st.firstAt[r.Code] = position{n, m.start}
		}
		cv := cov[r.Code]
		cv.Covered = true
		if len(cv.Turns) == 0 || cv.Turns[len(cv.Turns)-1] != n {
			cv.Turns = append(cv.Turns, n)
		}
		if !contains(cv.Rules, r.ID) {
			cv.Rules = append(cv.Rules, r.ID)
		}
		cov[r.Code] = cv
		return
	}
	cat := r.Category
	severity := r.Severity
	if abuse {
		cat, severity = CategoryCustomerAbuse, "info"
	}
	if st.found[n] == nil {
		st.found[n] = map[string]bool{}
	}
	if st.found[n][cat] { // once per category per turn (policy.md)
		return
	}
	st.found[n][cat] = true
	text, start, end := st.quote(i, m)
	f := Finding{
		Category: cat, Turn: n, Speaker: string(st.call.Turns[i].Role), Severity: severity,
		Rule: r.ID, Match: text, Text: st.call.Turns[i].Text, Start: start, End: end,
		Refs: r.Refs, PackVersion: packVersion(r), Description: r.Description, Advice: r.Advice,
	}
	markReview(&f, st.matchReasons(i, m))
	st.res.Findings = append(st.res.Findings, f)
}

func packVersion(r *lexicon.Rule) string {
	if r.Pack == nil {
		return ""
	}
	return r.Pack.Name + "@" + r.Pack.Version
}

// categoryRank orders findings within a turn as policy.md lists them.
func categoryRank(c string) int {
	for i, v := range ViolationCategories {
		if v == c {
			return i
		}
	}
	return len(ViolationCategories)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// score fills the coverage maps for every code, the score and pass/fail.
func (st *state) score() {
	res := st.res
	for _, code := range TaskCodes {
		cv := res.Tasks[code]
		if cv.Turns == nil {
			cv.Turns = []int{}
		}
		res.Tasks[code] = cv
		if cv.Covered {
			w, ok := st.a.opts.Weights[code]
			if !ok {
				w = DefaultWeight
			}
			res.Score += w
		}
	}
	for _, code := range StepCodes {
		cv := res.Steps[code]
		if cv.Turns == nil {
			cv.Turns = []int{}
		}
		res.Steps[code] = cv
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Turn != b.Turn {
			return a.Turn < b.Turn
		}
		return categoryRank(a.Category) < categoryRank(b.Category)
	})
	res.Pass = len(res.Violations()) == 0
	res.Hints = st.keptHints()
}

// keptHints applies the hints' call-level conditions: a hint is dropped
// when the call covers one of its unless_covered codes, or when it does
// not come before the first evidence of its before_first code; of a
// first_only rule only the first hint counts. The hints come out in turn
// order.
func (st *state) keptHints() []Hint {
	first := map[string]bool{}
	var out []Hint
	order := make([]int, len(st.hints))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return (position{st.hints[order[a]].Turn, st.hints[order[a]].start}).before(position{st.hints[order[b]].Turn, st.hints[order[b]].start})
	})
	for _, i := range order {
		h, r := st.hints[i], st.hintRules[i]
		if r.FirstOnly {
			if first[r.ID] {
				continue
			}
			first[r.ID] = true
		}
		keep := true
		for _, code := range r.UnlessCovered {
			if st.covered(code) {
				keep = false
			}
		}
		if r.BeforeFirst != "" {
			if at, ok := st.firstAt[r.BeforeFirst]; ok && !(position{h.Turn, h.start}).before(at) {
				keep = false
			}
		}
		if keep {
			out = append(out, h.Hint)
		}
	}
	return out
}

// covered reports whether the call covers task or step code.
func (st *state) covered(code string) bool {
	for _, m := range []map[string]Coverage{st.res.Tasks, st.res.Steps} {
		if cv, ok := m[code]; ok && cv.Covered {
			return true
		}
	}
	return false
}
