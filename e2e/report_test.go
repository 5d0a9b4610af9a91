//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath is where Debian's chromium package installs the browser;
// .ci/run installs it when it is missing.
const chromiumPath = "/usr/bin/chromium"

// injected is a transcript whose header and turns try to run script in the
// report: a <script> element, an onerror handler, a quote that would end
// an attribute, and a closing tag. None of it may run.
const injected = `# call_id: X01
# agent: 测试员"><img src=x onerror="window.__pwned=4">
# team: QA<script>window.__pwned=5</script>
# started_at: 2026-03-08T09:00:00+08:00
坐席：您好，请问是王芳女士吗？<script>window.__pwned=1</script>
客户：是我。<img src=x onerror="window.__pwned=2;alert('pwned')">
坐席：我是嘉禾消费金融的小李，你就是个老赖，今天必须还钱。</textarea><svg onload=alert(3)>
`

// cspListener collects the page's Content-Security-Policy violations in
// window.__cspViolations.
const cspListener = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
	window.__cspViolations.push(e.violatedDirective + ': ' + (e.blockedURI || 'inline') + ' at line ' + e.lineNumber);
});`

// TestReportInChromium writes the HTML report of the sample calls and an
// injected transcript with the real binary, opens it in headless Chromium
// and checks what a team lead sees: the page loads with no console error,
// the charts are drawn, the table sorts, a call view shows its highlighted
// violation in a CJK font, nothing from a transcript runs, and the page's
// Content-Security-Policy holds with no violation.
func TestReportInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the e2e tests need Chromium at %s (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
	bin := buildCallqa(t)

	dir := t.TempDir()
	xss := filepath.Join(dir, "X01_injected.txt")
	require.NoError(t, os.WriteFile(xss, []byte(injected), 0o644))
	report := filepath.Join(dir, "R.html")
	cmd := exec.Command(bin, "report", "--out", report, filepath.Join("..", "testdata", "calls"), xss)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "callqa report: %s", stderr.String())
	assert.Equal(t, "wrote "+report+" (8 calls)\n", stdout.String())
	assert.Empty(t, stderr.String())

	ctx, b := newBrowser(t)
	// Record the page's Content-Security-Policy violations from its first
	// byte on: a script the browser adds is not bound by the page's policy.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+report)))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("#calls-table tbody tr[data-call]"))))

	t.Run("charts_visible", func(t *testing.T) {
		type box struct {
			ID    string  `json:"id"`
			Role  string  `json:"role"`
			Title string  `json:"title"`
			W     float64 `json:"w"`
			H     float64 `json:"h"`
			Bars  int     `json:"bars"` // drawn bars of non-zero size
			Shown bool    `json:"shown"`
		}
		charts := evaluate[[]box](t, ctx, `Array.from(document.querySelectorAll('svg.chart')).map(s => {
			const r = s.getBoundingClientRect(), st = getComputedStyle(s);
			return {
				id: s.id, role: s.getAttribute('role'),
				title: (s.querySelector(':scope > title') || {}).textContent || '',
				w: r.width, h: r.height,
				bars: Array.from(s.querySelectorAll('rect.fill')).filter(b => { const q = b.getBoundingClientRect(); return q.width > 0 && q.height > 0; }).length,
				shown: st.display !== 'none' && st.visibility === 'visible' && Number(st.opacity) > 0,
			};
		})`)
		require.Len(t, charts, 4)
		for _, c := range charts {
			assert.Equal(t, "img", c.Role, c.ID)
			assert.NotEmpty(t, c.Title, c.ID)
			assert.Greater(t, c.W, 200.0, c.ID)
			assert.Greater(t, c.H, 50.0, c.ID)
			assert.Positive(t, c.Bars, "%s has bars that show", c.ID)
			assert.True(t, c.Shown, c.ID)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "a PNG")
		require.NoError(t, os.WriteFile(filepath.Join(t.TempDir(), "report.png"), png, 0o644))
	})

	t.Run("sort_by_score", func(t *testing.T) {
		type row struct {
			ID    string  `json:"id"`
			Score float64 `json:"score"`
		}
		// A score that does not apply (a third party) sorts below 0.
		const rowsJS = `Array.from(document.querySelectorAll('#calls-table tbody tr')).map(r => ({id: r.dataset.call, score: r.cells[5].dataset.value === '' ? -1 : Number(r.cells[5].dataset.value)}))`
		scores := func(rows []row) []float64 {
			var s []float64
			for _, r := range rows {
				s = append(s, r.Score)
			}
			return s
		}
		before := evaluate[[]row](t, ctx, rowsJS)
		require.Len(t, before, 8)
		require.False(t, slices.IsSorted(scores(before)), "the input order is not by score: %v", before)

		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#calls-table th[data-key="score"] button`))))
		asc := evaluate[[]row](t, ctx, rowsJS)
		assert.True(t, slices.IsSorted(scores(asc)), "ascending: %v", asc)
		assert.ElementsMatch(t, before, asc, "the same rows")
		assert.Equal(t, "ascending", evaluate[string](t, ctx, `document.querySelector('#calls-table th[data-key="score"]').getAttribute('aria-sort')`))

		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#calls-table th[data-key="score"] button`))))
		desc := evaluate[[]row](t, ctx, rowsJS)
		s := scores(desc)
		slices.Reverse(s)
		assert.True(t, slices.IsSorted(s), "descending: %v", desc)
		assert.Equal(t, "descending", evaluate[string](t, ctx, `document.querySelector('#calls-table th[data-key="score"]').getAttribute('aria-sort')`))
	})

	t.Run("call_view_highlights_violation", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#calls-table a[href="#call-S02"]`))))
		// The view may be drawn after the hash changes: until it is there,
		// the poll goes on (a null element would end it with an error).
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.hash === '#call-S02' &&
			document.getElementById('call-S02') !== null &&
			Math.abs(document.getElementById('call-S02').getBoundingClientRect().top) < 40`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "the link scrolls to the call's view")

		type mark struct {
			Text  string  `json:"text"`
			Title string  `json:"title"`
			W     float64 `json:"w"`
			H     float64 `json:"h"`
			Turn  string  `json:"turn"`
		}
		marks := evaluate[[]mark](t, ctx, `Array.from(document.querySelectorAll('#call-S02 mark.violation')).map(m => {
			const r = m.getBoundingClientRect();
			return {text: m.textContent, title: m.title, w: r.width, h: r.height, turn: m.closest('li.turn').dataset.turn};
		})`)
		require.NotEmpty(t, marks)
		assert.Contains(t, marks, mark{Text: "老赖", Title: "辱骂 insult · insult.slur · 严重 critical", W: marks[0].W, H: marks[0].H, Turn: "5"},
			"S02 turn 5: 你就是个老赖 is an insult, named as the console names it")
		for _, m := range marks {
			assert.Positive(t, m.W, m.Text)
			assert.Positive(t, m.H, m.Text)
		}
		assert.Positive(t, evaluate[int](t, ctx, `document.querySelectorAll('#call-S02 li.turn.evidence[data-tasks]').length`), "task evidence is marked")
		assert.Positive(t, evaluate[int](t, ctx, `document.querySelectorAll('#call-S02 .hint').length`), "coaching hints are shown")
		assert.Equal(t, 1, evaluate[int](t, ctx, `document.querySelectorAll('article.call').length`), "one call's view is drawn at a time")

		// A finding links to its turn: the view stays, the turn is marked
		// and scrolled to.
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#call-S02 ul.findings a[href="#call-S02_t5"]`))))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const e = document.getElementById('call-S02_t5'); if (!e) return false; const r = e.getBoundingClientRect();
			return location.hash === '#call-S02_t5' && e.classList.contains('is-target') && r.top >= 0 && r.top < innerHeight; })()`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "the finding's link scrolls to its turn")
	})

	t.Run("compliance_apart_from_score", func(t *testing.T) {
		type cells struct {
			Compliance string `json:"compliance"`
			Score      string `json:"score"`
			Result     string `json:"result"`
		}
		row := func(id string) cells {
			return evaluate[cells](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector('#calls-table tr[data-call=%q]');
				return {compliance: r.cells[4].textContent, score: r.cells[5].textContent, result: r.cells[6].textContent}; })()`, id))
		}
		assert.Equal(t, cells{Compliance: "违规 violation", Score: "25 / 100", Result: "不通过 fail"}, row("S02"))
		assert.Equal(t, cells{Compliance: "合规 compliant", Score: "100 / 100", Result: "通过 pass"}, row("S01"))
		// S05 reaches a third party: compliant, and no task applies.
		assert.Equal(t, cells{Compliance: "合规 compliant", Score: "不适用 N/A", Result: "通过 pass"}, row("S05"))

		openCall(t, ctx, "call-S05")
		head := evaluate[string](t, ctx, `document.querySelector('#call-S05 .call-title').textContent`)
		assert.Contains(t, head, "合规 compliant")
		assert.Contains(t, head, "任务得分 task score 不适用 N/A")
		assert.NotContains(t, head, "0 / 100")
		assert.Contains(t, evaluate[string](t, ctx, `document.querySelector('#call-S05 .facts').textContent`), "第三方 third party")
	})

	t.Run("labels_in_chinese", func(t *testing.T) {
		openCall(t, ctx, "call-S02")
		for sel, want := range map[string]string{
			`#overview-h`:                                                  "概览 overview",
			`#calls-table th[data-key="compliance"]`:                       "合规 compliance",
			`#call-S02 li.turn[data-turn="1"] .role`:                       "坐席 agent",
			`#call-S02 li.turn[data-turn="2"] .role`:                       "客户 customer",
			`#call-S02 ul.findings li:first-child .category`:               "辱骂 insult",
			`#call-S02 tr.item[data-code="demand_payment"] td:first-child`: "要求客户今天还款 demand payment today 任务 task",
		} {
			assert.Equal(t, want, evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, sel)), sel)
		}
		// The English is beside the Chinese, in smaller text.
		small := evaluate[[]float64](t, ctx, `(() => { const r = document.querySelector('#call-S02 li.turn[data-turn="1"] .role');
			return [parseFloat(getComputedStyle(r.querySelector('.zh')).fontSize), parseFloat(getComputedStyle(r.querySelector('small.en')).fontSize)]; })()`)
		assert.Less(t, small[1], small[0])
	})

	t.Run("hint_beside_its_turn", func(t *testing.T) {
		// S02 states no lawful consequence: its threat at turn 7 carries
		// threat_as_consequence, drawn in the turn's row, to the right of
		// what was said, and level with it.
		type box struct {
			Found   bool   `json:"found"`
			Label   string `json:"label"`
			Right   bool   `json:"right"`
			Level   bool   `json:"level"`
			Visible bool   `json:"visible"`
		}
		b := evaluate[box](t, ctx, `(() => {
			const li = document.querySelector('#call-S02 li.turn[data-turn="7"]');
			const h = li && li.querySelector('aside.hints .hint[data-kind="threat_as_consequence"]');
			if (!h) return {found: false};
			const u = li.querySelector('.utterance').getBoundingClientRect();
			const r = h.getBoundingClientRect();
			return {
				found: true,
				label: h.querySelector('.hint-label').textContent,
				right: r.left >= u.right - 1,
				level: r.top < u.bottom && r.bottom > u.top,
				visible: r.width > 0 && r.height > 0,
			};
		})()`)
		require.True(t, b.Found, "turn 7 of S02 holds the threat_as_consequence hint")
		assert.Equal(t, "以威胁代替后果 threat as consequence", b.Label)
		assert.True(t, b.Visible, "the hint is drawn")
		assert.True(t, b.Right, "the hint is beside the turn's text, to its right")
		assert.True(t, b.Level, "the hint is level with its turn")
	})

	t.Run("chinese_renders_in_a_cjk_font", func(t *testing.T) {
		for _, sel := range []string{`#call-S02 li.turn p.text`, `#call-S06 li.turn p.text`, `svg#chart-coverage text.label`} {
			if call, _, ok := strings.Cut(strings.TrimPrefix(sel, "#"), " "); ok && strings.HasPrefix(call, "call-") {
				openCall(t, ctx, call)
			}
			ids, err := chromedp.Run(ctx, chromedp.QueryNodeIDs(chromedp.CSS(sel)))
			require.NoError(t, err, sel)
			res, err := chromedp.Call(ctx, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: ids[0]})
			require.NoError(t, err, sel)
			var names []string
			for _, f := range res.Fonts {
				names = append(names, f.FamilyName)
			}
			assert.True(t, slices.ContainsFunc(names, cjkFont.MatchString), "%s is drawn in %v; want a CJK font (fonts-noto-cjk)", sel, names)
		}
	})

	t.Run("injected_script_does_not_run", func(t *testing.T) {
		assert.Equal(t, "undefined", evaluate[string](t, ctx, `typeof window.__pwned`))
		assert.Equal(t, 0, evaluate[int](t, ctx, `document.images.length`), "no <img> came from a transcript")
		assert.Equal(t, 2, evaluate[int](t, ctx, `document.scripts.length`), "the report's data and its own script")
		assert.Equal(t, 1, evaluate[int](t, ctx, `document.querySelectorAll('script:not([type="application/json"])').length`), "the report's own script only runs")
		openCall(t, ctx, "call-X01")
		assert.Equal(t, "undefined", evaluate[string](t, ctx, `typeof window.__pwned`), "drawing the call's view runs nothing")
		assert.Equal(t, 0, evaluate[int](t, ctx, `document.images.length`))
		assert.Equal(t, 0, evaluate[int](t, ctx, `document.querySelectorAll('#call-view script, #call-view svg, #call-view textarea, #calls-table img').length`), "no element came from a transcript")
		text := evaluate[string](t, ctx, `document.querySelector('#call-X01 li.turn[data-turn="1"] p.text').textContent`)
		assert.Contains(t, text, "<script>window.__pwned=1</script>", "the transcript shows as text")
		agent := evaluate[string](t, ctx, `document.querySelector('#calls-table tr[data-call="X01"]').cells[1].textContent`)
		assert.Equal(t, `测试员"><img src=x onerror="window.__pwned=4">`, agent)
		assert.Equal(t, "老赖", evaluate[string](t, ctx, `document.querySelector('#call-X01 mark.violation').textContent`))
	})

	t.Run("content_security_policy", func(t *testing.T) {
		policy := evaluate[string](t, ctx, `(document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || ''`)
		assert.Contains(t, policy, "default-src 'none'")
		assert.Contains(t, policy, "script-src 'sha256-")
		// The page worked under it (the subtests above), and broke no rule.
		openCall(t, ctx, "call-X01")
		assert.Equal(t, []string{}, evaluate[[]string](t, ctx, `window.__cspViolations`), "Content-Security-Policy violations")
	})

	// Last: everything the page did is in.
	b.finish(t, ctx)
	assert.Empty(t, b.errors(), "console errors and uncaught exceptions")
	assert.Empty(t, b.dialogs(), "no alert, confirm or prompt opened")
	for _, u := range b.requests() {
		assert.True(t, strings.HasPrefix(u, "file://") || strings.HasPrefix(u, "data:"), "the report fetched %s; it must be self-contained", u)
	}

	if os.Getenv("CALLQA_SCREENSHOT") == "1" {
		docsScreenshot(t, ctx, bin)
	}
}

// docsScreenshot writes docs/report.png, the README's picture: the report
// of the README's sample calls as the README's command writes it (without
// the injected transcript, whose markup as text would puzzle a reader),
// taken in a new tab of the same browser.
func docsScreenshot(t *testing.T, ctx context.Context, bin string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	cmd := exec.Command(bin, "report", "--out", out, "testdata/calls")
	cmd.Dir = ".."
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "callqa report: %s", msg)

	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	// The top of the page (overview, charts, the calls table) at a
	// desktop size: the whole page is thousands of pixels tall.
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(1280, 1500), chromedp.Navigate("file://"+out), chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		chromedp.WaitVisible(chromedp.CSS("#calls-table tbody tr[data-call]"))))
	png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	path := filepath.Join("..", "docs", "report.png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("wrote %s", path)

	// docs/report-coaching.png: a practice call of testdata/practice,
	// with its hints beside the turns they point at.
	out = filepath.Join(t.TempDir(), "practice.html")
	cmd = exec.Command(bin, "score", "--format", "html", "testdata/practice/calls")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	html, err := cmd.Output()
	require.NoError(t, err, "callqa score: %s", stderr.String())
	require.NoError(t, os.WriteFile(out, html, 0o644))
	practice, cancel2 := chromedp.NewContext(ctx)
	defer cancel2()
	require.NoError(t, chromedp.Do(practice, chromedp.EmulateViewport(1280, 1100), chromedp.Navigate("file://"+out+"#call-PR13"),
		chromedp.WaitVisible(chromedp.CSS("#call-PR13 aside.hints"))))
	png, err = chromedp.Run(practice, chromedp.Screenshot(chromedp.CSS("#call-PR13")))
	require.NoError(t, err)
	path = filepath.Join("..", "docs", "report-coaching.png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("wrote %s", path)
}

// openCall opens a call's view by its hash, as a link from the table does,
// and waits until it is drawn.
func openCall(t *testing.T, ctx context.Context, anchor string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", "#"+anchor)))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const a = document.getElementById(%q); return !!a && a.querySelectorAll('li.turn').length > 0; })()`, anchor),
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the view of %s opens", anchor)
}

// cjkFont matches the family names of the CJK fonts of the report's font
// stack and of common systems.
var cjkFont = regexp.MustCompile(`(?i)cjk|source han|pingfang|yahei|hiragino|wenquanyi`)

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// buildCallqa builds the callqa binary from this checkout into a temporary
// folder and returns its path.
func buildCallqa(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "callqa")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/callqa")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// browser records what a page does that the test must see: console
// errors and exceptions, dialogs and requests.
type browser struct {
	mu     sync.Mutex
	errs   []string
	dlgs   []string
	reqs   []string
	marker chan struct{} // closed when the console shows endMarker
	output bytes.Buffer  // the browser's stdout and stderr
}

const endMarker = "callqa-e2e: end"

// newBrowser starts headless Chromium with a fresh profile and opens a tab.
// The listeners are in place before anything loads; the browser stops when
// the test ends.
func newBrowser(t *testing.T) (context.Context, *browser) {
	t.Helper()
	b := &browser{marker: make(chan struct{})}
	profile, err := os.MkdirTemp("", "callqa-e2e-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() {
		// Chromium's helpers can still write in the profile for a moment
		// after the browser stops.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers have a small /dev/shm
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&syncWriter{w: &b.output, mu: &b.mu}),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		if t.Failed() {
			b.mu.Lock()
			t.Logf("browser output:\n%s", b.output.String())
			b.mu.Unlock()
		}
	})
	// Start the browser and open the tab, then subscribe: the subscriptions
	// buffer, so nothing the page does from its first load on is lost.
	require.NoError(t, chromedp.Do(tab), "starting %s", chromiumPath)

	console := chromedp.Console(tab)
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	requests := chromedp.Events(tab, network.RequestWillBeSent)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Text == endMarker {
				close(b.marker)
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.add(&b.errs, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.add(&b.dlgs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
			// A dialog blocks the page; dismiss it so the test can end.
			_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			b.add(&b.reqs, ev.Request.URL)
		}
	}()
	return tab, b
}

func (b *browser) add(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

func (b *browser) errors() []string   { return b.get(&b.errs) }
func (b *browser) dialogs() []string  { return b.get(&b.dlgs) }
func (b *browser) requests() []string { return b.get(&b.reqs) }

func (b *browser) get(list *[]string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(*list)
}

// finish writes endMarker to the console and waits until the listener has
// seen it, so that every message before it has been recorded.
func (b *browser) finish(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.info(%q)", endMarker)))
	require.NoError(t, err)
	select {
	case <-b.marker:
	case <-time.After(10 * time.Second):
		t.Fatal("the console listener did not see the end marker")
	case <-ctx.Done():
		t.Fatal(errors.Join(errors.New("the browser session ended before the end marker"), ctx.Err()))
	}
}

// syncWriter serializes writes from the browser's output copier with the
// test's reads.
type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestReportScale writes the report of 1,200 and 10,000 generated calls
// (callqa gen) and measures, in headless Chromium, the file's size, the
// time from navigation until the overview is interactive (the load event
// has fired and the first page of the calls table is drawn), and the time
// until a call's view is drawn when the report is opened at its hash
// (#call-ID), and when the hash changes in the open page. The bounds are
// generous for a shared 2-core machine; docs/performance.md has the
// numbers.
func TestReportScale(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the e2e tests need Chromium at %s (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
	bin := buildCallqa(t)
	for _, n := range []int{1200, 10000} {
		t.Run(fmt.Sprintf("calls_%d", n), func(t *testing.T) {
			dir := t.TempDir()
			corpus := filepath.Join(dir, "calls.jsonl")
			report := filepath.Join(dir, "R.html")
			for _, args := range [][]string{
				{"gen", "--calls", fmt.Sprint(n), "--out", corpus},
				{"report", "--out", report, corpus},
			} {
				out, err := exec.Command(bin, args...).CombinedOutput()
				require.NoError(t, err, "callqa %s: %s", args[0], out)
			}
			st, err := os.Stat(report)
			require.NoError(t, err)

			// The calls of the generated corpus are SYN000001…; the last
			// one is the farthest from the start of the file.
			last := fmt.Sprintf("call-SYN%06d", n)
			ready := `document.querySelectorAll('#calls-table tbody tr[data-call]').length > 0`
			opened := fmt.Sprintf(`(() => { const a = document.getElementById(%q); return !!a && a.querySelectorAll('li.turn').length > 0; })()`, last)

			ctx, b := newBrowser(t)
			overview := timeUntil(t, ctx, "file://"+report, ready)

			// The table draws a page of 100 rows; the pager goes on to the
			// next page; sorting orders every call, not the page.
			const rowsJS = `Array.from(document.querySelectorAll('#calls-table tbody tr[data-call]')).map(r => r.dataset.call)`
			const callsJS = `JSON.parse(document.getElementById('callqa-data').textContent).calls`
			first := evaluate[[]string](t, ctx, rowsJS)
			require.Len(t, first, 100)
			assert.Equal(t, "SYN000001", first[0])
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#calls-pager button[data-page="next"]`))))
			second := evaluate[[]string](t, ctx, rowsJS)
			require.Len(t, second, 100)
			assert.Equal(t, "SYN000101", second[0])
			assert.Equal(t, fmt.Sprintf("第 101–200 条，共 %d 条 101–200 of %d", n, n), evaluate[string](t, ctx, `document.querySelector('#calls-pager .pager-info').textContent`))
			for range 2 { // ascending, then descending
				require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#calls-table th[data-key="violations"] button`))))
			}
			most := evaluate[int](t, ctx, `Math.max(...`+callsJS+`.map(c => c.violations))`)
			top := evaluate[[]int](t, ctx, `Array.from(document.querySelectorAll('#calls-table tbody tr[data-call]')).map(r => Number(r.cells[7].dataset.value))`)
			require.Len(t, top, 100, "sorting goes back to the first page")
			assert.Equal(t, most, top[0], "the call with the most violations of all %d comes first", n)
			assert.True(t, slices.IsSortedFunc(top, func(a, b int) int { return b - a }), "descending")
			byHash := timeUntil(t, ctx, "file://"+report+"#"+last, opened)

			// In the open page: another call, by a change of the hash.
			other := fmt.Sprintf("call-SYN%06d", n/2)
			start := time.Now()
			_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", "#"+other)))
			require.NoError(t, err)
			_, err = chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const a = document.getElementById(%q); return !!a && a.querySelectorAll('li.turn').length > 0; })()`, other),
				chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
			require.NoError(t, err, "the call view of %s opens", other)
			inPage := time.Since(start)

			t.Logf("%d calls: %.1f MB; overview interactive %.2f s; opened at #%s %.2f s; hash change in the page %.3f s",
				n, float64(st.Size())/1e6, overview.Seconds(), last, byHash.Seconds(), inPage.Seconds())
			assert.Less(t, overview, 10*time.Second, "the overview is interactive within 10 s")
			assert.Less(t, byHash, 10*time.Second, "a call opened by its hash is drawn within 10 s")
			assert.Less(t, inPage, 2*time.Second, "another call opens within 2 s")
			b.finish(t, ctx)
			assert.Empty(t, b.errors(), "console errors and uncaught exceptions")
		})
	}
}

// timeUntil navigates to url from a blank page (so that a URL that
// differs from the page's only in its hash loads afresh) and returns the
// time until cond, a JavaScript expression, holds.
func timeUntil(t *testing.T, ctx context.Context, url, cond string) time.Duration {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	start := time.Now()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)), url)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(2*time.Minute)))
	require.NoError(t, err, "waiting for %s", cond)
	return time.Since(start)
}
