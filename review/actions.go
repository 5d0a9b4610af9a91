package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Actor is the person taking an action: a name from the users file and the
// role it has there.
type Actor struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// FindingRef is a finding as the person acting saw it. Rule, PackVersion,
// Match and Text come from the index (for an added violation only Text),
// and are kept with the decision and in the audit trail.
type FindingRef struct {
	Key
	Rule         string `json:"rule,omitempty"`
	PackVersion  string `json:"pack_version,omitempty"`
	RulesVersion string `json:"rules_version,omitempty"`
	Match        string `json:"match,omitempty"`
	Text         string `json:"text,omitempty"`
	Team         string `json:"team,omitempty"`
	Agent        string `json:"agent,omitempty"`
}

// Action is one decision to record. Seen is the version of the finding's
// decision the person saw (0 when it had none): if it changed meanwhile,
// the action fails with a *ConflictError instead of overwriting it.
type Action struct {
	Kind    ActionKind `json:"action"`
	Actor   Actor      `json:"-"`
	Finding FindingRef `json:"finding"`
	Seen    int        `json:"seen"`
	// Reason is a dismissal reason code (Reasons); Note is free text (the
	// appeal's grounds for an appeal).
	Reason string `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
	// Upheld is the outcome of a resolution: true keeps the finding
	// confirmed, false overturns it.
	Upheld bool `json:"upheld,omitempty"`
}

// ConflictError is an action on a decision that changed since the person
// saw it: someone else decided first.
type ConflictError struct {
	Key     Key
	Seen    int
	Current *Decision
}

func (e *ConflictError) Error() string {
	if e.Current == nil {
		return fmt.Sprintf("%s: the decision you saw (version %d) is gone; reload the call", e.Key, e.Seen)
	}
	return fmt.Sprintf("%s: %s decided it meanwhile (%s, version %d; you saw version %d); reload the call and decide again",
		e.Key, e.Current.By, e.Current.State, e.Current.Version, e.Seen)
}

// ForbiddenError is an action the actor's role does not allow.
type ForbiddenError struct {
	Actor Actor
	Kind  ActionKind
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s (%s) may not %s", e.Actor.Name, e.Actor.Role, e.Kind)
}

// InvalidError is an action that does not fit the finding's state or
// lacks what it needs (a reason, a second person).
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

func invalid(format string, args ...interface{}) error {
	return &InvalidError{Msg: fmt.Sprintf(format, args...)}
}

// Apply records one action in one transaction, with its audit entry, and
// returns the decision it leaves.
func (s *Store) Apply(ctx context.Context, a Action) (Decision, error) {
	if err := checkAction(a); err != nil {
		return Decision{}, err
	}
	if a.Kind == ActComplete {
		return Decision{}, invalid("finishing a call review is CompleteCall, not Apply")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Decision{}, s.wrap(err)
	}
	defer tx.Rollback()
	k := a.Finding.Key
	cur, ok, err := s.decisionTx(ctx, tx, k, s.dialect == Postgres)
	if err != nil {
		return Decision{}, err
	}
	curVersion := 0
	if ok {
		curVersion = cur.Version
	}
	if a.Seen != curVersion {
		var c *Decision
		if ok {
			c = &cur
		}
		return Decision{}, &ConflictError{Key: k, Seen: a.Seen, Current: c}
	}
	now := s.now().UTC()
	next, err := s.transition(ctx, tx, a, cur, ok, now)
	if err != nil {
		return Decision{}, err
	}
	if err := s.writeDecision(ctx, tx, next, ok, curVersion); err != nil {
		return Decision{}, err
	}
	from := ""
	if ok {
		from = string(cur.State)
	}
	ev := Event{Key: k, Action: a.Kind, Actor: a.Actor.Name, ActorRole: a.Actor.Role, At: now,
		FromState: from, ToState: string(next.State), Reason: a.Reason, Note: a.Note,
		Rule: next.Rule, PackVersion: next.PackVersion, RulesVersion: next.RulesVersion}
	if a.Kind == ActResolve {
		ev.Reason = map[bool]string{true: "upheld", false: "overturned"}[a.Upheld]
	}
	if err := s.insertEvent(ctx, tx, ev); err != nil {
		return Decision{}, err
	}
	if err := tx.Commit(); err != nil {
		return Decision{}, s.wrap(err)
	}
	return next, nil
}

// checkAction checks what an action needs regardless of the state.
func checkAction(a Action) error {
	if a.Actor.Name == "" {
		return invalid("an action needs the name of who takes it")
	}
	if !Allowed(a.Actor.Role, a.Kind) {
		return &ForbiddenError{Actor: a.Actor, Kind: a.Kind}
	}
	k := a.Finding.Key
	if a.Kind != ActComplete && (k.CallID == "" || k.Turn < 1 || k.Category == "") {
		return invalid("a finding needs a call id, a turn (from 1) and a category")
	}
	if a.Kind == ActDismiss {
		if !reasonKnown(a.Reason) || a.Reason == "appeal_overturned" {
			return invalid("dismissing needs a reason: %s", reasonCodes())
		}
		if a.Reason == "other" && strings.TrimSpace(a.Note) == "" {
			return invalid(`the reason "other" needs a note saying why`)
		}
	}
	if a.Kind == ActAppeal && strings.TrimSpace(a.Note) == "" {
		return invalid("an appeal needs its grounds in the note")
	}
	return nil
}

func reasonCodes() string {
	var c []string
	for _, r := range Reasons {
		if r.Code != "appeal_overturned" {
			c = append(c, r.Code)
		}
	}
	return strings.Join(c, ", ")
}

// transition computes the decision an action leaves, from the current one
// (ok false when there is none).
func (s *Store) transition(ctx context.Context, tx *sql.Tx, a Action, cur Decision, ok bool, now time.Time) (Decision, error) {
	k := a.Finding.Key
	next := cur
	if !ok {
		f := a.Finding
		next = Decision{Key: k, Rule: f.Rule, PackVersion: f.PackVersion, RulesVersion: f.RulesVersion,
			Match: f.Match, Text: f.Text, Team: f.Team, Agent: f.Agent}
	}
	next.By, next.At, next.Version = a.Actor.Name, now, cur.Version+1
	if !ok {
		next.Version = 1
	}
	switch a.Kind {
	case ActConfirm, ActDismiss:
		if ok && cur.State == StateAppealed {
			return Decision{}, invalid("%s: an appeal is open; it is resolved, not decided again", k)
		}
		if ok && cur.Added && a.Kind == ActConfirm && cur.State == StateConfirmed {
			return Decision{}, invalid("%s: a reviewer added this violation; it is confirmed already", k)
		}
		next.State, next.Reason, next.Note = StateConfirmed, "", a.Note
		if a.Kind == ActDismiss {
			next.State, next.Reason = StateDismissed, a.Reason
		}
		if !ok || !cur.Added {
			// A re-decision keeps the finding as first seen unless the
			// index now says otherwise.
			if a.Finding.Rule != "" {
				next.Rule, next.PackVersion, next.RulesVersion, next.Match = a.Finding.Rule, a.Finding.PackVersion, a.Finding.RulesVersion, a.Finding.Match
			}
		}
	case ActAdd:
		if ok {
			return Decision{}, &ConflictError{Key: k, Seen: a.Seen, Current: &cur}
		}
		if strings.TrimSpace(a.Finding.Text) == "" {
			return Decision{}, invalid("%s: adding a missed violation needs the turn's text", k)
		}
		next.State, next.Added, next.Note = StateConfirmed, true, a.Note
		next.Rule, next.PackVersion, next.Match = "", "", ""
	case ActAppeal:
		if !ok || cur.State != StateConfirmed {
			state := StateOpen
			if ok {
				state = cur.State
			}
			return Decision{}, invalid("%s: only a confirmed finding can be appealed (it is %s)", k, state)
		}
		n, err := s.nextAppeal(ctx, tx, k)
		if err != nil {
			return Decision{}, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO appeals (call_id, turn, category, n, status, reason, opened_by, opened_at)
			VALUES ($1, $2, $3, $4, 'open', $5, $6, $7)`, k.CallID, k.Turn, k.Category, n, a.Note, a.Actor.Name, s.ts(now)); err != nil {
			return Decision{}, s.wrap(err)
		}
		// The decision stays the confirmer's until the appeal is resolved.
		next.State, next.By, next.At = StateAppealed, cur.By, cur.At
	case ActResolve:
		if !ok || cur.State != StateAppealed {
			return Decision{}, invalid("%s: there is no open appeal to resolve", k)
		}
		ap, err := s.openAppeal(ctx, tx, k)
		if err != nil {
			return Decision{}, err
		}
		if ap.OpenedBy == a.Actor.Name || cur.By == a.Actor.Name {
			return Decision{}, invalid("%s: an appeal is resolved by a second person, not by who opened it (%s) or who confirmed the finding (%s)", k, ap.OpenedBy, cur.By)
		}
		status := "overturned"
		next.State, next.Reason, next.Note = StateDismissed, "appeal_overturned", a.Note
		if a.Upheld {
			status = "upheld"
			next.State, next.Reason = StateConfirmed, ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appeals SET status = $1, resolved_by = $2, resolved_at = $3, resolution = $4
			WHERE call_id = $5 AND turn = $6 AND category = $7 AND n = $8`,
			status, a.Actor.Name, s.ts(now), a.Note, k.CallID, k.Turn, k.Category, ap.N); err != nil {
			return Decision{}, s.wrap(err)
		}
	default:
		return Decision{}, invalid("unknown action %q (want confirm, dismiss, add, appeal or resolve)", a.Kind)
	}
	return next, nil
}

// writeDecision inserts or updates a decision; the update names the
// version it replaces, so a concurrent writer that got there first makes
// it fail as a conflict.
func (s *Store) writeDecision(ctx context.Context, tx *sql.Tx, d Decision, exists bool, seen int) error {
	var res sql.Result
	var err error
	if !exists {
		res, err = tx.ExecContext(ctx, `INSERT INTO decisions (call_id, turn, category, state, added, rule, pack_version,
			rules_version, match_text, turn_text, reason, note, decided_by, decided_at, team, agent, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT DO NOTHING`,
			d.CallID, d.Turn, d.Category, string(d.State), d.Added, d.Rule, d.PackVersion, d.RulesVersion, d.Match, d.Text,
			d.Reason, d.Note, d.By, s.ts(d.At), d.Team, d.Agent, d.Version)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE decisions SET state = $1, rule = $2, pack_version = $3, rules_version = $4,
			match_text = $5, reason = $6, note = $7, decided_by = $8, decided_at = $9, version = $10
			WHERE call_id = $11 AND turn = $12 AND category = $13 AND version = $14`,
			string(d.State), d.Rule, d.PackVersion, d.RulesVersion, d.Match, d.Reason, d.Note, d.By, s.ts(d.At), d.Version,
			d.CallID, d.Turn, d.Category, seen)
	}
	if err != nil {
		return s.wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.wrap(err)
	} else if n == 0 {
		cur, ok, _ := s.decisionTx(ctx, tx, d.Key, false)
		var c *Decision
		if ok {
			c = &cur
		}
		return &ConflictError{Key: d.Key, Seen: seen, Current: c}
	}
	return nil
}

func (s *Store) nextAppeal(ctx context.Context, tx *sql.Tx, k Key) (int, error) {
	var n sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT MAX(n) FROM appeals WHERE call_id = $1 AND turn = $2 AND category = $3`,
		k.CallID, k.Turn, k.Category).Scan(&n)
	return int(n.Int64) + 1, s.wrap(err)
}

func (s *Store) openAppeal(ctx context.Context, tx *sql.Tx, k Key) (Appeal, error) {
	aps, err := s.appeals(ctx, tx, `WHERE call_id = $1 AND turn = $2 AND category = $3 AND status = 'open'`, k.CallID, k.Turn, k.Category)
	if err != nil {
		return Appeal{}, err
	}
	if len(aps) == 0 {
		return Appeal{}, invalid("%s: the decision says appealed but no appeal is open", k)
	}
	return aps[0], nil
}

// CompleteCall records that a person finished reviewing a call: every
// finding decided and the turns read for missed violations. Only calls
// whose review is finished are exported as gold labels. undecided is the
// number of the call's findings still without a decision, which the
// caller counts from the index: a call with undecided findings cannot be
// finished.
func (s *Store) CompleteCall(ctx context.Context, a Actor, ref FindingRef, undecided int, note string) (CallReview, error) {
	if err := checkAction(Action{Kind: ActComplete, Actor: a, Finding: ref}); err != nil {
		return CallReview{}, err
	}
	if ref.CallID == "" {
		return CallReview{}, invalid("finishing a review needs the call id")
	}
	if undecided > 0 {
		return CallReview{}, invalid("%s: %d finding(s) have no decision yet; decide every finding before finishing the review", ref.CallID, undecided)
	}
	now := s.now().UTC()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return CallReview{}, s.wrap(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO call_reviews (call_id, reviewed_by, reviewed_at, team, agent, note)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (call_id) DO UPDATE SET reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at,
		team = excluded.team, agent = excluded.agent, note = excluded.note`,
		ref.CallID, a.Name, s.ts(now), ref.Team, ref.Agent, note); err != nil {
		return CallReview{}, s.wrap(err)
	}
	ev := Event{Key: Key{CallID: ref.CallID}, Action: ActComplete, Actor: a.Name, ActorRole: a.Role, At: now, Note: note,
		RulesVersion: ref.RulesVersion}
	if err := s.insertEvent(ctx, tx, ev); err != nil {
		return CallReview{}, err
	}
	if err := tx.Commit(); err != nil {
		return CallReview{}, s.wrap(err)
	}
	return CallReview{CallID: ref.CallID, By: a.Name, At: now, Team: ref.Team, Agent: ref.Agent, Note: note}, nil
}

func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, e Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (call_id, turn, category, action, actor, actor_role, at, from_state,
		to_state, reason, note, rule, pack_version, rules_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.CallID, e.Turn, e.Category, string(e.Action), e.Actor, string(e.ActorRole), s.ts(e.At), e.FromState, e.ToState,
		e.Reason, e.Note, e.Rule, e.PackVersion, e.RulesVersion)
	return s.wrap(err)
}

// wrap names the database in an error.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var ce *ConflictError
	var ie *InvalidError
	if errors.As(err, &ce) || errors.As(err, &ie) {
		return err
	}
	return fmt.Errorf("%s: %w", s.where, err)
}
