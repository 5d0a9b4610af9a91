// Package result is callqa's results contract: the analysis of one call
// (Result, formats.md §4, the scan --format jsonl output) with its
// findings, task and step coverage, coaching hints and role inference, and
// the masked copy of it (Redacted). Output packages (report, index, score,
// web, eval) import this package, not the analyzer that fills it.
//
// Fields may be added, never renamed or removed.
package result

import (
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// Violation categories (policy.md). Only these four are scored as
// violations; the names are lexicon's, where rule packs declare them.
const (
	CategoryInsult     = lexicon.CategoryInsult
	CategoryThreat     = lexicon.CategoryThreat
	CategoryFalseLegal = lexicon.CategoryFalseLegal
	CategoryDisclosure = lexicon.CategoryDisclosure
	// CategoryCustomerAbuse marks abuse by the other party. It is reported
	// as a finding but never scored as a violation.
	CategoryCustomerAbuse = "customer_abuse"
)

// ViolationCategories lists the scored categories in report order.
var ViolationCategories = []string{CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure}

// IsViolation reports whether category is one of the four scored categories.
func IsViolation(category string) bool {
	for _, c := range ViolationCategories {
		if c == category {
			return true
		}
	}
	return false
}

// Task and step codes (policy.md), in report order: lexicon's lists.
var (
	TaskCodes = lexicon.TaskCodes
	StepCodes = lexicon.StepCodes
)

// Result is the analysis of one call. Its JSON form is the
// `scan --format jsonl` contract of formats.md §4: fields may be added,
// never renamed.
type Result struct {
	CallID   string              `json:"call_id"`
	Source   string              `json:"source"`
	Turns    int                 `json:"turns"`
	Party    string              `json:"party"`
	Findings []Finding           `json:"findings"`
	Tasks    map[string]Coverage `json:"tasks"`
	Steps    map[string]Coverage `json:"steps"`
	Score    int                 `json:"score"`
	Pass     bool                `json:"pass"`

	// Added fields (not in formats.md §4, safe for readers that ignore them).
	Agent     string `json:"agent,omitempty"`
	Team      string `json:"team,omitempty"`
	StartedAt string `json:"started_at,omitempty"`
	Kind      string `json:"kind,omitempty"`
	// Suppressed lists matches that did not become findings and why; it is
	// filled only when the analyzer runs with Explain.
	Suppressed []Suppressed `json:"suppressed,omitempty"`

	// Required is the coverage of a scorecard's extra required items, when
	// the analyzer was built with a scorecard's rules (added field).
	Required map[string]Coverage `json:"required,omitempty"`

	// Hints are coaching hints from the packs' hint rules (added field).
	Hints []Hint `json:"hints,omitempty"`

	// RolesInferred is set when the transcript did not say who the agent
	// is and the analyzer inferred it (speech-recognition output).
	RolesInferred *RoleInference `json:"roles_inferred,omitempty"`

	// RolesDisputed is set when a role mapping (--roles) made a speaker
	// the agent whom the evidence of the call takes for the other party
	// (added field). The analysis uses the mapping all the same.
	RolesDisputed *RoleDispute `json:"roles_disputed,omitempty"`

	// Candidates are agent turns no rule flagged that resemble a violation
	// example (the similar-sentence pass; added field). Never findings.
	Candidates []Candidate `json:"candidates,omitempty"`

	// Call is the analyzed call, for writers that need turn texts.
	Call *corpus.Call `json:"-"`

	// Words are the words the analysis cut each turn's text into, when
	// the analyzer was asked to keep them (analyzer.KeepWords), so that
	// the search index does not segment the same text again. Each entry
	// names the exact text its words belong to.
	Words []TextWords `json:"-"`
}

// Word is one segmented word of a text: its normalized form (Simplified,
// half-width, lower case) and its byte range in the original text.
type Word struct {
	Term       string
	Start, End int
}

// TextWords are the words of one text.
type TextWords struct {
	Text  string
	Words []Word
}

// Finding is one rule match that counts: a violation, or a non-scored
// signal such as customer_abuse.
type Finding struct {
	Category string `json:"category"`
	Turn     int    `json:"turn"`
	Speaker  string `json:"speaker"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Match    string `json:"match"` // the matched words, quoted from the original text
	Text     string `json:"text"`  // the whole original turn text

	// Added fields.
	Start       int      `json:"start"` // byte offsets of Match in Text
	End         int      `json:"end"`
	Refs        []string `json:"refs,omitempty"`
	PackVersion string   `json:"pack_version,omitempty"`
	Description string   `json:"description,omitempty"`
	// Advice says what the agent should have said instead.
	Advice string `json:"advice,omitempty"`
	// NeedsReview is set when the finding rests on weak evidence, and
	// ReviewReason says which, as codes with their detail joined by "; "
	// (see the Reason constants): "sound_alike 起素→起诉",
	// "asr_low_confidence 0.52".
	NeedsReview  bool   `json:"needs_review,omitempty"`
	ReviewReason string `json:"review_reason,omitempty"`
}

// The codes a Finding's ReviewReason starts its parts with.
const (
	// ReasonRoleInferred: the roles were inferred with low confidence
	// (detail: the confidence).
	ReasonRoleInferred = "role_inferred_low_confidence"
	// ReasonASRConfidence: the recognizer's confidence in the turn is
	// below the threshold (detail: the confidence).
	ReasonASRConfidence = "asr_low_confidence"
	// ReasonSoundAlike: the match goes through a sound-alike spelling a
	// pack declares (detail: spelling→word).
	ReasonSoundAlike = "sound_alike"
	// ReasonRegional: the match goes through a regional-table rewrite
	// (detail: original→Mandarin).
	ReasonRegional = "regional"
)

// Candidate is an agent turn that no rule flagged but that resembles a
// known violation: put in the review queue, never scored (added field).
type Candidate struct {
	Turn     int    `json:"turn"`
	Category string `json:"category"`
	// Similarity is the cosine of the turn and the example, 0 to 1,
	// rounded to three decimals.
	Similarity float64 `json:"similarity"`
	// Example is the text the turn resembles; Source is the rule whose
	// match example it is, or "confirmed" for a reviewer-confirmed
	// violation.
	Example string `json:"example"`
	Source  string `json:"source"`
	Text    string `json:"text"`
}

// Hint is a coaching hint tied to a turn: the kind (the rule's code), the
// rule that raised it, the advice, and the words it is about.
type Hint struct {
	Turn  int    `json:"turn"`
	Code  string `json:"code"`
	Rule  string `json:"rule"`
	Text  string `json:"text"`
	Quote string `json:"quote,omitempty"`
	// Kind is the hint's kind, policy.md's code (the same as Code; added
	// field).
	Kind string `json:"kind"`
	// About is the task or step the hint coaches, when there is one.
	About string `json:"about,omitempty"`
	// EvidenceTurn and Evidence are what the hint reacts to, when it is
	// another turn: the other party's hedge that the agent accepted.
	EvidenceTurn int    `json:"evidence_turn,omitempty"`
	Evidence     string `json:"evidence,omitempty"`
}

// Coverage says whether a task or step was done, and on which turns.
type Coverage struct {
	Covered bool  `json:"covered"`
	Turns   []int `json:"turns"`
	// Rules names the rules that gave the evidence (added field).
	Rules []string `json:"rules,omitempty"`
}

// Suppressed is a match that a rule made but that did not count.
type Suppressed struct {
	Turn   int    `json:"turn"`
	Rule   string `json:"rule"`
	Match  string `json:"match"`
	Reason string `json:"reason"`        // negated, quoted, wrong_speaker, listener_is_debtor, allow_listed, unless, third_party_call
	Cue    string `json:"cue,omitempty"` // the words that caused it, when there are any
}

// Violations returns the findings that are scored violations.
func (r *Result) Violations() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if IsViolation(f.Category) {
			out = append(out, f)
		}
	}
	return out
}

// RoleInference says which speaker of a speech-recognition transcript the
// analyzer took for the agent, when no mapping said so, and why.
type RoleInference struct {
	// Roles maps every speaker label that had no role to the role given.
	Roles map[string]string `json:"roles"`
	// Agent is the label taken for the agent.
	Agent string `json:"agent"`
	// Confidence runs from 0 (a guess) to 1 (clear evidence).
	Confidence float64 `json:"confidence"`
	// Weak is set when the evidence does not settle who the agent is; the
	// result should be checked, or the roles given with --roles.
	Weak bool `json:"weak"`
	// Scores is the evidence count per label: agent-side rules that fired
	// on its turns, less other-side rules.
	Scores   map[string]int `json:"scores"`
	Evidence []RoleEvidence `json:"evidence"`
}

// RoleEvidence is one rule that fired on a speaker's turn while the
// speaker was tried in a role.
type RoleEvidence struct {
	Speaker string `json:"speaker"`
	Turn    int    `json:"turn"`
	Rule    string `json:"rule"`
	As      string `json:"as"` // the role the speaker was tried in
}

// RoleDispute is a role mapping that the evidence goes strongly against:
// the speaker it made the agent speaks like the other party, and another
// speaker like the agent.
type RoleDispute struct {
	// Given is the speaker the mapping made the agent.
	Given string `json:"given"`
	// Inferred is what inference says with the mapping set aside; its
	// Agent is the speaker the evidence takes for the agent.
	Inferred *RoleInference `json:"inferred"`
}
