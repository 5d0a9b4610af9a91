package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "correct-horse-battery-staple-42"

func TestAuthOff(t *testing.T) {
	base := start(t, Config{})
	for _, p := range []string{"/", "/calls/S02", "/analyze", "/dashboard"} {
		page(t, base+p)
	}
	r := get(t, base+"/api/search")
	assert.Equal(t, http.StatusOK, r.status)
	// Nothing to sign in to.
	r = get(t, base+"/login?next=/dashboard")
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/dashboard", r.header.Get("Location"))
	assert.NotContains(t, page(t, base+"/"), "Sign out")
}

func TestAuthOn(t *testing.T) {
	base := start(t, Config{Token: testToken, MaxBody: 64 << 10})

	t.Run("api_without_token", func(t *testing.T) {
		for _, p := range []string{"/api/search", "/api/calls/S02", "/api/stats", "/api/nothing"} {
			r := get(t, base+p)
			assertAPIError(t, r, http.StatusUnauthorized, "unauthorized")
			assert.Equal(t, `Bearer realm="callqa"`, r.header.Get("WWW-Authenticate"))
		}
		assertAPIError(t, post(t, base+"/api/analyze", "text/plain", "坐席：您好\n"), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("api_wrong_token", func(t *testing.T) {
		for _, auth := range []string{"Bearer nope", "Bearer " + testToken + "x", "Basic " + testToken, testToken, "Bearer"} {
			assertAPIError(t, get(t, base+"/api/search", "Authorization", auth), http.StatusUnauthorized, "unauthorized")
		}
	})
	t.Run("api_with_token", func(t *testing.T) {
		bearer := []string{"Authorization", "Bearer " + testToken}
		assert.Equal(t, http.StatusOK, get(t, base+"/api/search?q=老赖", bearer...).status)
		assert.Equal(t, http.StatusOK, get(t, base+"/api/calls/S02", bearer...).status)
		assert.Equal(t, http.StatusOK, get(t, base+"/api/stats", bearer...).status)
		assert.Equal(t, http.StatusOK, post(t, base+"/api/analyze", "text/plain", "坐席：您好\n", bearer...).status)
		assert.Equal(t, http.StatusOK, get(t, base+"/api/search", "Authorization", "bearer  "+testToken).status, "the scheme is case-insensitive")
		assertAPIError(t, get(t, base+"/api/calls/NOPE", bearer...), http.StatusNotFound, "no call")
		assertAPIError(t, post(t, base+"/api/analyze", "text/plain", strings.Repeat("坐席：您好\n", 10000), bearer...), http.StatusRequestEntityTooLarge, "too large")
	})
	t.Run("public", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, get(t, base+"/healthz").status)
		assert.Equal(t, http.StatusOK, get(t, base+"/static/app.css").status)
		r := get(t, base+"/login")
		assert.Equal(t, http.StatusOK, r.status)
		assertSecurityHeaders(t, r, "/login")
		for _, want := range []string{
			`<form id="login" class="card login-form" method="post" action="/login">`,
			`<input type="password" id="token" name="token"`,
			`<button id="login-submit" type="submit">`,
		} {
			assert.Contains(t, r.body, want)
		}
	})
	t.Run("pages_redirect_to_login", func(t *testing.T) {
		for _, p := range []string{"/", "/?q=老赖&team=M2-B", "/calls/S02", "/analyze", "/dashboard", "/nowhere"} {
			r := get(t, base+p)
			assert.Equal(t, http.StatusSeeOther, r.status, p)
			u, err := url.Parse(r.header.Get("Location"))
			require.NoError(t, err)
			assert.Equal(t, "/login", u.Path, p)
			want, _ := url.Parse(base + p)
			assert.Equal(t, want.RequestURI(), u.Query().Get("next"), p)
			assertSecurityHeaders(t, r, "redirect")
		}
		r := post(t, base+"/analyze", "application/x-www-form-urlencoded", "transcript=x")
		assert.Equal(t, http.StatusSeeOther, r.status)
	})
	t.Run("wrong_token_rejected", func(t *testing.T) {
		r := post(t, base+"/login", "application/x-www-form-urlencoded", url.Values{"token": {"guess"}, "next": {"/dashboard"}}.Encode())
		assert.Equal(t, http.StatusUnauthorized, r.status)
		assert.Empty(t, r.header.Values("Set-Cookie"))
		assert.Contains(t, r.body, `<p class="error" role="alert">Wrong token.`)
		assert.Contains(t, r.body, `<input type="hidden" name="next" value="/dashboard">`)
	})
	t.Run("login_then_pages_work", func(t *testing.T) {
		r := post(t, base+"/login", "application/x-www-form-urlencoded", url.Values{"token": {testToken}, "next": {"/?q=老赖"}}.Encode())
		require.Equal(t, http.StatusSeeOther, r.status, r.body)
		loc, err := url.Parse(r.header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "/", loc.Path, "back to the page asked for")
		assert.Equal(t, "老赖", loc.Query().Get("q"))
		assert.Empty(t, loc.Host)
		resp := &http.Response{Header: r.header}
		cookies := resp.Cookies()
		require.Len(t, cookies, 1)
		c := cookies[0]
		assert.Equal(t, sessionCookie, c.Name)
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
		assert.Equal(t, "/", c.Path)
		assert.NotContains(t, c.Value, testToken, "the cookie is a random session id, not the token")
		assert.Len(t, c.Value, 43)

		cookie := []string{"Cookie", sessionCookie + "=" + c.Value}
		for _, p := range []string{"/", "/calls/S02", "/analyze", "/dashboard"} {
			r := get(t, base+p, cookie...)
			assert.Equal(t, http.StatusOK, r.status, p)
			assert.Contains(t, r.body, `<form class="logout" method="post" action="/logout">`, p)
		}
		assert.Equal(t, http.StatusOK, get(t, base+"/api/search", cookie...).status, "the API takes the browser's cookie too")

		// A forged or stale cookie is not a session.
		// (The forgery changes the first character: the last one of the
		// base64 text carries padding bits that decoding may ignore.)
		forged := "A"
		if c.Value[0] == 'A' {
			forged = "B"
		}
		forged += c.Value[1:]
		for _, v := range []string{testToken, forged, ""} {
			r := get(t, base+"/dashboard", "Cookie", sessionCookie+"="+v)
			assert.Equal(t, http.StatusSeeOther, r.status, v)
		}
		other := start(t, Config{Token: testToken})
		assert.Equal(t, http.StatusSeeOther, get(t, other+"/", cookie...).status, "another server (a restart) has another key")

		r = post(t, base+"/logout", "", "", cookie...)
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/login", r.header.Get("Location"))
		assert.Contains(t, r.header.Get("Set-Cookie"), "Max-Age=0")
	})
	t.Run("login_keeps_to_this_site", func(t *testing.T) {
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
			r := post(t, base+"/login", "application/x-www-form-urlencoded", url.Values{"token": {testToken}, "next": {next}}.Encode())
			require.Equal(t, http.StatusSeeOther, r.status)
			assert.Equal(t, "/", r.header.Get("Location"), next)
		}
	})
}

func TestHostCheck(t *testing.T) {
	for _, tt := range []struct {
		token, host string
		want        int
	}{
		{"", "evil.example", http.StatusForbidden},
		{"", "evil.example:8080", http.StatusForbidden},
		{"", "localhost:8080", http.StatusOK},
		{"", "[::1]:8080", http.StatusOK},
		{testToken, "qa.example.com", http.StatusOK},
	} {
		base := start(t, Config{Token: tt.token})
		req, err := http.NewRequest(http.MethodGet, base+"/healthz", nil)
		require.NoError(t, err)
		req.Host = tt.host
		r := do(t, req)
		assert.Equal(t, tt.want, r.status, "%s with token %q", tt.host, tt.token)
		assertSecurityHeaders(t, r, tt.host)
	}
}

func TestCheckAddr(t *testing.T) {
	// A name under .localhost is loopback only if it resolves there.
	const sub = "callqa-test.localhost"
	subWant := "without a token"
	if ips, err := net.LookupIP(sub); err == nil && len(ips) > 0 && allLoopback(ips) {
		subWant = ""
	}
	tests := []struct {
		addr    string
		token   string
		wantErr string
	}{
		{"127.0.0.1:8080", "", ""},
		{"127.0.0.2:8080", "", ""},
		{"localhost:8080", "", ""},
		{"[::1]:8080", "", ""},
		{"127.0.0.1:8080", "abc", ""},
		{sub + ":8080", "", subWant},
		{"no-such-host.invalid:8080", "", "without a token"},
		{"0.0.0.0:8080", "", "refusing to listen on 0.0.0.0:8080 (every network interface) without a token"},
		{":8080", "", "refusing to listen on :8080 (every network interface) without a token"},
		{"[::]:8080", "", "every network interface"},
		{"192.168.1.20:8080", "", "refusing to listen on 192.168.1.20:8080 (192.168.1.20) without a token"},
		{"qa.example.com:80", "", "without a token"},
		{"0.0.0.0:8080", testToken, ""},
		{"192.168.1.20:8080", testToken, ""},
		{"0.0.0.0:8080", "abc", "with a token of 3 characters: off this machine the token must have at least 16"},
		{"192.168.1.20:8080", "fifteen-chars15", "with a token of 15 characters"},
		{"192.168.1.20:8080", "sixteen-chars-16", ""},
		{"8080", "", "want HOST:PORT"},
	}
	for _, tt := range tests {
		err := CheckAddr(tt.addr, tt.token)
		if tt.wantErr == "" {
			assert.NoError(t, err, tt.addr)
			continue
		}
		require.Error(t, err, tt.addr)
		assert.Contains(t, err.Error(), tt.wantErr, tt.addr)
		if strings.Contains(tt.wantErr, "without a token") {
			assert.Contains(t, err.Error(), "--token-file", "the message says what to do")
		}
	}
}

func allLoopback(ips []net.IP) bool {
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false
		}
	}
	return true
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/":                      "/",
		"/calls/S02?q=老赖":        "/calls/S02?q=老赖",
		"/dashboard?team=M1-A":   "/dashboard?team=M1-A",
		"":                       "/",
		"https://evil.example/":  "/",
		"//evil.example":         "/",
		"/\\evil.example":        "/",
		"javascript:alert(1)":    "/",
		"/login?next=/dashboard": "/",
		"/x\r\nSet-Cookie: a=b":  "/",
	} {
		assert.Equal(t, want, localPath(in), in)
	}
}
