package review

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	// The two database drivers: pure Go, so callqa stays one static binary.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/callqa/callqa/internal/dburl"
)

//go:embed migrations
var migrationFS embed.FS

// Dialect is the kind of database a store talks to.
type Dialect string

// The dialects: an embedded SQLite file, or a PostgreSQL server.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database of record for decisions. Every write is one
// transaction; a method that returns without error has committed.
type Store struct {
	db      *sql.DB
	dialect Dialect
	// where names the database in messages, without a password.
	where string
	now   func() time.Time
}

// DefaultPath is the SQLite file beside an index directory: callqa.bleve
// keeps its decisions in callqa.review.db. The file sits outside the index
// directory, so rebuilding the index never touches a decision.
func DefaultPath(indexDir string) string {
	dir := filepath.Clean(indexDir)
	return strings.TrimSuffix(dir, ".bleve") + ".review.db"
}

// IsURL reports whether a --db value names a PostgreSQL server rather than
// a SQLite file.
func IsURL(db string) bool { return dburl.IsURL(db) }

// Redact is a database location fit for messages: a URL's password is
// replaced by "xxxxx".
func Redact(db string) string { return dburl.Redact(db) }

// Open opens the decisions database at db (a SQLite file path, created when
// missing, or a postgres:// URL) and applies the migrations it lacks.
func Open(ctx context.Context, db string) (*Store, error) {
	s, err := OpenNoMigrate(ctx, db)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenNoMigrate opens the database without applying migrations; Migrate
// applies them. Open is what commands use.
func OpenNoMigrate(ctx context.Context, db string) (*Store, error) {
	s := &Store{where: Redact(db), now: time.Now}
	var err error
	if IsURL(db) {
		s.dialect = Postgres
		s.db, err = sql.Open("pgx", db)
	} else {
		s.dialect = SQLite
		if db == "" {
			return nil, errors.New("no database: give --db FILE or --db postgres://…")
		}
		// Immediate transactions take the write lock at BEGIN, so two
		// writers queue instead of failing on a lock upgrade; WAL with
		// synchronous=FULL makes a committed decision survive a crash.
		dsn := "file:" + db + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
		s.db, err = sql.Open("sqlite", dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.where, err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("%s: cannot open the decisions database: %s", s.where, cleanErr(err, db))
	}
	return s, nil
}

// cleanErr is a driver's error text with the connection string's password
// taken out, should the driver have quoted it.
func cleanErr(err error, db string) string { return dburl.Clean(err, db) }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is the kind of database the store talks to.
func (s *Store) Dialect() Dialect { return s.dialect }

// Where names the database, without a password.
func (s *Store) Where() string { return s.where }

// ts is a time as the database stores it.
func (s *Store) ts(t time.Time) interface{} {
	if s.dialect == SQLite {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return t.UTC()
}

// dbTime scans a time column of either dialect; an empty or NULL one is
// the zero time.
type dbTime struct{ t time.Time }

func (d *dbTime) Scan(v interface{}) error {
	switch x := v.(type) {
	case nil:
		d.t = time.Time{}
	case time.Time:
		d.t = x.UTC()
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	return nil
}

func (d *dbTime) parse(s string) error {
	if s == "" {
		d.t = time.Time{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	d.t = t.UTC()
	return err
}

// Migration is one schema change shipped in the binary.
type Migration struct {
	Version int
	Name    string
	sql     string
}

// Migrations lists the schema changes of a dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := "migrations/" + string(d)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: the name must be NNNN_what.sql", dir, name)
		}
		b, err := migrationFS.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations of %s: version %d where %d was expected", d, m.Version, i+1)
		}
	}
	return out, nil
}

// Version is the schema version of the database (0 before the first
// migration).
func (s *Store) Version(ctx context.Context) (int, error) {
	if err := s.ensureVersionTable(ctx); err != nil {
		return 0, err
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("%s: reading the schema version: %w", s.where, err)
	}
	return int(v.Int64), nil
}

func (s *Store) ensureVersionTable(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("%s: creating schema_migrations: %w", s.where, err)
	}
	return nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction, and returns those it applied. A database newer than this
// binary is an error: an older callqa must not write to it.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := Migrations(s.dialect)
	if err != nil {
		return nil, err
	}
	if err := s.ensureVersionTable(ctx); err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		done, err := s.applyOne(ctx, m, len(all))
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

// applyOne applies m unless the database has it, under a lock that keeps
// two callqa processes from applying the same migration.
func (s *Store) applyOne(ctx context.Context, m Migration, latest int) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.where, err)
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7411829)`); err != nil {
			return false, fmt.Errorf("%s: %w", s.where, err)
		}
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&have); err != nil {
		return false, fmt.Errorf("%s: reading the schema version: %w", s.where, err)
	}
	if int(have.Int64) > latest {
		return false, fmt.Errorf("%s: the decisions database has schema version %d, newer than this callqa knows (%d); use a newer callqa", s.where, have.Int64, latest)
	}
	if int(have.Int64) >= m.Version {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("%s: migration %04d_%s: %w", s.where, m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, s.now().UTC().Format(time.RFC3339)); err != nil {
		return false, fmt.Errorf("%s: %w", s.where, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("%s: migration %04d_%s: %w", s.where, m.Version, m.Name, err)
	}
	return true, nil
}
