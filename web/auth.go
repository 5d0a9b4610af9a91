package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
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
		return s.sessions.valid(c.Value, time.Now())
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

// Sessions last sessionLife at most; at most maxSessions are kept (the
// oldest goes first).
const (
	sessionLife = 12 * time.Hour
	maxSessions = 10000
)

// sessions are the browsers signed in, by the random value of their
// cookie, kept on the server: signing out ends one for good, and a
// restart ends them all. The cookie never holds the token.
type sessions struct {
	mu      sync.Mutex
	expires map[string]time.Time
}

func newSessions() *sessions { return &sessions{expires: map[string]time.Time{}} }

// start makes a new session and returns its cookie value.
func (ss *sessions) start(now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.expires) >= maxSessions {
		ss.prune(now)
	}
	ss.expires[id] = now.Add(sessionLife)
	return id, nil
}

// prune drops the expired sessions, and the oldest when none expired.
func (ss *sessions) prune(now time.Time) {
	oldest, first := "", time.Time{}
	for id, exp := range ss.expires {
		if !now.Before(exp) {
			delete(ss.expires, id)
		} else if oldest == "" || exp.Before(first) {
			oldest, first = id, exp
		}
	}
	if len(ss.expires) >= maxSessions {
		delete(ss.expires, oldest)
	}
}

// valid reports whether id is a live session.
func (ss *sessions) valid(id string, now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.expires[id]
	return ok && now.Before(exp)
}

// end ends session id.
func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.expires, id)
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
	client, now := clientAddr(r), time.Now()
	if wait := s.logins.take(client, now); wait > 0 {
		w.Header().Set("Retry-After", seconds(wait))
		p.Error = "Too many wrong tokens: wait " + seconds(wait) + " s and try again. 错误次数过多，请稍后再试。"
		s.render(w, r, http.StatusTooManyRequests, "login", &p)
		return
	}
	if !s.tokenOK(r.PostForm.Get("token")) {
		p.Error = "Wrong token. 令牌不正确。"
		s.render(w, r, http.StatusUnauthorized, "login", &p)
		return
	}
	s.logins.refund(client, now)
	id, err := s.sessions.start(now)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    id,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   secure(r),
	})
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.end(c.Value)
	}
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
