package storage

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/attrlab/attrlab/tracking"
	"modernc.org/sqlite" // the "sqlite" driver, and its error codes
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema is returned (wrapped) by Open for a database written by a
// newer version of attrlab.
var ErrNewerSchema = errors.New("the database was written by a newer version of attrlab")

// ErrNotOurs is returned (wrapped) by Open for a file that is not an
// attrlab run store: another program's SQLite database, or not SQLite at
// all. Open refuses it before writing anything, so it stays byte-identical.
var ErrNotOurs = errors.New("not an attrlab run store")

// ErrNotAFile is returned (wrapped) by Open when the path names a folder
// (or another non-file).
var ErrNotAFile = errors.New("not a file")

// ErrReadOnly is returned (wrapped) by Open when the run store, or the
// folder it lives in, cannot be written: SQLite needs to write the store and
// its -wal and -shm files beside it.
var ErrReadOnly = errors.New("read-only")

// ErrDiskFull is returned (wrapped) when the disk holding the run store
// has no space left: SQLite could not write the store or its -wal or -shm
// file. The store is left as it was.
var ErrDiskFull = errors.New("the disk is full")

// ApplicationID is the PRAGMA application_id every attrlab store carries
// ("attl"); a SQLite file with another id belongs to another program.
const ApplicationID = 0x6174746c

// Options tunes Open. The zero value is what the app uses.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// StaleAfter is how old a RUNNING run's heartbeat may be before Open
	// marks the run KILLED; 0 means DefaultStaleAfter.
	StaleAfter time.Duration
	// BusyTimeout is how long a write waits for another process's write
	// lock before it fails; 0 means it waits until its context ends.
	BusyTimeout time.Duration
	// OnWait, when set, is called about once a second while a write waits
	// for another process's write lock, with the time waited so far.
	OnWait func(waited time.Duration)
}

// DefaultStaleAfter is how long a RUNNING run may go without a heartbeat
// before it counts as killed.
const DefaultStaleAfter = 2 * time.Minute

// waitSlice is how long one attempt at the write lock waits inside
// SQLite before OnWait is told and the attempt repeated.
const waitSlice = time.Second

// Store is the SQLite run store. It is safe for concurrent use, and
// several processes may open the same file.
type Store struct {
	path   string
	w      *sql.DB // one connection; transactions begin IMMEDIATE
	r      *sql.DB // read pool
	now    func() time.Time
	stale  time.Duration
	busy   time.Duration
	onWait func(time.Duration)
	// readOnly is set for a store on a read-only mount: r and w are one
	// immutable connection pool, and writes fail with ErrReadOnly.
	readOnly bool

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

// OpenWith opens the run store at path: it checks that the file is an
// attrlab store (creating a new one only where there is no file or an empty
// one), checks the schema version, applies pending migrations and marks
// runs with a stale heartbeat KILLED when it can do so without waiting.
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
	legacy, err := ensureOurs(ctx, abs, migs)
	if err != nil {
		return nil, err
	}
	s := &Store{path: abs, now: opt.Now, stale: opt.StaleAfter, busy: opt.BusyTimeout, onWait: opt.OnWait,
		keyIDs: map[string]int64{}, version: len(migs)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.stale == 0 {
		s.stale = DefaultStaleAfter
	}
	if onReadOnlyMount(abs) {
		return openReadOnly(ctx, s, len(migs))
	}
	// The read pool first: the version check and the stale-run check read,
	// and reads in WAL mode never wait for a writer.
	s.r, err = sql.Open("sqlite", dsn(abs, 10*time.Second, true))
	if err != nil {
		return nil, err
	}
	s.r.SetMaxOpenConns(max(2, runtime.GOMAXPROCS(0)))
	s.w, err = sql.Open("sqlite", dsn(abs, waitSlice, false))
	if err != nil {
		s.r.Close()
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	fail := func(err error) (*Store, error) {
		s.Close()
		return nil, readOnlyError(abs, err)
	}
	var mode string
	if err := s.r.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fail(fmt.Errorf("journal mode is %q, not WAL: put the database on a local disk", mode))
	}
	var v, app int
	if err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fail(fmt.Errorf("read schema version: %w", err))
	}
	if err := s.r.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return fail(fmt.Errorf("read application id: %w", err))
	}
	if v > len(migs) {
		return fail(newerSchema(v, len(migs)))
	}
	if v < len(migs) || app != ApplicationID || legacy {
		if err := s.migrate(ctx, migs); err != nil {
			return fail(err)
		}
	}
	if err := s.markStale(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// openReadOnly opens a store on a read-only mount for reading: as an
// immutable file (nobody can change it there, and SQLite could not make
// its -shm file). Every write fails with ErrReadOnly.
func openReadOnly(ctx context.Context, s *Store, known int) (*Store, error) {
	if fi, err := os.Stat(s.path + "-wal"); err == nil && fi.Size() > 0 {
		// Committed runs may sit in the -wal file, which an immutable
		// reading would miss.
		return nil, fmt.Errorf("%w: the run store is on a read-only file system with unfinished changes in %s-wal; open it once where it can be written", ErrReadOnly, filepath.Base(s.path))
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(s.path), RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	s.r, s.w, s.readOnly = db, db, true
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case v > known:
		db.Close()
		return nil, newerSchema(v, known)
	case v < known:
		db.Close()
		return nil, fmt.Errorf("%w: the run store needs an upgrade to schema version %d, but it is on a read-only file system; copy it to a writable folder", ErrReadOnly, known)
	}
	return s, nil
}

func newerSchema(v, known int) error {
	return fmt.Errorf("%w: its schema version is %d and this attrlab knows versions up to %d; upgrade attrlab, or use another file with --db (nothing was changed)", ErrNewerSchema, v, known)
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

// sqliteMagic begins every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// ensureOurs makes sure path is an attrlab store before anything opens it
// for writing. A missing or empty file becomes a new store, built in a
// temporary file and moved into place whole, so that a kill at any moment
// leaves either no store or a complete one. An existing file must be
// SQLite with attrlab's application id, or (legacy reports true) a store
// from before the id was set, recognised by its schema through a
// read-only connection; anything else is refused untouched.
func ensureOurs(ctx context.Context, path string, migs []string) (legacy bool, err error) {
	// After creating the store, look again: what is there now passes the
	// same checks, whoever made it.
	for range 3 {
		created, legacy, err := checkOurs(ctx, path, migs)
		if err != nil || !created {
			return legacy, err
		}
	}
	return false, fmt.Errorf("%w: the file keeps changing while attrlab creates the store", ErrNotOurs)
}

// checkOurs does ensureOurs' checks once; created says it made a new
// store (or tried to) and the checks must be run again.
func checkOurs(ctx context.Context, path string, migs []string) (created, legacy bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, false, create(ctx, path, migs, false)
	case err != nil:
		return false, false, readOnlyError(path, err)
	case fi.IsDir():
		return false, false, fmt.Errorf("%w: it is a folder; give the path of a database file inside it, e.g. %s", ErrNotAFile, filepath.Join(path, "attrlab.db"))
	case !fi.Mode().IsRegular():
		return false, false, fmt.Errorf("%w: it is not a regular file", ErrNotAFile)
	}
	if fi.Size() == 0 || abandonedNewFile(path) {
		return true, false, create(ctx, path, migs, true)
	}
	legacy, err = checkExisting(ctx, path, len(migs))
	return false, legacy, err
}

// checkExisting checks an existing, non-empty file: SQLite's header, then
// attrlab's application id, or for a file without one (legacy) attrlab's
// schema, read through a read-only connection.
func checkExisting(ctx context.Context, path string, known int) (legacy bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, readOnlyError(path, err)
	}
	var hdr [100]byte
	n, _ := io.ReadFull(f, hdr[:])
	f.Close()
	if n < len(hdr) || string(hdr[:16]) != sqliteMagic {
		return false, fmt.Errorf("%w: the file is not an SQLite database; choose another file with --db (nothing was changed)", ErrNotOurs)
	}
	switch app := binary.BigEndian.Uint32(hdr[68:72]); app {
	case ApplicationID:
		// The header's version may lag behind a -wal file, never ahead.
		if v := int(binary.BigEndian.Uint32(hdr[60:64])); v > known {
			return false, newerSchema(v, known)
		}
		return false, nil
	case 0:
		return true, checkLegacy(ctx, path, known)
	default:
		return false, fmt.Errorf("%w: it is another program's SQLite database (application id %#x); choose another file with --db (nothing was changed)", ErrNotOurs, app)
	}
}

// Precheck tells, without creating or changing anything, whether Open
// would refuse path as a run store: a folder, a file that is not an
// attrlab store, or a store from a newer attrlab. A command calls it
// before long work whose result goes to the store, so that a wrong --db
// fails at once rather than after the work. A missing or empty file
// passes (Open creates the store).
func Precheck(ctx context.Context, path string) error {
	err := precheck(ctx, path)
	if err != nil {
		return fmt.Errorf("open run store %s: %w", path, err)
	}
	return nil
}

func precheck(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return readOnlyError(abs, err)
	case fi.IsDir():
		return fmt.Errorf("%w: it is a folder; give the path of a database file inside it, e.g. %s", ErrNotAFile, filepath.Join(abs, "attrlab.db"))
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: it is not a regular file", ErrNotAFile)
	case fi.Size() == 0 || abandonedNewFile(abs):
		return nil
	}
	migs, err := migrations()
	if err != nil {
		return err
	}
	_, err = checkExisting(ctx, abs, len(migs))
	return err
}

// ourTables are the tables every attrlab schema has had since version 1.
var ourTables = []string{"experiments", "runs", "params", "metric_keys", "metrics", "latest_metrics", "results", "tags", "artifacts", "datasets"}

// checkLegacy recognises a store written before attrlab set its
// application id, through a read-only connection: a schema version of at
// least 1 and all of attrlab's tables.
//
// Without a -wal file beside it the file is read as immutable, so that not
// even -wal and -shm files appear beside another program's database.
func checkLegacy(ctx context.Context, path string, known int) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro"}
	if _, err := os.Stat(path + "-wal"); err != nil {
		u.RawQuery += "&immutable=1"
	}
	db, err := sql.Open("sqlite", u.String()+"&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("%w: cannot read it as an attrlab store (%v); choose another file with --db (nothing was changed)", ErrNotOurs, err)
	}
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		return fmt.Errorf("%w: cannot read its tables (%v); choose another file with --db (nothing was changed)", ErrNotOurs, err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range ourTables {
		if !have[t] || v < 1 {
			return fmt.Errorf("%w: it is another program's SQLite database; choose another file with --db (nothing was changed)", ErrNotOurs)
		}
	}
	if v > known {
		return newerSchema(v, known)
	}
	return nil
}

// abandonedNewFile reports whether path is what an older attrlab, killed
// while creating a new store, left behind: a hot rollback journal whose
// header says the database had no pages before the transaction. Such a
// file held nothing, so it counts as empty.
func abandonedNewFile(path string) bool {
	f, err := os.Open(path + "-journal")
	if err != nil {
		return false
	}
	defer f.Close()
	var hdr [28]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return false
	}
	const journalMagic = "\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"
	return string(hdr[:8]) == journalMagic && binary.BigEndian.Uint32(hdr[16:20]) == 0
}

// create builds a new store at path: schema and application id in a
// temporary file beside it, which is then linked (or, over an empty
// file, renamed) into place. Another process creating the same store at
// the same moment wins or loses cleanly.
func create(ctx context.Context, path string, migs []string, replaceEmpty bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return readOnlyError(path, err)
	}
	removeStaleInits(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.init")
	if err != nil {
		return readOnlyError(path, err)
	}
	name := tmp.Name()
	tmp.Close()
	defer func() {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			os.Remove(name + suffix)
		}
	}()
	if err := initFile(ctx, name, migs); err != nil {
		return readOnlyError(path, err)
	}
	if replaceEmpty {
		// Only an empty file (or one left by an interrupted creation) is
		// replaced; check again right before.
		if fi, err := os.Stat(path); err == nil && (fi.Size() == 0 || abandonedNewFile(path)) {
			os.Remove(path + "-journal")
			if err := os.Rename(name, path); err != nil {
				return readOnlyError(path, err)
			}
			syncDir(dir)
		}
		return nil
	}
	if err := os.Link(name, path); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system: rename, unless the store
		// appeared meanwhile.
		if _, serr := os.Stat(path); serr == nil {
			return nil
		}
		if err := os.Rename(name, path); err != nil {
			return readOnlyError(path, err)
		}
	}
	syncDir(dir)
	return nil
}

// initFile writes the whole schema into the new file name and switches it
// to WAL; closing the last connection checkpoints, so the file is complete
// on its own. It is then flushed to disk.
func initFile(ctx context.Context, name string, migs []string) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(name)}
	db, err := sql.Open("sqlite", u.String()+"?_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, m := range migs {
		if m == "" {
			continue // a number left free for another migration
		}
		if _, err := tx.ExecContext(ctx, m); err != nil {
			return fmt.Errorf("create schema version %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(migs))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA application_id = "+strconv.Itoa(ApplicationID)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// removeStaleInits removes temporary files of store creations that were
// interrupted more than a minute ago.
func removeStaleInits(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".*.init"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > time.Minute {
			os.Remove(m)
			os.Remove(m + "-journal")
		}
	}
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// readOnlyError explains an error caused by a store or folder that cannot
// be written, wrapping ErrReadOnly, or by a full disk, wrapping
// ErrDiskFull; other errors pass unchanged.
func readOnlyError(path string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if !errors.Is(err, ErrDiskFull) && (errors.Is(err, syscall.ENOSPC) || strings.Contains(msg, "database or disk is full") ||
		strings.Contains(msg, "disk I/O error") && diskFull(path)) {
		return fmt.Errorf("%w: the disk holding the run store (%s) has no space left (%v); free some space and try again (the store was left as it was)", ErrDiskFull, filepath.Dir(path), err)
	}
	ro := errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) ||
		strings.Contains(msg, "readonly database") || strings.Contains(msg, "read-only file system") ||
		strings.Contains(msg, "unable to open database file") && !dirWritable(filepath.Dir(path))
	if !ro || errors.Is(err, ErrReadOnly) {
		return err
	}
	return fmt.Errorf("%w: cannot write the run store or its folder %s (%v); attrlab writes the store and its -wal and -shm files beside it: choose a writable folder with --db or ATTRLAB_DB", ErrReadOnly, filepath.Dir(path), err)
}

// dirWritable reports whether a file can be created in dir.
func dirWritable(dir string) bool {
	f, err := os.CreateTemp(dir, ".attrlab-probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
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
	tx, err := s.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migs) {
		return false, newerSchema(v, len(migs))
	}
	if v == len(migs) {
		var app int
		if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
			return false, err
		}
		if app == ApplicationID {
			return true, nil
		}
		// A store from before the application id: mark it ours.
		if _, err := tx.ExecContext(ctx, "PRAGMA application_id = "+strconv.Itoa(ApplicationID)); err != nil {
			return false, err
		}
		return true, tx.Commit()
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
// KILLED, ending them at their last heartbeat. It looks first through the
// read pool and writes only when there are such runs and the write lock is
// free: opening never waits behind another process's write, and a later
// open marks what this one left.
func (s *Store) markStale(ctx context.Context) error {
	cutoff := s.now().Add(-s.stale).UnixMilli()
	var found int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM runs WHERE status = 'RUNNING' AND heartbeat_ms < ? LIMIT 1)`, cutoff).Scan(&found)
	if err != nil || found == 0 {
		return err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "PRAGMA busy_timeout = "+strconv.FormatInt(waitSlice.Milliseconds(), 10))
	tx, err := conn.BeginTx(ctx, nil)
	if isBusy(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'KILLED', end_ms = heartbeat_ms
		WHERE status = 'RUNNING' AND heartbeat_ms < ?`, cutoff); err != nil {
		return fmt.Errorf("mark interrupted runs killed: %w", err)
	}
	return tx.Commit()
}

// begin starts a write transaction, waiting for the write lock as long as
// Options.BusyTimeout allows (until ctx ends if 0) and telling OnWait
// about the wait about once a second.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	if s.readOnly {
		return nil, fmt.Errorf("%w: the run store %s is on a read-only file system: it can be read, not written; copy it to a writable folder", ErrReadOnly, s.path)
	}
	start := time.Now()
	for {
		tx, err := s.w.BeginTx(ctx, nil)
		if !isBusy(err) {
			return tx, err
		}
		waited := time.Since(start)
		if s.busy > 0 && waited >= s.busy {
			return nil, fmt.Errorf("another process has been writing to the run store for %s: %w", waited.Round(time.Second), err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if s.onWait != nil {
			s.onWait(waited)
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY: another connection
// holds the lock.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
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
	if s.w != nil && !s.readOnly {
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
