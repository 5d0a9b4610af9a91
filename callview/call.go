package callview

import (
	"slices"
	"strings"

	"github.com/callqa/callqa/labels"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// FirstCallOrder is the order of a first call as the source guides teach
// it (policy.md), and of the built-in scorecard: a call's items are listed
// in it when no other order is given.
var FirstCallOrder = []string{"verify_identity", "self_introduce", "demand_payment", "ask_reason", "explain_consequences", "get_commitment"}

// Options are what Build needs beyond the call's score.
type Options struct {
	// Findings are the findings marked in the text and listed with the
	// call: the violations and the signals, such as customer_abuse. Nil
	// means the score's violations.
	Findings []result.Finding
	// Order lists the items that come first, in this order (a scorecard's
	// order and its items); nil means FirstCallOrder. The others follow:
	// the steps, the tasks and the required items, each by code.
	Order []string
	// ItemName names an item whose score gives no name; nil means its
	// Chinese label (package labels), else its code.
	ItemName func(code string) string
}

// Call is a scored call laid out for a page.
type Call struct {
	// Findings are the findings marked in the text, in the order given.
	Findings []result.Finding
	// Violations counts the violating turns, once per category per turn.
	Violations int
	// Items are the steps, tasks and required items in order, each with
	// its Code and Name set.
	Items []score.Item
	Turns []Turn
	// CallHints are the hints about the whole call (turn 0) or about a
	// turn the call does not have.
	CallHints []score.Hint
	// HasHints says some turn has a hint.
	HasHints bool
	// RolesUnknown says some turn came without its speaker (an index from
	// before roles were kept): such a turn takes the speaker of its
	// findings, when it has any.
	RolesUnknown bool
}

// Turn is one turn of a call.
type Turn struct {
	N int
	// Role is who spoke: agent, customer, third_party, or "" when not
	// known.
	Role  string
	Parts []Part
	// Evidence names the items this turn is evidence of, once each, and
	// EvidenceCodes are their codes.
	Evidence      []string
	EvidenceCodes []string
	Hints         []score.Hint
	// Violation says a violation was found in the turn.
	Violation bool
}

// RoleClass is the turn's role for a class name: agent, customer,
// third_party, or unknown.
func (t Turn) RoleClass() string {
	if _, ok := labels.Roles[t.Role]; ok {
		return t.Role
	}
	return "unknown"
}

// Tasks are the codes of the items the turn is evidence of,
// space-separated (for a data-tasks attribute).
func (t Turn) Tasks() string { return strings.Join(t.EvidenceCodes, " ") }

// Build lays out cs, a scored call, for a page.
func Build(cs *score.CallScore, opts Options) *Call {
	findings := opts.Findings
	if findings == nil {
		findings = cs.Violations
	}
	c := &Call{Findings: findings, Violations: CountViolations(findings)}
	byTurn := make(map[int][]result.Finding)
	for _, f := range findings {
		byTurn[f.Turn] = append(byTurn[f.Turn], f)
	}

	c.Items = OrderedItems(cs, opts.Order)
	evidence := make(map[int][]score.Item)
	for i := range c.Items {
		it := &c.Items[i]
		if it.Name == "" {
			it.Name = itemName(opts.ItemName, it.Code)
		}
		for _, n := range it.Turns {
			evidence[n] = append(evidence[n], *it)
		}
	}

	hints := make(map[int][]score.Hint)
	turns := make(map[int]bool, len(cs.Turns))
	for _, t := range cs.Turns {
		turns[t.N] = true
	}
	for _, h := range cs.Hints {
		if h.Kind == "" {
			h.Kind = h.Code
		}
		if h.Turn > 0 && turns[h.Turn] {
			hints[h.Turn] = append(hints[h.Turn], h)
			c.HasHints = true
		} else {
			c.CallHints = append(c.CallHints, h)
		}
	}

	for _, t := range cs.Turns {
		tv := Turn{N: t.N, Role: t.Role, Parts: Parts(t.Text, byTurn[t.N]), Hints: hints[t.N]}
		if tv.Role == "" {
			c.RolesUnknown = true
			for _, f := range byTurn[t.N] {
				tv.Role = f.Speaker
			}
		}
		for _, it := range evidence[t.N] {
			if !slices.Contains(tv.EvidenceCodes, it.Code) {
				tv.EvidenceCodes = append(tv.EvidenceCodes, it.Code)
				tv.Evidence = append(tv.Evidence, it.Name)
			}
		}
		for _, f := range byTurn[t.N] {
			tv.Violation = tv.Violation || result.IsViolation(f.Category)
		}
		c.Turns = append(c.Turns, tv)
	}
	return c
}

func itemName(name func(string) string, code string) string {
	if name != nil {
		return name(code)
	}
	return labels.ZH(labels.Items, code)
}

// OrderedItems returns the call's items: those named by order first, in
// its order (nil: FirstCallOrder), then the other steps, tasks and
// required items, each by code. An item without a Code takes its key.
func OrderedItems(cs *score.CallScore, order []string) []score.Item {
	if order == nil {
		order = FirstCallOrder
	}
	var out []score.Item
	seen := make(map[string]bool)
	add := func(code string, it score.Item) {
		if it.Code == "" {
			it.Code = code
		}
		seen[code] = true
		out = append(out, it)
	}
	for _, code := range order {
		if seen[code] {
			continue
		}
		for _, m := range []map[string]score.Item{cs.Steps, cs.Tasks, cs.Required} {
			if it, ok := m[code]; ok {
				add(code, it)
				break
			}
		}
	}
	for _, m := range []map[string]score.Item{cs.Steps, cs.Tasks, cs.Required} {
		var rest []string
		for code := range m {
			if !seen[code] {
				rest = append(rest, code)
			}
		}
		slices.Sort(rest)
		for _, code := range rest {
			add(code, m[code])
		}
	}
	return out
}

// ViolatingTurns counts the distinct (turn, category) pairs of the
// violations among findings, by category: violations count once per
// category per turn, as policy.md labels them (and report.Summary counts).
func ViolatingTurns(findings []result.Finding) map[string]int {
	type key struct {
		turn     int
		category string
	}
	seen := make(map[key]bool)
	out := make(map[string]int)
	for _, f := range findings {
		k := key{f.Turn, f.Category}
		if !result.IsViolation(f.Category) || seen[k] {
			continue
		}
		seen[k] = true
		out[f.Category]++
	}
	return out
}

// CountViolations is the number of violating turns among findings, once
// per category per turn.
func CountViolations(findings []result.Finding) int {
	n := 0
	for _, v := range ViolatingTurns(findings) {
		n += v
	}
	return n
}
