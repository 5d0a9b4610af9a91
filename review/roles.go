package review

import (
	"fmt"
	"sort"
	"strings"
)

// Role is what a user may do in the review loop.
type Role string

// The roles of the users file. A viewer reads; a reviewer confirms and
// dismisses findings, adds missed violations and finishes call reviews; a
// lead does what a reviewer does and also opens and resolves appeals; the
// admin (the single token of --token-file) may do everything.
const (
	RoleViewer   Role = "viewer"
	RoleReviewer Role = "reviewer"
	RoleLead     Role = "lead"
	RoleAdmin    Role = "admin"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.TrimSpace(s)); r {
	case RoleViewer, RoleReviewer, RoleLead, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want viewer, reviewer, lead or admin)", s)
}

// ActionKind is one thing a person can do to a finding or a call.
type ActionKind string

// The actions of the review loop.
const (
	ActConfirm  ActionKind = "confirm"
	ActDismiss  ActionKind = "dismiss"
	ActAdd      ActionKind = "add"
	ActAppeal   ActionKind = "appeal"
	ActResolve  ActionKind = "resolve"
	ActComplete ActionKind = "complete"
)

var permitted = map[Role][]ActionKind{
	RoleViewer:   nil,
	RoleReviewer: {ActConfirm, ActDismiss, ActAdd, ActComplete},
	RoleLead:     {ActConfirm, ActDismiss, ActAdd, ActComplete, ActAppeal, ActResolve},
	RoleAdmin:    {ActConfirm, ActDismiss, ActAdd, ActComplete, ActAppeal, ActResolve},
}

// Allowed reports whether a role may take an action.
func Allowed(r Role, a ActionKind) bool {
	for _, x := range permitted[r] {
		if x == a {
			return true
		}
	}
	return false
}

// Actions lists what a role may do, in a fixed order.
func Actions(r Role) []ActionKind {
	out := append([]ActionKind(nil), permitted[r]...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Reason is a code a reviewer picks when dismissing a finding.
type Reason struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// Reasons is the short list of dismissal reasons; "other" needs a note.
var Reasons = []Reason{
	{"wrong_speaker", "说话人判断错误", "the words were said by someone else"},
	{"asr_error", "转写错误", "speech recognition wrote something that was not said"},
	{"context", "语境下不构成违规", "not a violation in its context"},
	{"quoted_or_negated", "引用或否定", "quoted, reported or negated"},
	{"duplicate", "重复", "the same violation is flagged elsewhere"},
	{"other", "其他（须填写说明）", "other (a note is required)"},
	// Set by the resolution of an appeal that overturned a confirmed finding.
	{"appeal_overturned", "申诉成立", "overturned on appeal"},
}

// reasonKnown reports whether a dismissal reason is on the list.
func reasonKnown(code string) bool {
	for _, r := range Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}
