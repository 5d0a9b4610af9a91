// Package review is the database of record for what people decided about
// callqa's findings: reviewers' verdicts (confirm, dismiss, a missed
// violation added at a turn), agents' appeals and their resolution, and the
// audit trail of every action. Bleve stays the search index; this package
// holds the decisions, in an embedded SQLite file beside the index by
// default or in PostgreSQL.
//
// A finding is identified the way the index and the gold labels identify
// it: call id, turn and category (Key). A decision outlives re-indexing: when
// a call is analyzed again and the finding is gone, the decision is kept
// and reported as orphaned.
package review

import (
	"fmt"
	"time"
)

// Key identifies a finding: a call, a turn (1-based) and a category.
type Key struct {
	CallID   string `json:"call_id"`
	Turn     int    `json:"turn"`
	Category string `json:"category"`
}

// String is the key as "call_id#turn/category".
func (k Key) String() string { return fmt.Sprintf("%s#%d/%s", k.CallID, k.Turn, k.Category) }

// State is where a finding stands in review.
type State string

// The states of a finding. Open has no decision; Appealed is a confirmed
// finding with an appeal not yet resolved.
const (
	StateOpen      State = "open"
	StateConfirmed State = "confirmed"
	StateDismissed State = "dismissed"
	StateAppealed  State = "appealed"
)

// Decision is the current decision on one finding.
type Decision struct {
	Key
	// State is confirmed, dismissed or appealed (a decision is never open).
	State State `json:"state"`
	// Added is true for a violation a reviewer added that no rule found.
	Added bool `json:"added,omitempty"`
	// Rule, PackVersion and Match describe the finding as the reviewer saw
	// it (empty for an added violation).
	Rule         string `json:"rule,omitempty"`
	PackVersion  string `json:"pack_version,omitempty"`
	RulesVersion string `json:"rules_version,omitempty"`
	Match        string `json:"match,omitempty"`
	// Text is the turn's text as the reviewer saw it.
	Text string `json:"text,omitempty"`
	// Reason is a code of Reasons for a dismissal (or the added violation's
	// note); Note is free text.
	Reason string    `json:"reason,omitempty"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// Team and Agent are the call's when the decision was made, for
	// narrowing exports.
	Team  string `json:"team,omitempty"`
	Agent string `json:"agent,omitempty"`
	// Version counts the changes to this decision; a change must name the
	// version it saw, so two reviewers deciding at once get a conflict.
	Version int `json:"version"`
}

// Confirmed reports whether the decision counts the finding as a
// violation: confirmed, appealed (confirmed until the appeal is resolved)
// or added.
func (d Decision) Confirmed() bool { return d.State == StateConfirmed || d.State == StateAppealed }
