package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attrlab/attrlab/storage"
)

// The failure-injection suite: foreign stores, folders, read-only mounts,
// a full disk, long writes, and every path that writes a user's file, each
// checked for its exit status, its message and that no byte of the user's
// files changed. (Kills at random moments are storage's
// TestKillsInTheFirstMilliseconds and TestCrashSafety.)

const (
	cliChildEnv = "ATTRLAB_CLI_CHILD"
	cliDBEnv    = "ATTRLAB_CLI_CHILD_DB"
	cliReadyEnv = "ATTRLAB_CLI_CHILD_READY"
	cliHoldEnv  = "ATTRLAB_CLI_CHILD_HOLD_MS"
)

func TestMain(m *testing.M) {
	if os.Getenv(cliChildEnv) == "hold" {
		if err := holdWriteLock(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdWriteLock is a child's job: a write transaction on the store that
// lasts the milliseconds in cliHoldEnv, as a long attribution's logging
// would.
func holdWriteLock() error {
	db, err := sql.Open("sqlite", "file:"+os.Getenv(cliDBEnv)+"?_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE experiments SET updated_ms = updated_ms + 1`); err != nil {
		return err
	}
	if err := os.WriteFile(os.Getenv(cliReadyEnv), nil, 0o644); err != nil {
		return err
	}
	ms, _ := strconv.Atoi(os.Getenv(cliHoldEnv))
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return tx.Commit()
}

// cli runs attrlab in-process with no store from the environment.
func cli(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return sha256.Sum256(b)
}

// noTempFiles fails if a temporary file of an interrupted write is left
// in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.HasSuffix(e.Name(), ".init") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

const badPaths = "path,total_conversions,total_conversion_value,total_null\nemail > search,2,30,5\nemail,abc,1,0\nsearch,1,10,1\n"

// TestOverwritePaths runs every command that writes a user's file onto an
// existing file, without and with --force: without, exit 1 naming
// --force and the file unchanged; with, the file replaced. Writing onto an
// input (the data file, the run store) is refused even with --force.
func TestOverwritePaths(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	data := filepath.Join(dir, "paths.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	os.WriteFile(bad, []byte(badPaths), 0o644)
	spend := filepath.Join(dir, "spend.csv")
	os.WriteFile(spend, []byte("channel,spend\nemail,100\nsearch,50\nsocial,20\n"), 0o644)
	// A data file named like a chart, to try to draw its chart onto it.
	svgData := filepath.Join(dir, "paths.svg")
	os.WriteFile(svgData, []byte(trackPaths), 0o644)
	if code, _, stderr := cli("attribute", data, "--db", db); code != 0 {
		t.Fatalf("seed run: %d %s", code, stderr)
	}
	cases := []struct {
		name string
		out  string   // the existing file
		args []string // the command, writing out
		want string   // what the replaced file begins with
	}{
		{"export runs", "runs.csv", []string{"export", "runs", "--db", db, "--out", "OUT"}, "run_id,"},
		{"export results", "results.csv", []string{"export", "results", data, "--db", db, "--out", "OUT"}, "model,channel"},
		{"export chart", "chart.svg", []string{"export", "chart", data, "--kind", "attribution", "--db", db, "--out", "OUT"}, "<?xml"},
		{"gen", "journeys.csv", []string{"gen", "--journeys", "10", "--out", "OUT"}, "journey_id,"},
		{"budget --chart", "budget.svg", []string{"budget", data, "--spend", spend, "--db", db, "--chart", "OUT"}, "<?xml"},
		{"attribute rejected", "bad.rejected.csv", []string{"attribute", bad, "--skip-bad-rows", "--db", db}, "line,reason"},
		{"attribute --rejected", "mine.csv", []string{"attribute", bad, "--skip-bad-rows", "--rejected", "OUT", "--db", db}, "line,reason"},
		{"import rejected", "bad.rejected.csv", []string{"import", bad, "--skip-bad-rows", "--db", db}, "line,reason"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.out)
			os.WriteFile(out, []byte("my own file\n"), 0o644)
			before := fileSum(t, out)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "OUT", out)
			}
			code, _, stderr := cli(args...)
			if code != ExitUsage || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
				t.Errorf("without --force: exit %d, %s", code, stderr)
			}
			if fileSum(t, out) != before {
				t.Error("without --force the file changed")
			}
			code, _, stderr = cli(append(args, "--force")...)
			if code != 0 {
				t.Fatalf("with --force: exit %d, %s", code, stderr)
			}
			if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), c.want) {
				t.Errorf("with --force the file begins %.30q, want %q", b, c.want)
			}
			noTempFiles(t, dir)
			os.Remove(out)
		})
	}
	inputs := []struct {
		name  string
		guard string // the file that must not change
		args  []string
	}{
		{"rejected onto the input", bad, []string{"attribute", bad, "--skip-bad-rows", "--rejected", bad, "--db", db, "--force"}},
		{"import rejected onto the input", bad, []string{"import", bad, "--skip-bad-rows", "--rejected", bad, "--db", db, "--force"}},
		{"results onto the input", data, []string{"export", "results", data, "--db", db, "--out", data, "--force"}},
		{"chart onto the input", svgData, []string{"export", "chart", svgData, "--kind", "attribution", "--db", db, "--out", svgData, "--force"}},
		{"runs onto the store", db, []string{"export", "runs", "--db", db, "--out", db, "--force"}},
		{"budget chart onto the data", svgData, []string{"budget", svgData, "--spend", spend, "--db", db, "--chart", svgData, "--force"}},
	}
	for _, c := range inputs {
		t.Run(c.name, func(t *testing.T) {
			before := fileSum(t, c.guard)
			code, _, stderr := cli(c.args...)
			if code != ExitUsage || !strings.Contains(stderr, "never writes onto its input") {
				t.Errorf("exit %d, %s", code, stderr)
			}
			if fileSum(t, c.guard) != before {
				t.Error("the input changed")
			}
		})
	}
	t.Run("rejected rows onto a database", func(t *testing.T) {
		other := filepath.Join(dir, "other.db")
		foreignSQLite(t, other, false)
		for _, guard := range []string{db, other} {
			before := fileSum(t, guard)
			code, _, stderr := cli("attribute", bad, "--skip-bad-rows", "--rejected", guard, "--no-log", "--force")
			if code != ExitUsage || !strings.Contains(stderr, "never replaces one, even with --force") {
				t.Errorf("%s: exit %d, %s", guard, code, stderr)
			}
			if fileSum(t, guard) != before {
				t.Errorf("%s changed", guard)
			}
		}
	})
	t.Run("export mlflow into a folder with files", func(t *testing.T) {
		mlruns := filepath.Join(dir, "mlruns")
		os.MkdirAll(mlruns, 0o755)
		keep := filepath.Join(mlruns, "notes.txt")
		os.WriteFile(keep, []byte("mine"), 0o644)
		code, _, stderr := cli("export", "mlflow", "--db", db, "--out", mlruns)
		if code != ExitUsage || !strings.Contains(stderr, "is not empty") {
			t.Errorf("exit %d, %s", code, stderr)
		}
		if entries, _ := os.ReadDir(mlruns); len(entries) != 1 {
			t.Errorf("the folder now holds %d entries", len(entries))
		}
	})
}

// foreignSQLite makes another program's database: a contacts table, and
// with runsTable a table named runs of its own.
func foreignSQLite(t *testing.T, path string, runsTable bool) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)`, `INSERT INTO contacts (name) VALUES ('Ada')`}
	if runsTable {
		stmts = append(stmts, `CREATE TABLE runs (started TEXT)`, `PRAGMA user_version = 1`)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestForeignStoreRefused points every store command at another program's
// SQLite file: exit 3, a message saying it is not an attrlab store and
// nothing changed, and the file byte-identical with no journal beside it.
func TestForeignStoreRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "paths.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	for _, runsTable := range []bool{false, true} {
		db := filepath.Join(dir, fmt.Sprintf("contacts-%v.db", runsTable))
		foreignSQLite(t, db, runsTable)
		before := fileSum(t, db)
		for _, args := range [][]string{
			{"runs", "--db", db},
			{"attribute", data, "--db", db},
			{"import", data, "--db", db},
			{"export", "runs", "--db", db, "--out", filepath.Join(dir, "x.csv")},
		} {
			code, _, stderr := cli(args...)
			if code != ExitStore || !strings.Contains(stderr, "not an attrlab run store") || !strings.Contains(stderr, "nothing was changed") {
				t.Errorf("%v: exit %d, %s", args, code, stderr)
			}
			if strings.Count(stderr, "attrlab:") != 1 {
				t.Errorf("%v: message not given once: %s", args, stderr)
			}
		}
		// The store is checked before the work: a bad data file is not
		// even read.
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("not,a\njourney,file\n"), 0o644)
		if code, _, stderr := cli("attribute", bad, "--db", db); code != ExitStore || !strings.Contains(stderr, "not an attrlab run store") {
			t.Errorf("attribute of a bad file into a foreign store: exit %d, %s", code, stderr)
		}
		if fileSum(t, db) != before {
			t.Errorf("%s changed", db)
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(db + suffix); err == nil {
				t.Errorf("%s%s appeared", db, suffix)
			}
		}
	}
}

// TestFolderGivenAsFile gives a folder as the store and as the input:
// exit 2, the message once.
func TestFolderGivenAsFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "paths.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"runs", "--db", dir}, "it is a folder"},
		{[]string{"attribute", data, "--db", dir}, "it is a folder"},
		{[]string{"attribute", dir, "--db", filepath.Join(dir, "runs.db")}, "is a folder: give a CSV file"},
		{[]string{"import", dir, "--db", filepath.Join(dir, "runs.db")}, "is a folder: give a CSV file"},
		{[]string{"export", "runs", "--db", filepath.Join(dir, "runs.db"), "--out", dir}, "is a folder"},
	} {
		code, _, stderr := cli(c.args...)
		if code != ExitBadInput || strings.Count(stderr, c.want) != 1 || strings.Count(stderr, "attrlab:") != 1 {
			t.Errorf("%v: exit %d, %q", c.args, code, stderr)
		}
	}
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

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// TestReadOnlyMount puts a store, a data file and an earlier export on a
// read-only mount: commands that would write there exit 2 saying the
// folder is read-only, and no file changes.
func TestReadOnlyMount(t *testing.T) {
	ro := mountTmpfs(t, "8m")
	db := filepath.Join(ro, "runs.db")
	data := filepath.Join(ro, "paths.csv")
	prev := filepath.Join(ro, "runs.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	os.WriteFile(prev, []byte("my export\n"), 0o644)
	if code, _, stderr := cli("attribute", data, "--db", db); code != 0 {
		t.Fatalf("seed: %d %s", code, stderr)
	}
	remount(t, ro, "ro")
	defer remount(t, ro, "rw")
	sums := map[string][32]byte{}
	for _, f := range []string{db, data, prev} {
		sums[f] = fileSum(t, f)
	}
	rw := t.TempDir()
	rwDB := filepath.Join(rw, "runs.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"attribute", data, "--db", filepath.Join(ro, "new.db")}, "read-only"},
		{[]string{"attribute", data, "--db", db}, "read-only"},
		{[]string{"export", "runs", "--db", rwDB, "--out", filepath.Join(ro, "new.csv")}, "read-only file system"},
		{[]string{"export", "runs", "--db", rwDB, "--out", prev, "--force"}, "read-only file system"},
		{[]string{"gen", "--journeys", "10", "--out", filepath.Join(ro, "gen.csv")}, "read-only file system"},
		{[]string{"export", "mlflow", "--db", rwDB, "--out", filepath.Join(ro, "mlruns")}, "read-only file system"},
	} {
		code, _, stderr := cli(c.args...)
		if code != ExitBadInput || !strings.Contains(stderr, c.want) || strings.Count(stderr, "attrlab:") != 1 {
			t.Errorf("%v: exit %d, %q", c.args, code, stderr)
		}
	}
	// The store can still be read there: as an immutable file.
	if code, stdout, stderr := cli("runs", "--db", db); code != 0 || !strings.Contains(stdout, "FINISHED") {
		t.Errorf("runs on a read-only mount: exit %d, %s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := cli("export", "results", strings.TrimSpace(firstRunID(t, db)), "--db", db, "--no-artifact", "--out", filepath.Join(rw, "r.csv")); code != 0 {
		t.Errorf("export results from a read-only mount: exit %d, %s%s", code, stdout, stderr)
	}
	code, _, stderr := cli("runs", "tag", firstRunID(t, db), "a=b", "--db", db)
	if code != ExitBadInput || !strings.Contains(stderr, "read-only file system: it can be read, not written") {
		t.Errorf("tagging on a read-only mount: exit %d, %s", code, stderr)
	}
	for f, sum := range sums {
		if fileSum(t, f) != sum {
			t.Errorf("%s changed", f)
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(db + suffix); err == nil {
			t.Errorf("%s%s exists on the read-only mount", db, suffix)
		}
	}
}

// firstRunID returns the id of the newest run in db.
func firstRunID(t *testing.T, db string) string {
	t.Helper()
	code, stdout, stderr := cli("runs", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("runs: %d %s", code, stderr)
	}
	i := strings.Index(stdout, `"run_id": "`)
	if i < 0 {
		t.Fatalf("no run in %s", stdout)
	}
	return stdout[i+11 : i+43]
}

// TestFullDisk fills a small tmpfs holding a store and an earlier export:
// logging a run exits 3 saying the disk is full and leaves the store
// whole; replacing the export exits 2 and leaves it as it was; nothing
// half-written stays behind.
func TestFullDisk(t *testing.T) {
	full := mountTmpfs(t, "4m")
	db := filepath.Join(full, "runs.db")
	data := filepath.Join(t.TempDir(), "paths.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	prev := filepath.Join(full, "runs.csv")
	os.WriteFile(prev, []byte("my export\n"), 0o644)
	if code, _, stderr := cli("attribute", data, "--db", db); code != 0 {
		t.Fatalf("seed: %d %s", code, stderr)
	}
	// Fill the disk to the last byte.
	filler, err := os.Create(filepath.Join(full, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 4096)
	for {
		if _, err := filler.Write(chunk); err != nil {
			break
		}
	}
	for {
		if _, err := filler.Write(chunk[:1]); err != nil {
			break
		}
	}
	filler.Close()
	prevSum := fileSum(t, prev)

	// A run with many channels needs many new pages.
	var wide strings.Builder
	wide.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	for i := range 3000 {
		fmt.Fprintf(&wide, "channel %d > email,1,10,1\n", i)
	}
	wideData := filepath.Join(t.TempDir(), "wide.csv")
	os.WriteFile(wideData, []byte(wide.String()), 0o644)
	code, _, stderr := cli("attribute", wideData, "--db", db)
	if code != ExitStore || !strings.Contains(stderr, "the disk is full") || !strings.Contains(stderr, "no space left") || strings.Count(stderr, "attrlab:") != 1 {
		t.Errorf("logging on a full disk: exit %d, %q", code, stderr)
	}
	// An export from a store elsewhere onto the full disk.
	other := filepath.Join(t.TempDir(), "runs.db")
	if code, _, stderr := cli("attribute", data, "--db", other); code != 0 {
		t.Fatalf("seed: %d %s", code, stderr)
	}
	code, _, stderr = cli("export", "runs", "--db", other, "--out", prev, "--force")
	if code != ExitBadInput || !strings.Contains(stderr, "the disk is full") || !strings.Contains(stderr, "nothing was changed") {
		t.Errorf("export onto a full disk: exit %d, %q", code, stderr)
	}
	code, _, stderr = cli("gen", "--journeys", "50000", "--out", filepath.Join(full, "gen.csv"))
	if code != ExitBadInput || !strings.Contains(stderr, "the disk is full") {
		t.Errorf("gen onto a full disk: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(full, "gen.csv")); err == nil {
		t.Error("gen left a partial file")
	}
	if fileSum(t, prev) != prevSum {
		t.Error("the earlier export changed")
	}
	noTempFiles(t, full)
	os.Remove(filepath.Join(full, "filler"))
	st, err := storage.Open(db)
	if err != nil {
		t.Fatalf("open after the full disk: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := cli("runs", "--db", db, "--format", "json")
	if code != 0 || strings.Count(stdout, `"run_id"`) != 1 {
		t.Errorf("after the full disk: exit %d, runs %s", code, stdout)
	}
}

// TestReaderAndWritersDuringALongWrite holds the store's write lock for
// 20 seconds in another process, as a long run being logged would. A
// reader (runs) answers at once; two writers (attribute) say they are
// waiting, keep waiting, and log their runs when the lock is free.
func TestReaderAndWritersDuringALongWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("20-second test; not in -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	data := filepath.Join(dir, "paths.csv")
	os.WriteFile(data, []byte(trackPaths), 0o644)
	if code, _, stderr := cli("attribute", data, "--db", db); code != 0 {
		t.Fatalf("seed: %d %s", code, stderr)
	}
	const hold = 20 * time.Second
	ready := filepath.Join(dir, "ready")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), cliChildEnv+"=hold", cliDBEnv+"="+db, cliReadyEnv+"="+ready, cliHoldEnv+"="+strconv.Itoa(int(hold.Milliseconds())))
	var childErr bytes.Buffer
	child.Stderr = &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	locked := time.Now()
	var wg sync.WaitGroup
	type result struct {
		code   int
		stderr string
		took   time.Duration
	}
	var writers [2]result
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, stderr := cli("attribute", data, "--db", db, "--experiment", fmt.Sprint("writer", i))
			writers[i] = result{code, stderr, time.Since(locked)}
		}()
	}
	start := time.Now()
	code, stdout, stderr := cli("runs", "--db", db)
	if took := time.Since(start); code != 0 || took > 2*time.Second || !strings.Contains(stdout, "FINISHED") {
		t.Errorf("reader during the write: exit %d after %s: %s%s", code, took, stdout, stderr)
	}
	wg.Wait()
	if err := child.Wait(); err != nil {
		t.Fatalf("lock holder: %v: %s", err, childErr.String())
	}
	for i, w := range writers {
		if w.code != 0 || !strings.Contains(w.stderr, "waiting for the run store") || w.took < hold-time.Second {
			t.Errorf("writer %d: exit %d after %s: %s", i, w.code, w.took, w.stderr)
		}
	}
	if n := len(runsJSON(t, db)); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
}
