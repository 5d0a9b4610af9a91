// Package pgindex stores analyzed calls in PostgreSQL and searches them,
// giving the answers the Bleve index gives (it implements index.Reader
// and index.Writer): for a lender whose platform team already runs
// PostgreSQL and who has outgrown one machine.
//
// The schema (migrations/) has a table a kind of record: calls, turns,
// findings, call_tasks, and rule_versions as reference data. Each
// distributed table carries call_id first in its primary key and no
// foreign key crosses calls, so the schema runs unchanged on Citus
// (docs/scaling.md). Free text is searched over the words callqa's own
// segmenter produces, stored pre-segmented as a tsvector with a GIN index,
// so PostgreSQL needs no Chinese parser.
//
// Writes go in batches, one transaction each, loaded with COPY: a batch
// is in the database as a whole or not at all, so a load killed at any
// point (kill -9, the server going away) is completed by running it again,
// with no duplicate rows. A call is skipped when its content hash and
// rules version are those stored, and replaced otherwise.
//
//	db, err := pgindex.Open(ctx, "postgres://callqa@db/callqa", pgindex.Options{})
//	outcome, err := db.Add(res, rulesVersion)
//	err = db.Close() // commits the last batch
package pgindex

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/dburl"
)

//go:embed migrations
var migrationFS embed.FS

// migrationLock is the advisory lock key under which migrations run, so
// that two processes starting at once do not both apply one.
const migrationLock = 7411830

// sessionSettings are set on every connection unless the URL sets them
// (e.g. ?plan_cache_mode=auto). The driver prepares each statement once
// and runs it many times, and after five runs PostgreSQL may switch to one
// generic plan that ignores the values: for a search, whose best plan
// depends on how common its words and filter values are, that plan can be
// a thousand times slower (a 0.3 s query that timed out after 60 s), so
// each run is planned with its values. JIT compilation pays off for long
// analytic queries, not for searches that take milliseconds, and added
// about 20 ms to text searches whose estimated cost crossed its threshold.
var sessionSettings = map[string]string{
	"plan_cache_mode": "force_custom_plan",
	"jit":             "off",
}

// Options tune Open.
type Options struct {
	// BatchSize is the number of calls per committed transaction (default
	// index.DefaultBatchSize).
	BatchSize int
	// ReadOnly opens the database for searching: the schema must be the
	// one this callqa knows (an older one is an ErrOldSchema, never
	// migrated behind the user's back). A writer applies the migrations
	// the database lacks.
	ReadOnly bool
	// OnCommit, when set, is called after each committed batch with the
	// number of calls committed so far.
	OnCommit func(calls int)
	// Migrated, when set, is called with each migration a writer applied.
	Migrated func(Migration)
	// QueryTimeout bounds each search (default 60s).
	QueryTimeout time.Duration
}

// DB is an open results database.
type DB struct {
	pool  *pgxpool.Pool
	where string // the URL without its password, for messages
	url   string // the URL as given: only to scrub its password from driver errors
	opts  Options

	batch   []pending
	inBatch map[string]int // call id → position in batch
	commits int
	counts  index.Counts
}

// ErrOldSchema is returned (wrapped) by a read-only Open of a database
// whose schema is older than this callqa's: `callqa db migrate` updates it.
var ErrOldSchema = errors.New("the results schema is older than this callqa")

// ErrNoResults is returned (wrapped) by a read-only Open of a database
// that holds no callqa results.
var ErrNoResults = errors.New("no callqa results in this database")

// Open connects to the PostgreSQL database at url. A writer applies the
// migrations the database lacks; a reader (ReadOnly) checks that the
// schema is current. Every error names the database without its password
// and is one line.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	where := dburl.Redact(url)
	if !dburl.IsURL(url) {
		return nil, fmt.Errorf("%s: not a PostgreSQL URL (want postgres://user@host/database)", where)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = index.DefaultBatchSize
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = 60 * time.Second
	}
	if dburl.HasRawAt(url) {
		return nil, fmt.Errorf("%s: not a valid PostgreSQL URL: write an @ in the user name or password as %%40", where)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid PostgreSQL URL: %s", where, parseProblem(err, url))
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	for name, value := range sessionSettings {
		if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
			cfg.ConnConfig.RuntimeParams[name] = value
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where, dburl.Clean(err, url))
	}
	db := &DB{pool: pool, where: where, url: url, opts: opts, inBatch: map[string]int{}}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s: cannot connect: %s", where, dburl.Clean(err, url))
	}
	have, err := db.Version(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	all, err := Migrations()
	if err != nil {
		pool.Close()
		return nil, err
	}
	latest := all[len(all)-1].Version
	switch {
	case have > latest:
		pool.Close()
		return nil, fmt.Errorf("%s: the results schema is version %d, newer than this callqa knows (%d): use a newer callqa", where, have, latest)
	case opts.ReadOnly && have == 0:
		pool.Close()
		return nil, fmt.Errorf("%s: %w (load calls with callqa index --db URL)", where, ErrNoResults)
	case opts.ReadOnly && have < latest:
		pool.Close()
		return nil, fmt.Errorf("%s: %w: version %d, this callqa needs %d (run callqa db migrate --db URL)", where, ErrOldSchema, have, latest)
	case !opts.ReadOnly && have < latest:
		applied, err := db.Migrate(ctx)
		if err != nil {
			pool.Close()
			return nil, err
		}
		for _, m := range applied {
			if opts.Migrated != nil {
				opts.Migrated(m)
			}
		}
	}
	return db, nil
}

// connectTimeout bounds each connection attempt when the URL sets no
// connect_timeout: a server that does not answer is an error, not a hang.
const connectTimeout = 15 * time.Second

// quotedURL is the driver's "cannot parse `URL`: " before what is wrong
// with a URL: the message names the database already.
var quotedURL = regexp.MustCompile("^cannot parse `[^`]*`: ")

// parseProblem is what the driver found wrong with a URL, on one line and
// without the URL (and so its password).
func parseProblem(err error, url string) string {
	return quotedURL.ReplaceAllString(dburl.Clean(err, url), "")
}

// Where names the database, without its password.
func (db *DB) Where() string { return db.where }

// Pool is the connection pool, for tests and benchmarks that look at the
// tables themselves.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Migration is one schema change shipped in the binary.
type Migration struct {
	Version int
	Name    string
	sql     string
}

// Migrations lists the schema changes in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, rest, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(rest, ".sql") {
			return nil, fmt.Errorf("migrations/%s: want NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrationFS, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// versionTable records the migrations applied; its name leaves
// schema_migrations to the decisions database (package review), which may
// share the database.
const versionTable = "results_schema_migrations"

// Version is the schema version of the database: 0 before the first
// migration.
func (db *DB) Version(ctx context.Context) (int, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, versionTable).Scan(&exists); err != nil {
		return 0, db.errorf("reading the schema version", err)
	}
	if !exists {
		return 0, nil
	}
	var v *int
	if err := db.pool.QueryRow(ctx, `SELECT MAX(version) FROM `+versionTable).Scan(&v); err != nil {
		return 0, db.errorf("reading the schema version", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction under an advisory lock, and returns those it applied.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+versionTable+` (
		version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, db.errorf("creating "+versionTable, err)
	}
	var applied []Migration
	for _, m := range all {
		done, err := db.applyOne(ctx, m, all[len(all)-1].Version)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

func (db *DB) applyOne(ctx context.Context, m Migration, latest int) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, db.errorf("migrating", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return false, db.errorf("migrating", err)
	}
	var have *int
	if err := tx.QueryRow(ctx, `SELECT MAX(version) FROM `+versionTable).Scan(&have); err != nil {
		return false, db.errorf("reading the schema version", err)
	}
	v := 0
	if have != nil {
		v = *have
	}
	if v > latest {
		return false, fmt.Errorf("%s: the results schema is version %d, newer than this callqa knows (%d): use a newer callqa", db.where, v, latest)
	}
	if v >= m.Version {
		return false, nil
	}
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return false, db.errorf(fmt.Sprintf("migration %04d_%s", m.Version, m.Name), err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+versionTable+` (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
		return false, db.errorf("migrating", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, db.errorf(fmt.Sprintf("migration %04d_%s", m.Version, m.Name), err)
	}
	return true, nil
}

// errorf is one line naming the database and what it was doing; the
// driver's text is cleaned of any password.
func (db *DB) errorf(doing string, err error) error {
	return &Error{Where: db.where, Doing: doing, Err: err, text: dburl.Clean(err, db.url)}
}

// Error is a database error with where it happened and what callqa was
// doing, on one line and without a password.
type Error struct {
	Where, Doing string
	Err          error
	text         string // Err's text, cleaned
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Where, e.Doing, e.text)
}

func (e *Error) Unwrap() error { return e.Err }

// Close commits the pending batch (a writer's) and closes the
// connections.
func (db *DB) Close() error {
	err := db.Flush()
	db.pool.Close()
	return err
}
