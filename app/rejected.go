package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/report"
)

// maxRejectedShown caps the rows of the rejected-rows table; the saved
// file has them all.
const maxRejectedShown = 1000

// rejectedView is the part of the validation report that lists the rows
// an import skipped (line, reason, the row's cells) and saves them as a
// dead-letter CSV.
type rejectedView struct {
	ui *UI
	d  *loadedDataset // the dataset whose rejected rows are on show

	Title   *widget.Label
	Note    *widget.Label
	Table   *widget.Table
	SaveBtn *widget.Button
	box     *fyne.Container
}

func newRejectedView(u *UI) *rejectedView {
	v := &rejectedView{ui: u, Title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), Note: widget.NewLabel("")}
	v.Note.Wrapping = fyne.TextWrapWord
	v.Table = widget.NewTableWithHeaders(v.size, func() fyne.CanvasObject { return newCellLabel("cell text here") }, v.updateCell)
	v.Table.ShowHeaderColumn = false
	v.Table.CreateHeader = headerTemplate("reason")
	v.Table.UpdateHeader = v.updateHeader
	v.SaveBtn = widget.NewButton("Save rejected rows…", v.save)
	v.box = container.NewVBox(container.NewHBox(v.Title, v.SaveBtn), v.Note, fixedHeight(v.Table, 260))
	v.box.Hide()
	return v
}

// Content returns the view's layout; it is hidden while there is nothing
// to show.
func (v *rejectedView) Content() fyne.CanvasObject { return v.box }

// show lists d's rejected rows, or hides the view if it has none.
func (v *rejectedView) show(d *loadedDataset) {
	v.d = d
	if d == nil || len(d.rejected) == 0 {
		v.box.Hide()
		return
	}
	n := len(d.rejected)
	v.Title.SetText(fmt.Sprintf("Rejected rows (%d)", n))
	if n > maxRejectedShown {
		v.Note.SetText(fmt.Sprintf("Showing the first %d of %d rejected rows; “Save rejected rows…” writes them all.", maxRejectedShown, n))
		v.Note.Show()
	} else {
		v.Note.Hide()
	}
	v.Table.SetColumnWidth(0, 60)
	v.Table.SetColumnWidth(1, 340)
	for i := range v.header() {
		v.Table.SetColumnWidth(2+i, 120)
	}
	v.Table.ScrollToTop()
	v.Table.Refresh()
	v.box.Show()
}

func (v *rejectedView) header() []string { return v.d.ds.Summary.Header }

func (v *rejectedView) size() (int, int) {
	if v.d == nil {
		return 0, 0
	}
	return min(len(v.d.rejected), maxRejectedShown), 2 + len(v.header())
}

// CellText is the text of a cell of the rejected-rows table: line,
// reason, then the row's own cells.
func (v *rejectedView) CellText(row, col int) string {
	r := v.d.rejected[row]
	switch col {
	case 0:
		return strconv.Itoa(r.Err.Line)
	case 1:
		return report.RejectedReason(r)
	}
	if c := col - 2; c < len(r.Fields) {
		return r.Fields[c]
	}
	return ""
}

func (v *rejectedView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	o.(*widget.Label).SetText(v.CellText(id.Row, id.Col))
}

func (v *rejectedView) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.Truncation = fyne.TextTruncateEllipsis // a long column name stays in its column
	switch {
	case id.Row >= 0 || id.Col < 0:
		l.SetText("")
	case id.Col == 0:
		l.SetText("line")
	case id.Col == 1:
		l.SetText("reason")
	default:
		l.SetText(v.header()[id.Col-2])
	}
}

// save asks where to write the rejected rows as CSV.
func (v *rejectedView) save() {
	if v.d == nil || len(v.d.rejected) == 0 {
		return
	}
	exportCSV(v.ui, v.fileName(), v.write)
}

// fileName is the name offered for the dead-letter file, as the command
// line names it: FILE.rejected.csv.
func (v *rejectedView) fileName() string {
	base := filepath.Base(v.d.info.Source)
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".rejected.csv"
}

func (v *rejectedView) write(w io.Writer) error {
	return report.WriteRejectedCSV(w, v.header(), v.d.rejected)
}
