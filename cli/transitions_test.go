package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTransitionsChartFromRun checks that a run keeps its Markov chain:
// the heat-map exported from the run is the same image as the one drawn
// from the journey file.
func TestTransitionsChartFromRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ATTRLAB_DB", filepath.Join(dir, "runs.db"))
	touches := filepath.Join(dir, "touches.csv")
	if err := os.WriteFile(touches, []byte(budgetTouches), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Run(context.Background(), Env{Stdout: &out, Stderr: &errb}, args); code != 0 {
			t.Fatalf("attrlab %v: exit %d: %s", args, code, errb.String())
		}
		return errb.String()
	}
	stderr := run("attribute", touches, "--order", "2", "--format", "csv")
	id := regexp.MustCompile(`run ([0-9a-f]{32})`).FindStringSubmatch(stderr)
	if id == nil {
		t.Fatalf("no run id in %q", stderr)
	}
	fromRun, fromFile := filepath.Join(dir, "run.png"), filepath.Join(dir, "file.png")
	run("export", "chart", id[1], "--kind", "transitions", "--out", fromRun)
	run("export", "chart", touches, "--kind", "transitions", "--order", "2", "--out", fromFile)
	a, err := os.ReadFile(fromRun)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fromFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("\x89PNG")) || !bytes.Equal(a, b) {
		t.Errorf("transitions chart from the run (%d bytes) differs from the file's (%d bytes)", len(a), len(b))
	}
}
