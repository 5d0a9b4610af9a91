package lexicon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

var (
	packKeys    = []string{"pack", "version", "category", "severity", "refs", "words", "negation", "quote", "disable", "rules", "advice", "classes", "particles"}
	ruleKeys    = []string{"id", "category", "severity", "description", "refs", "code", "speaker", "party", "terms", "sound_alikes", "patterns", "near", "regex", "exceptions", "unless", "unless_finding", "scope", "negation", "quote", "examples", "advice", "unless_covered", "before_first", "about", "unless_same_turn", "unless_inside", "first_only", "on_findings", "reacts_to"}
	reactsKeys  = []string{"terms", "patterns", "near", "regex", "exceptions", "unless", "unless_same_turn", "scope"}
	cueKeys     = []string{"cues", "window", "scope", "except"}
	exampleKeys = []string{"match", "no_match"}
	classKeys   = []string{"description", "members", "sound_alikes", "extend", "examples"}
	nearKeys    = []string{"all", "within", "scope"}
	classNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	severities  = []string{"critical", "major", "minor", "info"}
	ruleIDRe    = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)
	gapRe       = regexp.MustCompile(`^\s*(\d+)\s*(?:-\s*(\d+))?\s*$`)
)

// NumClass is what `{num}` stands for in a rule's regular expressions:
// a run of Arabic or Chinese numerals, so one expression matches 5000,
// 五千 and 4千3百 alike.
const NumClass = `[0-9零〇一二两三四五六七八九十百千万亿点半.,]+`

// ExpandRegex replaces the `{num}` macro in a rule's regular expression.
func ExpandRegex(expr string) string {
	return strings.ReplaceAll(expr, "{num}", NumClass)
}

// Parse reads one pack file. file names the source in errors. It reports
// every problem it finds, as an ErrorList sorted by position.
func Parse(file string, data []byte) (*Pack, error) {
	var errs ErrorList
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		line := 0
		msg := err.Error()
		if m := regexp.MustCompile(`^yaml: line (\d+): (.*)$`).FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		} else if errors.Is(err, io.EOF) {
			msg = "empty pack file"
		}
		errs.Add(file, line, 0, "", "%s", strings.TrimPrefix(msg, "yaml: "))
		return nil, errs.Err()
	}
	if len(doc.Content) == 0 {
		errs.Add(file, 0, 0, "", "empty pack file")
		return nil, errs.Err()
	}
	return ParseNode(file, doc.Content[0])
}

// ParseNode reads a pack from an already decoded YAML node, so that a
// file of another kind (a scorecard) can hold rules and still report the
// lines of its own file.
func ParseNode(file string, root *yaml.Node) (*Pack, error) {
	var errs ErrorList
	p := &Pack{Source: file}
	l := &loader{file: file, errs: &errs}
	fields := l.mapping(root, packKeys, "")
	if fields == nil {
		return nil, errs.Err()
	}
	p.Name = l.str(fields["pack"], "")
	p.Version = l.str(fields["version"], "")
	p.Category = l.str(fields["category"], "")
	p.Severity = l.str(fields["severity"], "")
	p.Refs = l.strs(fields["refs"], "")
	p.Words = l.strs(fields["words"], "")
	p.Particles = l.strs(fields["particles"], "")
	for i, w := range p.Particles {
		if utf8.RuneCountInString(w) != 1 {
			l.add(fields["particles"].Content[i], "", "particles: %q is not one character (a particle is a single character such as 吧 or 呢)", w)
		}
	}
	p.Negation = l.cues(fields["negation"], "", ScopeClause)
	p.Quote = l.cues(fields["quote"], "", ScopeSentence)
	p.Disable = l.strs(fields["disable"], "")
	p.Advice = l.str(fields["advice"], "")
	if p.Name == "" {
		l.add(root, "", "missing `pack` (the pack's name)")
	}
	if p.Version == "" {
		l.add(root, "", "missing `version`")
	}
	if p.Category != "" && !contains(knownCategories, p.Category) {
		l.add(fields["category"], "", "unknown category %q%s", p.Category, didYouMean(p.Category, knownCategories))
	}
	if p.Severity != "" && !contains(severities, p.Severity) {
		l.add(fields["severity"], "", "unknown severity %q (want one of %s)", p.Severity, strings.Join(severities, ", "))
	}
	if n := fields["rules"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			l.add(n, "", "`rules` must be a list")
		} else {
			seen := map[string]int{}
			for _, rn := range n.Content {
				r := l.rule(rn, p)
				if r == nil {
					continue
				}
				if prev, ok := seen[r.ID]; ok {
					l.add(rn, r.ID, "duplicate rule id (first defined at line %d)", prev)
					continue
				}
				seen[r.ID] = r.Line
				p.Rules = append(p.Rules, r)
			}
		}
	}
	if n := fields["classes"]; n != nil {
		p.Classes = l.classes(n, p)
	}
	if len(p.Rules) == 0 && len(p.Disable) == 0 && len(p.Words) == 0 && len(p.Particles) == 0 && fields["rules"] == nil && fields["classes"] == nil {
		l.add(root, "", "pack has no rules, classes, words or disable list")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

type loader struct {
	file string
	errs *ErrorList
}

func (l *loader) add(n *yaml.Node, id, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	l.errs.Add(l.file, line, col, id, format, args...)
}

// mapping checks that n is a mapping with only known keys and returns its
// values by key.
func (l *loader) mapping(n *yaml.Node, known []string, id string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		l.add(n, id, "expected a mapping of keys to values, got %s", kindName(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(known, k.Value) {
			l.add(k, id, "unknown field %q%s", k.Value, didYouMean(k.Value, known))
			continue
		}
		if _, dup := out[k.Value]; dup {
			l.add(k, id, "field %q given twice", k.Value)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func (l *loader) str(n *yaml.Node, id string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		l.add(n, id, "expected a single value, got %s", kindName(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// strs reads a list of non-empty strings; a single scalar is a list of one.
// regexForms reports, at its line, each regular expression of the list n
// (as strs reads it) whose literal text normalization changes: the
// matcher sees normalized text, so such a literal never matches (see
// regexFormProblems). what names the list in the message.
func (l *loader) regexForms(n *yaml.Node, id, what string) {
	if n == nil {
		return
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	i := 0
	for _, c := range items {
		v := strings.TrimSpace(c.Value)
		if c.Kind != yaml.ScalarNode || v == "" {
			continue
		}
		i++
		for _, msg := range regexFormProblems(ExpandRegex(v)) {
			l.add(c, id, "%s %d: %s", what, i, msg)
		}
	}
}

func (l *loader) strs(n *yaml.Node, id string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if strings.TrimSpace(n.Value) == "" {
			l.add(n, id, "empty value")
			return nil
		}
		return []string{strings.TrimSpace(n.Value)}
	}
	if n.Kind != yaml.SequenceNode {
		l.add(n, id, "expected a list, got %s", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			l.add(c, id, "expected a string, got %s", kindName(c))
			continue
		}
		v := strings.TrimSpace(c.Value)
		if v == "" {
			l.add(c, id, "empty string in list")
			continue
		}
		out = append(out, v)
	}
	return out
}

func (l *loader) cues(n *yaml.Node, id string, defScope Scope) *Cues {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "off", "false", "no", "none":
			return &Cues{Off: true}
		}
		l.add(n, id, "expected a mapping {cues, window, scope} or `off`, got %q", n.Value)
		return nil
	}
	f := l.mapping(n, cueKeys, id)
	if f == nil {
		return nil
	}
	c := &Cues{Terms: l.strs(f["cues"], id), Except: l.strs(f["except"], id), Window: 4, Scope: defScope}
	if len(c.Terms) == 0 {
		l.add(n, id, "missing `cues`")
	}
	if w := f["window"]; w != nil {
		v, err := strconv.Atoi(l.str(w, id))
		if err != nil || v < 0 || v > 50 {
			l.add(w, id, "window must be a whole number of words from 0 to 50, got %q", w.Value)
		} else {
			c.Window = v
		}
	}
	if s := f["scope"]; s != nil {
		c.Scope = l.scope(s, id)
	}
	return c
}

func (l *loader) scope(n *yaml.Node, id string) Scope {
	v := Scope(l.str(n, id))
	switch v {
	case ScopeClause, ScopeSentence, ScopeTurn:
		return v
	}
	l.add(n, id, "unknown scope %q (want clause, sentence or turn)", v)
	return ScopeClause
}

func (l *loader) rule(n *yaml.Node, p *Pack) *Rule {
	// Find the id first so every later error can name the rule.
	id := ""
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				id = strings.TrimSpace(n.Content[i+1].Value)
			}
		}
	}
	f := l.mapping(n, ruleKeys, id)
	if f == nil {
		return nil
	}
	r := &Rule{ID: id, Pack: p, Line: n.Line}
	if id == "" {
		l.add(n, "", "rule without `id`")
		return nil
	}
	if !ruleIDRe.MatchString(id) {
		l.add(f["id"], id, "id must look like category.short_name (lower case, digits, _ and .)")
	}
	r.Category = firstNonEmpty(l.str(f["category"], id), p.Category)
	r.Severity = firstNonEmpty(l.str(f["severity"], id), p.Severity)
	r.Description = l.str(f["description"], id)
	r.Refs = append([]string(nil), p.Refs...)
	if f["refs"] != nil { // a rule's own refs replace the pack's
		r.Refs = l.strs(f["refs"], id)
	}
	r.Code = l.str(f["code"], id)
	r.Speaker = Speaker(firstNonEmpty(l.str(f["speaker"], id), string(SpeakerAgent)))
	r.Party = firstNonEmpty(l.str(f["party"], id), PartyAny)
	r.Terms = l.strs(f["terms"], id)
	if sa := f["sound_alikes"]; sa != nil {
		r.SoundAlikes = l.soundAlikes(sa, id, r.Terms)
		for _, a := range r.SoundAlikes {
			r.Terms = append(r.Terms, a.Form)
		}
	}
	r.Regex = l.strs(f["regex"], id)
	r.Exceptions = l.strs(f["exceptions"], id)
	r.Unless = l.strs(f["unless"], id)
	r.UnlessFinding = l.strs(f["unless_finding"], id)
	r.Advice = firstNonEmpty(l.str(f["advice"], id), p.Advice)
	r.UnlessCovered = l.strs(f["unless_covered"], id)
	r.BeforeFirst = l.str(f["before_first"], id)
	r.About = l.str(f["about"], id)
	r.UnlessSameTurn = l.strs(f["unless_same_turn"], id)
	r.UnlessInside = l.strs(f["unless_inside"], id)
	r.OnFindings = l.strs(f["on_findings"], id)
	if fo := f["first_only"]; fo != nil {
		r.FirstOnly = l.boolean(fo, id, "first_only")
	}
	r.Scope = ScopeClause
	if s := f["scope"]; s != nil {
		r.Scope = l.scope(s, id)
	}
	if rt := f["reacts_to"]; rt != nil {
		r.ReactsTo = l.reactsTo(rt, r)
	}
	l.hintFields(n, f, r)
	r.Negation = p.Negation
	if c := l.cues(f["negation"], id, ScopeClause); c != nil {
		r.Negation = c
	}
	r.Quote = p.Quote
	if c := l.cues(f["quote"], id, ScopeSentence); c != nil {
		r.Quote = c
	}
	l.steps(f, r)
	r.Examples = l.examples(f["examples"], id)

	switch {
	case r.Category == "":
		l.add(n, id, "missing `category` (set it on the rule or the pack)")
	case f["category"] != nil && !contains(knownCategories, r.Category):
		// An unknown pack category is reported once, at the pack's field.
		l.add(f["category"], id, "unknown category %q%s", r.Category, didYouMean(r.Category, knownCategories))
	}
	if r.Severity == "" {
		r.Severity = "critical"
		if !r.IsViolation() {
			r.Severity = "info"
		}
	} else if f["severity"] != nil && !contains(severities, r.Severity) {
		l.add(f["severity"], id, "unknown severity %q (want one of %s)", r.Severity, strings.Join(severities, ", "))
	}
	if !slices.Contains([]Speaker{SpeakerAgent, SpeakerOther, SpeakerAny}, r.Speaker) {
		l.add(f["speaker"], id, "unknown speaker %q (want agent, other or any)", r.Speaker)
	}
	if !contains([]string{PartyAny, PartyDebtor, PartyThirdParty, PartyNotLiable}, r.Party) {
		l.add(f["party"], id, "unknown party %q (want any, debtor, third_party or not_liable)", r.Party)
	}
	var codes []string
	switch r.Category {
	case CategoryTask:
		codes = TaskCodes
	case CategoryStep:
		codes = StepCodes
	case CategoryParty:
		codes = PartyCodes
	case CategoryRole:
		codes = RoleCodes
	}
	switch {
	case codes != nil && r.Code == "":
		l.add(n, id, "a %s rule needs `code` (one of %s)", r.Category, strings.Join(codes, ", "))
	case codes != nil && !contains(codes, r.Code):
		l.add(f["code"], id, "unknown %s code %q%s", r.Category, r.Code, didYouMean(r.Code, codes))
	case r.Category == CategoryRequired && r.Code == "":
		l.add(n, id, "a required rule needs `code` (the scorecard item it detects)")
	case r.Category == CategoryHint && r.Code == "":
		l.add(n, id, "a hint rule needs `code` (the kind of hint, e.g. open_question)")
	case r.Category == CategoryHint && r.Advice == "":
		l.add(n, id, "a hint rule needs `advice` (what the agent should do instead)")
	case codes == nil && r.Code != "" && r.Category != CategoryHint && r.Category != CategoryRequired:
		l.add(f["code"], id, "`code` is only for task, step, party and role rules")
	}
	for _, c := range r.UnlessFinding {
		if !contains([]string{CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure}, c) {
			l.add(f["unless_finding"], id, "unless_finding: %q is not a violation category", c)
		}
	}
	if len(r.Terms) == 0 && len(r.Patterns) == 0 && len(r.Near) == 0 && len(r.Regex) == 0 && len(r.OnFindings) == 0 {
		l.add(n, id, "the rule matches nothing: give `terms`, `patterns`, `near` or `regex`")
	}
	for i, expr := range r.Regex {
		if _, err := regexp.Compile(ExpandRegex(expr)); err != nil {
			l.add(f["regex"], id, "regex %d does not compile: %v", i+1, err)
		}
	}
	l.regexForms(f["regex"], id, "regex")
	if len(r.Examples.Match) == 0 {
		l.add(n, id, "no examples: give at least one `examples: match:` transcript line (and ideally `no_match`)")
	}
	return r
}

// hintFields checks the fields that only hint rules take, and the task
// and step codes they name.
func (l *loader) hintFields(n *yaml.Node, f map[string]*yaml.Node, r *Rule) {
	id := r.ID
	if r.Category != CategoryHint {
		for _, k := range []string{"unless_covered", "before_first", "about", "unless_same_turn", "unless_inside", "first_only", "on_findings", "reacts_to"} {
			if f[k] != nil {
				l.add(f[k], id, "`%s` is only for hint rules (category hint)", k)
			}
		}
	}
	allCodes := append(append([]string(nil), TaskCodes...), StepCodes...)
	codes := append(append([]string(nil), r.UnlessCovered...), r.BeforeFirst, r.About)
	codes = append(codes, r.UnlessSameTurn...)
	codes = append(codes, r.UnlessInside...)
	if r.ReactsTo != nil {
		codes = append(codes, r.ReactsTo.UnlessSameTurn...)
	}
	for _, c := range codes {
		if c != "" && !contains(allCodes, c) {
			l.add(n, id, "unknown task or step code %q%s", c, didYouMean(c, allCodes))
		}
	}
	violations := []string{CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure}
	for _, c := range r.OnFindings {
		if !contains(violations, c) {
			l.add(f["on_findings"], id, "on_findings: %q is not a violation category%s", c, didYouMean(c, violations))
		}
	}
	if len(r.OnFindings) > 0 && (len(r.Terms) > 0 || len(r.Patterns) > 0 || len(r.Near) > 0 || len(r.Regex) > 0 || r.ReactsTo != nil) {
		l.add(f["on_findings"], id, "a hint with `on_findings` fires on findings, not words: drop its terms, patterns, near, regex and reacts_to")
	}
}

// reactsTo reads a hint's `reacts_to`: a matcher for the other party's
// words, as a rule of its own (id "<hint>.reacts_to") for the other
// speaker.
func (l *loader) reactsTo(n *yaml.Node, parent *Rule) *Rule {
	id := parent.ID
	f := l.mapping(n, reactsKeys, id)
	if f == nil {
		return nil
	}
	r := &Rule{
		ID: parent.ID + ".reacts_to", Category: parent.Category, Severity: parent.Severity, Code: parent.Code,
		Speaker: SpeakerOther, Party: parent.Party, Scope: parent.Scope, Negation: parent.Negation, Quote: parent.Quote,
		Advice: parent.Advice, Pack: parent.Pack, Line: n.Line,
	}
	if parent.Speaker == SpeakerOther {
		r.Speaker = SpeakerAgent
	}
	r.Terms = l.strs(f["terms"], id)
	r.Regex = l.strs(f["regex"], id)
	r.Exceptions = l.strs(f["exceptions"], id)
	r.Unless = l.strs(f["unless"], id)
	r.UnlessSameTurn = l.strs(f["unless_same_turn"], id)
	if s := f["scope"]; s != nil {
		r.Scope = l.scope(s, id)
	}
	l.steps(f, r)
	if len(r.Terms) == 0 && len(r.Patterns) == 0 && len(r.Near) == 0 && len(r.Regex) == 0 {
		l.add(n, id, "reacts_to matches nothing: give `terms`, `patterns`, `near` or `regex`")
	}
	for i, expr := range r.Regex {
		if _, err := regexp.Compile(ExpandRegex(expr)); err != nil {
			l.add(f["regex"], id, "reacts_to regex %d does not compile: %v", i+1, err)
		}
	}
	l.regexForms(f["regex"], id, "reacts_to regex")
	return r
}

// steps reads a rule's `patterns` and `near` frames; a frame without a
// scope of its own takes the rule's.
func (l *loader) steps(f map[string]*yaml.Node, r *Rule) {
	if pn := f["patterns"]; pn != nil {
		r.Patterns = l.patterns(pn, r.ID)
	}
	if nn := f["near"]; nn != nil {
		r.Near = l.near(nn, r.ID)
		for i := range r.Near {
			if r.Near[i].Scope == "" {
				r.Near[i].Scope = r.Scope
			}
		}
	}
}

func (l *loader) boolean(n *yaml.Node, id, field string) bool {
	switch strings.ToLower(l.str(n, id)) {
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	l.add(n, id, "%s must be true or false, got %q", field, n.Value)
	return false
}

func (l *loader) examples(n *yaml.Node, id string) Examples {
	var ex Examples
	if n == nil {
		return ex
	}
	if ef := l.mapping(n, exampleKeys, id); ef != nil {
		ex.Match = l.strs(ef["match"], id)
		ex.NoMatch = l.strs(ef["no_match"], id)
	}
	return ex
}

// classes reads the `classes` mapping: name → {description, members,
// extend, examples}.
func (l *loader) classes(n *yaml.Node, p *Pack) []*Class {
	if n.Kind != yaml.MappingNode {
		l.add(n, "", "`classes` must be a mapping of class names to {members: [...]}")
		return nil
	}
	var out []*Class
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := strings.TrimSpace(k.Value)
		if !classNameRe.MatchString(name) {
			l.add(k, "", "class name %q: use lower case letters, digits and _ (starting with a letter)", name)
			continue
		}
		if prev, ok := seen[name]; ok {
			l.add(k, "", "class %s declared twice in this pack (first at line %d)", name, prev)
			continue
		}
		seen[name] = k.Line
		f := l.mapping(v, classKeys, "")
		if f == nil {
			continue
		}
		c := &Class{Name: name, Pack: p, Line: k.Line}
		c.Description = l.str(f["description"], "")
		c.Members = l.strs(f["members"], "")
		if sa := f["sound_alikes"]; sa != nil {
			c.SoundAlikes = l.soundAlikes(sa, "", c.Members)
			for _, a := range c.SoundAlikes {
				c.Members = append(c.Members, a.Form)
			}
		}
		if e := f["extend"]; e != nil {
			switch strings.ToLower(l.str(e, "")) {
			case "true", "yes":
				c.Extend = true
			case "false", "no":
			default:
				l.add(e, "", "class %s: extend must be true or false, got %q", name, e.Value)
			}
		}
		c.Examples = l.examples(f["examples"], "")
		if len(c.Members) == 0 {
			l.add(v, "", "class %s has no members (give `members` or `sound_alikes`)", name)
		}
		if !c.Extend && (len(c.Examples.Match) == 0 || len(c.Examples.NoMatch) == 0) {
			l.add(v, "", "class %s needs examples: `match:` texts that hold a member and `no_match:` texts that hold none", name)
		}
		out = append(out, c)
	}
	return out
}

// soundAlikes reads a `sound_alikes` mapping: each spelling that speech
// recognition (or a writer dodging a filter) puts for a word, to the word
// it stands for ({起素: 起诉}). A spelling may not also be in list, the
// members or terms it is given beside.
func (l *loader) soundAlikes(n *yaml.Node, id string, list []string) []SoundAlike {
	if n.Kind != yaml.MappingNode {
		l.add(n, id, "`sound_alikes` must be a mapping of each sound-alike spelling to the word it stands for, e.g. {起素: 起诉}, got %s", kindName(n))
		return nil
	}
	var out []SoundAlike
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		form := strings.TrimSpace(k.Value)
		switch {
		case k.Kind != yaml.ScalarNode || form == "":
			l.add(k, id, "sound_alikes: a spelling must be a non-empty string, got %s", kindName(k))
			continue
		case IsClassRef(form):
			l.add(k, id, "sound_alikes: %s: a sound-alike is a spelling, not a class", form)
			continue
		case v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "":
			l.add(v, id, "sound_alikes: %s: give the word it stands for, e.g. {起素: 起诉}", form)
			continue
		case strings.TrimSpace(v.Value) == form:
			l.add(v, id, "sound_alikes: %s stands for itself; list it as a plain word", form)
			continue
		case seen[form]:
			l.add(k, id, "sound_alikes: %s given twice", form)
			continue
		case contains(list, form):
			l.add(k, id, "sound_alikes: %s is also a plain word in this list; keep it in one place", form)
			continue
		}
		seen[form] = true
		out = append(out, SoundAlike{Form: form, StandsFor: strings.TrimSpace(v.Value), Line: k.Line})
	}
	return out
}

// near reads a rule's proximity frames.
func (l *loader) near(n *yaml.Node, id string) []Near {
	if n.Kind != yaml.SequenceNode {
		l.add(n, id, "`near` must be a list of frames such as {all: [$surveillance, $personal_detail], within: 8}")
		return nil
	}
	var out []Near
	for _, fn := range n.Content {
		f := l.mapping(fn, nearKeys, id)
		if f == nil {
			continue
		}
		fr := Near{Within: 8, Line: fn.Line}
		an := f["all"]
		if an == nil || an.Kind != yaml.SequenceNode {
			l.add(fn, id, "a near frame needs `all`: a list of groups (a term, a $class, or a list of them)")
			continue
		}
		for _, g := range an.Content {
			group := l.strs(g, id)
			if len(group) == 0 {
				continue
			}
			fr.Groups = append(fr.Groups, group)
		}
		if len(fr.Groups) < 2 {
			l.add(an, id, "a near frame needs at least two groups in `all`")
			continue
		}
		if w := f["within"]; w != nil {
			v, err := strconv.Atoi(l.str(w, id))
			if err != nil || v < 0 || v > 30 {
				l.add(w, id, "within must be a whole number of words from 0 to 30, got %q", w.Value)
				continue
			}
			fr.Within = v
		}
		if s := f["scope"]; s != nil {
			fr.Scope = l.scope(s, id)
		}
		out = append(out, fr)
	}
	return out
}

func (l *loader) patterns(n *yaml.Node, id string) []Pattern {
	if n.Kind != yaml.SequenceNode {
		l.add(n, id, "`patterns` must be a list of patterns (each a list of steps)")
		return nil
	}
	var out []Pattern
	for _, pn := range n.Content {
		if pn.Kind != yaml.SequenceNode {
			l.add(pn, id, "a pattern must be a list of steps such as [{any: [发, 发到]}, {gap: 0-4}, {any: [朋友圈]}]")
			continue
		}
		p := Pattern{Line: pn.Line}
		pendingGap := false
		gapMin, gapMax := 0, 0
		ok := true
		for _, sn := range pn.Content {
			switch sn.Kind {
			case yaml.ScalarNode: // a literal term
				p.Steps = append(p.Steps, Step{Any: []string{strings.TrimSpace(sn.Value)}, GapMin: gapMin, GapMax: gapMax})
				pendingGap, gapMin, gapMax = false, 0, 0
			case yaml.MappingNode:
				sf := l.mapping(sn, []string{"any", "gap"}, id)
				if sf == nil {
					ok = false
					continue
				}
				if g := sf["gap"]; g != nil {
					if sf["any"] != nil {
						l.add(sn, id, "a step is either {any: [...]} or {gap: N-M}, not both")
						ok = false
						continue
					}
					if pendingGap {
						l.add(sn, id, "two gaps in a row")
						ok = false
					}
					if len(p.Steps) == 0 {
						l.add(sn, id, "a pattern cannot start with a gap")
						ok = false
					}
					m := gapRe.FindStringSubmatch(g.Value)
					if m == nil {
						l.add(g, id, "gap must be N or N-M words, got %q", g.Value)
						ok = false
						continue
					}
					gapMin, _ = strconv.Atoi(m[1])
					gapMax = gapMin
					if m[2] != "" {
						gapMax, _ = strconv.Atoi(m[2])
					}
					if gapMax < gapMin || gapMax > 30 {
						l.add(g, id, "gap %q: want N-M with N ≤ M ≤ 30", g.Value)
						ok = false
					}
					pendingGap = true
					continue
				}
				terms := l.strs(sf["any"], id)
				if len(terms) == 0 {
					l.add(sn, id, "step with no terms")
					ok = false
					continue
				}
				p.Steps = append(p.Steps, Step{Any: terms, GapMin: gapMin, GapMax: gapMax})
				pendingGap, gapMin, gapMax = false, 0, 0
			default:
				l.add(sn, id, "a step is {any: [...]}, {gap: N-M} or a term, got %s", kindName(sn))
				ok = false
			}
		}
		if pendingGap {
			l.add(pn, id, "a pattern cannot end with a gap")
			ok = false
		}
		if len(p.Steps) == 0 {
			l.add(pn, id, "empty pattern")
			ok = false
		}
		if ok {
			out = append(out, p)
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

// LoadFS parses every .yaml and .yml file at the top of fsys, in name
// order. label prefixes the file names in errors and Pack.Source.
func LoadFS(fsys fs.FS, label string) ([]*Pack, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var packs []*Pack
	var all ErrorList
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		src := path.Join(label, name)
		if err != nil {
			all.Add(src, 0, 0, "", "%v", err)
			continue
		}
		p, err := Parse(src, data)
		if err != nil {
			var el ErrorList
			if errors.As(err, &el) {
				all = append(all, el...)
			} else {
				all.Add(src, 0, 0, "", "%v", err)
			}
			continue
		}
		packs = append(packs, p)
	}
	return packs, all.Err()
}
