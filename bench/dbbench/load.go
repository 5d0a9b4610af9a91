package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/dburl"
	"github.com/callqa/callqa/internal/procmem"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// childArg, as the first argument, makes dbbench the child that loads one
// backend from a cache file and prints what it measured as JSON.
const childArg = "-load-child"

// loadReport is what loading one backend measured.
type loadReport struct {
	Cache   string       `json:"cache"`
	Calls   int          `json:"calls"`
	Seconds float64      `json:"seconds"`
	Rate    float64      `json:"calls_per_second"`
	CPU     float64      `json:"cpu_seconds"`
	Counts  index.Counts `json:"counts"`
	PeakRSS int64        `json:"peak_rss_bytes"`
	// Analyze is the time of the ANALYZE run after a PostgreSQL load, so
	// that the planner knows the tables (not part of Seconds).
	Analyze float64 `json:"analyze_seconds,omitempty"`
	// Resumed: the store was there, incomplete, and this load completed
	// it (its rate is not a load from empty). Reused: the store was there,
	// complete; the figures are those of the run that loaded it.
	Resumed bool   `json:"resumed,omitempty"`
	Reused  bool   `json:"reused,omitempty"`
	At      string `json:"at"`
}

// store is where one backend keeps the calls of one size.
type store interface {
	name() string
	describe() string
	exists() (bool, error)
	create() error
	remove() error
	// target is what the child loads into: a folder or a database URL.
	target() string
	size(br *backendReport) error
	open() (index.Reader, func() error, error)
	// afterLoad prepares a freshly loaded store for queries.
	afterLoad(lr *loadReport) error
}

func newStore(c config, backend string, n int) (store, error) {
	switch backend {
	case bleveName:
		return bleveStore{dir: filepath.Join(c.dir, fmt.Sprintf("bleve-n%d-seed%d.bleve", n, c.seed))}, nil
	case pgName:
		return newPGStore(c.pg, fmt.Sprintf("dbbench_n%d_seed%d", n, c.seed))
	}
	return nil, fmt.Errorf("unknown backend %q", backend)
}

// recordPath is the file that records a complete load of a store.
func recordPath(c config, backend string, n int) string {
	return filepath.Join(c.dir, fmt.Sprintf("load-%s-n%d-seed%d.json", backend, n, c.seed))
}

// loadBackend loads the cache into the backend's store, in a child
// process, unless -reuse finds it loaded from the same cache.
func loadBackend(c config, st store, cache *cacheReport, n int, br *backendReport) error {
	exists, err := st.exists()
	if err != nil {
		return err
	}
	rec := recordPath(c, st.name(), n)
	if exists && c.reuse {
		var lr loadReport
		if b, err := os.ReadFile(rec); err == nil && json.Unmarshal(b, &lr) == nil && lr.Cache == cache.Path && lr.Calls == n {
			log.Printf("%s: reusing %s, loaded %s", st.name(), st.describe(), lr.At)
			lr.Reused = true
			br.Load = lr
			return nil
		}
		log.Printf("%s: completing the load of %s", st.name(), st.describe())
	} else {
		if exists {
			log.Printf("%s: removing %s left by an earlier run (-reuse keeps it)", st.name(), st.describe())
			if err := st.remove(); err != nil {
				return err
			}
		}
		if err := st.create(); err != nil {
			return err
		}
	}
	os.Remove(rec)
	lr, err := runLoadChild(c, st, cache.Path)
	if err != nil {
		return err
	}
	lr.Resumed = exists && c.reuse
	if lr.Calls != n {
		return fmt.Errorf("%s: loaded %d calls, the cache holds %d", st.name(), lr.Calls, n)
	}
	if err := st.afterLoad(&lr); err != nil {
		return err
	}
	br.Load = lr
	b, err := json.MarshalIndent(lr, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(rec, b, 0o644)
}

// runLoadChild runs this program as the child that loads the store,
// polling its peak resident memory.
func runLoadChild(c config, st store, cachePath string) (loadReport, error) {
	var lr loadReport
	exe, err := os.Executable()
	if err != nil {
		return lr, err
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return lr, err
	}
	log.Printf("%s: loading %s into %s", st.name(), filepath.Base(cachePath), st.describe())
	cmd := exec.Command(exe, childArg, "-backend", st.name(), "-cache", cachePath,
		"-store", st.target(), "-batch", fmt.Sprint(c.batch))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Start(); err != nil {
		return lr, err
	}
	rss, err := procmem.Wait(cmd, exe)
	if err != nil {
		return lr, fmt.Errorf("%s: the load failed (%v); -reuse completes it", st.name(), err)
	}
	if err := json.Unmarshal(out.Bytes(), &lr); err != nil {
		return lr, fmt.Errorf("%s: reading what the load measured: %w", st.name(), err)
	}
	lr.PeakRSS = rss
	return lr, nil
}

// runChild loads the cache file into one store and prints a loadReport.
func runChild(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("dbbench "+childArg, flag.ExitOnError)
	backend := fs.String("backend", "", "bleve or pg")
	cache := fs.String("cache", "", "cache file")
	target := fs.String("store", "", "Bleve folder or database URL")
	batch := fs.Int("batch", index.DefaultBatchSize, "calls per batch")
	fs.Parse(args)
	start, cpu0 := time.Now(), cpuTime()
	var w index.Writer
	switch *backend {
	case bleveName:
		ix, err := index.Open(*target, index.Options{BatchSize: *batch})
		if err != nil {
			return err
		}
		w = ix
	case pgName:
		db, err := pgindex.Open(context.Background(), *target, pgindex.Options{BatchSize: *batch})
		if err != nil {
			return err
		}
		w = db
	default:
		return fmt.Errorf("unknown backend %q", *backend)
	}
	n := 0
	err := readCache(*cache, func(res *result.Result, version string) error {
		if _, err := w.Add(res, version); err != nil {
			return err
		}
		if n++; n%progressEvery == 0 {
			log.Printf("%s: loaded %d calls (%.0f calls/s)", *backend, n, float64(n)/time.Since(start).Seconds())
		}
		return nil
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	lr := loadReport{Cache: *cache, Calls: n, Seconds: secs, Rate: float64(n) / secs,
		CPU: (cpuTime() - cpu0).Seconds(), Counts: w.Tally(), At: time.Now().Format(time.RFC3339)}
	log.Printf("%s: loaded %d calls in %.0f s (%.0f calls/s; %d added, %d updated, %d unchanged)",
		*backend, n, secs, lr.Rate, lr.Counts.Added, lr.Counts.Updated, lr.Counts.Unchanged)
	return json.NewEncoder(out).Encode(lr)
}

// cpuTime is the user + system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bleveStore is an index folder.
type bleveStore struct{ dir string }

func (s bleveStore) name() string     { return bleveName }
func (s bleveStore) describe() string { return s.dir }
func (s bleveStore) target() string   { return s.dir }
func (s bleveStore) create() error    { return nil }
func (s bleveStore) remove() error    { return os.RemoveAll(s.dir) }

func (s bleveStore) exists() (bool, error) {
	_, err := os.Stat(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (s bleveStore) afterLoad(*loadReport) error { return nil }

// size is what du says of the folder: the blocks its files take.
func (s bleveStore) size(br *backendReport) error {
	var n int64
	err := filepath.WalkDir(s.dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		} else {
			n += fi.Size()
		}
		return nil
	})
	br.Disk = n
	return err
}

func (s bleveStore) open() (index.Reader, func() error, error) {
	ix, err := index.Open(s.dir, index.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return index.Bleve{Index: ix.Bleve()}, ix.Close, nil
}

// pgStore is a database of its own on the server.
type pgStore struct {
	server, db string // server URL (any database), database name
	dbURL      string
}

func newPGStore(server, db string) (*pgStore, error) {
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("-pg %s: not a URL", dburl.Redact(server))
	}
	u.Path = "/" + db
	return &pgStore{server: server, db: db, dbURL: u.String()}, nil
}

func (s *pgStore) name() string     { return pgName }
func (s *pgStore) describe() string { return "database " + s.db + " on " + dburl.Redact(s.server) }
func (s *pgStore) target() string   { return s.dbURL }

// admin runs fn on a connection to the server's own database.
func (s *pgStore) admin(fn func(ctx context.Context, conn *pgx.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.server)
	if err != nil {
		return fmt.Errorf("%s: %s", dburl.Redact(s.server), dburl.Clean(err, s.server))
	}
	defer conn.Close(ctx)
	if err := fn(ctx, conn); err != nil {
		return fmt.Errorf("%s: %s", s.describe(), dburl.Clean(err, s.server))
	}
	return nil
}

func (s *pgStore) exists() (bool, error) {
	var found bool
	err := s.admin(func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, s.db).Scan(&found)
	})
	return found, err
}

func (s *pgStore) create() error {
	return s.admin(func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{s.db}.Sanitize())
		return err
	})
}

func (s *pgStore) remove() error {
	return s.admin(func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{s.db}.Sanitize()+` WITH (FORCE)`)
		return err
	})
}

// inDB runs fn on a connection to the bench database.
func (s *pgStore) inDB(fn func(ctx context.Context, conn *pgx.Conn) error) error {
	return (&pgStore{server: s.dbURL, db: s.db}).admin(fn)
}

// afterLoad runs ANALYZE, as autovacuum would after a while, so that the
// planner knows the tables the load filled.
func (s *pgStore) afterLoad(lr *loadReport) error {
	start := time.Now()
	err := s.inDB(func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `ANALYZE`)
		return err
	})
	lr.Analyze = time.Since(start).Seconds()
	return err
}

// pgTables are the tables of the results, whose sizes are reported.
var pgTables = []string{"calls", "turns", "findings", "call_tasks", "rule_versions"}

// size is pg_database_size of the bench database and
// pg_total_relation_size (table, its indexes and TOAST) of each table.
func (s *pgStore) size(br *backendReport) error {
	br.Tables = map[string]int64{}
	return s.inDB(func(ctx context.Context, conn *pgx.Conn) error {
		if err := conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&br.Disk); err != nil {
			return err
		}
		for _, t := range pgTables {
			var n int64
			if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size($1::regclass)`, t).Scan(&n); err != nil {
				return err
			}
			br.Tables[t] = n
		}
		return nil
	})
}

func (s *pgStore) open() (index.Reader, func() error, error) {
	db, err := pgindex.Open(context.Background(), s.dbURL, pgindex.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return db, db.Close, nil
}

// serverVersion is the PostgreSQL server's version string.
func serverVersion(server string) (string, error) {
	var v string
	err := (&pgStore{server: server, db: "(server)"}).admin(func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, `SHOW server_version`).Scan(&v)
	})
	return v, err
}
