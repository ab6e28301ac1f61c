package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressFlag checks that --progress reports rows and bytes on
// standard error, ending at 100% of the file, and leaves standard output
// (the results) untouched.
func TestProgressFlag(t *testing.T) {
	t.Setenv("ATTRLAB_DB", filepath.Join(t.TempDir(), "runs.db"))
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "reference", "touches_small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var plain, withProgress, stderr bytes.Buffer
	env := Env{Stdout: &plain, Stderr: &bytes.Buffer{}}
	if code := Run(context.Background(), env, []string{"attribute", path, "--no-log", "--format", "csv"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	env = Env{Stdout: &withProgress, Stderr: &stderr}
	if code := Run(context.Background(), env, []string{"attribute", path, "--no-log", "--format", "csv", "--progress"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if plain.String() != withProgress.String() {
		t.Error("--progress changed standard output")
	}
	out := stderr.String()
	for _, want := range []string{"read 15 rows", "(100%)", "done in", "models: 7 of 7 done"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") {
		t.Error("progress into a buffer (not a terminal) must not rewrite lines with \\r")
	}
}
