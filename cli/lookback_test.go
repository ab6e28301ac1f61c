package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLookbackIsARunParam: two attributions of one touch log with
// different lookbacks are runs on the same dataset (lookback is a run
// parameter), and compare says so, as the app does.
func TestLookbackIsARunParam(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	data := filepath.Join(dir, "touches.csv")
	src := "journey_id,timestamp,channel,conversion\n" +
		"a,2025-01-01,email,0\na,2025-01-20,search,1\nb,2025-01-01,social,0\nb,2025-01-02,email,1\n"
	if err := os.WriteFile(data, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	long := logged(t, db, "--lookback", "30d", data)
	short := logged(t, db, "--lookback", "7d", data)
	runs := runsJSON(t, db)
	if len(runs) != 2 || runs[0].Fingerprint != runs[1].Fingerprint {
		t.Fatalf("runs %+v: want two runs on one dataset", runs)
	}
	if runs[0].Params["lookback_days"] == runs[1].Params["lookback_days"] {
		t.Errorf("lookback_days %v and %v, want 7 and 30", runs[0].Params["lookback_days"], runs[1].Params["lookback_days"])
	}
	code, stdout, stderr := trackCLI(t, db, "", "compare", long, short)
	if code != 0 || !strings.Contains(stdout, "same dataset: every run read the same data") {
		t.Errorf("compare: exit %d, does not say same dataset:\n%s%s", code, stdout, stderr)
	}
}
