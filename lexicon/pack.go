package lexicon

import (
	"strconv"
)

// Categories a rule may have. The four violation categories are scored;
// task, step and party rules feed the task coverage and the listener logic.
const (
	CategoryInsult     = "insult"
	CategoryThreat     = "threat"
	CategoryFalseLegal = "false_legal_claim"
	CategoryDisclosure = "third_party_disclosure"
	CategoryTask       = "task"
	CategoryStep       = "step"
	CategoryParty      = "party"
	// CategoryRole rules only serve role inference on speech-recognition
	// output: cues that a speaker is the agent (code agent) or the other
	// party (code other).
	CategoryRole = "role"
	// CategoryHint rules raise coaching hints for trainers; their code
	// names the kind of hint and `advice` says what to do instead.
	CategoryHint = "hint"
	// CategoryRequired rules detect a scorecard's extra required items
	// (a recording notice, the company name); code names the item.
	CategoryRequired = "required"
)

var knownCategories = []string{CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure, CategoryTask, CategoryStep, CategoryParty, CategoryRole, CategoryHint, CategoryRequired}

// Codes a task, step or party rule may carry in `code`.
var (
	TaskCodes = []string{"demand_payment", "ask_reason", "explain_consequences", "get_commitment"}
	StepCodes = []string{"self_introduce", "verify_identity"}
	// Party codes (analyzer/party.go): someone_else, the speaker says who
	// they are (我是他老婆); third_party, the debtor is not there or not
	// known (他不在, 你打错了), a weaker cue; is_debtor, the speaker says
	// they are the debtor; handover, the phone is passed; liable, a
	// guarantor or co-borrower.
	PartyCodes = []string{"someone_else", "third_party", "is_debtor", "handover", "liable"}
	RoleCodes  = []string{"agent", "other"}
)

// Speaker is who a rule listens to: the agent, the other party (customer
// or third party), or anyone.
type Speaker string

// Speakers a rule may be restricted to.
const (
	SpeakerAgent Speaker = "agent"
	SpeakerOther Speaker = "other"
	SpeakerAny   Speaker = "any"
)

// Parties a rule may be restricted to: who the agent is talking to at
// that turn.
const (
	PartyAny        = "any"
	PartyDebtor     = "debtor"
	PartyThirdParty = "third_party"
	// PartyNotLiable is any listener but a guarantor or co-borrower, who,
	// unlike other family, may be asked to pay (policy.md).
	PartyNotLiable = "not_liable"
)

// Scope bounds how far a pattern, a near frame, an `unless` term or a
// cue may reach.
type Scope string

// Scopes, from the narrowest.
const (
	ScopeClause   Scope = "clause"   // between commas and stops
	ScopeSentence Scope = "sentence" // between 。？！ and their ASCII forms
	ScopeTurn     Scope = "turn"
)

// Pack is one rule pack file.
type Pack struct {
	Name     string   // `pack`
	Version  string   // `version`
	Category string   // default category of the rules
	Severity string   // default severity
	Refs     []string // default regulation references
	// Words go into the segmenter dictionary before anything is cut, so
	// domain words stay whole.
	Words []string
	// Particles are the sentence particles (吧, 呢, 了 …) that may follow a
	// one-character term inside one segmented word: 滚 in 滚吧, never in
	// 滚动.
	Particles []string
	Negation  *Cues // default negation scope of the rules
	Quote     *Cues // default quotation/attribution cues of the rules
	Disable   []string
	Rules     []*Rule
	// Classes are the concept vocabularies the pack declares (`classes`),
	// in file order. Any rule of any pack refers to one as `$name` in a
	// term list.
	Classes []*Class
	// Advice is the pack's default advice: what the agent should say
	// instead, shown to trainers beside every finding of its rules.
	Advice string
	Source string // file the pack was read from
	// Builtin is true for the packs embedded in the binary.
	Builtin bool
}

// Cues is a list of cue words that cancel a match when one of them ends at
// most Window words before it, in the same clause (or sentence, for
// quotation cues). Off turns the pack default off for one rule.
type Cues struct {
	Terms []string
	// Except are longer phrases in which a cue word is no cue: 大概有一千五
	// estimates a sum, it does not hedge the promise after it.
	Except []string
	Window int
	Scope  Scope
	Off    bool
}

// Active reports whether the cues can suppress anything.
func (c *Cues) Active() bool { return c != nil && !c.Off && len(c.Terms) > 0 }

// Rule is one detector. It matches when any of its terms, patterns or
// regular expressions matches and no exception, `unless` term, negation or
// quotation cue cancels the match.
type Rule struct {
	ID          string
	Category    string
	Severity    string
	Description string
	Refs        []string
	// Code is the task or step code (category task/step) or the party
	// signal (category party).
	Code    string
	Speaker Speaker
	Party   string
	Terms   []string
	// SoundAlikes are the terms that are sound-alike spellings of another
	// word (`sound_alikes:` beside `terms:`); they are in Terms too.
	SoundAlikes []SoundAlike
	Patterns    []Pattern
	// Near frames match when all their groups occur close together, in
	// any order.
	Near  []Near
	Regex []string
	// Exceptions are longer phrases that contain a match but mean
	// something else (傻瓜相机 for 傻瓜): a match inside one is allowed.
	Exceptions []string
	// Unless terms cancel a match anywhere in the same scope.
	Unless []string
	// UnlessFinding cancels a match on a turn that already has a finding of
	// one of these categories (a threat never counts as stating consequences).
	UnlessFinding []string
	Scope         Scope
	// Advice says what to do instead (a hint's text, or the advice shown
	// with a violation); empty means the pack's.
	Advice string
	// UnlessCovered drops a hint when the call covers any of these task or
	// step codes anywhere.
	UnlessCovered []string
	// BeforeFirst keeps a hint only where it comes before the first
	// evidence of this task or step code: on an earlier turn, or earlier
	// in the same turn (or anywhere when the code is never covered).
	BeforeFirst string
	// About is the task or step a hint coaches: a hint anchored at a turn
	// replaces the scorecard's call-level remark that the item is missing.
	About string
	// UnlessSameTurn drops a hint on a turn that covers one of these task
	// or step codes (a question about when to pay, in a turn that also
	// demands payment today).
	UnlessSameTurn []string
	// UnlessInside drops a hint match that lies inside the evidence of
	// one of these task or step codes on the same turn (车贷 inside 我是易鑫
	// 车贷的冯雪, an introduction, is no mention of the debt).
	UnlessInside []string
	// FirstOnly keeps a hint only at the rule's first match in the call
	// (the first mention of the debt).
	FirstOnly bool
	// OnFindings makes a hint fire on every turn holding a finding of one
	// of these violation categories, quoting it, instead of on words.
	OnFindings []string
	// ReactsTo is what the other party must have said, in their turns
	// since the agent last spoke, for the hint to fire on the agent's turn
	// (a hedge the agent then accepts). Its match is the hint's evidence.
	ReactsTo *Rule
	Negation *Cues
	Quote    *Cues
	Examples Examples
	Pack     *Pack
	Line     int // line of the rule in Pack.Source
}

// SoundAlike is a spelling that stands for another word: a speech-
// recognition homophone (起素 for 起诉, 做牢 for 坐牢) or a written dodge
// (煞笔 for 傻逼). It matches like the word; a finding that rests on it
// is marked for review.
type SoundAlike struct {
	Form      string // the spelling, as it matches
	StandsFor string // the word it is taken for
	Line      int    // line in the pack file
}

// Examples are transcript snippets (formats.md §1 turn lines, optionally
// with `# key: value` headers) on which the rule must and must not fire.
type Examples struct {
	Match   []string
	NoMatch []string
}

// Pattern is a sequence of alternatives with gaps between them, matched on
// segmented words: `[{any: [发, 发到]}, {gap: 0-4}, {any: [通讯录, 朋友圈]}]`.
type Pattern struct {
	Steps []Step
	Line  int
}

// Near is a proximity frame: every group has a term within Within words
// of the first group's term, before or after it, in the same Scope (the
// rule's scope unless the frame names one). `{all: [$surveillance, $personal_detail],
// within: 8}`.
type Near struct {
	Groups [][]string
	Within int
	Scope  Scope
	Line   int
}

// Class is a named concept vocabulary: its members are words (in every
// variety the pack author knows of: Simplified and Traditional, Cantonese,
// Taiwan, regional, sound-alikes) and `$other` references to classes.
type Class struct {
	Name        string
	Description string
	Members     []string
	// SoundAlikes are the members that are sound-alike spellings of
	// another word (`sound_alikes:` beside `members:`); they are in
	// Members too, and a match through one of them needs review.
	SoundAlikes []SoundAlike
	// Extend adds the members to a class of that name loaded earlier
	// instead of replacing it.
	Extend   bool
	Examples Examples
	Pack     *Pack
	Line     int
}

// Source returns "file:line" for the class.
func (c *Class) Source() string {
	if c.Pack == nil {
		return ""
	}
	return c.Pack.Source + ":" + strconv.Itoa(c.Line)
}

// ClassRef is the prefix that marks a class reference in a term list.
const ClassRef = "$"

// Step is one element of a pattern: a set of alternative terms, and the
// number of words allowed between it and the previous step.
type Step struct {
	Any    []string
	GapMin int
	GapMax int
}

// Source returns "file:line" for the rule.
func (r *Rule) Source() string {
	if r.Pack == nil {
		return ""
	}
	return r.Pack.Source + ":" + strconv.Itoa(r.Line)
}

// IsViolation reports whether the rule's category is one of the four scored
// violation categories.
func (r *Rule) IsViolation() bool {
	switch r.Category {
	case CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DidYouMean returns ` (did you mean "x"?)` for the known string x
// nearest to s, at most two edits away, and "" when none is that near. Error
// messages about a misspelt code or name append it.
func DidYouMean(s string, known []string) string {
	return didYouMean(s, known)
}

func didYouMean(s string, known []string) string {
	if best := nearest(s, known, 2); best != "" {
		return ` (did you mean "` + best + `"?)`
	}
	return ""
}

// nearest returns the known string closest to s by edit distance, if it
// is at most maxDist edits away ("" otherwise).
func nearest(s string, known []string, maxDist int) string {
	best, bestD := "", maxDist+1
	for _, k := range known {
		if d := EditDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance of a and b in runes: the
// fewest insertions, deletions and substitutions that turn one into the
// other.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
