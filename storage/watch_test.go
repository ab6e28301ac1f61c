package storage

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/attrlab/attrlab/tracking"
)

// TestWatcherSeesOtherWriters opens the same file twice, as the app and
// the command line do: the app's watcher sees the other's run, and its
// own rename, and nothing when nothing was written.
func TestWatcherSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "runs.db")
	app, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	w, err := app.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	check := func(want bool, what string) {
		t.Helper()
		got, err := w.Changed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after %s: Changed = %v, want %v", what, got, want)
		}
	}
	check(false, "nothing")
	cli, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	run, err := cli.StartRun(ctx, tracking.NewRun{Name: "from the command line"})
	if err != nil {
		t.Fatal(err)
	}
	cli.Close()
	check(true, "a run started by another connection")
	check(false, "a second look")
	if err := app.SetName(ctx, run.ID, "renamed"); err != nil {
		t.Fatal(err)
	}
	check(true, "a rename by the app itself")
	if _, err := app.SearchRuns(ctx, tracking.Search{}); err != nil {
		t.Fatal(err)
	}
	check(false, "a search (a read)")
}
