package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/similar"
	"github.com/callqa/callqa/web"
)

// tokenEnv is the environment variable that may hold the access token.
const tokenEnv = "CALLQA_TOKEN"

// Timeouts of the HTTP server: a slow or stalled client cannot hold a
// connection (or a goroutine) for long.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 10 * time.Second
)

// liveRefresh is how often serve looks whether callqa index changed the
// index, and if so takes a new snapshot of it (index.Live).
const liveRefresh = 2 * time.Second

// refresh takes a new snapshot of each index that changed every interval
// until stop is closed, logging the snapshots that failed (a damaged
// index: the last good snapshot goes on answering).
func refresh(live *index.Live, every time.Duration, stop <-chan struct{}, logger *log.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := live.Refresh(); err != nil {
				logger.Printf("%v; still serving the index as it was before", err)
			}
		}
	}
}

// ServeOptions are the inputs of callqa serve.
type ServeOptions struct {
	IO        *IOStreams
	Indexes   []string
	Addr      string
	TokenFile string
	MaxBody   string
	Rules     []string
	// DB is the decisions database (--db); "" is the SQLite file beside
	// the first index. Users is the users file (--users).
	DB    string
	Users string

	// ctx, when set, stops the server when done (tests); otherwise
	// SIGINT or SIGTERM does.
	ctx context.Context
	// ready, when set, is called with the base URL once the server listens.
	ready func(url string)
	// refreshEvery, when set, is how often the index is looked at for
	// calls that callqa index added (tests); otherwise liveRefresh.
	refreshEvery time.Duration
	// NoRedact shows analyzed transcripts unmasked.
	NoRedact bool
}

func newServeCmd(ios *IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve [--index DIR | --db URL] [--addr 127.0.0.1:8080] [--token-file FILE] [--users FILE] [--db FILE|URL]",
		Short: "Serve the web console and JSON API over the index",
		Long: `Serve the supervisors' web console over an index built by callqa index:
search with filters, facets and highlights; each call as a conversation with
its violations marked, its score and hints; an analyze page where a pasted
transcript is checked at once without being indexed; a dashboard. The same
functions answer as JSON under /api/ (see docs/api.md).

The index is opened read-only; calls that callqa index adds meanwhile show
up within seconds. With --db postgres://… and no --index, serve answers
from the results callqa index --db stored in that PostgreSQL database (always
current; several servers can share it), and the decisions go to the same
database. By default the server listens on 127.0.0.1
only. Listening on any other address needs an access token of at least 16
characters, read from --token-file or the CALLQA_TOKEN environment variable:
API clients send "Authorization: Bearer TOKEN", browsers sign in once.
Without such a token the address is refused.

Reviewers confirm and dismiss findings on the call pages; the decisions
go to the database of --db (by default the SQLite file beside the first
index). --users names a users file (callqa users add writes it): each user
has a token of its own and a role, viewer, reviewer or lead. The token of
--token-file acts as the user "admin" with every right. Without a token or
users file (this machine only), every request acts as the user "local"
with every right.

The analyze page lists candidates for review as callqa index does: agent
turns no rule flagged that resemble a pack's example or a violation the
reviewers had confirmed when serve started.

Exit status: 0 after a clean shutdown (SIGINT or SIGTERM); 2 when the index
or the decisions database cannot be opened (another process, such as
callqa index, holds the index), the users file or the rules do not load or
the address is refused.`,
		Example: `  callqa serve --index callqa.bleve
  callqa serve --index 'archive/2026-*.bleve' --addr 127.0.0.1:9000
  CALLQA_TOKEN=$(cat /etc/callqa/token) callqa serve --index callqa.bleve --addr 0.0.0.0:8080
  CALLQA_TOKEN=$(cat /etc/callqa/token) callqa serve --db postgres://qa@db.internal/callqa --addr 0.0.0.0:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := parseSize(opts.MaxBody); err != nil {
				return flagErrorf("--max-body: %v", err)
			}
			if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
				return flagErrorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", opts.Addr)
			}
			if runF != nil {
				return runF(opts)
			}
			return runServe(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Indexes, "index", nil, "index `DIR` or glob (repeatable; default "+index.DefaultDir+")")
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	f.StringVar(&opts.TokenFile, "token-file", "", "read the access token from `FILE` (else $"+tokenEnv+")")
	f.StringVar(&opts.MaxBody, "max-body", "2MiB", "largest request body accepted (`SIZE`: bytes, KiB, MiB)")
	f.BoolVar(&opts.NoRedact, "no-redact", false, "show transcripts posted to the analyze page unmasked (phone, ID and card numbers and e-mail addresses are masked by default)")
	f.StringArrayVar(&opts.Rules, "rules", nil, "extra rule pack `PATH` for the analyze page (file or folder; repeatable)")
	addDBFlag(cmd, &opts.DB)
	f.StringVar(&opts.Users, "users", "", "users file (`FILE`, YAML): names, roles and token digests; see callqa users add")
	return cmd
}

// parseSize reads a size such as 2MiB, 512KiB, 1MB or 1048576 (bytes).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			mult, t = u.n, strings.TrimSpace(t[:len(t)-len(u.suffix)])
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 1 || n*float64(mult) > 1<<40 {
		return 0, fmt.Errorf("%q is not a size like 2MiB, 512KiB or 1048576", s)
	}
	return int64(n * float64(mult)), nil
}

// readToken returns the access token: the content of --token-file
// (surrounding white space removed), else $CALLQA_TOKEN, else "".
func readToken(file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv(tokenEnv)), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("--token-file %s is empty", file)
	}
	return tok, nil
}

func runServe(opts *ServeOptions) error {
	trouble := func(err error) error { return &exitError{code: exitTrouble, err: err} }
	token, err := readToken(opts.TokenFile)
	if err != nil {
		return trouble(err)
	}
	var users []web.User
	if opts.Users != "" {
		if users, err = web.LoadUsers(opts.Users); err != nil {
			return trouble(err)
		}
	}
	if token != "" || len(users) == 0 {
		// A users file needs its tokens as a token file does; their
		// length cannot be checked, only their digests are known.
		if err := web.CheckAddr(opts.Addr, token); err != nil {
			return trouble(err)
		}
	}
	if token != "" && len(token) < web.MinTokenLength {
		fmt.Fprintf(opts.IO.ErrOut, "callqa: warning: the access token is short (%d characters); use %d or more random characters\n", len(token), web.MinTokenLength)
	}
	maxBody, _ := parseSize(opts.MaxBody)

	dirs, err := expandIndexes(opts.Indexes)
	if err != nil {
		return trouble(err)
	}
	bi, live, closeResults, err := openServed(opts, dirs)
	if err != nil {
		return trouble(err)
	}
	defer closeResults()
	ctxOpen, cancelOpen := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelOpen()
	store, err := openReview(ctxOpen, opts.DB, dirs[0])
	if err != nil {
		return trouble(err)
	}
	defer store.Close()
	confirmed, err := confirmedFrom(ctxOpen, store)
	if err != nil {
		return trouble(err)
	}
	cancelOpen()
	logger := log.New(opts.IO.ErrOut, "callqa: serve: ", log.LstdFlags)

	sc, extra, err := loadScorecard("")
	if err != nil {
		return trouble(err)
	}
	an, err := loadAnalyzer(opts.Rules, analyzer.Options{}, extra...)
	if err != nil {
		return trouble(err)
	}
	// The analyze page queues candidates as callqa index does, with the
	// violations reviewers had confirmed when serve started.
	an.UseSimilar(similar.New(append(an.ViolationExamples(), confirmed...)), similar.DefaultThreshold)
	srv, err := web.New(web.Config{
		Index: bi, Analyzer: an, Scorecard: sc, Token: token, Users: users, Review: store, MaxBody: maxBody,
		Log: logger, Version: version(),
		NoRedact: opts.NoRedact,
	})
	if err != nil {
		return trouble(err)
	}

	l, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return trouble(err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    web.MaxHeaderBytes,
		ErrorLog:          logger,
	}

	ctx := opts.ctx
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	calls, _, _ := bi.Count(index.Query{}, 0)
	url := "http://" + displayAddr(l.Addr().String())
	auth := "no token: this machine only, as user local (admin)"
	if token != "" || len(users) > 0 {
		auth = fmt.Sprintf("token required; %d users", len(users))
	}
	auth += "; decisions in " + store.Where()
	fmt.Fprintf(opts.IO.Out, "callqa: serving %d calls at %s (%s; Ctrl-C to stop)\n", calls, url+"/", auth)
	if opts.ready != nil {
		opts.ready(url)
	}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	if live != nil {
		// A database is always current; a Bleve index is looked at for
		// the calls callqa index commits beside serve.
		every := opts.refreshEvery
		if every <= 0 {
			every = liveRefresh
		}
		refreshed := make(chan struct{})
		stopRefresh := make(chan struct{})
		go func() {
			defer close(refreshed)
			refresh(live, every, stopRefresh, logger)
		}()
		defer func() { close(stopRefresh); <-refreshed }()
	}
	select {
	case err := <-served:
		return trouble(err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return trouble(fmt.Errorf("shutting down: %w", err))
	}
	fmt.Fprintln(opts.IO.Out, "callqa: stopped")
	return nil
}

// openServed opens the results serve answers from: the PostgreSQL
// database of --db when it holds them (resultsInDB; live is then nil),
// else the Bleve indexes in dirs, refreshed as callqa index commits (live).
func openServed(opts *ServeOptions, dirs []string) (r index.Reader, live *index.Live, closeAll func() error, err error) {
	if resultsInDB(len(opts.Indexes) > 0, opts.DB) {
		r, _, closeAll, err := openResults(opts.Indexes, false, opts.DB)
		return r, nil, closeAll, err
	}
	live, err = index.OpenLive(dirs, time.Second)
	if err != nil {
		if errors.Is(err, index.ErrLocked) {
			err = fmt.Errorf("%w (callqa index?): wait until it is done, then start serve again; once serve is up, callqa index can run beside it", err)
		}
		return nil, nil, nil, err
	}
	return index.Bleve{Index: live.Index()}, live, live.Close, nil
}

// displayAddr turns a listening address into one a browser can open:
// all interfaces become the local host name.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		} else {
			host = "localhost"
		}
	}
	return net.JoinHostPort(host, port)
}
