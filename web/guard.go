package web

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxURL is the longest request target (path and query) the server
// answers; a longer one gets 414 (JSON on the API). It is well under
// MaxHeaderBytes, so that a long URL reaches the server's own error
// instead of Go's plain-text 431.
const MaxURL = 16 << 10

// MaxHeaderBytes is the limit an http.Server serving a Server should set
// on the request line and headers together: a request past it gets Go's
// own plain-text 431 before callqa sees it.
const MaxHeaderBytes = 64 << 10

// errBusy is what admit returns when every worker and every queue place
// is taken.
var errBusy = errors.New("busy")

// queue bounds the analyze requests handled at once. A request first
// takes a place (workers + waiting places; none free means 503 at once),
// reads its body, then waits for a worker to parse and analyze it. So at
// most workers + waiting bodies are in memory, and at most workers
// transcripts are parsed or analyzed, each on a core.
type queue struct {
	places  chan struct{}
	workers chan struct{}
}

func newQueue(workers, waiting int) *queue {
	return &queue{places: make(chan struct{}, workers+waiting), workers: make(chan struct{}, workers)}
}

// admit takes a place, or returns errBusy when there is none; release
// gives it back.
func (q *queue) admit() error {
	select {
	case q.places <- struct{}{}:
		return nil
	default:
		return errBusy
	}
}

func (q *queue) release() { <-q.places }

// work waits for a worker until ctx is done (the client went away);
// done gives the worker back.
func (q *queue) work(ctx context.Context) (done func(), err error) {
	select {
	case q.workers <- struct{}{}:
		return func() { <-q.workers }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// retryAfter is the Retry-After of a 503 from a full queue, in seconds.
const retryAfter = "2"

// busy answers a request the queue has no place for: 503 with
// Retry-After. The body is read (and thrown away, up to the body limit)
// first, so that the client, still sending it, gets the answer rather than
// a reset connection.
func (s *Server) busy(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
	}
	w.Header().Set("Retry-After", retryAfter)
	s.fail(w, r, http.StatusServiceUnavailable, "the server is busy analyzing other transcripts: try again in "+retryAfter+" seconds")
}

// crossOrigin refuses unsafe requests (POST) that a browser sent from
// another site: Sec-Fetch-Site or Origin say where they came from.
// Requests with neither header (curl, scripts) are not from a browser
// page and pass; they still need the token when one is set.
var crossOrigin = http.NewCrossOriginProtection()

// Sign-in attempts: each client address may fail loginBurst times in a
// row, then once per loginEvery.
const (
	loginBurst = 5
	loginEvery = time.Second
	// loginClients bounds the addresses remembered; past it, those whose
	// allowance is full again are forgotten.
	loginClients = 10000
)

// limiter is a token bucket per client address for sign-in attempts;
// successful ones are given back.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(burst int, every time.Duration) *limiter {
	return &limiter{burst: float64(burst), every: every, buckets: map[string]*bucket{}}
}

// refill brings b up to date at now.
func (l *limiter) refill(b *bucket, now time.Time) {
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.last))/float64(l.every))
	b.last = now
}

// take spends one attempt of client and returns 0, or, when client has
// none left, returns how long it must wait. Taking before the token is
// checked keeps concurrent guesses from all passing on the last attempt.
func (l *limiter) take(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= loginClients {
			l.forget(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return 0
}

// refund gives back the attempt of a client that signed in: only wrong
// tokens count.
func (l *limiter) refund(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[client]; ok {
		l.refill(b, now)
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// forget drops the clients whose allowance is full again.
func (l *limiter) forget(now time.Time) {
	for k, b := range l.buckets {
		if l.refill(b, now); b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// clientAddr is the address a request came from, without its port.
// Proxy headers are not trusted: behind a proxy, all clients share its
// address.
func clientAddr(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// seconds is d as a Retry-After value: whole seconds, rounded up, at
// least 1.
func seconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
