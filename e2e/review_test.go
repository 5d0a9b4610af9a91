//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/review"
)

// TestReviewInChromium: reviewers, leads and a viewer sign in with their
// own tokens (callqa users add) and review S02 in the console: a reviewer
// confirms one finding, dismisses another with a reason and adds a missed
// violation; a lead appeals the confirmed one and a second lead resolves
// it; the viewer sees no buttons. The database then holds exactly those
// decisions.
func TestReviewInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the e2e tests need Chromium at %s (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
	bin := buildCallqa(t)
	dir := t.TempDir()
	ix := filepath.Join(dir, "callqa.bleve")
	out, err := exec.Command(bin, "index", "--index", ix, filepath.Join("..", "testdata", "calls")).CombinedOutput()
	require.NoError(t, err, "callqa index: %s", out)
	users := filepath.Join(dir, "users.yaml")
	tokens := map[string]string{}
	for _, u := range [][2]string{{"wang", "reviewer"}, {"li", "lead"}, {"chen", "lead"}, {"sun", "viewer"}} {
		out, err := exec.Command(bin, "users", "add", "--users", users, u[0], "--role", u[1]).Output()
		require.NoError(t, err)
		tokens[u[0]] = strings.TrimSpace(string(out))
	}
	db := filepath.Join(dir, "decisions.db")
	base := startServeArgs(t, bin, "--index", ix, "--users", users, "--db", db)
	ctx, b := newBrowser(t)

	signIn := func(user string) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/login?next=/calls/S02")))
		require.NoError(t, chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#token`)),
			chromedp.SendKeys(chromedp.CSS(`#token`), tokens[user]),
			chromedp.Click(chromedp.CSS(`#login-submit`)),
		))
		waitFor(t, ctx, `location.pathname === '/calls/S02' && document.readyState === 'complete' && (document.getElementById('whoami') || {}).textContent.indexOf('`+user+`') === 0`)
	}
	finding := func(turn, category string) string {
		return `.review[data-turn="` + turn + `"][data-category="` + category + `"]`
	}
	state := func(turn, category, want string) {
		t.Helper()
		waitFor(t, ctx, `(document.querySelector('`+finding(turn, category)+`') || {dataset: {}}).dataset.state === '`+want+`'`)
	}

	signIn("wang")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(finding("5", "insult")+` form[data-action="confirm"] button`))))
	state("5", "insult", "confirmed")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(finding("7", "threat")+` form[data-action="dismiss"] select[name="reason"]`), "context"),
		chromedp.SendKeys(chromedp.CSS(finding("7", "threat")+` form[data-action="dismiss"] input[name="note"]`), "安全提醒"),
		chromedp.Click(chromedp.CSS(finding("7", "threat")+` form[data-action="dismiss"] button`)),
	))
	state("7", "threat", "dismissed")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#t3 .turn-add summary`)),
		chromedp.SetValue(chromedp.CSS(`#t3 form[data-action="add"] select[name="category"]`), "threat"),
		chromedp.Click(chromedp.CSS(`#t3 form[data-action="add"] button`)),
	))
	waitFor(t, ctx, `!!document.querySelector('#review-added `+finding("3", "threat")+`[data-state="confirmed"]')`)
	assert.Zero(t, evaluate[int](t, ctx, `document.querySelectorAll('form[data-action="appeal"]').length`), "a reviewer does not appeal")

	signIn("li")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(finding("5", "insult")+` form[data-action="appeal"] input[name="note"]`), "客户先辱骂坐席"),
		chromedp.Click(chromedp.CSS(finding("5", "insult")+` form[data-action="appeal"] button`)),
	))
	state("5", "insult", "appealed")
	assert.Zero(t, evaluate[int](t, ctx, `document.querySelectorAll('form[data-action="resolve"]').length`), "who opened the appeal does not resolve it")

	signIn("chen")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(finding("5", "insult")+` form[data-action="resolve"] button.btn-uphold`))))
	state("5", "insult", "confirmed")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#review-complete`))))
	waitFor(t, ctx, `!!document.getElementById('review-finished')`)
	audit := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll('#review-audit li')).map(li => li.dataset.action)`)
	assert.Equal(t, []string{"confirm", "dismiss", "add", "appeal", "resolve", "complete"}, audit)

	signIn("sun")
	state("5", "insult", "confirmed")
	assert.Zero(t, evaluate[int](t, ctx, `document.querySelectorAll('.review-form').length`), "a viewer sees no buttons")
	assert.Empty(t, b.errors(), "no console errors (the CSP allows the review script)")

	store, err := review.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	ds, err := store.Decisions(context.Background(), review.Filter{})
	require.NoError(t, err)
	type row struct {
		Key    string
		State  review.State
		Added  bool
		By     string
		Reason string
	}
	var got []row
	for _, d := range ds {
		got = append(got, row{d.Key.String(), d.State, d.Added, d.By, d.Reason})
	}
	assert.Equal(t, []row{
		{"S02#3/threat", review.StateConfirmed, true, "wang", ""},
		{"S02#5/insult", review.StateConfirmed, false, "chen", ""}, // the resolution is the last decision
		{"S02#7/threat", review.StateDismissed, false, "wang", "context"},
	}, got)
	aps, err := store.Appeals(context.Background(), "S02")
	require.NoError(t, err)
	require.Len(t, aps, 1)
	assert.Equal(t, "upheld", aps[0].Status)
	assert.Equal(t, "li", aps[0].OpenedBy)
	assert.Equal(t, "chen", aps[0].ResolvedBy)

	// Export the finished review and measure the rules against it: eval
	// gives back the decisions: the confirmed insult a hit, the dismissed
	// threat a false alarm, the added threat a miss.
	gold, calls := filepath.Join(dir, "gold.jsonl"), filepath.Join(dir, "reviewed.jsonl")
	out, err = exec.Command(bin, "verdicts", "export", "--index", ix, "--db", db, "--calls", calls, "-o", gold).CombinedOutput()
	require.NoError(t, err, "verdicts export: %s", out)
	assert.Contains(t, string(out), "exported 1 reviewed call(s), 2 violation(s)")
	evalOut, err := exec.Command(bin, "eval", "--format", "json", "--labels", gold, calls).Output()
	require.NoError(t, err, "eval")
	var rep struct {
		Turns []struct {
			Category   string
			TP, FP, FN int
		} `json:"turns"`
	}
	require.NoError(t, json.Unmarshal(evalOut, &rep))
	counts := map[string][3]int{}
	for _, c := range rep.Turns {
		counts[c.Category] = [3]int{c.TP, c.FP, c.FN}
	}
	assert.Equal(t, [3]int{1, 0, 0}, counts["insult"])
	assert.Equal(t, [3]int{0, 1, 1}, counts["threat"])
}

// startServeArgs starts callqa serve with args on a free 127.0.0.1 port
// and returns its base URL once /healthz answers; the server is stopped
// when the test ends.
func startServeArgs(t *testing.T, bin string, args ...string) string {
	t.Helper()
	base, _ := startServeProcess(t, bin, args...)
	return base
}

// startServeProcess is startServeArgs that also returns the process, for
// a test that kills it.
func startServeProcess(t *testing.T, bin string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	var logs bytes.Buffer
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), "CALLQA_TOKEN=")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("callqa serve output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("callqa serve did not answer /healthz within 30 s: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
