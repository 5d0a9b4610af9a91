package review

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Appeal is one appeal on a finding.
type Appeal struct {
	Key
	N          int       `json:"n"`
	Status     string    `json:"status"` // open, upheld or overturned
	Reason     string    `json:"reason"`
	OpenedBy   string    `json:"opened_by"`
	OpenedAt   time.Time `json:"opened_at"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitempty"`
	Resolution string    `json:"resolution,omitempty"`
}

// CallReview records that someone finished reviewing a call.
type CallReview struct {
	CallID string    `json:"call_id"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Team   string    `json:"team,omitempty"`
	Agent  string    `json:"agent,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// Event is one entry of the audit trail: who did what, when, to which
// finding, from which state to which, and the rule and pack version of the
// finding at the time.
type Event struct {
	Key
	Seq          int64      `json:"seq"`
	Action       ActionKind `json:"action"`
	Actor        string     `json:"actor"`
	ActorRole    Role       `json:"actor_role"`
	At           time.Time  `json:"at"`
	FromState    string     `json:"from_state,omitempty"`
	ToState      string     `json:"to_state,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	Note         string     `json:"note,omitempty"`
	Rule         string     `json:"rule,omitempty"`
	PackVersion  string     `json:"pack_version,omitempty"`
	RulesVersion string     `json:"rules_version,omitempty"`
}

// Filter narrows the decisions or call reviews read. Empty fields do not
// narrow.
type Filter struct {
	CallIDs []string
	Team    string
	Since   time.Time
	States  []State
}

const decisionCols = `call_id, turn, category, state, added, rule, pack_version, rules_version, match_text, turn_text,
	reason, note, decided_by, decided_at, team, agent, version`

func scanDecision(sc interface{ Scan(...interface{}) error }) (Decision, error) {
	var d Decision
	var at dbTime
	var state string
	err := sc.Scan(&d.CallID, &d.Turn, &d.Category, &state, &d.Added, &d.Rule, &d.PackVersion, &d.RulesVersion,
		&d.Match, &d.Text, &d.Reason, &d.Note, &d.By, &at, &d.Team, &d.Agent, &d.Version)
	d.State, d.At = State(state), at.t
	return d, err
}

// decisionTx reads one decision inside a transaction; forUpdate locks its
// row (PostgreSQL) so that a concurrent action waits and then sees the new
// version.
func (s *Store) decisionTx(ctx context.Context, tx *sql.Tx, k Key, forUpdate bool) (Decision, bool, error) {
	q := `SELECT ` + decisionCols + ` FROM decisions WHERE call_id = $1 AND turn = $2 AND category = $3`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	d, err := scanDecision(tx.QueryRowContext(ctx, q, k.CallID, k.Turn, k.Category))
	if err == sql.ErrNoRows {
		return Decision{}, false, nil
	}
	if err != nil {
		return Decision{}, false, s.wrap(err)
	}
	return d, true, nil
}

// Decision reads the decision on one finding; ok is false when it has none.
func (s *Store) Decision(ctx context.Context, k Key) (Decision, bool, error) {
	d, err := scanDecision(s.db.QueryRowContext(ctx, `SELECT `+decisionCols+
		` FROM decisions WHERE call_id = $1 AND turn = $2 AND category = $3`, k.CallID, k.Turn, k.Category))
	if err == sql.ErrNoRows {
		return Decision{}, false, nil
	}
	if err != nil {
		return Decision{}, false, s.wrap(err)
	}
	return d, true, nil
}

// whereClause builds a WHERE clause over the columns call_id, team and a time
// column from a filter, with its arguments.
func (s *Store) whereClause(f Filter, timeCol string, withState bool) (string, []interface{}) {
	var conds []string
	var args []interface{}
	arg := func(v interface{}) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.CallIDs) > 0 {
		var ph []string
		for _, id := range f.CallIDs {
			ph = append(ph, arg(id))
		}
		conds = append(conds, "call_id IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Team != "" {
		conds = append(conds, "team = "+arg(f.Team))
	}
	if !f.Since.IsZero() {
		conds = append(conds, timeCol+" >= "+arg(s.ts(f.Since)))
	}
	if withState && len(f.States) > 0 {
		var ph []string
		for _, st := range f.States {
			ph = append(ph, arg(string(st)))
		}
		conds = append(conds, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Decisions reads the decisions a filter selects, by call, turn and
// category.
func (s *Store) Decisions(ctx context.Context, f Filter) ([]Decision, error) {
	w, args := s.whereClause(f, "decided_at", true)
	rows, err := s.db.QueryContext(ctx, `SELECT `+decisionCols+` FROM decisions`+w+` ORDER BY call_id, turn, category`, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, s.wrap(err)
		}
		out = append(out, d)
	}
	return out, s.wrap(rows.Err())
}

// CallReviews reads the finished call reviews a filter selects (States is
// ignored).
func (s *Store) CallReviews(ctx context.Context, f Filter) ([]CallReview, error) {
	w, args := s.whereClause(f, "reviewed_at", false)
	rows, err := s.db.QueryContext(ctx, `SELECT call_id, reviewed_by, reviewed_at, team, agent, note FROM call_reviews`+w+` ORDER BY call_id`, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []CallReview
	for rows.Next() {
		var c CallReview
		var at dbTime
		if err := rows.Scan(&c.CallID, &c.By, &at, &c.Team, &c.Agent, &c.Note); err != nil {
			return nil, s.wrap(err)
		}
		c.At = at.t
		out = append(out, c)
	}
	return out, s.wrap(rows.Err())
}

// Appeals reads the appeals on a call's findings, oldest first.
func (s *Store) Appeals(ctx context.Context, callID string) ([]Appeal, error) {
	return s.appeals(ctx, s.db, `WHERE call_id = $1`, callID)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...interface{}) (*sql.Rows, error)
}

func (s *Store) appeals(ctx context.Context, q querier, where string, args ...interface{}) ([]Appeal, error) {
	rows, err := q.QueryContext(ctx, `SELECT call_id, turn, category, n, status, reason, opened_by, opened_at,
		resolved_by, resolved_at, resolution FROM appeals `+where+` ORDER BY call_id, turn, category, n`, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []Appeal
	for rows.Next() {
		var a Appeal
		var opened, resolved dbTime
		if err := rows.Scan(&a.CallID, &a.Turn, &a.Category, &a.N, &a.Status, &a.Reason, &a.OpenedBy, &opened,
			&a.ResolvedBy, &resolved, &a.Resolution); err != nil {
			return nil, s.wrap(err)
		}
		a.OpenedAt, a.ResolvedAt = opened.t, resolved.t
		out = append(out, a)
	}
	return out, s.wrap(rows.Err())
}

// Audit reads the audit trail of a call, in the order it was written.
func (s *Store) Audit(ctx context.Context, callID string) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, call_id, turn, category, action, actor, actor_role, at, from_state,
		to_state, reason, note, rule, pack_version, rules_version FROM audit WHERE call_id = $1 ORDER BY seq`, callID)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at dbTime
		var action, role string
		if err := rows.Scan(&e.Seq, &e.CallID, &e.Turn, &e.Category, &action, &e.Actor, &role, &at, &e.FromState,
			&e.ToState, &e.Reason, &e.Note, &e.Rule, &e.PackVersion, &e.RulesVersion); err != nil {
			return nil, s.wrap(err)
		}
		e.Action, e.ActorRole, e.At = ActionKind(action), Role(role), at.t
		out = append(out, e)
	}
	return out, s.wrap(rows.Err())
}

// RuleCount is how reviewers decided one rule's findings.
type RuleCount struct {
	Rule      string `json:"rule"`
	Confirmed int    `json:"confirmed"`
	Dismissed int    `json:"dismissed"`
	Appealed  int    `json:"appealed"`
}

// RuleCounts counts the decisions on machine findings by rule and state
// (added violations have no rule and are left out).
func (s *Store) RuleCounts(ctx context.Context) ([]RuleCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rule, state, COUNT(*) FROM decisions WHERE rule <> '' GROUP BY rule, state ORDER BY rule`)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []RuleCount
	for rows.Next() {
		var rule, state string
		var n int
		if err := rows.Scan(&rule, &state, &n); err != nil {
			return nil, s.wrap(err)
		}
		if len(out) == 0 || out[len(out)-1].Rule != rule {
			out = append(out, RuleCount{Rule: rule})
		}
		rc := &out[len(out)-1]
		switch State(state) {
		case StateConfirmed:
			rc.Confirmed += n
		case StateDismissed:
			rc.Dismissed += n
		case StateAppealed:
			rc.Appealed += n
		}
	}
	return out, s.wrap(rows.Err())
}
