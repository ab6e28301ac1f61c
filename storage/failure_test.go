package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

// TestKillsInTheFirstMilliseconds kills 200 children with SIGKILL at a
// random moment 0-30 ms after they start logging runs into a store that
// does not exist yet, so that most kills land while the store is being
// created or its first run written. After every kill the store must open
// and pass integrity_check, and every FINISHED run must be whole.
func TestKillsInTheFirstMilliseconds(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(11, 200))
	const kills = 200
	// The kills spread over 0-30 ms, or over twice the time a child takes
	// to create the store if this machine is slower than that, so that
	// they keep landing in the store's first moments under load.
	window := max(30*time.Millisecond, 2*timeToCreate(t, filepath.Join(dir, "calibrate.db")))
	t.Logf("kills spread over %s", window)
	var noStore, empty, withRuns int
	for i := range kills {
		path := filepath.Join(dir, "new", strings.Repeat("x", i%3)+"s"+string(rune('a'+i%26))+".db")
		os.RemoveAll(filepath.Dir(path))
		cmd := childCmd(t, "logger", path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(window))))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: child was not killed (%v): %s", i, err, stderr.String())
		}
		if _, err := os.Stat(path); err != nil {
			noStore++
		}
		if n := checkConsistent(t, path); n == 0 {
			empty++
		} else {
			withRuns++
		}
	}
	t.Logf("%d kills: %d before the store file existed, %d with the store but no finished run, %d after runs were finished",
		kills, noStore, empty-noStore, withRuns)
	if noStore == 0 || empty-noStore == 0 {
		t.Errorf("the kills missed the store's first moments (%d before it existed, %d before its first run)", noStore, empty-noStore)
	}
}

// timeToCreate returns how long a child takes from its start until the
// store file at path exists.
func timeToCreate(t *testing.T, path string) time.Duration {
	t.Helper()
	cmd := childCmd(t, "logger", path, countEnv+"=1")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var took time.Duration
	for took == 0 && time.Since(start) < 10*time.Second {
		if _, err := os.Stat(path); err == nil {
			took = time.Since(start)
		}
		time.Sleep(200 * time.Microsecond)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("calibration child: %v", err)
	}
	return took
}

// TestHotJournalOfAnInterruptedCreation reproduces what an older attrlab
// left when killed while creating a store: a database file with a hot
// rollback journal whose original size was 0. Open treats it as the empty
// file it was and creates the store; it must not fail with "attempt to
// write a readonly database".
func TestHotJournalOfAnInterruptedCreation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.db")
	ready := filepath.Join(dir, "ready")
	cmd := childCmd(t, "hot-journal", path, stopEnv+"="+ready)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child never got ready: %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if fi, err := os.Stat(path + "-journal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no hot journal was left (%v)", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("the database file was not written before the kill (%v)", err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("open after the interrupted creation: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartRun(context.Background(), tracking.NewRun{Name: "after"}); err != nil {
		t.Fatal(err)
	}
}

// hotJournal is a child's job: create a database in rollback-journal mode
// and, in its first transaction, write enough to spill pages into the
// file; then say so and wait to be killed.
func hotJournal(path, ready string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(2)")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`CREATE TABLE t (x BLOB)`); err != nil {
		return err
	}
	if _, err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
		INSERT INTO t SELECT randomblob(200) FROM n`); err != nil {
		return err
	}
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		return err
	}
	time.Sleep(time.Minute)
	return errors.New("not killed")
}

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// foreignDB makes another program's SQLite database at path, with setup
// run on it (journal mode, application id, tables).
func foreignDB(t *testing.T, path string, setup ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range setup {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestForeignFilesAreRefused opens files that are not attrlab stores:
// each is refused with ErrNotOurs and left byte-identical, with no journal
// files made beside it.
func TestForeignFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	contacts := []string{`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)`, `INSERT INTO contacts (name) VALUES ('Ada'), ('Grace')`}
	cases := map[string]func(path string){
		"contacts.db": func(p string) { foreignDB(t, p, contacts...) },
		"runs-table.db": func(p string) {
			foreignDB(t, p, `CREATE TABLE runs (id TEXT, started TEXT)`, `INSERT INTO runs VALUES ('a', 'b')`, `PRAGMA user_version = 1`)
		},
		"app-id.db": func(p string) { foreignDB(t, p, append([]string{`PRAGMA application_id = 1234`}, contacts...)...) },
		"wal.db": func(p string) {
			foreignDB(t, p, append([]string{`PRAGMA journal_mode = WAL`, `PRAGMA user_version = 7`}, contacts...)...)
		},
		"notes.txt": func(p string) {
			os.WriteFile(p, []byte(strings.Repeat("not a database\n", 20)), 0o644)
		},
		"short.db": func(p string) { os.WriteFile(p, []byte("SQLite format 3\x00"), 0o644) },
	}
	for name, make := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			make(path)
			before := sha(t, path)
			entries, _ := os.ReadDir(dir)
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("opened another program's file")
			}
			if !errors.Is(err, ErrNotOurs) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error %v, want ErrNotOurs saying nothing was changed", err)
			}
			if sha(t, path) != before {
				t.Error("the file changed")
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(entries) {
				t.Errorf("files beside it: %v before, %v after", entryNames(entries), entryNames(after))
			}
		})
	}
}

// TestLegacyStoreGetsTheMarker opens a store made before attrlab set its
// application id: it is recognised by its schema, opens, and is marked.
func TestLegacyStoreGetsTheMarker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	foreignDB(t, path, `PRAGMA journal_mode = WAL`, migs[0], `PRAGMA user_version = 1`)
	s, err := Open(path)
	if err != nil {
		t.Fatalf("a store from before the application id: %v", err)
	}
	defer s.Close()
	var app int
	s.r.QueryRow(`PRAGMA application_id`).Scan(&app)
	if app != ApplicationID {
		t.Errorf("application_id %#x after open, want %#x", app, ApplicationID)
	}
}

// TestOpenRefusesFolders gives a folder as the store.
func TestOpenRefusesFolders(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if !errors.Is(err, ErrNotAFile) || !strings.Contains(err.Error(), "it is a folder") {
		t.Errorf("a folder as the store: %v", err)
	}
}

// TestOpenDoesNotWaitForAWriter holds the write lock in another process
// while the store is opened and read, with a stale run to mark: opening
// and reading finish at once, and the stale run is marked by a later open.
func TestOpenDoesNotWaitForAWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.db")
	ctx := context.Background()
	c := &clock{t: t0}
	s, err := OpenWith(ctx, path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	stale, _ := s.StartRun(ctx, tracking.NewRun{Name: "crashed"})
	s.Close()
	ready := filepath.Join(dir, "ready")
	hold := childCmd(t, "hold", path, stopEnv+"="+ready, countEnv+"=3000")
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	defer hold.Wait()
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t = t0.Add(time.Hour)
	start := time.Now()
	s, err = OpenWith(ctx, path, Options{Now: c.now})
	if err != nil {
		t.Fatalf("open while another process writes: %v", err)
	}
	if _, err := s.SearchRuns(ctx, tracking.Search{}); err != nil {
		t.Fatalf("read while another process writes: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("open and read took %s while another process held the write lock", d)
	}
	if hold.ProcessState != nil {
		t.Fatal("the lock holder had already finished")
	}
	s.Close()
	hold.Wait()
	s, err = OpenWith(ctx, path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, _ := s.Run(ctx, stale.ID); r.Status != tracking.StatusKilled {
		t.Errorf("stale run is %s after the writer finished, want KILLED", r.Status)
	}
}

// TestWriterWaitsAndSaysSo has a write wait behind another process's
// 3-second write: it is told about the wait and then succeeds.
func TestWriterWaitsAndSaysSo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ready := filepath.Join(dir, "ready")
	hold := childCmd(t, "hold", path, stopEnv+"="+ready, countEnv+"=3000")
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	defer hold.Wait()
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	var waits []time.Duration
	s, err = OpenWith(context.Background(), path, Options{OnWait: func(d time.Duration) { waits = append(waits, d) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.StartRun(context.Background(), tracking.NewRun{Name: "patient"}); err != nil {
		t.Fatalf("a write behind a 3-second write: %v", err)
	}
	if len(waits) < 1 || waits[len(waits)-1] < time.Second {
		t.Errorf("OnWait calls %v, want at least one after a second or more", waits)
	}
}

// hold is a child's job: take the write lock, say so, keep it for the
// milliseconds in countEnv, then commit.
func hold(path, ready string, ms int) error {
	db, err := sql.Open("sqlite", dsn(path, time.Second, false))
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE experiments SET updated_ms = updated_ms`); err != nil {
		return err
	}
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		return err
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return tx.Commit()
}

func entryNames(es []os.DirEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// mountTmpfs mounts a tmpfs of size at a new folder and unmounts it at the
// end. It needs root: in CI (CI=true) a failure to mount fails the test,
// elsewhere it skips with the reason.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("cannot mount a tmpfs (needs root): %v: %s", err, out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes to a file in dir until the disk is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	for {
		if _, err := f.Write(chunk[:1]); err != nil {
			return p
		}
	}
}

// TestDiskFillsDuringAWrite opens a store on a small tmpfs, fills the disk
// and then logs a wide run: the write fails with ErrDiskFull (or SQLite's
// "disk is full"), and once space is freed the store opens, passes
// integrity_check and holds every run finished before, whole.
func TestDiskFillsDuringAWrite(t *testing.T) {
	dir := mountTmpfs(t, "4m")
	path := filepath.Join(dir, "runs.db")
	ctx := context.Background()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := logSample(ctx, s, 1, ""); err != nil {
		t.Fatal(err)
	}
	filler := fill(t, dir)
	run, err := s.StartRun(ctx, tracking.NewRun{Name: "wide"})
	if err == nil {
		d := tracking.RunData{}
		for i := range 20000 {
			d.Metrics = append(d.Metrics, tracking.Metric{Key: fmt.Sprintf("share.markov.channel %d", i), Value: 0.5})
		}
		err = s.FinishRun(ctx, run.ID, tracking.StatusFinished, d)
	}
	t.Logf("the write failed with: %v", err)
	if err == nil || !strings.Contains(err.Error(), "full") {
		t.Errorf("logging on a full disk: %v, want it to say the disk is full", err)
	}
	s.Close()
	os.Remove(filler)
	if n := checkConsistent(t, path); n != 1 {
		t.Errorf("%d finished runs after the full disk, want 1", n)
	}
}

// TestProcessesCreateOneStore starts four processes on a store that does
// not exist yet: one creates it, the others find it, and every run of
// every process is there.
func TestProcessesCreateOneStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fresh.db")
	var cmds []*exec.Cmd
	var outs [4]bytes.Buffer
	for i := range outs {
		c := childCmd(t, "logger", path, countEnv+"=3")
		c.Stdout, c.Stderr = &outs[i], &outs[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i].String())
		}
	}
	if n := checkConsistent(t, path); n != 12 {
		t.Errorf("%d runs finished, want 12", n)
	}
}

// TestPrecheck refuses what Open refuses, creating and changing nothing,
// and passes a missing file, an empty one and a store.
func TestPrecheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if err := Precheck(ctx, missing); err != nil {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("Precheck created the store")
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	store := filepath.Join(dir, "store.db")
	s, err := Open(store)
	if err != nil {
		t.Fatal(err)
	}
	s.w.Exec("PRAGMA user_version = 99")
	s.Close()
	contacts := filepath.Join(dir, "contacts.db")
	foreignDB(t, contacts, `CREATE TABLE contacts (name TEXT)`)
	for path, want := range map[string]error{empty: nil, dir: ErrNotAFile, contacts: ErrNotOurs, store: ErrNewerSchema} {
		before, _ := os.ReadFile(path)
		err := Precheck(ctx, path)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", filepath.Base(path), err, want)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Errorf("%s changed", path)
		}
	}
}

// TestWriterGivesUpAfterBusyTimeout: with Options.BusyTimeout a write
// stops waiting and says why.
func TestWriterGivesUpAfterBusyTimeout(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ready := filepath.Join(dir, "ready")
	hold := childCmd(t, "hold", path, stopEnv+"="+ready, countEnv+"=4000")
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	defer hold.Wait()
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s, err = OpenWith(context.Background(), path, Options{BusyTimeout: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = s.StartRun(context.Background(), tracking.NewRun{Name: "impatient"})
	if err == nil || !strings.Contains(err.Error(), "another process has been writing to the run store") {
		t.Errorf("a write behind a 4-second write with a 1.5 s limit: %v", err)
	}
	if d := time.Since(start); d < 1500*time.Millisecond || d > 3500*time.Millisecond {
		t.Errorf("gave up after %s, want about 1.5-2.5 s", d)
	}
}
