package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// sessionCookie is the cookie a browser gets when it signs in.
const sessionCookie = "callqa_session"

// authorized reports whether r carries the token: as a bearer token, or as
// the session cookie of a browser that signed in. Without a token every
// request is.
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		return ok && strings.EqualFold(scheme, "Bearer") && s.tokenOK(strings.TrimSpace(tok))
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return hmac.Equal([]byte(c.Value), []byte(s.sessionValue()))
	}
	return false
}

// tokenOK compares a token with the configured one in constant time: the
// digests have the same length whatever was sent.
func (s *Server) tokenOK(tok string) bool {
	a := sha256.Sum256([]byte(tok))
	b := sha256.Sum256([]byte(s.cfg.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// sessionValue is the session cookie's value: an HMAC of the token under a
// key made when the server started. The cookie never holds the token, and
// a restart (or a new token) signs everyone out.
func (s *Server) sessionValue() string {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("callqa session\x00"))
	m.Write([]byte(s.cfg.Token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signedIn reports whether a page should offer to sign out.
func (s *Server) signedIn(r *http.Request) bool {
	if s.cfg.Token == "" {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	return err == nil && s.authorized(r)
}

// secure reports whether the request came over HTTPS, directly or through
// a proxy that says so; the cookie is then marked Secure.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// localPath returns next when it is a path on this server, else "/": the
// login form must not send anyone to another site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/login" {
		return "/"
	}
	return next
}

type loginPage struct {
	base
	Next  string
	Error string
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		// Nothing to sign in to.
		http.Redirect(w, r, localPath(r.FormValue("next")), http.StatusSeeOther)
		return
	}
	p := loginPage{base: s.base(r, "login", "Sign in 登录")}
	if r.Method == http.MethodGet {
		p.Next = localPath(r.URL.Query().Get("next"))
		s.render(w, r, http.StatusOK, "login", &p)
		return
	}
	if err := r.ParseForm(); err != nil {
		if isTooLarge(err) {
			s.tooLarge(w, r)
			return
		}
		s.pageError(w, r, http.StatusBadRequest, "the form did not parse: "+err.Error())
		return
	}
	p.Next = localPath(r.PostForm.Get("next"))
	if !s.tokenOK(r.PostForm.Get("token")) {
		p.Error = "Wrong token. 令牌不正确。"
		s.render(w, r, http.StatusUnauthorized, "login", &p)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    s.sessionValue(),
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   secure(r),
	})
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   secure(r),
	})
	target := "/"
	if s.cfg.Token != "" {
		target = "/login"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
