package review_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/review"
)

// backends opens a fresh store on each database callqa supports: a real
// SQLite file and a real PostgreSQL server.
func backends(t *testing.T, run func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { run(t, filepath.Join(t.TempDir(), "review.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, pgtest.NewDatabase(t)) })
}

func open(t *testing.T, db string) *review.Store {
	t.Helper()
	s, err := review.Open(context.Background(), db)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	ctx      = context.Background()
	reviewer = review.Actor{Name: "wang", Role: review.RoleReviewer}
	second   = review.Actor{Name: "zhao", Role: review.RoleReviewer}
	lead     = review.Actor{Name: "li", Role: review.RoleLead}
	lead2    = review.Actor{Name: "chen", Role: review.RoleLead}
	viewer   = review.Actor{Name: "sun", Role: review.RoleViewer}
)

func finding(call string, turn int, cat, rule string) review.FindingRef {
	return review.FindingRef{Key: review.Key{CallID: call, Turn: turn, Category: cat}, Rule: rule, PackVersion: "1",
		RulesVersion: "threat@1", Match: "出门小心点", Text: "你出门小心点", Team: "M1-A", Agent: "李娜"}
}

func TestMigrations(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s, err := review.OpenNoMigrate(ctx, db)
		require.NoError(t, err)
		defer s.Close()
		v, err := s.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, v)
		applied, err := s.Migrate(ctx)
		require.NoError(t, err)
		all, err := review.Migrations(s.Dialect())
		require.NoError(t, err)
		assert.Len(t, applied, len(all))
		again, err := s.Migrate(ctx)
		require.NoError(t, err)
		assert.Empty(t, again, "a second run applies nothing")
		v, err = s.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(all), v)
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		require.NoError(t, s.ExecForTest(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')`))
		_, err := review.Open(ctx, db)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "schema version 99, newer than this callqa knows")
	})
}

func TestDecideAndAudit(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		f := finding("D1", 9, "threat", "threat_going_out")
		d, err := s.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: f})
		require.NoError(t, err)
		assert.Equal(t, review.StateConfirmed, d.State)
		assert.Equal(t, 1, d.Version)

		// A change names the version it saw.
		d, err = s.Apply(ctx, review.Action{Kind: review.ActDismiss, Actor: second, Finding: f, Seen: 1, Reason: "context", Note: "玩笑"})
		require.NoError(t, err)
		assert.Equal(t, review.StateDismissed, d.State)
		assert.Equal(t, 2, d.Version)
		assert.Equal(t, "zhao", d.By)

		// A stale one is a conflict naming who decided.
		_, err = s.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: f, Seen: 1})
		var ce *review.ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Contains(t, err.Error(), "zhao decided it meanwhile")

		got, ok, err := s.Decision(ctx, f.Key)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "context", got.Reason)
		assert.Equal(t, "threat_going_out", got.Rule)
		assert.Equal(t, "threat@1", got.RulesVersion)
		assert.Equal(t, "M1-A", got.Team)

		events, err := s.Audit(ctx, "D1")
		require.NoError(t, err)
		require.Len(t, events, 2)
		assert.Equal(t, review.ActConfirm, events[0].Action)
		assert.Equal(t, "wang", events[0].Actor)
		assert.Equal(t, "", events[0].FromState)
		assert.Equal(t, "confirmed", events[0].ToState)
		assert.Equal(t, "1", events[0].PackVersion)
		assert.Equal(t, "confirmed", events[1].FromState)
		assert.Equal(t, "dismissed", events[1].ToState)
		assert.Equal(t, "context", events[1].Reason)
		assert.WithinDuration(t, time.Now(), events[1].At, time.Minute)
	})
}

func TestRefusals(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		f := finding("D2", 3, "insult", "insult_terms")
		cases := []struct {
			name string
			a    review.Action
			want interface{}
			msg  string
		}{
			{"viewer confirms", review.Action{Kind: review.ActConfirm, Actor: viewer, Finding: f}, &review.ForbiddenError{}, "sun (viewer) may not confirm"},
			{"reviewer appeals", review.Action{Kind: review.ActAppeal, Actor: reviewer, Finding: f, Note: "x"}, &review.ForbiddenError{}, "may not appeal"},
			{"dismiss without reason", review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: f}, &review.InvalidError{}, "needs a reason"},
			{"other without note", review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: f, Reason: "other"}, &review.InvalidError{}, "needs a note"},
			{"unknown reason", review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: f, Reason: "bored"}, &review.InvalidError{}, "needs a reason"},
			{"appeal an open finding", review.Action{Kind: review.ActAppeal, Actor: lead, Finding: f, Note: "x"}, &review.InvalidError{}, "only a confirmed finding"},
			{"resolve without appeal", review.Action{Kind: review.ActResolve, Actor: lead, Finding: f}, &review.InvalidError{}, "no open appeal"},
			{"no turn", review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: review.FindingRef{Key: review.Key{CallID: "D2", Category: "insult"}}}, &review.InvalidError{}, "turn (from 1)"},
			{"add without text", review.Action{Kind: review.ActAdd, Actor: reviewer, Finding: review.FindingRef{Key: review.Key{CallID: "D2", Turn: 4, Category: "threat"}}}, &review.InvalidError{}, "needs the turn's text"},
		}
		for _, c := range cases {
			_, err := s.Apply(ctx, c.a)
			require.Error(t, err, c.name)
			assert.IsType(t, c.want, err, c.name)
			assert.Contains(t, err.Error(), c.msg, c.name)
		}
		ds, err := s.Decisions(ctx, review.Filter{})
		require.NoError(t, err)
		assert.Empty(t, ds, "a refused action writes nothing")
		ev, err := s.Audit(ctx, "D2")
		require.NoError(t, err)
		assert.Empty(t, ev)
	})
}

func TestAppealFlow(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		f := finding("D3", 5, "false_legal_claim", "flc_already_filed")
		_, err := s.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: f})
		require.NoError(t, err)
		d, err := s.Apply(ctx, review.Action{Kind: review.ActAppeal, Actor: lead, Finding: f, Seen: 1, Note: "坐席说的是可能会起诉"})
		require.NoError(t, err)
		assert.Equal(t, review.StateAppealed, d.State)
		assert.True(t, d.Confirmed(), "confirmed until resolved")
		assert.Equal(t, "wang", d.By, "the decision stays the confirmer's")

		_, err = s.Apply(ctx, review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: f, Seen: 2, Reason: "context"})
		assert.ErrorContains(t, err, "an appeal is open")
		_, err = s.Apply(ctx, review.Action{Kind: review.ActResolve, Actor: lead, Finding: f, Seen: 2})
		assert.ErrorContains(t, err, "second person")

		d, err = s.Apply(ctx, review.Action{Kind: review.ActResolve, Actor: lead2, Finding: f, Seen: 2, Upheld: false, Note: "措辞是可能"})
		require.NoError(t, err)
		assert.Equal(t, review.StateDismissed, d.State)
		assert.Equal(t, "appeal_overturned", d.Reason)
		aps, err := s.Appeals(ctx, "D3")
		require.NoError(t, err)
		require.Len(t, aps, 1)
		assert.Equal(t, "overturned", aps[0].Status)
		assert.Equal(t, "li", aps[0].OpenedBy)
		assert.Equal(t, "chen", aps[0].ResolvedBy)
		assert.False(t, aps[0].ResolvedAt.IsZero())

		// Confirmed again, appealed again, upheld this time: appeal 2.
		_, err = s.Apply(ctx, review.Action{Kind: review.ActConfirm, Actor: second, Finding: f, Seen: 3})
		require.NoError(t, err)
		_, err = s.Apply(ctx, review.Action{Kind: review.ActAppeal, Actor: lead, Finding: f, Seen: 4, Note: "again"})
		require.NoError(t, err)
		d, err = s.Apply(ctx, review.Action{Kind: review.ActResolve, Actor: lead2, Finding: f, Seen: 5, Upheld: true})
		require.NoError(t, err)
		assert.Equal(t, review.StateConfirmed, d.State)
		aps, err = s.Appeals(ctx, "D3")
		require.NoError(t, err)
		require.Len(t, aps, 2)
		assert.Equal(t, 2, aps[1].N)
		assert.Equal(t, "upheld", aps[1].Status)
	})
}

func TestAddMissedAndCompleteCall(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		k := review.Key{CallID: "D4", Turn: 7, Category: "threat"}
		ref := review.FindingRef{Key: k, Text: "你等着瞧", Team: "M2", Agent: "王"}
		d, err := s.Apply(ctx, review.Action{Kind: review.ActAdd, Actor: reviewer, Finding: ref, Note: "隐含威胁"})
		require.NoError(t, err)
		assert.True(t, d.Added)
		assert.Equal(t, review.StateConfirmed, d.State)
		_, err = s.Apply(ctx, review.Action{Kind: review.ActAdd, Actor: second, Finding: ref})
		var ce *review.ConflictError
		assert.ErrorAs(t, err, &ce, "adding twice is a conflict")

		_, err = s.CompleteCall(ctx, reviewer, ref, 2, "")
		assert.ErrorContains(t, err, "2 finding(s) have no decision yet")
		_, err = s.CompleteCall(ctx, viewer, ref, 0, "")
		assert.IsType(t, &review.ForbiddenError{}, err)
		cr, err := s.CompleteCall(ctx, reviewer, ref, 0, "done")
		require.NoError(t, err)
		assert.Equal(t, "D4", cr.CallID)
		crs, err := s.CallReviews(ctx, review.Filter{Team: "M2"})
		require.NoError(t, err)
		require.Len(t, crs, 1)
		assert.Equal(t, "wang", crs[0].By)
		crs, err = s.CallReviews(ctx, review.Filter{Team: "other"})
		require.NoError(t, err)
		assert.Empty(t, crs)
		crs, err = s.CallReviews(ctx, review.Filter{Since: time.Now().Add(time.Hour)})
		require.NoError(t, err)
		assert.Empty(t, crs)
		// Finishing again updates the record instead of failing.
		_, err = s.CompleteCall(ctx, second, ref, 0, "rechecked")
		require.NoError(t, err)
		crs, err = s.CallReviews(ctx, review.Filter{CallIDs: []string{"D4"}})
		require.NoError(t, err)
		require.Len(t, crs, 1)
		assert.Equal(t, "zhao", crs[0].By)
	})
}

func TestFiltersAndRuleCounts(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		for i, st := range []review.ActionKind{review.ActConfirm, review.ActConfirm, review.ActDismiss} {
			f := finding("D5", i+1, "threat", "threat_a")
			_, err := s.Apply(ctx, review.Action{Kind: st, Actor: reviewer, Finding: f, Reason: "context"})
			require.NoError(t, err)
		}
		f := finding("D6", 1, "insult", "insult_b")
		f.Team = "M2"
		_, err := s.Apply(ctx, review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: f, Reason: "asr_error"})
		require.NoError(t, err)

		all, err := s.Decisions(ctx, review.Filter{})
		require.NoError(t, err)
		assert.Len(t, all, 4)
		byTeam, err := s.Decisions(ctx, review.Filter{Team: "M2"})
		require.NoError(t, err)
		require.Len(t, byTeam, 1)
		assert.Equal(t, "D6", byTeam[0].CallID)
		dismissed, err := s.Decisions(ctx, review.Filter{States: []review.State{review.StateDismissed}})
		require.NoError(t, err)
		assert.Len(t, dismissed, 2)
		byCall, err := s.Decisions(ctx, review.Filter{CallIDs: []string{"D5"}})
		require.NoError(t, err)
		assert.Len(t, byCall, 3)
		future, err := s.Decisions(ctx, review.Filter{Since: time.Now().Add(time.Hour)})
		require.NoError(t, err)
		assert.Empty(t, future)

		rc, err := s.RuleCounts(ctx)
		require.NoError(t, err)
		assert.Equal(t, []review.RuleCount{{Rule: "insult_b", Dismissed: 1}, {Rule: "threat_a", Confirmed: 2, Dismissed: 1}}, rc)
	})
}

// Two reviewers deciding the same finding at the same moment: exactly one
// wins, the other gets a conflict, and nothing is lost or overwritten.
func TestConcurrentDecisions(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		for round := 1; round <= 10; round++ {
			f := finding("D7", round, "threat", "threat_a")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			kinds := []review.ActionKind{review.ActConfirm, review.ActDismiss}
			actors := []review.Actor{reviewer, second}
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.Apply(ctx, review.Action{Kind: kinds[i], Actor: actors[i], Finding: f, Reason: "context"})
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				var ce *review.ConflictError
				switch {
				case err == nil:
					wins++
				case errors.As(err, &ce):
					assert.Contains(t, err.Error(), "decided it meanwhile")
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			assert.Equal(t, 1, wins, "round %d", round)
			d, ok, err := s.Decision(ctx, f.Key)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, 1, d.Version)
			ev, err := s.Audit(ctx, "D7")
			require.NoError(t, err)
			assert.Len(t, ev, round, "one audit entry per accepted action")
		}
	})
}

func TestRedactAndRefusedConnection(t *testing.T) {
	assert.Equal(t, "postgres://qa:xxxxx@db.example:5432/callqa", review.Redact("postgres://qa:s3cret@db.example:5432/callqa"))
	assert.Equal(t, "/var/lib/callqa.review.db", review.Redact("/var/lib/callqa.review.db"))
	assert.Equal(t, "idx/callqa.review.db", review.DefaultPath("idx/callqa.bleve/"))
	// Port 1 on loopback refuses: one message, naming the server, never the password.
	url := "postgres://qa:s3cret@127.0.0.1:1/callqa?sslmode=disable&connect_timeout=5"
	_, err := review.Open(ctx, url)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
	assert.Contains(t, err.Error(), "postgres://qa:xxxxx@127.0.0.1:1/callqa")
	assert.Contains(t, err.Error(), "cannot open the decisions database")
	assert.False(t, strings.Contains(err.Error(), "\n"), "one line")
}
