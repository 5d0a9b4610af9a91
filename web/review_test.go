package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/internal/reviewidx"
	"github.com/callqa/callqa/review"
)

// The users of the review tests: two reviewers, two leads, a viewer.
var reviewUsers = []struct {
	name string
	role review.Role
}{{"wang", review.RoleReviewer}, {"zhao", review.RoleReviewer}, {"li", review.RoleLead}, {"chen", review.RoleLead}, {"sun", review.RoleViewer}}

const adminToken = "the-admin-token-0123456789"

func tokenOf(name string) string { return "token-of-" + name + "-0123456789abcdef" }

func bearer(name string) []string {
	if name == "" {
		return nil
	}
	tok := tokenOf(name)
	if name == AdminName {
		tok = adminToken
	}
	return []string{"Authorization", "Bearer " + tok}
}

// openStore opens a decisions database (a SQLite file path or a
// PostgreSQL URL) until the test ends.
func openStore(t *testing.T, db string) *review.Store {
	t.Helper()
	s, err := review.Open(context.Background(), db)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// startReview serves bi (nil: the shared test index) with the review
// users, the admin token and the decisions database store.
func startReview(t *testing.T, store *review.Store, bi index.Reader) string {
	t.Helper()
	if bi == nil {
		bi = testIndex
	}
	var users []User
	for _, u := range reviewUsers {
		users = append(users, User{Name: u.name, Role: u.role, TokenSHA256: TokenDigest(tokenOf(u.name))})
	}
	srv, err := New(Config{Index: bi, Analyzer: testAnalyzer, Token: adminToken, Users: users, Review: store})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// act posts a review action as user name.
func act(t *testing.T, base, user, call, body string) response {
	t.Helper()
	return post(t, base+"/api/calls/"+call+"/review", "application/json", body, bearer(user)...)
}

func sqliteStore(t *testing.T) *review.Store {
	return openStore(t, filepath.Join(t.TempDir(), "callqa.review.db"))
}

// TestReviewAPI takes each action as each role, in order on one database:
// the status code and the error say what the role and the state allow.
func TestReviewAPI(t *testing.T) {
	store := sqliteStore(t)
	base := startReview(t, store, nil)
	steps := []struct {
		name, user, call, body string
		status                 int
		want                   string // in the body
	}{
		{"viewer_may_not_confirm", "sun", "S02", `{"action":"confirm","turn":5,"category":"insult"}`, 403, "sun (viewer) may not confirm"},
		{"reviewer_confirms", "wang", "S02", `{"action":"confirm","turn":5,"category":"insult"}`, 200, `"rule":"insult.slur"`},
		{"stale_seen_is_a_conflict", "zhao", "S02", `{"action":"dismiss","turn":5,"category":"insult","seen":0,"reason":"context"}`, 409, "wang decided it meanwhile"},
		{"reviewer_may_not_appeal", "wang", "S02", `{"action":"appeal","turn":5,"category":"insult","seen":1,"note":"玩笑"}`, 403, "wang (reviewer) may not appeal"},
		{"viewer_may_not_appeal", "sun", "S02", `{"action":"appeal","turn":5,"category":"insult","seen":1,"note":"玩笑"}`, 403, "may not appeal"},
		{"appeal_needs_grounds", "li", "S02", `{"action":"appeal","turn":5,"category":"insult","seen":1}`, 422, "an appeal needs its grounds"},
		{"lead_appeals", "li", "S02", `{"action":"appeal","turn":5,"category":"insult","seen":1,"note":"客户先骂人"}`, 200, `"state":"appealed"`},
		{"opener_may_not_resolve", "li", "S02", `{"action":"resolve","turn":5,"category":"insult","seen":2,"upheld":true}`, 422, "resolved by a second person"},
		{"reviewer_may_not_resolve", "zhao", "S02", `{"action":"resolve","turn":5,"category":"insult","seen":2}`, 403, "may not resolve"},
		{"second_lead_overturns", "chen", "S02", `{"action":"resolve","turn":5,"category":"insult","seen":2,"upheld":false,"note":"成立"}`, 200, `"reason":"appeal_overturned"`},
		{"unknown_reason", "wang", "S02", `{"action":"dismiss","turn":7,"category":"threat","reason":"bogus"}`, 422, "dismissing needs a reason"},
		{"other_needs_a_note", "wang", "S02", `{"action":"dismiss","turn":7,"category":"threat","reason":"other"}`, 422, "needs a note"},
		{"reviewer_dismisses", "wang", "S02", `{"action":"dismiss","turn":7,"category":"threat","reason":"context","note":"说的是安全提醒"}`, 200, `"state":"dismissed"`},
		{"add_where_a_rule_found_it", "zhao", "S02", `{"action":"add","turn":7,"category":"threat"}`, 409, "confirm it instead"},
		{"reviewer_adds_missed", "zhao", "S02", `{"action":"add","turn":3,"category":"threat","note":"今天必须还上"}`, 200, `"added":true`},
		{"add_twice_is_a_conflict", "wang", "S02", `{"action":"add","turn":3,"category":"threat"}`, 409, "zhao decided it meanwhile"},
		{"add_past_the_turns", "zhao", "S02", `{"action":"add","turn":99,"category":"threat"}`, 422, "has no turn 99"},
		{"unknown_category", "zhao", "S02", `{"action":"add","turn":2,"category":"rudeness"}`, 422, "unknown category"},
		{"no_such_finding", "wang", "S02", `{"action":"confirm","turn":2,"category":"insult"}`, 422, "no insult finding at turn 2"},
		{"unknown_call", "wang", "NOPE", `{"action":"confirm","turn":1,"category":"insult"}`, 404, `NOPE\" in the index`},
		{"unknown_action", "wang", "S02", `{"action":"approve","turn":5,"category":"insult"}`, 422, "unknown action"},
		{"client_may_not_set_the_rule", "wang", "S02", `{"action":"confirm","turn":5,"category":"insult","rule":"made.up"}`, 400, "unknown field"},
		{"no_token", "", "S02", `{"action":"confirm","turn":5,"category":"insult"}`, 401, "unauthorized"},
		{"admin_confirms", AdminName, "S03", `{"action":"confirm","turn":%d,"category":"false_legal_claim"}`, 200, `"by":"admin"`},
	}
	s03 := turnOf(t, "S03", "false_legal_claim")
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			body := st.body
			if strings.Contains(body, "%d") {
				body = fmt.Sprintf(body, s03)
			}
			r := act(t, base, st.user, st.call, body)
			assert.Equal(t, st.status, r.status, r.body)
			assert.Contains(t, r.body, st.want)
			assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
		})
	}

	t.Run("not_json", func(t *testing.T) {
		r := post(t, base+"/api/calls/S02/review", "text/plain", `{"action":"confirm"}`, bearer("wang")...)
		assertAPIError(t, r, http.StatusUnsupportedMediaType, "application/json")
	})
	t.Run("complete", func(t *testing.T) {
		complete := func(user, call string) response {
			return post(t, base+"/api/calls/"+call+"/review/complete", "application/json", `{"note":"done"}`, bearer(user)...)
		}
		assertAPIError(t, complete("sun", "S02"), http.StatusForbidden, "may not complete")
		assertAPIError(t, complete("wang", "X01"), http.StatusUnprocessableEntity, "have no decision yet")
		assertAPIError(t, complete("wang", "NOPE"), http.StatusNotFound, "no call")
		r := complete("wang", "S02")
		require.Equal(t, http.StatusOK, r.status, r.body)
		assert.Contains(t, r.body, `"by":"wang"`)
	})

	// The call's review as the API reports it.
	r := get(t, base+"/api/calls/S02/review", bearer("sun")...)
	require.Equal(t, http.StatusOK, r.status, r.body)
	var got callReviewResponse
	require.NoError(t, json.Unmarshal([]byte(r.body), &got))
	assert.Equal(t, review.Actor{Name: "sun", Role: review.RoleViewer}, got.User)
	assert.Empty(t, got.Actions)
	require.Len(t, got.Findings, 2, "the violations; the customer's abuse is not reviewed")
	states := map[string]review.State{}
	for _, f := range got.Findings {
		states[fmt.Sprintf("%d/%s", f.Turn, f.Category)] = f.State
	}
	assert.Equal(t, map[string]review.State{"5/insult": review.StateDismissed, "7/threat": review.StateDismissed}, states)
	require.Len(t, got.Added, 1)
	assert.Equal(t, "坐席：我是嘉禾消费金融的小赵，你那笔借款逾期两个月了，今天必须还上。"[len("坐席："):], got.Added[0].Text, "the text comes from the index")
	assert.Empty(t, got.Orphaned)
	require.Len(t, got.Appeals, 1)
	assert.Equal(t, "overturned", got.Appeals[0].Status)
	var actions []string
	for _, e := range got.Audit {
		actions = append(actions, e.Actor+" "+string(e.Action))
	}
	assert.Equal(t, []string{"wang confirm", "li appeal", "chen resolve", "wang dismiss", "zhao add", "wang complete"}, actions)
	require.NotNil(t, got.Finished)
	assert.Equal(t, "wang", got.Finished.By)
	d, ok, err := store.Decision(context.Background(), review.Key{CallID: "S02", Turn: 5, Category: "insult"})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "insult.slur", d.Rule, "the rule comes from the index")
	assert.Equal(t, "M2-B", d.Team)
	assert.NotEmpty(t, d.RulesVersion)
}

// turnOf is the turn of a call's first finding of a category in the test
// index.
func turnOf(t *testing.T, call, category string) int {
	t.Helper()
	res, err := testIndex.Call(call)
	require.NoError(t, err)
	for _, f := range res.Findings {
		if f.Category == category {
			return f.Turn
		}
	}
	t.Fatalf("%s has no %s finding", call, category)
	return 0
}

// TestReviewConflict: two reviewers decide the same finding at once
// through the API; one wins, the other gets 409 naming who decided.
func TestReviewConflict(t *testing.T) {
	base := startReview(t, sqliteStore(t), nil)
	for round := 0; round < 5; round++ {
		call := "X01"
		seen := round * 1 // each round changes the decision once
		bodies := map[string]string{
			"wang": fmt.Sprintf(`{"action":"confirm","turn":1,"category":"insult","seen":%d}`, seen),
			"zhao": fmt.Sprintf(`{"action":"dismiss","turn":1,"category":"insult","seen":%d,"reason":"context"}`, seen),
		}
		if round > 0 {
			// Alternate so that each round is a real change of state.
			bodies = map[string]string{
				"wang": fmt.Sprintf(`{"action":"dismiss","turn":1,"category":"insult","seen":%d,"reason":"asr_error"}`, seen),
				"zhao": fmt.Sprintf(`{"action":"dismiss","turn":1,"category":"insult","seen":%d,"reason":"duplicate"}`, seen),
			}
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := map[string]response{}
		var mu sync.Mutex
		for user, body := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := act(t, base, user, call, body)
				mu.Lock()
				results[user] = r
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		var ok, conflict int
		for _, r := range results {
			switch r.status {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				conflict++
				assert.Contains(t, r.body, "decided it meanwhile")
				assert.Contains(t, r.body, `"current":{`)
			default:
				t.Errorf("round %d: status %d: %s", round, r.status, r.body)
			}
		}
		assert.Equal(t, 1, ok, "round %d: exactly one wins", round)
		assert.Equal(t, 1, conflict, "round %d: the other gets a conflict", round)
	}
}

// TestReviewCrossOrigin: a page of another site cannot post a verdict
// with the reviewer's browser session.
func TestReviewCrossOrigin(t *testing.T) {
	store := sqliteStore(t)
	base := startReview(t, store, nil)
	cookie := signIn(t, base, tokenOf("wang"))
	for _, h := range [][]string{
		{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		headers := append(append([]string{}, cookie...), h...)
		r := post(t, base+"/api/calls/S02/review", "application/json", `{"action":"confirm","turn":5,"category":"insult"}`, headers...)
		assertAPIError(t, r, http.StatusForbidden, "cross-origin request refused")
		r = post(t, base+"/api/calls/S02/review/complete", "application/json", `{}`, headers...)
		assertAPIError(t, r, http.StatusForbidden, "cross-origin request refused")
	}
	ds, err := store.Decisions(context.Background(), review.Filter{})
	require.NoError(t, err)
	assert.Empty(t, ds, "nothing was recorded")

	// The same request from the console's own page goes through, as the
	// signed-in user.
	r := post(t, base+"/api/calls/S02/review", "application/json", `{"action":"confirm","turn":5,"category":"insult"}`,
		append(cookie, "Origin", base, "Sec-Fetch-Site", "same-origin")...)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Contains(t, r.body, `"by":"wang"`)
}

// signIn signs in at /login with a token and returns the session cookie
// as a header pair.
func signIn(t *testing.T, base, token string) []string {
	t.Helper()
	r := post(t, base+"/login", "application/x-www-form-urlencoded", "token="+token+"&next=/")
	require.Equal(t, http.StatusSeeOther, r.status, r.body)
	c := r.header.Get("Set-Cookie")
	require.Contains(t, c, sessionCookie+"=")
	return []string{"Cookie", strings.SplitN(c, ";", 2)[0]}
}

// TestCallPageReview: the call page shows each finding's state and the
// controls the signed-in role allows, who is signed in, and the audit
// trail.
func TestCallPageReview(t *testing.T) {
	store := sqliteStore(t)
	base := startReview(t, store, nil)
	require.Equal(t, http.StatusOK, act(t, base, "wang", "S02", `{"action":"confirm","turn":5,"category":"insult"}`).status)

	page := func(user string) string {
		r := get(t, base+"/calls/S02", signIn(t, base, tokenOf(user))...)
		require.Equal(t, http.StatusOK, r.status)
		assertSecurityHeaders(t, r, "call page")
		return r.body
	}
	viewer := page("sun")
	assert.Contains(t, viewer, `id="whoami"`)
	assert.Contains(t, viewer, "sun <small")
	assert.NotContains(t, viewer, `class="review-form"`, "a viewer gets no buttons")
	assert.Contains(t, viewer, `data-state="confirmed"`)
	assert.Contains(t, viewer, `id="review-audit"`)
	assert.NotContains(t, viewer, "<script>", "no inline script")

	reviewer := page("zhao")
	assert.Contains(t, reviewer, `data-action="dismiss" data-turn="5" data-category="insult" data-seen="1"`)
	assert.NotContains(t, reviewer, `data-action="confirm" data-turn="5"`, "confirmed already")
	assert.Contains(t, reviewer, `data-action="confirm" data-turn="7" data-category="threat" data-seen="0"`)
	assert.Contains(t, reviewer, `data-action="add" data-turn="1"`)
	assert.NotContains(t, reviewer, `data-action="appeal"`, "a reviewer does not appeal")
	assert.NotContains(t, reviewer, `value="appeal_overturned"`)
	assert.Contains(t, reviewer, `value="wrong_speaker"`)
	assert.Contains(t, reviewer, `/static/review.js?v=`)

	lead := page("li")
	assert.Contains(t, lead, `data-action="appeal" data-turn="5"`)

	// Without a database the call page has no review at all.
	plain := get(t, start(t, Config{})+"/calls/S02")
	assert.NotContains(t, plain.body, `id="review"`)
}

// TestReviewOrphaned: a verdict on a finding that is gone after the call
// is indexed again with other text is kept, reported as orphaned, and can
// still be appealed.
func TestReviewOrphaned(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	var closeIndex func() error
	indexCall := func(text string) index.Reader {
		ix, err := index.Open(dir, index.Options{})
		require.NoError(t, err)
		c, err := corpus.ReadText("R1.txt", "# call_id: R1\n# agent: 测试\n# team: QA\n# started_at: 2026-03-05T10:00:00+08:00\n"+text)
		require.NoError(t, err)
		_, err = ix.Add(testAnalyzer.Analyze(c), "v1")
		require.NoError(t, err)
		require.NoError(t, ix.Close())
		bi, closeIt, err := index.OpenAlias([]string{dir})
		require.NoError(t, err)
		closeIndex = closeIt
		return index.Bleve{Index: bi}
	}
	db := filepath.Join(t.TempDir(), "callqa.review.db")
	bi := indexCall("坐席：你就是个老赖\n客户：我不还\n")
	store := openStore(t, db)
	base := startReview(t, store, bi)
	r := act(t, base, "wang", "R1", `{"action":"confirm","turn":1,"category":"insult"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.NoError(t, closeIndex())

	// Indexed again: the agent's words changed, the insult is gone.
	bi = indexCall("坐席：您好，请问是刘先生吗？\n客户：我不还\n")
	defer closeIndex()
	base = startReview(t, store, bi)
	r = get(t, base+"/api/calls/R1/review", bearer("sun")...)
	require.Equal(t, http.StatusOK, r.status, r.body)
	var got callReviewResponse
	require.NoError(t, json.Unmarshal([]byte(r.body), &got))
	assert.Empty(t, got.Findings)
	require.Len(t, got.Orphaned, 1, r.body)
	assert.Equal(t, review.StateConfirmed, got.Orphaned[0].State)
	assert.Equal(t, "你就是个老赖", got.Orphaned[0].Text, "as the reviewer saw it")

	page := get(t, base+"/calls/R1", signIn(t, base, tokenOf("li"))...)
	assert.Contains(t, page.body, `id="review-orphaned"`)
	assert.Contains(t, page.body, `data-action="appeal" data-turn="1" data-category="insult" data-seen="1"`)

	r = act(t, base, "li", "R1", `{"action":"appeal","turn":1,"category":"insult","seen":1,"note":"已重新分析"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	p, err := reviewidx.ReviewProgress(context.Background(), store, bi)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Orphaned)
	assert.Equal(t, 0, p.Findings)
}

// TestReviewAPIPostgres runs the API on a PostgreSQL database: a verdict,
// a conflict, an appeal and its resolution.
func TestReviewAPIPostgres(t *testing.T) {
	store := openStore(t, pgtest.NewDatabase(t))
	base := startReview(t, store, nil)
	for _, st := range []struct {
		user, body string
		status     int
	}{
		{"wang", `{"action":"confirm","turn":5,"category":"insult"}`, 200},
		{"zhao", `{"action":"dismiss","turn":5,"category":"insult","reason":"context"}`, 409},
		{"sun", `{"action":"dismiss","turn":5,"category":"insult","seen":1,"reason":"context"}`, 403},
		{"li", `{"action":"appeal","turn":5,"category":"insult","seen":1,"note":"先被骂"}`, 200},
		{"chen", `{"action":"resolve","turn":5,"category":"insult","seen":2,"upheld":true}`, 200},
		{"zhao", `{"action":"add","turn":3,"category":"threat"}`, 200},
	} {
		r := act(t, base, st.user, "S02", st.body)
		assert.Equal(t, st.status, r.status, "%s %s: %s", st.user, st.body, r.body)
	}
	ds, err := store.Decisions(context.Background(), review.Filter{CallIDs: []string{"S02"}})
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, review.StateConfirmed, ds[0].State)
	assert.True(t, ds[0].Added)
	assert.Equal(t, 5, ds[1].Turn)
	assert.Equal(t, review.StateConfirmed, ds[1].State)
	assert.Equal(t, 3, ds[1].Version)
}

// TestSearchVerdict filters the console search and /api/search by review
// state.
func TestSearchVerdict(t *testing.T) {
	store := sqliteStore(t)
	base := startReview(t, store, nil)
	s03 := turnOf(t, "S03", "false_legal_claim")
	for _, a := range []struct{ call, body string }{
		{"S02", `{"action":"confirm","turn":5,"category":"insult"}`},
		{"S02", `{"action":"dismiss","turn":7,"category":"threat","reason":"context"}`},
		{"S03", fmt.Sprintf(`{"action":"dismiss","turn":%d,"category":"false_legal_claim","reason":"quoted_or_negated"}`, s03)},
		{"X01", `{"action":"confirm","turn":1,"category":"insult"}`},
		{"X01", `{"action":"appeal","turn":1,"category":"insult","seen":1,"note":"测试"}`},
		{"S01", `{"action":"add","turn":2,"category":"threat"}`},
	} {
		user := "wang"
		if strings.Contains(a.body, "appeal") {
			user = "li"
		}
		r := act(t, base, user, a.call, a.body)
		require.Equal(t, http.StatusOK, r.status, r.body)
	}
	// The calls with a violation no one decided, from the test index.
	decided := map[string]bool{"S02/5/insult": true, "S02/7/threat": true, fmt.Sprintf("S03/%d/false_legal_claim", s03): true, "X01/1/insult": true}
	all, _, err := testIndex.IDs(index.Query{Limit: 1000})
	require.NoError(t, err)
	var open []string
	for _, id := range all {
		res, err := testIndex.Call(id)
		require.NoError(t, err)
		for _, f := range res.Findings {
			if reviewidx.Reviewable(f) && !decided[fmt.Sprintf("%s/%d/%s", id, f.Turn, f.Category)] {
				open = append(open, id)
				break
			}
		}
	}
	assert.Contains(t, open, "S03", "its other claim is undecided")
	assert.NotContains(t, open, "S02")
	require.NotEmpty(t, open, "the test index has undecided calls")
	tests := []struct {
		verdict string
		want    []string
	}{
		{"confirmed", []string{"S02", "S01"}},
		{"dismissed", []string{"S02", "S03"}},
		{"appealed", []string{"X01"}},
		{"open", open},
	}
	for _, tt := range tests {
		t.Run(tt.verdict, func(t *testing.T) {
			r := get(t, base+"/api/search?"+search("verdict", tt.verdict, "limit", "100"), bearer("sun")...)
			require.Equal(t, http.StatusOK, r.status, r.body)
			res := decode[index.Results](t, r)
			assert.ElementsMatch(t, tt.want, hitIDs(res))
			page := get(t, base+"/?"+search("verdict", tt.verdict), bearer("sun")...)
			require.Equal(t, http.StatusOK, page.status)
			assert.Contains(t, page.body, `<option value="`+tt.verdict+`" selected>`)
			assert.Contains(t, page.body, fmt.Sprintf(`<strong id="total">%d</strong>`, len(tt.want)))
		})
	}
	r := get(t, base+"/api/search?"+search("verdict", "closed"), bearer("sun")...)
	assertAPIError(t, r, http.StatusBadRequest, `unknown verdict "closed"`)
	r = get(t, base+"/api/search?"+search("verdict", "dismissed", "team", "M2-B"), bearer("sun")...)
	assert.Equal(t, []string{"S02"}, hitIDs(decode[index.Results](t, r)), "with the other filters")
	r = get(t, start(t, Config{})+"/api/search?"+search("verdict", "open"))
	assertAPIError(t, r, http.StatusBadRequest, "no decisions database")
}

// TestDashboardReview: the dashboard and /api/stats?by=review count the
// review progress and each rule's confirmed share.
func TestDashboardReview(t *testing.T) {
	store := sqliteStore(t)
	base := startReview(t, store, nil)
	for _, body := range []string{
		`{"action":"confirm","turn":5,"category":"insult"}`,
		`{"action":"dismiss","turn":7,"category":"threat","reason":"context"}`,
	} {
		require.Equal(t, http.StatusOK, act(t, base, "wang", "S02", body).status)
	}
	require.Equal(t, http.StatusOK, act(t, base, "wang", "X01", `{"action":"confirm","turn":1,"category":"insult"}`).status)
	require.Equal(t, http.StatusOK, act(t, base, "li", "X01", `{"action":"appeal","turn":1,"category":"insult","seen":1,"note":"x"}`).status)
	require.Equal(t, http.StatusOK, post(t, base+"/api/calls/S02/review/complete", "application/json", `{}`, bearer("wang")...).status)

	violations, _, err := testIndex.Count(index.Query{Findings: true}, 0)
	require.NoError(t, err)
	r := get(t, base+"/api/stats?by=review", bearer("sun")...)
	require.Equal(t, http.StatusOK, r.status, r.body)
	p := decode[reviewidx.Progress](t, r)
	assert.Equal(t, int(violations), p.Findings)
	assert.Equal(t, 3, p.Decided)
	assert.Equal(t, int(violations)-3, p.Open)
	assert.Equal(t, 1, p.Confirmed)
	assert.Equal(t, 1, p.Dismissed)
	assert.Equal(t, 1, p.Appealed)
	assert.Equal(t, 1, p.CallsFinished)
	rules := map[string]reviewidx.RuleProgress{}
	for _, rp := range p.Rules {
		rules[rp.Rule] = rp
	}
	slur := rules["insult.slur"]
	assert.Equal(t, 1, slur.Confirmed)
	assert.Equal(t, 1, slur.Appealed)
	require.NotNil(t, slur.ConfirmedShare)
	assert.Equal(t, 1.0, *slur.ConfirmedShare)
	require.NotNil(t, rules["threat.safety"].ConfirmedShare)
	assert.Equal(t, 0.0, *rules["threat.safety"].ConfirmedShare)
	assert.Positive(t, rules["threat.safety"].Findings)

	page := get(t, base+"/dashboard", bearer("sun")...)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `<span class="kpi-value" id="kpi-review-decided">3</span>`)
	assert.Contains(t, page.body, `<span class="kpi-value" id="kpi-review-finished">1</span>`)
	assert.Contains(t, page.body, `<tr data-rule="threat.safety">`)
	assert.Contains(t, page.body, `<td class="num share">0%</td>`)
	assert.Contains(t, page.body, `<td class="num share">100%</td>`)
}

// TestUsersSignIn: each user signs in with its own token and acts as
// itself; the admin token is the user admin; without token or users the
// user is local, with role admin.
func TestUsersSignIn(t *testing.T) {
	base := startReview(t, sqliteStore(t), nil)
	for _, u := range []struct{ token, want string }{
		{tokenOf("wang"), "wang <small class=\"code\" lang=\"en\">reviewer</small>"},
		{tokenOf("sun"), "sun <small class=\"code\" lang=\"en\">viewer</small>"},
		{adminToken, "admin <small class=\"code\" lang=\"en\">admin</small>"},
	} {
		r := get(t, base+"/", signIn(t, base, u.token)...)
		require.Equal(t, http.StatusOK, r.status)
		assert.Contains(t, r.body, u.want)
	}
	r := post(t, base+"/login", "application/x-www-form-urlencoded", "token=wrong-token-0123456789&next=/")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	r = get(t, base+"/api/calls/S02/review", "Authorization", "Bearer "+TokenDigest(tokenOf("wang")))
	assert.Equal(t, http.StatusUnauthorized, r.status, "the digest is not a token")

	srv, err := New(Config{Index: testIndex, Analyzer: testAnalyzer, Review: sqliteStore(t)})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	r = act(t, ts.URL, "", "S02", `{"action":"confirm","turn":5,"category":"insult"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Contains(t, r.body, `"by":"local"`)
	page := get(t, ts.URL+"/calls/S02")
	assert.Contains(t, page.body, "local <small")
	assert.NotContains(t, page.body, "Sign out")
}
