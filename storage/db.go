package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attrlab/attrlab/tracking"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema is returned (wrapped) by Open for a database written by a
// newer version of attrlab.
var ErrNewerSchema = errors.New("the database was written by a newer version of attrlab")

// Options tunes Open. The zero value is what the app uses.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// StaleAfter is how old a RUNNING run's heartbeat may be before Open
	// marks the run KILLED; 0 means DefaultStaleAfter.
	StaleAfter time.Duration
	// BusyTimeout is how long a statement waits for another process's
	// lock; 0 means 10 seconds.
	BusyTimeout time.Duration
}

// DefaultStaleAfter is how long a RUNNING run may go without a heartbeat
// before it counts as killed.
const DefaultStaleAfter = 2 * time.Minute

// Store is the SQLite run store. It is safe for concurrent use, and
// several processes may open the same file.
type Store struct {
	path  string
	w     *sql.DB // one connection; transactions begin IMMEDIATE
	r     *sql.DB // read pool
	now   func() time.Time
	stale time.Duration

	mu      sync.Mutex
	keyIDs  map[string]int64 // metric key -> metric_keys.id, committed ones only
	version int
}

var _ tracking.Store = (*Store)(nil)

// DefaultPath returns where the run store lives when neither --db nor
// ATTRLAB_DB says: attrlab/attrlab.db in the user's data folder
// ($XDG_DATA_HOME, or ~/.local/share; the platform's application data
// folder on macOS and Windows).
func DefaultPath() (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the user data folder: %w", err)
		}
		dir = d
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			dir = d
		} else {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("find the user data folder: %w", err)
			}
			dir = filepath.Join(home, ".local", "share")
		}
	}
	return filepath.Join(dir, "attrlab", "attrlab.db"), nil
}

// Open opens (creating if needed) the run store at path with default
// options.
func Open(path string) (*Store, error) {
	return OpenWith(context.Background(), path, Options{})
}

// OpenWith opens the run store at path: it checks the schema version,
// applies pending migrations and marks runs with a stale heartbeat KILLED.
func OpenWith(ctx context.Context, path string, opt Options) (*Store, error) {
	s, err := open(ctx, path, opt)
	if err != nil {
		return nil, fmt.Errorf("open run store %s: %w", path, err)
	}
	return s, nil
}

func open(ctx context.Context, path string, opt Options) (*Store, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, errors.New("give the path of a database file")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	migs, err := migrations()
	if err != nil {
		return nil, err
	}
	if err := checkVersion(ctx, abs, len(migs), opt); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, err
	}
	s := &Store{path: abs, now: opt.Now, stale: opt.StaleAfter, keyIDs: map[string]int64{}, version: len(migs)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.stale == 0 {
		s.stale = DefaultStaleAfter
	}
	busy := opt.BusyTimeout
	if busy == 0 {
		busy = 10 * time.Second
	}
	s.w, err = sql.Open("sqlite", dsn(abs, busy, false))
	if err != nil {
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		s.w.Close()
		return nil, err
	}
	if !strings.EqualFold(mode, "wal") {
		s.w.Close()
		return nil, fmt.Errorf("journal mode is %q, not WAL: put the database on a local disk", mode)
	}
	if err := s.migrate(ctx, migs); err != nil {
		s.w.Close()
		return nil, err
	}
	s.r, err = sql.Open("sqlite", dsn(abs, busy, true))
	if err != nil {
		s.w.Close()
		return nil, err
	}
	s.r.SetMaxOpenConns(max(2, runtime.GOMAXPROCS(0)))
	if err := s.markStale(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the driver's connection string: pragmas with busy_timeout
// first (modernc.org/sqlite also runs it first), and for the writer
// IMMEDIATE transactions so that a writer waits for the lock up front
// instead of failing when it upgrades a read.
func dsn(path string, busy time.Duration, readOnly bool) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path
	}
	q := []string{
		"_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")",
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
	}
	if readOnly {
		q = append(q, "_pragma=query_only(1)")
	} else {
		q = append(q, "_txlock=immediate")
	}
	return u.String() + "?" + strings.Join(q, "&")
}

// checkVersion reads an existing database's user_version through a
// read-only connection, so that a database from a newer attrlab is
// refused before anything (even the journal mode) is written to it.
func checkVersion(ctx context.Context, path string, known int, opt Options) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String()+"&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > known {
		return fmt.Errorf("%w: its schema version is %d and this attrlab knows versions up to %d; upgrade attrlab, or use another file with --db (nothing was changed)", ErrNewerSchema, v, known)
	}
	return nil
}

// migrations returns the embedded migration scripts in order: file N is
// named NNNN_*.sql and upgrades the schema from version N-1 to N. A number
// with no file (one reserved for work on another branch) is an empty
// script: a version that changes nothing.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []string
	for _, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n <= len(out) {
			return nil, fmt.Errorf("migration %s: expected a number above %04d", base, len(out))
		}
		for len(out) < n-1 {
			out = append(out, "")
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// migrate applies pending migrations, each with its user_version bump in
// one immediate transaction; another process migrating at the same time
// simply finds the work done.
func (s *Store) migrate(ctx context.Context, migs []string) error {
	for {
		done, err := s.migrateOne(ctx, migs)
		if err != nil || done {
			return err
		}
	}
}

func (s *Store) migrateOne(ctx context.Context, migs []string) (done bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migs) {
		return false, fmt.Errorf("%w: schema version %d, this attrlab knows up to %d", ErrNewerSchema, v, len(migs))
	}
	if v == len(migs) {
		return true, nil
	}
	if migs[v] != "" {
		if _, err := tx.ExecContext(ctx, migs[v]); err != nil {
			return false, fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(v+1)); err != nil {
		return false, fmt.Errorf("migrate schema to version %d: %w", v+1, err)
	}
	return false, tx.Commit()
}

// markStale marks RUNNING runs whose heartbeat is older than StaleAfter
// KILLED, ending them at their last heartbeat.
func (s *Store) markStale(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cutoff := s.now().Add(-s.stale).UnixMilli()
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'KILLED', end_ms = heartbeat_ms
		WHERE status = 'RUNNING' AND heartbeat_ms < ?`, cutoff); err != nil {
		return fmt.Errorf("mark interrupted runs killed: %w", err)
	}
	return tx.Commit()
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// SchemaVersion returns the schema version this build migrates to.
func (s *Store) SchemaVersion() int { return s.version }

// Close closes the store's connections.
func (s *Store) Close() error {
	var err error
	if s.r != nil {
		err = s.r.Close()
	}
	if s.w != nil {
		err = errors.Join(err, s.w.Close())
	}
	return err
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil if it says ok.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
