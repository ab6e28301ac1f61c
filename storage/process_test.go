package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

// Child processes: the test binary re-executes itself with
// ATTRLAB_STORAGE_CHILD set, and TestMain runs the child's job instead of
// the tests.
const (
	childEnv = "ATTRLAB_STORAGE_CHILD"
	dbEnv    = "ATTRLAB_STORAGE_CHILD_DB"
	countEnv = "ATTRLAB_STORAGE_CHILD_RUNS"
	stopEnv  = "ATTRLAB_STORAGE_CHILD_STOP"
)

func TestMain(m *testing.M) {
	if job := os.Getenv(childEnv); job != "" {
		if err := child(job); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var (
	models   = []string{"first-touch", "last-touch", "last-non-direct", "linear", "position-based", "markov"}
	channels = []string{"email", "search", "social", "display", "direct", "affiliate", "referral", "video"}
)

// sampleRun returns what a typical run logs: 50 metrics and 8 x 6 result
// rows, varied by i.
func sampleRun(i int) tracking.RunData {
	var d tracking.RunData
	d.Params = []tracking.Param{tracking.NumberParam("order", float64(1+i%4)), tracking.TextParam("models", "all")}
	for m, model := range models {
		for c, ch := range channels {
			share := float64((i*7+m*3+c*5)%100) / 100
			d.Results = append(d.Results, tracking.ResultRow{Model: model, Channel: ch, Position: c, Conversions: share * 100, Value: share * 1000, Share: share})
			if len(d.Metrics) < 48 {
				d.Metrics = append(d.Metrics, tracking.Metric{Key: tracking.ShareKey(model, ch), Value: share})
			}
		}
	}
	d.Metrics = append(d.Metrics, tracking.Metric{Key: "p_conv", Value: float64(i%1000) / 1000}, tracking.Metric{Key: "runtime_ms", Value: float64(i % 50)})
	return d
}

const sampleMetrics, sampleResults = 50, 48

// child runs a child process's job.
func child(job string) error {
	ctx := context.Background()
	n, _ := strconv.Atoi(os.Getenv(countEnv))
	switch job {
	case "hot-journal":
		return hotJournal(os.Getenv(dbEnv), os.Getenv(stopEnv))
	case "hold":
		return hold(os.Getenv(dbEnv), os.Getenv(stopEnv), n)
	}
	s, err := Open(os.Getenv(dbEnv))
	if err != nil {
		return err
	}
	defer s.Close()
	switch job {
	case "logger":
		for i := 0; n == 0 || i < n; i++ {
			if err := logSample(ctx, s, i, os.Getenv(childEnv+"_EXPERIMENT")); err != nil {
				return err
			}
		}
		return nil
	case "searcher":
		stop := os.Getenv(stopEnv)
		for i := 0; ; i++ {
			if _, err := os.Stat(stop); err == nil {
				return nil
			}
			filters := []string{"metrics.p_conv > 0.5 and params.order = 2", "status = 'FINISHED'", "experiment = 'b' and metrics.runtime_ms < 10"}
			if _, err := s.SearchRuns(ctx, tracking.Search{Filter: filters[i%3], OrderBy: []string{"metrics.p_conv DESC"}, Limit: 50}); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("unknown job %q", job)
}

func logSample(ctx context.Context, s *Store, i int, experiment string) error {
	d := sampleRun(i)
	run, err := s.StartRun(ctx, tracking.NewRun{Experiment: experiment, Params: d.Params[:1]})
	if err != nil {
		return err
	}
	d.Params = d.Params[1:]
	// Log some metrics first, as a long run would, then finish.
	if err := s.LogMetrics(ctx, run.ID, d.Metrics[:5]); err != nil {
		return err
	}
	return s.FinishRun(ctx, run.ID, tracking.StatusFinished, d)
}

func childCmd(t *testing.T, job, db string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + job, dbEnv + "=" + db}, env...)...)
	return cmd
}

// checkConsistent reopens the store and checks that it is intact and that
// every FINISHED run has all its results and metrics.
func checkConsistent(t *testing.T, path string) (finished int) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	var broken int
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM runs r WHERE r.status = 'FINISHED' AND (
		(SELECT count(*) FROM results x WHERE x.run = r.seq) != ? OR (SELECT count(*) FROM latest_metrics x WHERE x.run = r.seq) != ?)`,
		sampleResults, sampleMetrics).Scan(&broken)
	if err != nil {
		t.Fatal(err)
	}
	if broken > 0 {
		t.Fatalf("%d FINISHED runs lack results or metrics", broken)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE status = 'FINISHED'`).Scan(&finished); err != nil {
		t.Fatal(err)
	}
	return finished
}

// TestCrashSafety kills a child that logs runs non-stop with SIGKILL at 60
// different moments (from during open and migration to mid-transaction)
// and checks the store after each kill.
func TestCrashSafety(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	const kills = 60
	finished := 0
	for i := 0; i < kills; i++ {
		cmd := childCmd(t, "logger", path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Spread the kills over 0-100 ms after start, a different moment
		// each time (7 and 101 are coprime, so no delay repeats).
		time.Sleep(time.Duration(i*7%101) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: child was not killed (%v): %s", i, err, stderr.String())
		}
		finished = checkConsistent(t, path)
	}
	if finished == 0 {
		t.Fatal("no run was ever finished: the kills came too early to test anything")
	}
	t.Logf("%d kills, %d runs finished", kills, finished)
}

// TestConcurrentProcesses has two processes log 500 runs each while a
// third searches.
func TestConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shared.db")
	// Create the schema first so the children do not all migrate at once
	// (that they could is tested by the migration's own transaction).
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	stop := filepath.Join(dir, "stop")
	var outs [3]bytes.Buffer
	cmds := []*exec.Cmd{
		childCmd(t, "logger", path, countEnv+"=500", childEnv+"_EXPERIMENT=a"),
		childCmd(t, "logger", path, countEnv+"=500", childEnv+"_EXPERIMENT=b"),
		childCmd(t, "searcher", path, stopEnv+"="+stop),
	}
	for i, c := range cmds {
		c.Stdout, c.Stderr = &outs[i], &outs[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds[:2] {
		if err := c.Wait(); err != nil {
			t.Errorf("logger %d: %v: %s", i, err, outs[i].String())
		}
	}
	os.WriteFile(stop, nil, 0o644)
	if err := cmds[2].Wait(); err != nil {
		t.Errorf("searcher: %v: %s", err, outs[2].String())
	}
	if n := checkConsistent(t, path); n != 1000 {
		t.Errorf("%d runs finished, want 1000", n)
	}
}
