package web

import (
	"bytes"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// page gets a page and checks what every page is: 200 HTML with the
// security headers and no injected markup.
func page(t *testing.T, u string) string {
	t.Helper()
	r := get(t, u)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
	assertSecurityHeaders(t, r, u)
	assertNoInjection(t, r.body, u)
	assert.NotContains(t, r.body, "<style", "no inline style")
	assert.NotRegexp(t, `<script>|<script [^>]*>[^<]`, r.body, "no inline script")
	assert.NotContains(t, r.body, ` style="`, "no style attribute")
	return r.body
}

// attr finds every value of an attribute in elements matching a pattern,
// e.g. attrs(body, `<a class="call-link"`, "href").
func attrs(body, element, name string) []string {
	re := regexp.MustCompile(regexp.QuoteMeta(element) + `[^>]*?\s` + name + `="([^"]*)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestSearchPage(t *testing.T) {
	base := start(t, Config{})
	body := page(t, base+"/?"+search("q", "老赖"))
	for _, want := range []string{
		`<form id="search" class="card search-form" method="get" action="/"`,
		`<input type="search" name="q" value="老赖"`,
		`<select name="category"><option value="" selected>`,
		`<option value="insult">辱骂 insult</option>`,
		`<option value="threat">威胁 threat</option>`,
		`<option value="false_legal_claim">`,
		`<option value="third_party_disclosure">`,
		`<select name="team">`, `<option value="M2-B">M2-B</option>`, `<option value="GEN">GEN</option>`,
		`<select name="agent">`, `<option value="赵强">赵强</option>`,
		`<select name="party">`, `<select name="pass">`, `<option value="fail">`,
		`<input type="date" name="from"`, `<input type="date" name="to"`,
		`<button type="submit" id="search-submit">`,
		`<strong id="total">2</strong>`,
		`<ol id="results"`,
		`<li class="hit is-fail">`,
		`<a class="call-link" href="/calls/S02?q=%E8%80%81%E8%B5%96">S02</a>`,
		`你就是个<mark>老赖</mark>，借钱的时候挺能耐`,
		`<a class="facet" href="/?q=%E8%80%81%E8%B5%96&amp;category=threat"><span class="facet-name">威胁 <small class="code" lang="en">threat</small></span> <span class="n">1</span></a>`,
		`<a class="facet" href="/?q=%E8%80%81%E8%B5%96&amp;team=M2-B"><span class="facet-name">M2-B</span> <span class="n">1</span></a>`,
		`<a class="facet" href="/?q=%E8%80%81%E8%B5%96&amp;from=2026-03-01&amp;to=2026-03-31"><span class="facet-name">2026-03</span> <span class="n">2</span></a>`,
		`您好&lt;script&gt;alert(1)&lt;/script&gt;，你就是个<mark>老赖</mark>`,
		`<script src="/static/app.js?v=`, `<link rel="stylesheet" href="/static/app.css?v=`,
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "page-prev")
	assert.NotContains(t, body, "page-next")

	// A filter: the select shows it, the facet link removes it.
	body = page(t, base+"/?"+search("category", "threat"))
	assert.Contains(t, body, `<option value="threat" selected>`)
	assert.Contains(t, body, `<strong id="total">1</strong>`)
	assert.Equal(t, []string{"/calls/S02?category=threat"}, attrs(body, `<a class="call-link"`, "href"))
	assert.Contains(t, body, `<a class="facet active" href="/"><span class="facet-name">威胁 <small class="code" lang="en">threat</small></span> <span class="n">1</span></a>`)

	// Paging: 23 calls of team GEN, 20 a page; every parameter stays in
	// the URL.
	body = page(t, base+"/?"+search("team", "GEN", "sort", "date"))
	assert.Equal(t, PageSize, strings.Count(body, `<li class="hit `))
	assert.Equal(t, []string{"/?team=GEN&sort=date&page=2"}, attrs(body, `<a class="page-next"`, "href"))
	assert.NotContains(t, body, "page-prev")
	body = page(t, base+"/?team=GEN&sort=date&page=2")
	assert.Equal(t, []string{"/?team=GEN&sort=date"}, attrs(body, `<a class="page-prev"`, "href"))
	assert.NotContains(t, body, "page-next")
	assert.Equal(t, []string{"/calls/G03?team=GEN&sort=date&page=2", "/calls/G02?team=GEN&sort=date&page=2", "/calls/G01?team=GEN&sort=date&page=2"}, attrs(body, `<a class="call-link"`, "href"))
	assert.Contains(t, body, `<ol id="results" start="21">`)

	// Nothing found.
	body = page(t, base+"/?"+search("q", "不存在的词语组合"))
	assert.Contains(t, body, `<strong id="total">0</strong>`)
	assert.Contains(t, body, `<ol id="results"></ol>`)

	// Bad parameters: the page, with the message, and 400.
	r := get(t, base+"/?"+search("from", "soon", "q", xssScript))
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.body, `<p class="error" role="alert">from: &#34;soon&#34; is not a date like 2026-03-01</p>`)
	assert.Contains(t, r.body, `<form id="search"`, "the form stays, to fix the search")
	assertNoInjection(t, r.body, "bad search")
}

func TestCallPage(t *testing.T) {
	base := start(t, Config{})
	body := page(t, base+"/calls/S02?"+search("q", "老赖"))
	for _, want := range []string{
		`<div class="turn agent evidence" id="t1" data-tasks="verify_identity">`,
		`<div class="turn customer" id="t2">`,
		`<div class="turn agent evidence" id="t3" data-tasks="self_introduce demand_payment">`,
		`<span class="role" title="agent">坐席</span>`, `<span class="role" title="customer">客户</span>`,
		`<div class="turn agent has-violation" id="t5">`,
		`你就是个<mark class="violation" data-category="insult" title="辱骂 insult · insult.slur · 严重 critical">老赖</mark>，借钱的时候挺能耐`,
		`<mark class="violation" data-category="threat" title="威胁 threat · threat.safety · 严重 critical">`,
		`<mark class="signal" data-category="customer_abuse"`,
		`<section id="score" class="panel score-box">`,
		`<strong>25</strong><span class="of"> / 100</span>`,
		`<li>违规：辱骂（t5） <small class="code" lang="en">insult (t5)</small></li>`,
		`<tr class="item done" data-code="demand_payment">`,
		`<tr class="item missing" data-code="ask_reason">`,
		`missing_ask_reason`, // a hint about the whole call
		`<a class="back" href="/?q=%E8%80%81%E8%B5%96">`,
		`<a id="prev-result" href="/calls/X01?q=%E8%80%81%E8%B5%96"`,
		`<a id="next-result" class="disabled" aria-disabled="true">`,
		`<span class="position">2 / 2</span>`,
	} {
		assert.Contains(t, body, want)
	}

	// A third party speaks in T01.
	body = page(t, base+"/calls/T01")
	assert.Regexp(t, `<div class="turn third_party[^"]*" id="t2">`, body)
	assert.Contains(t, body, `<span class="role" title="third_party">第三方</span>`)

	// The injected call shows its payloads as text.
	body = page(t, base+"/calls/X01")
	assert.Contains(t, body, `您好&lt;script&gt;alert(1)&lt;/script&gt;，你就是个<mark class="violation"`)
	assert.Contains(t, body, `&lt;img src=x onerror=alert(2)&gt;我不还`)

	r := get(t, base+"/calls/NOPE")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.body, `<p class="error" role="alert">There is no call &#34;NOPE&#34; in the index.</p>`)
	assertSecurityHeaders(t, r, "404")
	r = get(t, base+"/calls/"+url.PathEscape(xssScript))
	assert.Equal(t, http.StatusNotFound, r.status)
	assertNoInjection(t, r.body, "404 of an injected id")
	r = get(t, base+"/nowhere")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.body, `class="error"`)
}

func TestCallNeighbours(t *testing.T) {
	base := start(t, Config{})
	// The search's order, from the API.
	var res index.Results
	r := get(t, base+"/api/search?team=GEN&limit=200")
	require.NoError(t, json.Unmarshal([]byte(r.body), &res))
	ids := hitIDs(res)
	require.Len(t, ids, genCalls)

	tests := []struct {
		name       string
		at         int    // 0-based position of the call
		query      string // the search the link carries
		prev, next string // want; "" for none
	}{
		{"first", 0, "team=GEN", "", "/calls/" + ids[1] + "?team=GEN"},
		{"middle", 5, "team=GEN", "/calls/" + ids[4] + "?team=GEN", "/calls/" + ids[6] + "?team=GEN"},
		{"last_of_page_1", 19, "team=GEN", "/calls/" + ids[18] + "?team=GEN", "/calls/" + ids[20] + "?team=GEN&page=2"},
		{"first_of_page_2", 20, "team=GEN&page=2", "/calls/" + ids[19] + "?team=GEN", "/calls/" + ids[21] + "?team=GEN&page=2"},
		{"last", 22, "team=GEN&page=2", "/calls/" + ids[21] + "?team=GEN&page=2", ""},
		{"wrong_page", 2, "team=GEN&page=2", "/calls/" + ids[1] + "?team=GEN", "/calls/" + ids[3] + "?team=GEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := page(t, base+"/calls/"+ids[tt.at]+"?"+tt.query)
			prev := attrs(body, `<a id="prev-result"`, "href")
			next := attrs(body, `<a id="next-result"`, "href")
			if tt.prev == "" {
				assert.Empty(t, prev)
				assert.Contains(t, body, `<a id="prev-result" class="disabled"`)
			} else {
				assert.Equal(t, []string{tt.prev}, prev)
			}
			if tt.next == "" {
				assert.Empty(t, next)
				assert.Contains(t, body, `<a id="next-result" class="disabled"`)
			} else {
				assert.Equal(t, []string{tt.next}, next)
			}
		})
	}
	// Not a hit of the search: no neighbours, but the page.
	body := page(t, base+"/calls/S02?team=GEN")
	assert.Empty(t, attrs(body, `<a id="prev-result"`, "href"))
	assert.Empty(t, attrs(body, `<a id="next-result"`, "href"))
}

// multipartForm builds an analyze form: fields, and a file when name is
// not empty.
func multipartForm(t *testing.T, fields map[string]string, name, content string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	if name != "" {
		f, err := w.CreateFormFile("file", name)
		require.NoError(t, err)
		_, err = f.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return w.FormDataContentType(), buf.String()
}

func TestAnalyzePage(t *testing.T) {
	base := start(t, Config{MaxBody: 64 << 10})
	body := page(t, base+"/analyze")
	for _, want := range []string{
		`<form id="analyze" class="card analyze-form" method="post" action="/analyze" enctype="multipart/form-data">`,
		`<textarea id="transcript" name="transcript"`,
		`<input type="file" name="file"`,
		`<button id="analyze-submit" type="submit">`,
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, `id="result"`)

	transcript := "坐席：请问是张伟先生吗？\n客户：是我。\n坐席：你就是个骗子，不还钱就是诈骗，要坐牢的。"
	ct, form := multipartForm(t, map[string]string{"transcript": transcript}, "", "")
	r := post(t, base+"/analyze", ct, form)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assertSecurityHeaders(t, r, "POST /analyze")
	result := r.body[strings.Index(r.body, `<section id="result"`):]
	for _, want := range []string{
		`<mark class="violation" data-category="insult" title="辱骂 insult · insult.pejorative · 严重 critical">你就是个骗子</mark>`,
		`<mark class="violation" data-category="false_legal_claim"`,
		`<div class="turn agent evidence" id="t1" data-tasks="verify_identity">`,
		`<div class="turn customer" id="t2">`,
		`<section id="score"`,
	} {
		assert.Contains(t, result, want)
	}
	assert.Contains(t, r.body, ">"+transcript+"</textarea>", "the text box keeps the transcript")

	// A file wins over the text box; its extension says the format.
	srt, err := os.ReadFile(filepath.Join("..", "testdata", "asr", "call.srt"))
	require.NoError(t, err)
	ct, form = multipartForm(t, map[string]string{"transcript": ""}, "S02.srt", string(srt))
	r = post(t, base+"/analyze", ct, form)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Contains(t, r.body, `<h1 class="call-id">S02</h1>`)
	assert.Contains(t, r.body, `data-category="threat"`)

	// URL-encoded forms work too.
	r = post(t, base+"/analyze", "application/x-www-form-urlencoded", url.Values{"transcript": {injected}}.Encode())
	require.Equal(t, http.StatusOK, r.status, r.body)
	assertNoInjection(t, r.body, "analyze the injected call")
	assert.Contains(t, r.body, `您好&lt;script&gt;alert(1)&lt;/script&gt;，你就是个<mark class="violation"`)

	// A transcript that does not read: 400, the message, the form.
	ct, form = multipartForm(t, map[string]string{"transcript": "这不是一个通话记录\n" + xssImg}, "", "")
	r = post(t, base+"/analyze", ct, form)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.body, `<div class="error" role="alert">`)
	assert.Contains(t, r.body, "transcript:1: ")
	assert.Contains(t, r.body, `<form id="analyze"`)
	assert.NotContains(t, r.body, `id="result"`)
	assertNoInjection(t, r.body, "bad transcript")

	ct, form = multipartForm(t, map[string]string{"transcript": strings.Repeat("坐席：您好\n", 10000)}, "", "")
	r = post(t, base+"/analyze", ct, form)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
	assert.Contains(t, r.body, `<p class="error" role="alert">request body too large (the limit is 64 KiB)</p>`)
	assertSecurityHeaders(t, r, "413 page")
}

func TestDashboard(t *testing.T) {
	base := start(t, Config{})
	body := page(t, base+"/dashboard")
	assert.Len(t, regexp.MustCompile(`<svg class="chart`).FindAllString(body, -1), 4)
	for _, want := range []string{
		`id="chart-per-day"`, `id="chart-category"`, `id="chart-team-pass"`, `id="chart-rules"`,
		`<span class="kpi-value" id="kpi-calls">32</span>`,
		`<title>2026-03-03: 2</title>`, // S02's insult and threat
		`<title>辱骂: 3</title>`,         // S02, S06 and X01
		`<title>GEN: 100% (23/23)</title>`,
		`<title>insult.slur: `,
	} {
		assert.Contains(t, body, want)
	}
	body = page(t, base+"/dashboard?team=M2-B&from=2026-03-01&to=2026-03-31")
	assert.Contains(t, body, `<span class="kpi-value" id="kpi-calls">1</span>`)
	assert.Contains(t, body, `<title>2026-03-31: 0</title>`, "every day of the range")
	r := get(t, base+"/dashboard?from=never")
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.body, `class="error"`)
}

func TestStaticAndMethods(t *testing.T) {
	base := start(t, Config{})
	for name, ctype := range map[string]string{"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "favicon.svg": "image/svg+xml"} {
		r := get(t, base+"/static/"+name)
		assert.Equal(t, http.StatusOK, r.status, name)
		assert.Equal(t, ctype, r.header.Get("Content-Type"), name)
		assertSecurityHeaders(t, r, name)
	}
	for _, p := range []string{"/static/", "/static/nope.js", "/static/../go.mod", "/static/%2e%2e/web.go", "/static/templates/layout.html"} {
		r := get(t, base+p)
		assert.Contains(t, []int{http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect}, r.status, p)
		assert.NotContains(t, r.body, "module github.com", p)
	}
	r := post(t, base+"/", "", "")
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "GET", r.header.Get("Allow"))
	assert.Contains(t, r.body, `class="error"`)
	r = get(t, base+"/favicon.ico")
	assert.Equal(t, http.StatusOK, r.status)
}
