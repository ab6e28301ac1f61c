package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// splitSample writes the first part of the bundled touch log to a file
// and returns its path and the rest of the lines.
func splitSample(t *testing.T, dir string, keep int) (path string, rest string) {
	t.Helper()
	data, err := os.ReadFile(sampleTouches)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	path = filepath.Join(dir, "touches.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:keep], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, strings.Join(lines[keep:], "")
}

// A grown file refreshes the champion: same parameters (bootstrap and
// periods too), a new dataset version whose parent is the old one, a run
// tagged with the champion, and a comparison of the two with marks.
func TestRefreshGrownFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	file, rest := splitSample(t, dir, 2500)

	code, _, stderr := runIn(t, db, "attribute", file, "--refresh", "--experiment", "web")
	if code != 1 || !strings.Contains(stderr, "no champion") {
		t.Errorf("refresh without a champion: exit %d, %q", code, stderr)
	}
	champ := logged(t, db, file, "--models", "linear,markov", "--order", "2", "--bootstrap", "60", "--seed", "5", "--by", "month", "--experiment", "web")
	if code, _, stderr := runIn(t, db, "runs", "promote", champ); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr = runIn(t, db, "attribute", file, "--refresh", "--experiment", "web")
	if code != 0 || !strings.Contains(stderr, "has not grown") || strings.Contains(stderr, "\nrun ") {
		t.Errorf("refresh of an unchanged file: exit %d, %q", code, stderr)
	}

	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(rest)
	f.Close()
	code, _, stderr = runIn(t, db, "attribute", file, "--refresh", "--experiment", "web", "--format", "csv")
	if code != 0 {
		t.Fatalf("refresh: exit %d: %s", code, stderr)
	}
	fresh := runLine.FindStringSubmatch(stderr)
	if fresh == nil || !strings.Contains(stderr, "refreshed champion "+champ+" as run "+fresh[1]) {
		t.Fatalf("refresh stderr %q", stderr)
	}

	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	old, _ := st.Run(ctx, champ)
	run, err := st.Run(ctx, fresh[1])
	if err != nil {
		t.Fatal(err)
	}
	if run.Tags[tracking.TagRefreshOf] != champ || run.Experiment != "web" || run.Dataset == old.Dataset {
		t.Errorf("refreshed run: tags %v, experiment %s, dataset %.12s (champion's %.12s)", run.Tags, run.Experiment, run.Dataset, old.Dataset)
	}
	for _, key := range []string{"order", "bootstrap", "bootstrap_seed", "by", "models"} {
		a, _ := old.Param(key)
		b, ok := run.Param(key)
		if !ok || a.String() != b.String() {
			t.Errorf("param %s: champion %q, refresh %q", key, a.String(), b.String())
		}
	}
	abs, _ := filepath.Abs(file)
	versions, err := st.DatasetVersions(ctx, abs)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Fingerprint != run.Dataset || versions[0].Parent != old.Dataset || versions[0].Version != 2 || versions[1].Version != 1 {
		t.Errorf("dataset versions %+v", versions)
	}
	if rows, _ := st.PeriodResults(ctx, run.ID); len(rows) == 0 {
		t.Error("the refresh did not repeat the champion's periods")
	}

	// Compare the pair: every channel has a bootstrapped change, unpaired
	// (different data), with a mark in the table.
	code, out, stderr := runIn(t, db, "compare", champ, run.ID, "--model", "markov", "--format", "json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var cmp struct {
		Channels []struct {
			Channel     string
			ShareChange []*tracking.ShareChange `json:"share_change"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatal(err)
	}
	for _, ch := range cmp.Channels {
		s := ch.ShareChange[1]
		if ch.ShareChange[0] != nil || s == nil || s.Paired || !(s.Low <= s.High) || s.Significant != (s.Low > 0 || s.High < 0) {
			t.Errorf("%s: share change %+v", ch.Channel, ch.ShareChange)
		}
	}
	_, out, _ = runIn(t, db, "compare", champ, run.ID, "--model", "markov", "--format", "csv")
	for _, want := range []string{"share_change_low.markov,email,,", "significant.markov,email,,"} {
		if !strings.Contains(out, want) {
			t.Errorf("compare CSV lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runIn(t, db, "compare", champ, run.ID, "--model", "markov")
	if !strings.Contains(out, "outside the bootstrap noise") || !(strings.Contains(out, " *") || strings.Contains(out, " ~")) {
		t.Errorf("compare table without marks:\n%s", out)
	}

	// Charts of bootstrapped runs carry error bars.
	for _, kind := range []string{"attribution", "compare"} {
		out := filepath.Join(dir, kind+".svg")
		args := []string{"export", "chart", champ, "--kind", kind, "--out", out}
		if kind == "compare" {
			args = []string{"export", "chart", champ, run.ID, "--kind", kind, "--model", "markov", "--out", out}
		}
		if code, _, stderr := runIn(t, db, args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
		svg, _ := os.ReadFile(out)
		if n := strings.Count(string(svg), "stroke:#303030"); n == 0 {
			t.Errorf("%s chart of bootstrapped runs without error bars", kind)
		}
	}

	// MLflow: the champion is tagged, and each period's share is metric
	// history with step = period index and time = period start.
	mlruns := filepath.Join(dir, "mlruns")
	if code, _, stderr := runIn(t, db, "export", "mlflow", "--out", mlruns); code != 0 {
		t.Fatal(stderr)
	}
	runDir := func(id string) string {
		m, _ := filepath.Glob(filepath.Join(mlruns, "*", id))
		if len(m) != 1 {
			t.Fatalf("run %s exported %d times", id, len(m))
		}
		return m[0]
	}
	if tag, err := os.ReadFile(filepath.Join(runDir(champ), "tags", TagChampion)); err != nil || string(tag) != "true" {
		t.Errorf("champion tag: %q, %v", tag, err)
	}
	if _, err := os.Stat(filepath.Join(runDir(run.ID), "tags", TagChampion)); err == nil {
		t.Error("the refreshed run, not champion, is tagged champion")
	}
	hist, err := os.ReadFile(filepath.Join(runDir(run.ID), "metrics", tracking.PeriodShareKey("markov", "email")))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1735689600000", "1738368000000", "1740787200000", "1743465600000", "1746057600000"} // 1 Jan to 1 May 2025 UTC
	lines := strings.Split(strings.TrimSpace(string(hist)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("period history:\n%s", hist)
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if f[0] != want[i] || f[2] != strconv.Itoa(i) {
			t.Errorf("period %d: %q, want time %s step %d", i, l, want[i], i)
		}
	}
}

// A file that does not begin with the old data is refused unless the user
// says it is a new version.
func TestRefreshRewrittenFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	file, rest := splitSample(t, dir, 1500)
	champ := logged(t, db, file, "--models", "linear")
	if code, _, stderr := runIn(t, db, "runs", "promote", champ); code != 0 {
		t.Fatal(stderr)
	}
	data, _ := os.ReadFile(file)
	rewritten := strings.Replace(string(data), "\n", "\n\n", 2) + rest // a blank line changes the bytes, not the data
	if err := os.WriteFile(file, []byte(rewritten), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runIn(t, db, "attribute", file, "--refresh")
	if code != 2 || !strings.Contains(stderr, "does not begin with the data") || !strings.Contains(stderr, "--rewritten") {
		t.Errorf("refresh of a rewritten file: exit %d, %q", code, stderr)
	}
	code, _, stderr = runIn(t, db, "attribute", file, "--refresh", "--rewritten")
	if code != 0 || !strings.Contains(stderr, "refreshed champion "+champ) {
		t.Errorf("refresh --rewritten: exit %d, %q", code, stderr)
	}
}
