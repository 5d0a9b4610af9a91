package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
)

// The tests share one analyzer (loading the segmenter dictionary takes
// about a second) and one real index on disk, built by TestMain from
// ../testdata/calls, a call that tries to inject markup, and generated
// calls of team GEN, enough for two pages of results.
var (
	testAnalyzer *analyzer.Analyzer
	testIndex    index.Reader
)

// Payloads of the injected call X01, turns 1 and 2.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `<img src=x onerror=alert(2)>`
)

const injected = "# call_id: X01\n# agent: 测试\n# team: QA\n# started_at: 2026-03-05T10:00:00+08:00\n" +
	"坐席：您好" + xssScript + "，你就是个老赖\n" +
	"客户：" + xssImg + "我不还\n"

// thirdParty is a call in which a colleague of the debtor answers.
const thirdParty = "# call_id: T01\n# agent: 周敏\n# team: M9\n# started_at: 2026-01-10T10:00:00+08:00\n" +
	"坐席：您好，请问是陈刚先生吗？\n同事：他不在，我是他同事。\n坐席：好的，打扰了。\n"

// genCalls is the number of generated calls (team GEN).
const genCalls = 23

// sampleCalls is the number of calls in the test index.
var sampleCalls int

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "web tests:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		return 0, err
	}
	if testAnalyzer, err = analyzer.New(set, analyzer.Options{}); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "callqa-web-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	var calls []*corpus.Call
	var readErr error
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		if it.Err != nil {
			readErr = it.Err
		}
		calls = append(calls, it.Call)
	})
	if readErr != nil {
		return 0, readErr
	}
	more := []string{injected, thirdParty}
	for i := 1; i <= genCalls; i++ {
		more = append(more, fmt.Sprintf("# call_id: G%02d\n# agent: 生成\n# team: GEN\n# started_at: 2026-02-%02dT09:00:00+08:00\n坐席：您好，请问是王先生吗？\n客户：是我。\n坐席：您的账单今天需要还款。\n", i, i))
	}
	for i, text := range more {
		c, err := corpus.ReadText(fmt.Sprintf("more%d.txt", i), text)
		if err != nil {
			return 0, err
		}
		calls = append(calls, c)
	}
	dir := filepath.Join(tmp, "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		return 0, err
	}
	version := index.RulesVersion(set)
	for _, c := range calls {
		if _, err := ix.Add(testAnalyzer.Analyze(c), version); err != nil {
			return 0, err
		}
	}
	if err := ix.Close(); err != nil {
		return 0, err
	}
	sampleCalls = len(calls)
	bi, closeIndex, err := index.OpenAlias([]string{dir})
	if err != nil {
		return 0, err
	}
	testIndex = index.Bleve{Index: bi}
	defer closeIndex()
	return m.Run(), nil
}

// start serves a Server with cfg (the shared index and analyzer filled in)
// on a random 127.0.0.1 port until the test ends, and returns its URL.
func start(t *testing.T, cfg Config) string {
	t.Helper()
	cfg.Index, cfg.Analyzer = testIndex, testAnalyzer
	srv, err := New(cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// client does not follow redirects, so tests see them.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// response is a finished request: status, headers and body.
type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func get(t *testing.T, u string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, req)
}

func post(t *testing.T, u, contentType, body string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, req)
}

// search is the query string of a search page URL.
func search(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

// assertSecurityHeaders checks the headers every response carries.
func assertSecurityHeaders(t *testing.T, r response, what string) {
	t.Helper()
	assert.Equal(t, contentSecurityPolicy, r.header.Get("Content-Security-Policy"), what)
	assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), what)
	assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"), what)
	assert.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"), what)
}

// assertNoInjection checks that the payloads of X01 come back as text.
func assertNoInjection(t *testing.T, body, what string) {
	t.Helper()
	assert.NotContains(t, body, "<script>alert", what)
	assert.NotContains(t, body, "<img src=x", what)
	assert.NotContains(t, body, "onerror=alert(2)>", what)
}
