package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/callqa/callqa/review"
)

// sessionCookie is the cookie a browser gets when it signs in.
const sessionCookie = "callqa_session"

// authRequired reports whether requests need credentials: a token or a
// users file was given. Without either, the server answers this machine
// only, and every request acts as the user "local" with role admin.
func (s *Server) authRequired() bool { return s.cfg.Token != "" || len(s.cfg.Users) > 0 }

// localUser is who a request is without a token or users file.
var localUser = review.Actor{Name: LocalName, Role: review.RoleAdmin}

// user is who sent r: the user of its bearer token (the --token-file token
// is the user "admin" with role admin; a users file token is that user),
// or of the session of a browser that signed in.
func (s *Server) user(r *http.Request) (review.Actor, bool) {
	if !s.authRequired() {
		return localUser, true
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return review.Actor{}, false
		}
		return s.userByToken(strings.TrimSpace(tok))
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.sessions.user(c.Value, time.Now())
	}
	return review.Actor{}, false
}

// userByToken finds whose token tok is, comparing digests in constant
// time: the admin token first, then every user of the users file.
func (s *Server) userByToken(tok string) (review.Actor, bool) {
	if tok == "" {
		return review.Actor{}, false
	}
	sum := sha256.Sum256([]byte(tok))
	found, who := false, review.Actor{}
	if s.cfg.Token != "" {
		want := sha256.Sum256([]byte(s.cfg.Token))
		if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
			found, who = true, review.Actor{Name: AdminName, Role: review.RoleAdmin}
		}
	}
	got := []byte(hex.EncodeToString(sum[:]))
	for _, u := range s.cfg.Users {
		if subtle.ConstantTimeCompare(got, []byte(u.TokenSHA256)) == 1 && !found {
			found, who = true, review.Actor{Name: u.Name, Role: u.Role}
		}
	}
	return who, found
}

// actorKey is the context key of the user a request acts as.
type actorKey struct{}

// actor is the user of a request that ServeHTTP let through.
func actor(r *http.Request) (review.Actor, bool) {
	a, ok := r.Context().Value(actorKey{}).(review.Actor)
	return a, ok
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
	users   map[string]review.Actor
}

func newSessions() *sessions {
	return &sessions{expires: map[string]time.Time{}, users: map[string]review.Actor{}}
}

// start makes a new session of user u and returns its cookie value.
func (ss *sessions) start(now time.Time, u review.Actor) (string, error) {
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
	ss.users[id] = u
	return id, nil
}

// prune drops the expired sessions, and the oldest when none expired.
func (ss *sessions) prune(now time.Time) {
	oldest, first := "", time.Time{}
	for id, exp := range ss.expires {
		if !now.Before(exp) {
			delete(ss.expires, id)
			delete(ss.users, id)
		} else if oldest == "" || exp.Before(first) {
			oldest, first = id, exp
		}
	}
	if len(ss.expires) >= maxSessions {
		delete(ss.expires, oldest)
		delete(ss.users, oldest)
	}
}

// user returns the user of session id, when it is live.
func (ss *sessions) user(id string, now time.Time) (review.Actor, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.expires[id]
	if !ok || !now.Before(exp) {
		return review.Actor{}, false
	}
	return ss.users[id], true
}

// end ends session id.
func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.expires, id)
	delete(ss.users, id)
}

// signedIn reports whether a page should offer to sign out.
func (s *Server) signedIn(r *http.Request) bool {
	if !s.authRequired() {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	_, ok := s.user(r)
	return err == nil && ok
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
	if !s.authRequired() {
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
	u, ok := s.userByToken(strings.TrimSpace(r.PostForm.Get("token")))
	if !ok {
		p.Error = "Wrong token. 令牌不正确。"
		s.render(w, r, http.StatusUnauthorized, "login", &p)
		return
	}
	s.logins.refund(client, now)
	id, err := s.sessions.start(now, u)
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
	if s.authRequired() {
		target = "/login"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
