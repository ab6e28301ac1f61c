package app

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/synth"
	"github.com/attrlab/attrlab/tracking"
)

// breakResults makes the run store refuse result rows, as a duplicate row
// once did, until the returned func mends it.
func breakResults(t *testing.T, st interface{ Path() string }) func() {
	t.Helper()
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TRIGGER refuse_results BEFORE INSERT ON results
		BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: results.run, results.model, results.channel'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.Exec(`DROP TRIGGER refuse_results`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFailedRunMarkedFailed: a run whose results cannot be stored ends
// FAILED with its error (not RUNNING, to turn KILLED at the next start),
// the dialog gives the real cause, and the next run works.
func TestFailedRunMarkedFailed(t *testing.T) {
	u := newStoreUI(t)
	if err := u.loadSampleDataset(); err != nil {
		t.Fatal(err)
	}
	u.Attribute.choose(assets.SampleTouchesName)
	mend := breakResults(t, u.st)
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if err := waitFor(t, u.ran); err != nil {
		t.Fatal(err)
	}
	u.settle(t)
	runs := allRuns(t, u.st)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want the failed one", len(runs))
	}
	failed, err := u.st.Run(context.Background(), runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if failed.Status != tracking.StatusFailed || !strings.Contains(failed.Tags[tracking.TagError], "UNIQUE constraint failed") {
		t.Fatalf("run %s with error tag %q, want FAILED with the cause", failed.Status, failed.Tags[tracking.TagError])
	}
	text := topDialogText(u.Window)
	for _, want := range []string{"UNIQUE constraint failed", "FAILED", failed.Name} {
		if !strings.Contains(text, want) {
			t.Errorf("dialog %q does not say %q", text, want)
		}
	}
	if strings.Contains(text, "free space") {
		t.Errorf("dialog blames the disk: %q", text)
	}
	if !strings.Contains(u.Attribute.Status.Text, "Not logged") || len(u.Attribute.Results()) == 0 {
		t.Errorf("status %q with %d results", u.Attribute.Status.Text, len(u.Attribute.Results()))
	}
	// The Runs screen reads the status from the store.
	if err := u.reload(t); err != nil {
		t.Fatal(err)
	}
	if got := u.Runs.Runs(); len(got) != 1 || got[0].Status != tracking.StatusFailed {
		t.Errorf("Runs lists %v", got)
	}
	pressEnter(u.Window) // Enter closes the error
	if u.Window.Canvas().Overlays().Top() != nil {
		t.Errorf("Enter did not close the error dialog")
	}

	// A new start leaves it FAILED (it was never RUNNING to be KILLED).
	again := newStoreUIOn(t, u.st)
	if r, _ := again.st.Run(context.Background(), failed.ID); r.Status != tracking.StatusFailed {
		t.Errorf("after a new start the run is %s", r.Status)
	}

	mend()
	r := u.runSettled(t, "1")
	if full, _ := u.st.Run(context.Background(), r.ID); full.Status != tracking.StatusFinished {
		t.Errorf("the next run is %s", full.Status)
	}
}

// TestCancelAttributionRun: a run shows progress and Cancel; Cancel stops
// it, logs nothing and gives the buttons back.
func TestCancelAttributionRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many_paths.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := synth.WritePaths(w, synth.Options{Paths: 40000, Channels: 30, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.choose("many_paths.csv")
	u.Attribute.Order.SetSelected("4")
	drain(u.ran)
	test.Tap(u.Attribute.RunBtn)
	if u.Attribute.CancelBtn.Disabled() || !u.Attribute.Progress.Visible() || !u.Attribute.RunBtn.Disabled() {
		t.Fatalf("during a run: Cancel disabled %v, progress shown %v, Run disabled %v",
			u.Attribute.CancelBtn.Disabled(), u.Attribute.Progress.Visible(), u.Attribute.RunBtn.Disabled())
	}
	test.Tap(u.Attribute.CancelBtn)
	if err := waitFor(t, u.ran); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run ended with %v", err)
	}
	if n := len(allRuns(t, u.st)); n != 0 || !strings.Contains(u.Attribute.Status.Text, "Cancelled") {
		t.Errorf("%d runs, status %q after cancelling", n, u.Attribute.Status.Text)
	}
	if !u.Attribute.CancelBtn.Disabled() || u.Attribute.RunBtn.Disabled() || u.Attribute.Progress.Visible() {
		t.Error("buttons or progress not restored after cancelling")
	}
	if top := u.Window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog after Cancel: %q", topDialogText(u.Window))
	}
}

// TestCancelBudgetRun: the models Budget runs for a dataset show progress
// and can be cancelled.
func TestCancelBudgetRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many_paths.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := synth.WritePaths(w, synth.Options{Paths: 40000, Channels: 30, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	u := newStoreUI(t)
	u.importFile(t, path, nil)
	u.Attribute.Order.SetSelected("4")
	s := u.budget()
	updated := make(chan error, 8)
	s.onUpdate = func(err error) { updated <- err }
	u.Select(ScreenBudget)
	s.DatasetPicker.SetSelected("many_paths.csv")
	if !s.CancelBtn.Visible() || !strings.Contains(s.Status.Text, "Running the models") {
		t.Fatalf("while the models run: Cancel shown %v, status %q", s.CancelBtn.Visible(), s.Status.Text)
	}
	test.Tap(s.CancelBtn)
	if err := waitFor(t, updated); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled budget ended with %v", err)
	}
	if s.CancelBtn.Visible() || !strings.Contains(s.Status.Text, "Cancelled") || s.Budget() != nil {
		t.Errorf("after Cancel: button shown %v, status %q, budget %v", s.CancelBtn.Visible(), s.Status.Text, s.Budget())
	}
}
