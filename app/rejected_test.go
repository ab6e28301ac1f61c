package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/attrlab/attrlab/report"
)

// importSkippingBad imports a file with "Skip bad rows" ticked.
func importSkippingBad(t *testing.T, u *UI, path string) {
	t.Helper()
	done := make(chan error, 1)
	u.Datasets.onImportEnd = func(err error) { done <- err }
	u.Datasets.OpenPath(path)
	u.Datasets.skipBad.SetChecked(true)
	test.Tap(u.Datasets.ImportBtn)
	if err := waitFor(t, done); err != nil {
		t.Fatal(err)
	}
}

// TestRejectedRowsTableAndSave: an import that skips bad rows lists them
// (line, reason, cells) and saves them as the command line's dead-letter
// CSV, asking before it replaces a file.
func TestRejectedRowsTableAndSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	data := "journey_id,timestamp,channel,conversion\n" +
		"a,2025-01-01,email,0\n" +
		"a,31/02/2024,email,1\n" +
		"b,2025-01-01,search,maybe\n" +
		"b,2025-01-02,search,1\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	importSkippingBad(t, u, path)
	v := u.Datasets.Rejected
	if !v.box.Visible() || v.Title.Text != "Rejected rows (2)" || v.Note.Visible() {
		t.Fatalf("rejected view visible %v, title %q, note visible %v", v.box.Visible(), v.Title.Text, v.Note.Visible())
	}
	rows, cols := v.Table.Length()
	if rows != 2 || cols != 6 {
		t.Fatalf("rejected table is %dx%d, want 2x6 (line, reason, 4 cells)", rows, cols)
	}
	for _, c := range []struct {
		row, col int
		want     string
	}{
		{0, 0, "3"}, {0, 1, "31/02/2024"}, {0, 3, "31/02/2024"}, {0, 4, "email"},
		{1, 0, "4"}, {1, 1, "maybe"}, {1, 5, "maybe"},
	} {
		if got := v.CellText(c.row, c.col); !strings.Contains(got, c.want) {
			t.Errorf("cell (%d,%d) = %q, want it to contain %q", c.row, c.col, got, c.want)
		}
	}

	// The save button opens a save dialog offering bad.rejected.csv.
	if v.fileName() != "bad.rejected.csv" {
		t.Errorf("offers to save as %q", v.fileName())
	}
	test.Tap(v.SaveBtn)
	overlays := u.Window.Canvas().Overlays()
	if overlays.Top() == nil {
		t.Fatal("Save rejected rows… opened no dialog")
	}
	overlays.Remove(overlays.Top())

	// What the dialog's choice writes: the dead-letter CSV.
	out := filepath.Join(dir, "out.csv")
	saveCSV(u, out, v.write)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := report.WriteRejectedCSV(&want, []string{"journey_id", "timestamp", "channel", "conversion"}, u.dataset("bad.csv").rejected); err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() || !strings.HasPrefix(string(got), "line,reason,journey_id,timestamp,channel,conversion\n3,") {
		t.Errorf("saved\n%s\nwant\n%s", got, want.String())
	}
	// The save says where it went.
	if text := topDialogText(u.Window); !strings.Contains(text, "Saved to "+out) {
		t.Errorf("after saving, the dialog says %q", text)
	}
	closeDialogs(u.Window)
	// An existing file is not replaced without asking.
	if err := os.WriteFile(out, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saveCSV(u, out, v.write)
	if b, _ := os.ReadFile(out); string(b) != "keep me\n" {
		t.Errorf("an existing file was replaced without asking: %q", b)
	}
	if !strings.Contains(topDialogText(u.Window), "Replace it?") {
		t.Error("no dialog asks before replacing the file")
	}
	// Enter replaces it, and the save says where.
	pressEnter(u.Window)
	if b, _ := os.ReadFile(out); string(b) != want.String() {
		t.Errorf("Enter on “Replace file?” left %q", b)
	}
	if text := topDialogText(u.Window); !strings.Contains(text, "Saved to "+out) {
		t.Errorf("after replacing, the dialog says %q", text)
	}
	pressEnter(u.Window)
	if overlays.Top() != nil {
		t.Errorf("Enter did not close %q", topDialogText(u.Window))
	}

	// A clean import hides the view.
	clean := filepath.Join(dir, "clean.csv")
	if err := os.WriteFile(clean, []byte("journey_id,timestamp,channel,conversion\na,2025-01-01,email,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	importSkippingBad(t, u, clean)
	if v.box.Visible() {
		t.Error("the rejected rows of bad.csv are still shown for clean.csv")
	}
}

// TestRejectedRowsCapped: the table shows at most maxRejectedShown rows,
// with a note; the saved file has them all.
func TestRejectedRowsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("journey_id,timestamp,channel,conversion\na,2025-01-01,email,1\n")
	n := maxRejectedShown + 5
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "j%d,not-a-date,email,0\n", i)
	}
	path := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	importSkippingBad(t, u, path)
	v := u.Datasets.Rejected
	if rows, _ := v.Table.Length(); rows != maxRejectedShown {
		t.Errorf("table shows %d rows, want %d", rows, maxRejectedShown)
	}
	if !v.Note.Visible() || !strings.Contains(v.Note.Text, fmt.Sprint(n)) {
		t.Errorf("note visible %v: %q", v.Note.Visible(), v.Note.Text)
	}
	out := filepath.Join(t.TempDir(), "all.csv")
	saveCSV(u, out, v.write)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(got), "\n"); lines != n+1 {
		t.Errorf("saved %d lines, want %d rows and a header", lines, n)
	}
}
