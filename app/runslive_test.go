package app

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/cli"
)

// TestRunsFromTheCommandLineAppear logs a run through the command line
// (attrlab attribute --db on the app's store) while the app shows Runs:
// the table picks it up within a poll interval, keeping the ticks and the
// run on show; with nothing written it does not reload at all.
func TestRunsFromTheCommandLineAppear(t *testing.T) {
	const interval = 40 * time.Millisecond
	u := newStoreUI(t)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	first := u.Attribute.LastRun
	if err := u.next(t, func() { u.Select(ScreenRuns) }); err != nil {
		t.Fatal(err)
	}
	u.Runs.Tick(first.ID, true)
	u.Runs.Table.Select(widget.TableCellID{Row: 0, Col: 0})
	u.Runs.Tick(first.ID, true)
	stop := u.WatchRuns(interval)
	defer stop()

	// Nothing written: no reload.
	loads := u.Runs.loads
	deadline := time.Now().Add(6 * interval)
	pumpWait(t, "six quiet poll intervals", func() bool { return time.Now().After(deadline) })
	if u.Runs.loads != loads {
		t.Fatalf("the table reloaded %d times with nothing written", u.Runs.loads-loads)
	}

	// A filter half typed (and not yet valid) when the run lands is left
	// alone: the refresh uses the filter of the table on show.
	u.Runs.Search.SetText("metrics.share.")
	var stderr bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Stdout: &bytes.Buffer{}, Stderr: &stderr},
		[]string{"attribute", "../assets/sample_touches.csv", "--db", u.st.Path(), "--order", "2", "--models", "markov"})
	if code != 0 {
		t.Fatalf("attrlab attribute exited %d: %s", code, stderr.String())
	}
	logged := time.Now()
	pumpWait(t, "the command line's run in the table", func() bool { return len(u.Runs.Runs()) == 2 })
	if took := time.Since(logged); took > 20*interval {
		t.Errorf("the run showed after %v, poll interval %v", took, interval)
	}
	runs := u.Runs.Runs()
	if runs[0].Name == first.Name || runs[0].ID == first.ID {
		t.Errorf("the new run is not first: %v", runs[0].Name)
	}
	if !slices.Equal(u.Runs.Ticked(), []string{first.ID}) {
		t.Errorf("ticked after the refresh: %v", u.Runs.Ticked())
	}
	if c := u.Runs.Current(); c == nil || c.ID != first.ID {
		t.Errorf("the run on show changed to %v", c)
	}
	if u.Runs.FilterError.Visible() || u.Runs.Search.Text != "metrics.share." {
		t.Errorf("the refresh judged the half-typed filter: %q", u.Runs.FilterError.Text)
	}
}
