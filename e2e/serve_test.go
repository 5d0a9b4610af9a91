//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServe indexes the sample calls and the injected transcript with the
// real binary, starts `callqa serve` on a free 127.0.0.1 port and returns
// its base URL once /healthz answers.
func startServe(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	xss := filepath.Join(dir, "X01_injected.txt")
	require.NoError(t, os.WriteFile(xss, []byte(injected), 0o644))
	ix := filepath.Join(dir, "callqa.bleve")
	out, err := exec.Command(bin, "index", "--index", ix, filepath.Join("..", "testdata", "calls"), xss).CombinedOutput()
	require.NoError(t, err, "callqa index: %s", out)

	return startServeArgs(t, bin, "--index", ix)
}

// waitFor evaluates js until it is true. A click that navigates replaces
// the page under an evaluation, so errors while the new page loads are
// retried too.
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %v", js, last)
}

// TestConsoleInChromium drives the supervisors' web console in headless
// Chromium as a person would: a search in Chinese, a filter, a call with
// its highlighted violation, the analyze page, and a transcript that tries
// to run script.
func TestConsoleInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the e2e tests need Chromium at %s (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
	bin := buildCallqa(t)
	base := startServe(t, bin)
	ctx, b := newBrowser(t)
	shots := os.Getenv("CALLQA_SCREENSHOT") == "1"
	// shot saves the page as it is, once it has finished loading; the
	// pictures are for the README, so a slow capture fails only the run
	// that asked for them.
	shot := func(name string) {
		waitFor(t, ctx, `document.readyState === 'complete'`)
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		if err != nil && !shots {
			t.Logf("screenshot %s: %v", name, err)
			return
		}
		require.NoError(t, err)
		dir := t.TempDir()
		if shots {
			dir = filepath.Join("..", "docs")
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
	}

	t.Run("search_in_chinese", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/")))
		require.NoError(t, chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#search input[name="q"]`)),
			chromedp.SendKeys(chromedp.CSS(`#search input[name="q"]`), "老赖"),
			chromedp.Click(chromedp.CSS(`#search-submit`)),
		))
		waitFor(t, ctx, `location.search.includes('q=') && document.querySelectorAll('#results li.hit').length > 0`)
		hits := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll('#results li.hit a.call-link')).map(a => a.textContent.trim())`)
		assert.Contains(t, strings.Join(hits, " "), "S02")
		marks := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll('#results li.hit mark')).map(m => m.textContent)`)
		assert.Contains(t, marks, "老赖", "the matched words are marked")
		assert.Positive(t, evaluate[int](t, ctx, `document.querySelectorAll('.facet').length`), "facet counts beside the filters")
	})

	t.Run("filter", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/")))
		require.NoError(t, chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#search select[name="category"]`)),
			// Choosing a filter applies it at once (static/app.js submits
			// the form on change; SetValue fires the change event), so
			// there is no button to press: pressing it too would start a
			// second navigation over the first.
			chromedp.SetValue(chromedp.CSS(`#search select[name="category"]`), "threat"),
		))
		waitFor(t, ctx, `location.search.includes('category=threat') && document.readyState === 'complete' && document.querySelectorAll('#results li.hit').length > 0`)
		hits := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll('#results li.hit a.call-link')).map(a => a.textContent.trim())`)
		assert.Len(t, hits, 1, "only S02 has a threat: %v", hits)
		assert.Contains(t, strings.Join(hits, " "), "S02")
	})

	t.Run("cards_show_compliance_apart_from_score", func(t *testing.T) {
		// Every sample call, newest first (the injected X01, of March 8,
		// left out of the picture): compliant and violating calls, and
		// calls with a third party, whose task score does not apply.
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/?to=2026-03-07&sort=date")))
		waitFor(t, ctx, `document.querySelectorAll('#results li.hit').length > 0`)
		type card struct {
			ID         string `json:"id"`
			Compliance string `json:"compliance"`
			Score      string `json:"score"`
			Meta       string `json:"meta"`
			Head       string `json:"head"`
		}
		cards := evaluate[[]card](t, ctx, `Array.from(document.querySelectorAll('#results li.hit')).map(li => ({
			id: li.querySelector('a.call-link').textContent.trim(),
			compliance: li.querySelector('.compliance').textContent.trim(),
			score: li.querySelector('.score').textContent.trim(),
			meta: li.querySelector('.hit-meta').textContent.trim(),
			head: li.querySelector('.hit-head').textContent.replace(/\s+/g, ' ').trim(),
		}))`)
		byID := map[string]card{}
		for _, c := range cards {
			byID[c.ID] = c
			assert.NotContains(t, c.Head, "不合格", "%s: a verdict beside a score reads as a contradiction", c.ID)
			assert.NotContains(t, c.Head, "Fail", c.ID)
			assert.Regexp(t, `^(合规 compliant|违规 violation)$`, c.Compliance, c.ID)
			assert.True(t, strings.HasPrefix(c.Score, "任务得分 "), "%s: the score says what it is: %q", c.ID, c.Score)
		}
		assert.Equal(t, "违规 violation", byID["S02"].Compliance)
		assert.Equal(t, "任务得分 25 分", byID["S02"].Score)
		assert.Contains(t, byID["S02"].Head, "辱骂 insult")
		assert.Contains(t, byID["S02"].Meta, "债务人 debtor")
		assert.Equal(t, "合规 compliant", byID["S01"].Compliance)
		assert.Equal(t, "任务得分 100 分", byID["S01"].Score)
		for _, id := range []string{"S04", "S05"} {
			assert.Equal(t, "任务得分 不适用 N/A", byID[id].Score, "%s is a call with a third party", id)
			assert.Contains(t, byID[id].Meta, "第三方 third_party", id)
		}
		assert.Equal(t, "违规 violation", byID["S04"].Compliance, "S04 tells the debt to a third party")
		assert.Equal(t, "合规 compliant", byID["S05"].Compliance)
		shot("console-search.png")

		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/calls/S04")))
		waitFor(t, ctx, `document.querySelectorAll('.turn').length > 0`)
		assert.Equal(t, "不适用 N/A", evaluate[string](t, ctx, `document.querySelector('#score .score-num').textContent.trim()`))
		assert.Equal(t, "违规 violation", evaluate[string](t, ctx, `document.querySelector('#compliance .big-fact').textContent.trim()`))
		assert.Contains(t, evaluate[string](t, ctx, `document.querySelector('.facts').textContent`), "第三方 third_party")
		// Back to the filtered search, for the next test.
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/?category=threat&sort=date")))
		waitFor(t, ctx, `document.querySelectorAll('#results li.hit').length > 0`)
	})

	t.Run("open_call_with_highlighted_violation", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#results li.hit a.call-link`))))
		waitFor(t, ctx, `location.pathname.startsWith('/calls/') && document.querySelectorAll('.turn').length > 0`)
		type mark struct {
			Text     string `json:"text"`
			Category string `json:"category"`
		}
		marks := evaluate[[]mark](t, ctx, `Array.from(document.querySelectorAll('mark.violation')).map(m => ({text: m.textContent, category: m.dataset.category}))`)
		assert.Contains(t, marks, mark{Text: "老赖", Category: "insult"})
		assert.Positive(t, evaluate[int](t, ctx, `document.querySelectorAll('mark.violation[data-category="threat"]').length`))
		// Compliance, the task score and the verdict are apart, in
		// Chinese with the codes beside them.
		text := func(sel string) string {
			return evaluate[string](t, ctx, `(document.querySelector(`+strconv.Quote(sel)+`) || {textContent: ''}).textContent.replace(/\s+/g, ' ').trim()`)
		}
		assert.Equal(t, "违规 violation", text("#compliance .big-fact"))
		assert.Equal(t, "25 / 100", text("#score .score-num"))
		assert.Equal(t, "结论 不通过 fail default@2", text("#score .verdict"))
		assert.Contains(t, text("#score .fail-reasons"), "违规：辱骂（t5）")
		facts := text(".facts")
		assert.Contains(t, facts, "债务人 debtor")
		assert.Contains(t, facts, "首次催收 first_call")
		assert.Equal(t, "坐席", text("#t1 .role"))
		assert.Equal(t, "客户", text("#t2 .role"))
		assert.Contains(t, text(".findings"), "威胁 threat")
		assert.Contains(t, text(".findings"), "严重 critical")
		assert.Contains(t, text(".hints"), "缺少：了解逾期原因 missing_ask_reason")
		assert.Contains(t, text("table.items"), "要求客户今天还款 任务")
		shot("console-call.png")
		// Back returns to the filtered search.
		// (history.back() from the page: chromedp's NavigateBack waits for a
		// load event that a page served with no-store may not fire.)
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`history.back()`))
		waitFor(t, ctx, `location.pathname === '/' && location.search.includes('category=threat')`)
	})

	t.Run("analyze_pasted_transcript", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/analyze")))
		require.NoError(t, chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#transcript`)),
			chromedp.SetValue(chromedp.CSS(`#transcript`), "坐席：请问是张伟先生吗？\n客户：是我。\n坐席：你就是个骗子，不还钱就是诈骗，要坐牢的。"),
			chromedp.Click(chromedp.CSS(`#analyze-submit`)),
		))
		waitFor(t, ctx, `document.querySelectorAll('#result mark.violation').length > 0`)
		cats := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll('#result mark.violation')).map(m => m.dataset.category)`)
		assert.Contains(t, cats, "insult")
		assert.Contains(t, cats, "false_legal_claim")
	})

	t.Run("injected_script_never_runs", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/calls/X01")))
		waitFor(t, ctx, `document.querySelectorAll('.turn').length > 0`)
		assert.Equal(t, "undefined", evaluate[string](t, ctx, `typeof window.__pwned`))
		assert.Contains(t, evaluate[string](t, ctx, `document.body.textContent`), "<script>window.__pwned=1</script>", "shown as text")
		assert.Equal(t, 0, evaluate[int](t, ctx, `Array.from(document.images).filter(i => i.getAttribute('src') === 'x').length`))
		// And through the search results, where highlights are built.
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/?q="+"老赖")))
		waitFor(t, ctx, `document.querySelectorAll('#results li.hit').length > 0`)
		assert.Equal(t, "undefined", evaluate[string](t, ctx, `typeof window.__pwned`))
	})

	b.finish(t, ctx)
	assert.Empty(t, b.errors(), "console errors and uncaught exceptions")
	assert.Empty(t, b.dialogs(), "no alert, confirm or prompt opened")
	for _, u := range b.requests() {
		assert.True(t, strings.HasPrefix(u, base) || strings.HasPrefix(u, "data:"), "the console fetched %s; everything comes from the server", u)
	}
}
