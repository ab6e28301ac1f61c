package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs attrlab on the store db (so that runs persist between calls).
func runIn(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append(args, "--db", db))
	return code, out.String(), errb.String()
}

// Promote two runs in turn on a real store: champion shows the history,
// the filter finds the champion, and budget --experiment uses it with a
// proposed range from its bootstrap.
func TestPromoteChampionBudget(t *testing.T) {
	db := filepath.Join(t.TempDir(), "runs.db")
	first := logged(t, db, sampleTouches, "--models", "linear", "--experiment", "web")
	second := logged(t, db, sampleTouches, "--models", "linear,markov", "--bootstrap", "40", "--experiment", "web")

	code, out, stderr := runIn(t, db, "runs", "promote", first, "--note", "baseline")
	if code != 0 || !strings.Contains(out, first+" is now the champion of experiment \"web\" (it had none)") {
		t.Fatalf("promote: %d %q %q", code, out, stderr)
	}
	code, out, _ = runIn(t, db, "runs", "promote", second, "--note", "with intervals")
	if code != 0 || !strings.Contains(out, "(was "+first+")") {
		t.Fatalf("second promote: %d %q", code, out)
	}
	code, out, _ = runIn(t, db, "runs", "promote", second)
	if code != 1 || out != "" {
		t.Errorf("promoting the champion again: exit %d, %q", code, out)
	}

	_, out, _ = runIn(t, db, "runs", "champion", "--experiment", "web", "--format", "json")
	var ch struct {
		Champion string `json:"champion"`
		History  []struct {
			RunID, Previous, Note string
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(out), &ch); err != nil {
		t.Fatal(err, out)
	}
	if ch.Champion != second || len(ch.History) != 2 || ch.History[0].Previous != first || ch.History[1].Note != "baseline" {
		t.Errorf("champion JSON %+v", ch)
	}
	_, out, _ = runIn(t, db, "runs", "--filter", "champion = true", "--format", "csv")
	if !strings.Contains(out, second) || strings.Contains(out, first) {
		t.Errorf("champion = true lists\n%s", out)
	}
	_, out, _ = runIn(t, db, "runs")
	if strings.Count(out, "★ champion") != 1 || !strings.Contains(out, second+"  web") {
		t.Errorf("runs table:\n%s", out)
	}
	_, out, _ = runIn(t, db, "runs", "--format", "json")
	var listed []jsonRun
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatal(err)
	}
	for _, r := range listed {
		if r.Champion != (r.RunID == second) {
			t.Errorf("run %s: champion %v", r.RunID, r.Champion)
		}
	}

	spend := writeFile(t, "spend.csv", []byte("channel,spend\nemail,100\npaid_search,300\ndisplay,200\n"))
	code, out, stderr = runIn(t, db, "budget", "--experiment", "web", "--spend", spend, "--model", "markov")
	if code != 0 {
		t.Fatalf("budget --experiment: %d %s", code, stderr)
	}
	if !strings.Contains(stderr, "budget from run "+second) || !strings.Contains(out, "Proposed range") {
		t.Errorf("budget from the champion:\n%s\n%s", out, stderr)
	}
	code, out, _ = runIn(t, db, "budget", "--experiment", "web", "--spend", spend, "--model", "markov", "--format", "json")
	if code != 0 || !strings.Contains(out, `"proposed_range"`) {
		t.Errorf("budget JSON without proposed_range:\n%s", out)
	}
	code, _, stderr = runIn(t, db, "budget", "--experiment", "nobody", "--spend", spend)
	if code != 1 || !strings.Contains(stderr, `"nobody"`) {
		t.Errorf("budget for an unknown experiment: %d %q", code, stderr)
	}
}
