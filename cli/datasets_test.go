package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/storage"
)

// TestDatasetsCommand: attrlab datasets lists what import registered;
// delete takes a dataset off the listing (the store's, which the app reads
// too) and restore brings it back; a run on it keeps the dataset's name.
func TestDatasetsCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "runs.db")
	a := writeFile(t, "a.csv", []byte(trackPaths))
	b := writeFile(t, "b.csv", []byte(trackPaths+"display,1,10,3\n"))
	for _, f := range []string{a, b} {
		if code, _, stderr := trackCLI(t, db, "", "import", f); code != 0 {
			t.Fatalf("import %s: %d %s", f, code, stderr)
		}
	}
	if code, _, stderr := trackCLI(t, db, "", "attribute", a, "--models", "linear"); code != 0 {
		t.Fatalf("attribute: %d %s", code, stderr)
	}
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	dss, err := st.Datasets(t.Context())
	st.Close()
	if err != nil || len(dss) != 2 {
		t.Fatalf("store holds %d datasets, %v", len(dss), err)
	}
	fpA := dss[1].Fingerprint
	if dss[0].Name == "a.csv" {
		fpA = dss[0].Fingerprint
	}
	code, out, _ := trackCLI(t, db, "", "datasets")
	if code != 0 || !strings.Contains(out, "a.csv") || !strings.Contains(out, "b.csv") || !strings.Contains(out, fpA) {
		t.Fatalf("datasets: %d\n%s", code, out)
	}
	if code, out, stderr := trackCLI(t, db, "", "datasets", "delete", fpA); code != 0 || !strings.Contains(out, "deleted") {
		t.Fatalf("datasets delete: %d %s %s", code, out, stderr)
	}
	for _, format := range []string{"table", "csv"} {
		code, out, _ = trackCLI(t, db, "", "datasets", "--format", format)
		if code != 0 || strings.Contains(out, "a.csv") || !strings.Contains(out, "b.csv") {
			t.Errorf("datasets --format %s after deleting a.csv: %d\n%s", format, code, out)
		}
	}
	code, out, _ = trackCLI(t, db, "", "runs", "--format", "csv")
	if code != 0 || !strings.Contains(out, "a.csv") {
		t.Errorf("the run on the deleted dataset lost its name:\n%s", out)
	}
	if code, _, _ := trackCLI(t, db, "", "datasets", "restore", fpA); code != 0 {
		t.Fatalf("datasets restore: %d", code)
	}
	if _, out, _ = trackCLI(t, db, "", "datasets"); !strings.Contains(out, "a.csv") {
		t.Errorf("after restore:\n%s", out)
	}
	if code, _, stderr := trackCLI(t, db, "", "datasets", "delete", strings.Repeat("0", 64)); code != ExitUsage || !strings.Contains(stderr, "not found") {
		t.Errorf("deleting an unknown dataset: exit %d, %s", code, stderr)
	}
}
