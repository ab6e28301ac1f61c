package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestImportWithNoRowsNotStored: an import that accepts no row is neither
// added nor stored, and says why (its rejected rows listed); a file with
// only a header says so.
func TestImportWithNoRowsNotStored(t *testing.T) {
	dir := t.TempDir()
	allBad := filepath.Join(dir, "all_bad.csv")
	if err := os.WriteFile(allBad, []byte("journey_id,timestamp,channel,conversion\na,not a time,email,0\nb,yesterday,search,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	headerOnly := filepath.Join(dir, "header_only.csv")
	if err := os.WriteFile(headerOnly, []byte("journey_id,timestamp,channel,conversion\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	for _, c := range []struct {
		path, says string
		skip       bool
	}{
		{allBad, "none of the 2 rows", true},
		{headerOnly, "no rows", false},
	} {
		closeDialogs(u.Window)
		done := make(chan error, 1)
		u.Datasets.onImportEnd = func(err error) { done <- err }
		u.Datasets.OpenPath(c.path)
		u.Datasets.skipBad.SetChecked(c.skip)
		test.Tap(u.Datasets.ImportBtn)
		err := waitFor(t, done)
		if err == nil {
			t.Errorf("%s: imported", filepath.Base(c.path))
		}
		if len(u.datasets) != 0 {
			t.Errorf("%s: added %v", filepath.Base(c.path), u.datasetNames())
		}
		if dss, err := u.st.Datasets(context.Background()); err != nil || len(dss) != 0 {
			t.Errorf("%s: the store has %d datasets (%v)", filepath.Base(c.path), len(dss), err)
		}
		if !strings.Contains(u.Datasets.Status.Text, c.says) || !strings.Contains(topDialogText(u.Window), c.says) {
			t.Errorf("%s: status %q, dialog %q; want them to say %q", filepath.Base(c.path), u.Datasets.Status.Text, topDialogText(u.Window), c.says)
		}
		if c.skip && (!u.Datasets.Rejected.Content().Visible() || u.Datasets.Rejected.Title.Text != "Rejected rows (2)") {
			t.Errorf("%s: rejected rows not listed (%q)", filepath.Base(c.path), u.Datasets.Rejected.Title.Text)
		}
	}
	if opts := u.Attribute.DatasetPicker.Options; len(opts) != 0 {
		t.Errorf("Attribute offers %v", opts)
	}
}

// TestOpenNewFileClearsLastReport: opening another file shows its preview
// and none of the last import's report, rejected rows or header; cells of
// the preview and of the rejected rows never run into the next column.
func TestOpenNewFileClearsLastReport(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	long := strings.Repeat("a very long campaign name ", 6)
	if err := os.WriteFile(bad, []byte("journey_id,timestamp,channel,conversion,old_only_column_with_a_name_far_too_long_for_its_column\na,2025-01-01,"+long+",0,x\nb,never,search,1,y\nb,2025-01-02,search,1,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("path,conversions,null\nemail>search,3,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newStoreUI(t)
	importSkippingBad(t, u.UI, bad)
	v := u.Datasets.Rejected
	if !v.Content().Visible() || !strings.Contains(u.Datasets.report.Text, "old_only_column") {
		t.Fatalf("bad.csv: rejected shown %v, report %q", v.Content().Visible(), u.Datasets.report.Text)
	}
	// No cell needs more than its column: long text is cut short.
	checkCells(t, "rejected rows", v.Table, 340, long)
	checkCells(t, "preview", u.Datasets.PreviewTable, 150, long)
	checkHeader(t, "rejected rows", v.Table, 2+4, 120)
	checkHeader(t, "preview", u.Datasets.PreviewTable, 4, 150)

	u.OpenFile(good)
	if v.Content().Visible() {
		t.Error("good.csv's preview shows bad.csv's rejected rows")
	}
	if r := u.Datasets.report.Text; strings.Contains(r, "old_only_column") || strings.Contains(r, "Rows:") || !strings.Contains(r, "good.csv") {
		t.Errorf("good.csv's preview shows the report %q", r)
	}
}

// checkCells fails if a cell of tbl showing text would need more than
// width: it would be drawn across the next column.
func checkCells(t *testing.T, name string, tbl *widget.Table, width float32, text string) {
	t.Helper()
	l, ok := tbl.CreateCell().(*widget.Label)
	if !ok {
		t.Fatalf("%s: cells are not labels", name)
	}
	l.SetText(text)
	if w := l.MinSize().Width; w > width {
		t.Errorf("%s: a cell with %d characters needs %.0f px, its column has %.0f", name, len(text), w, width)
	}
}

// checkHeader fails if the header of column col of tbl (a long column
// name) needs more than width.
func checkHeader(t *testing.T, name string, tbl *widget.Table, col int, width float32) {
	t.Helper()
	o := tbl.CreateHeader()
	tbl.UpdateHeader(widget.TableCellID{Row: -1, Col: col}, o)
	l := o.(*widget.Label)
	if w := l.MinSize().Width; w > width {
		t.Errorf("%s: header %q needs %.0f px, its column has %.0f", name, l.Text, w, width)
	}
}
