package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/callqa/callqa/index"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/review"
	"github.com/callqa/callqa/score"
)

// DefaultMaxBody is the largest request body accepted when Config.MaxBody
// is 0: 2 MiB, a few hundred pages of transcript.
const DefaultMaxBody = 2 << 20

// Security headers sent with every response. The policy allows scripts,
// styles and images from the server itself only (and data: images), so
// inline script, injected or not, never runs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Config is what a Server serves and how.
type Config struct {
	// Index is the index, or an alias over several, to search. The server
	// only reads it.
	Index index.Reader
	// Analyzer checks the transcripts posted to /analyze and /api/analyze.
	Analyzer *analyzer.Analyzer
	// Scorecard scores a call for the call view; nil means score.Default().
	// Its required items are only found when the analyzer (and the one that
	// built the index) holds its rules.
	Scorecard *score.Scorecard
	// Token, when not empty, is required on every request but /healthz,
	// /login and /static/: API clients send "Authorization: Bearer TOKEN",
	// browsers sign in once at /login. It acts as the user "admin" with
	// role admin.
	Token string
	// Users are the people of the users file (LoadUsers), each with a
	// token of its own and a role; with users, a token is required as
	// with Token. Without Token and Users the server answers loopback
	// requests only, each acting as the user "local" with role admin.
	Users []User
	// Review is the decisions database: with it the call page shows the
	// review controls and /api/calls/{id}/review answers; nil leaves
	// them out.
	Review *review.Store
	// MaxBody is the largest request body accepted, in bytes; 0 means
	// DefaultMaxBody. A larger body gets 413.
	MaxBody int64
	// Log receives server errors (panics, failed searches); nil discards
	// them.
	Log *log.Logger
	// Version is shown in the page footer.
	Version string
	// Workers is the number of transcripts posted to /analyze and
	// /api/analyze that are parsed and analyzed at once; 0 means one per
	// CPU.
	Workers int
	// Queue is the number of further posted transcripts that may wait
	// for a worker, their bodies read; 0 means as many as Workers. Past
	// that the server answers 503 with Retry-After, so at most
	// (Workers + Queue) × MaxBody of bodies are held in memory.
	Queue int
	// NoRedact shows the transcripts posted to /analyze and /api/analyze
	// as they are; by default their phone, ID and card numbers and e-mail
	// addresses are masked (package redact). What the console shows from
	// the index is what was indexed: masked unless indexed with --no-redact.
	NoRedact bool
}

// Server is the web console and the JSON API. It is an http.Handler, safe
// for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux
	// queue bounds the transcripts posted for analysis held and
	// analyzed at once.
	queue *queue
	// logins limits failed sign-ins per client address.
	logins *limiter
	// sessions are the browsers signed in.
	sessions *sessions

	optMu      sync.Mutex
	optTime    time.Time
	optTeams   []string
	optAgents  []string
	optTimeout time.Duration
}

// New builds a server.
func New(cfg Config) (*Server, error) {
	if cfg.Index == nil {
		return nil, errors.New("web: no index")
	}
	if cfg.Analyzer == nil {
		return nil, errors.New("web: no analyzer")
	}
	if cfg.Scorecard == nil {
		cfg.Scorecard = score.Default()
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = max(1, runtime.GOMAXPROCS(0))
	}
	if cfg.Queue <= 0 {
		cfg.Queue = cfg.Workers
	}
	s := &Server{
		cfg:        cfg,
		mux:        http.NewServeMux(),
		queue:      newQueue(cfg.Workers, cfg.Queue),
		logins:     newLimiter(loginBurst, loginEvery),
		sessions:   newSessions(),
		optTimeout: time.Minute,
	}
	s.routes()
	return s, nil
}

// routes registers every handler. Paths are registered without a method
// so that each handler answers a wrong method itself: 405 with a JSON body
// on the API, a page elsewhere.
func (s *Server) routes() {
	page := func(h http.HandlerFunc, methods ...string) http.Handler { return s.allow(h, false, methods...) }
	api := func(h http.HandlerFunc, methods ...string) http.Handler { return s.allow(h, true, methods...) }

	s.mux.Handle("/", page(s.handleRoot, http.MethodGet))
	s.mux.Handle("/calls/{id}", page(s.handleCall, http.MethodGet))
	s.mux.Handle("/analyze", page(s.handleAnalyze, http.MethodGet, http.MethodPost))
	s.mux.Handle("/dashboard", page(s.handleDashboard, http.MethodGet))
	s.mux.Handle("/login", page(s.handleLogin, http.MethodGet, http.MethodPost))
	s.mux.Handle("/logout", page(s.handleLogout, http.MethodPost))
	s.mux.Handle("/static/", page(s.handleStatic, http.MethodGet))
	s.mux.Handle("/favicon.ico", page(s.handleFavicon, http.MethodGet))

	s.mux.Handle("/api/", api(s.handleAPINotFound))
	s.mux.Handle("/api/search", api(s.handleAPISearch, http.MethodGet))
	s.mux.Handle("/api/calls/{id}", api(s.handleAPICall, http.MethodGet))
	s.mux.Handle("/api/calls/{id}/review", api(s.handleAPIReview, http.MethodGet, http.MethodPost))
	s.mux.Handle("/api/calls/{id}/review/complete", api(s.handleAPIReviewComplete, http.MethodPost))
	s.mux.Handle("/api/analyze", api(s.handleAPIAnalyze, http.MethodPost))
	s.mux.Handle("/api/stats", api(s.handleAPIStats, http.MethodGet))
	s.mux.Handle("/healthz", api(s.handleHealth, http.MethodGet))
}

// allow answers methods not listed with 405 (HEAD goes with GET).
func (s *Server) allow(h http.HandlerFunc, api bool, methods ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := len(methods) == 0
		for _, m := range methods {
			if r.Method == m || r.Method == http.MethodHead && m == http.MethodGet {
				ok = true
			}
		}
		if !ok {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			msg := fmt.Sprintf("method %s not allowed (use %s)", r.Method, strings.Join(methods, " or "))
			if api {
				s.apiError(w, http.StatusMethodNotAllowed, msg)
			} else {
				s.pageError(w, r, http.StatusMethodNotAllowed, msg)
			}
			return
		}
		h(w, r)
	})
}

// ServeHTTP sets the security headers, limits the body, checks the host
// and the credentials, and hands the request to its handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		// Transcripts are personal data: no copies in shared caches or on
		// the disk of a shared computer.
		h.Set("Cache-Control", "no-store")
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.cfg.Log.Printf("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
			s.fail(w, r, http.StatusInternalServerError, "internal error")
		}
	}()
	if !s.authRequired() && !loopbackHost(r.Host) {
		// Without a token the server listens on a loopback address only;
		// a request naming another host is a web page in the browser
		// trying to reach it through DNS rebinding.
		s.fail(w, r, http.StatusForbidden, fmt.Sprintf("host %q is not allowed: without a token callqa serve answers requests to localhost only", r.Host))
		return
	}
	if len(r.RequestURI) > MaxURL {
		w.Header().Set("Connection", "close")
		s.fail(w, r, http.StatusRequestURITooLong, fmt.Sprintf("the URL is too long (the limit is %s)", sizeString(MaxURL)))
		return
	}
	if err := crossOrigin.Check(r); err != nil {
		s.fail(w, r, http.StatusForbidden, "cross-origin request refused: "+r.Method+" is only accepted from this server's own pages (or from clients that send no Origin)")
		return
	}
	if r.ContentLength > s.cfg.MaxBody {
		s.tooLarge(w, r)
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	}
	who, ok := s.user(r)
	if !ok && !public(r.URL.Path) {
		if isAPI(r.URL.Path) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="callqa"`)
			s.apiError(w, http.StatusUnauthorized, "unauthorized: send the token as Authorization: Bearer TOKEN")
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if ok {
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, who))
	}
	s.mux.ServeHTTP(w, r)
}

// public reports whether a path is served without credentials.
func public(path string) bool {
	return path == "/healthz" || path == "/login" || path == "/favicon.ico" || strings.HasPrefix(path, "/static/")
}

func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") || path == "/healthz" }

// loopbackHost reports whether a Host header names this machine: localhost
// or a loopback address, with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MinTokenLength is the shortest token accepted when the server listens
// off loopback.
const MinTokenLength = 16

// CheckAddr decides whether the server may listen on addr (host:port)
// with token: a loopback address always; any other address, all
// interfaces included (":8080", "0.0.0.0:8080"), only with a token of at
// least MinTokenLength characters, because every call in the index would
// be open to whoever reaches the port. A host name counts as loopback only
// when every address it resolves to is a loopback address.
func CheckAddr(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if loopbackAddr(host) {
		return nil
	}
	where := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		where = "every network interface"
	}
	if token == "" {
		return fmt.Errorf("refusing to listen on %s (%s) without a token: anyone who reaches it could read every call in the index; "+
			"give --token-file FILE or set CALLQA_TOKEN, or listen on 127.0.0.1", addr, where)
	}
	if n := utf8.RuneCountInString(token); n < MinTokenLength {
		return fmt.Errorf("refusing to listen on %s (%s) with a token of %d characters: off this machine the token must have at least %d; "+
			"make one with e.g. `openssl rand -hex 16`", addr, where, n, MinTokenLength)
	}
	return nil
}

// loopbackAddr reports whether a host to listen on is this machine only:
// a loopback address, or a name all of whose addresses are loopback ones.
func loopbackAddr(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return false
		}
	}
	return true
}

// fail answers an error in the form the path calls for: JSON on the API,
// a page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r.URL.Path) {
		s.apiError(w, status, msg)
		return
	}
	s.pageError(w, r, status, msg)
}

func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	// The rest of an oversized body is not read: close the connection.
	w.Header().Set("Connection", "close")
	s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large (the limit is %s)", sizeString(s.cfg.MaxBody)))
}

// isTooLarge reports whether err comes from reading past the body limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || err != nil && strings.Contains(err.Error(), "request body too large")
}

// writeJSON writes v as JSON with status. HTML-significant characters
// (<, >, &) are written as \u escapes: the strings are the same once
// decoded, and a client that pastes the JSON into a page gets no markup.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error: encoding the response"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// apiError writes {"error": msg} with status.
func (s *Server) apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// internal logs err and answers 500 without its details.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Log.Printf("%s %s: %v", r.Method, r.URL.Path, err)
	s.fail(w, r, http.StatusInternalServerError, "internal error (the server log has the details)")
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
