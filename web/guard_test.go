package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
)

// startServer is start that also returns the Server.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Index == nil {
		cfg.Index = testIndex
	}
	cfg.Analyzer = testAnalyzer
	srv, err := New(cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// bigTranscript is a valid transcript of about n bytes.
func bigTranscript(n int) string {
	var b strings.Builder
	b.WriteString("# call_id: BIG\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "坐席：您好，请问是王先生吗？这是第%d次提醒您的账单今天需要还款。\n客户：是我，我知道了。\n", i)
	}
	return b.String()
}

// TestAnalyzeOverload posts a 1 MiB transcript from 40 clients at once to
// a server with one worker and two waiting places: every client gets an
// answer, 200 or 503 with Retry-After and a JSON error, and the server
// never holds more than three bodies.
func TestAnalyzeOverload(t *testing.T) {
	srv, base := startServer(t, Config{Workers: 1, Queue: 2})
	body := bigTranscript(1 << 20)
	const clients = 40
	type reply struct {
		status     int
		retryAfter string
		body       string
		err        error
	}
	replies := make(chan reply, clients)
	stop := make(chan struct{})
	peak := 0
	var watch sync.WaitGroup
	watch.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			peak = max(peak, len(srv.queue.places))
			time.Sleep(100 * time.Microsecond)
		}
	})
	hc := &http.Client{Timeout: 2 * time.Minute}
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			resp, err := hc.Post(base+"/api/analyze", "text/plain; charset=utf-8", strings.NewReader(body))
			if err != nil {
				replies <- reply{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			replies <- reply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(b), err: err}
		})
	}
	wg.Wait()
	close(stop)
	watch.Wait()
	close(replies)
	counts := map[int]int{}
	for r := range replies {
		require.NoError(t, r.err, "every client gets an answer")
		counts[r.status]++
		switch r.status {
		case http.StatusOK:
			var res struct {
				CallID string `json:"call_id"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &res))
			assert.Equal(t, "BIG", res.CallID)
		case http.StatusServiceUnavailable:
			assert.Equal(t, retryAfter, r.retryAfter)
			var e map[string]string
			require.NoError(t, json.Unmarshal([]byte(r.body), &e), r.body)
			assert.Contains(t, e["error"], "busy")
		default:
			t.Errorf("status %d: %s", r.status, r.body)
		}
	}
	t.Logf("replies: %v; peak places held: %d", counts, peak)
	assert.Positive(t, counts[http.StatusOK])
	assert.Positive(t, counts[http.StatusServiceUnavailable], "40 clients overload 1 worker and 2 places")
	assert.LessOrEqual(t, peak, 3, "at most workers + queue bodies held")
	assert.Zero(t, len(srv.queue.places), "every place given back")
}

// TestAnalyzeClientGone: a request waiting for a worker gives up its
// place when its client goes away.
func TestAnalyzeClientGone(t *testing.T) {
	for _, path := range []string{"/api/analyze", "/analyze"} {
		t.Run(strings.Trim(path, "/"), func(t *testing.T) {
			srv, base := startServer(t, Config{Workers: 1, Queue: 2})
			// The test holds the only worker.
			done, err := srv.queue.work(context.Background())
			require.NoError(t, err)
			defer done()

			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				ct, body := "text/plain", "坐席：您好\n"
				if path == "/analyze" {
					ct, body = "application/x-www-form-urlencoded", url.Values{"transcript": {body}}.Encode()
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(body))
				req.Header.Set("Content-Type", ct)
				_, err := http.DefaultClient.Do(req)
				errc <- err
			}()
			require.Eventually(t, func() bool { return len(srv.queue.places) == 1 }, 10*time.Second, time.Millisecond, "the request waits in the queue")
			cancel()
			assert.Error(t, <-errc)
			assert.Eventually(t, func() bool { return len(srv.queue.places) == 0 }, 10*time.Second, time.Millisecond, "the place is given back while the worker is still busy")
		})
	}
}

func TestCrossOriginPosts(t *testing.T) {
	for _, token := range []string{"", testToken} {
		base := start(t, Config{Token: token})
		auth := []string{}
		if token != "" {
			auth = []string{"Authorization", "Bearer " + token}
		}
		form := "application/x-www-form-urlencoded"
		for _, tt := range []struct {
			name    string
			headers []string
			want    int
		}{
			{"no_origin", nil, http.StatusOK},
			{"same_origin", []string{"Origin", base}, http.StatusOK},
			{"sec_fetch_same_origin", []string{"Sec-Fetch-Site", "same-origin", "Origin", base}, http.StatusOK},
			{"cross_origin", []string{"Origin", "http://evil.example"}, http.StatusForbidden},
			{"null_origin", []string{"Origin", "null"}, http.StatusForbidden},
			{"sec_fetch_cross_site", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
			{"sec_fetch_same_site", []string{"Sec-Fetch-Site", "same-site", "Origin", "http://other.localhost"}, http.StatusForbidden},
		} {
			t.Run(fmt.Sprintf("token=%v/%s", token != "", tt.name), func(t *testing.T) {
				r := post(t, base+"/api/analyze", "text/plain", "坐席：您好\n", append(tt.headers, auth...)...)
				assert.Equal(t, tt.want, r.status, r.body)
				if tt.want == http.StatusForbidden {
					assertAPIError(t, r, http.StatusForbidden, "cross-origin request refused")
				}
				pages := map[string]string{"/analyze": url.Values{"transcript": {"坐席：您好\n"}}.Encode(), "/logout": ""}
				if token != "" {
					pages["/login"] = url.Values{"token": {"wrong"}}.Encode()
				}
				for p, body := range pages {
					r := post(t, base+p, form, body, append(tt.headers, auth...)...)
					if tt.want == http.StatusForbidden {
						assert.Equal(t, http.StatusForbidden, r.status, p)
						assert.Contains(t, r.body, "cross-origin request refused", p)
					} else {
						assert.NotEqual(t, http.StatusForbidden, r.status, p)
					}
				}
			})
		}
		// Reading is not refused.
		r := get(t, base+"/api/search", append([]string{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}, auth...)...)
		assert.Equal(t, http.StatusOK, r.status)
	}
}

func TestLoginRateLimit(t *testing.T) {
	base := start(t, Config{Token: testToken})
	login := func(t *testing.T, hc *http.Client, tok string) (int, string) {
		t.Helper()
		resp, err := hc.PostForm(base+"/login", url.Values{"token": {tok}})
		require.NoError(t, err)
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc := &http.Client{CheckRedirect: noRedirect}
	for i := range loginBurst {
		status, _ := login(t, hc, fmt.Sprintf("guess-%d", i))
		assert.Equal(t, http.StatusUnauthorized, status, "guess %d", i)
	}
	status, retry := login(t, hc, "one-more-guess")
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, "1", retry)
	status, _ = login(t, hc, testToken)
	assert.Equal(t, http.StatusTooManyRequests, status, "not even the right token while locked out: no oracle")

	// Concurrent guesses on an empty allowance all fail.
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			status, _ := login(t, hc, "parallel-guess")
			assert.Equal(t, http.StatusTooManyRequests, status)
		})
	}
	wg.Wait()

	// Another client address is not held back.
	other := &http.Client{CheckRedirect: noRedirect, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext,
	}}
	status, _ = login(t, other, testToken)
	assert.Equal(t, http.StatusSeeOther, status)

	// After a second, one more attempt.
	time.Sleep(loginEvery + 50*time.Millisecond)
	status, _ = login(t, hc, testToken)
	assert.Equal(t, http.StatusSeeOther, status)
}

func TestLimiter(t *testing.T) {
	l := newLimiter(2, time.Second)
	t0 := time.Unix(1e9, 0)
	assert.Zero(t, l.take("a", t0))
	assert.Zero(t, l.take("a", t0))
	assert.Equal(t, time.Second, l.take("a", t0))
	assert.Equal(t, 250*time.Millisecond, l.take("a", t0.Add(750*time.Millisecond)))
	assert.Zero(t, l.take("a", t0.Add(time.Second)))
	assert.Equal(t, time.Second, l.take("a", t0.Add(time.Second)))
	l.refund("a", t0.Add(time.Second))
	assert.Zero(t, l.take("a", t0.Add(time.Second)), "a sign-in gives its attempt back")
	assert.Zero(t, l.take("b", t0), "each address has its own")
	assert.Equal(t, "1", seconds(time.Millisecond))
	assert.Equal(t, "2", seconds(1500*time.Millisecond))
}

func TestLogoutRevokesSession(t *testing.T) {
	base := start(t, Config{Token: testToken})
	r := post(t, base+"/login", "application/x-www-form-urlencoded", url.Values{"token": {testToken}}.Encode())
	require.Equal(t, http.StatusSeeOther, r.status)
	cookies := (&http.Response{Header: r.header}).Cookies()
	require.Len(t, cookies, 1)
	cookie := []string{"Cookie", sessionCookie + "=" + cookies[0].Value}
	assert.Equal(t, http.StatusOK, get(t, base+"/dashboard", cookie...).status)

	// A second sign-in is a session of its own.
	r = post(t, base+"/login", "application/x-www-form-urlencoded", url.Values{"token": {testToken}}.Encode())
	second := []string{"Cookie", sessionCookie + "=" + (&http.Response{Header: r.header}).Cookies()[0].Value}

	r = post(t, base+"/logout", "", "", cookie...)
	require.Equal(t, http.StatusSeeOther, r.status)
	// The browser is told to forget the cookie; one that kept it anyway
	// is signed out all the same.
	r = get(t, base+"/dashboard", cookie...)
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.True(t, strings.HasPrefix(r.header.Get("Location"), "/login"))
	assertAPIError(t, get(t, base+"/api/search", cookie...), http.StatusUnauthorized, "unauthorized")
	assert.Equal(t, http.StatusOK, get(t, base+"/dashboard", second...).status, "the other session goes on")
}

func TestRegexQueryIsBadRequest(t *testing.T) {
	base := start(t, Config{})
	for _, q := range []string{"/a**/", "turns:/[a/"} {
		r := get(t, base+"/api/search?"+search("q", q))
		assertAPIError(t, r, http.StatusBadRequest, "the search text did not parse: error parsing regexp")
		r = get(t, base+"/?"+search("q", q))
		assert.Equal(t, http.StatusBadRequest, r.status, q)
		assert.Contains(t, r.body, "error parsing regexp", q)
	}
}

func TestLongURL(t *testing.T) {
	base := start(t, Config{})
	long := strings.Repeat("a", MaxURL)
	r := get(t, base+"/api/search?q="+long)
	assertAPIError(t, r, http.StatusRequestURITooLong, "the URL is too long (the limit is 16 KiB)")
	r = get(t, base+"/?q="+long)
	assert.Equal(t, http.StatusRequestURITooLong, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "text/html")
	r = get(t, base+"/api/search?q="+long[:MaxURL-100])
	assertAPIError(t, r, http.StatusBadRequest, "q is too long") // under the URL limit, the request is read
}

// TestDotCallIDs: calls whose ids are dot segments open from the console.
func TestDotCallIDs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dots.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	for _, id := range []string{"..", ".", "a/b"} {
		c, err := corpus.ReadText("dots.txt", "# call_id: "+id+"\n# started_at: 2026-03-05T10:00:00+08:00\n坐席：您好\n客户：你好\n")
		require.NoError(t, err)
		_, err = ix.Add(testAnalyzer.Analyze(c), "test")
		require.NoError(t, err)
	}
	require.NoError(t, ix.Close())
	bi, closeIndex, err := index.OpenAlias([]string{dir})
	require.NoError(t, err)
	t.Cleanup(func() { closeIndex() })
	_, base := startServer(t, Config{Index: index.Bleve{Index: bi}})

	body := page(t, base+"/")
	for id, href := range map[string]string{"..": "/calls/%2E%2E", ".": "/calls/%2E", "a/b": "/calls/a%2Fb"} {
		assert.Contains(t, body, `href="`+href+`"`, id)
		u, err := url.Parse(base + href)
		require.NoError(t, err)
		r := get(t, u.String())
		assert.Equal(t, http.StatusOK, r.status, id)
		assert.Contains(t, r.body, id+" · Call 通话", id)
		r = get(t, base+"/api"+href)
		assert.Equal(t, http.StatusOK, r.status, id)
	}
}
