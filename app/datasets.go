package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

const notMapped = "(not mapped)"

// DatasetsScreen imports journey files: preview, column mapping,
// validation report, and the list of datasets: those loaded in this
// session and those the run store knows.
type DatasetsScreen struct {
	ui *UI

	list   *widget.List
	report *widget.Label
	// Edit renames and deletes datasets.
	Edit *datasetEditor
	// deleted are the fingerprints deleted in this session, kept off the
	// list while the store catches up.
	deleted map[string]bool
	// Rejected lists the rows the shown import skipped.
	Rejected *rejectedView
	// entries are the list's rows; stored is the store's datasets as last
	// read (storedSeq numbers the reads).
	entries   []datasetEntry
	stored    []*tracking.DatasetInfo
	storedSeq int
	onStored  func(error) // for tests: a read of the store's datasets ended

	// The import in progress (nil when none).
	path       string
	preview    *attribution.Preview
	layout     *widget.Select
	mapping    map[string]*widget.Select
	rules      *importRules // the preview's reading rules (importrules.go)
	skipBad    *widget.Check
	previewBox *fyne.Container
	// PreviewTable shows the first rows of the file being previewed.
	PreviewTable *widget.Table
	ImportBtn    *widget.Button
	CancelBtn    *widget.Button
	Progress     *widget.ProgressBar
	Status       *widget.Label
	cancel       context.CancelFunc
	onImportEnd  func(error) // for tests: called on the UI thread
}

func newDatasetsScreen(u *UI) *DatasetsScreen {
	s := &DatasetsScreen{ui: u, deleted: map[string]bool{}, report: widget.NewLabel("Open a journey CSV (Ctrl+O) or drop one on the window."), mapping: map[string]*widget.Select{}}
	s.report.Wrapping = fyne.TextWrapWord
	s.Rejected = newRejectedView(u)
	s.list = widget.NewList(s.listLength, s.newListItem, s.updateListItem)
	s.list.OnSelected = s.entrySelected
	s.list.OnUnselected = func(widget.ListItemID) { s.Edit.selected("") }
	s.Edit = newDatasetEditor(s)
	u.onDatasetsChanged = append(u.onDatasetsChanged, s.datasetsChanged)
	s.previewBox = container.NewVBox()
	s.Progress = widget.NewProgressBar()
	s.Progress.Hide()
	s.Status = newStatusLabel()
	s.ImportBtn = widget.NewButton("Import", s.startImport)
	s.ImportBtn.Importance = widget.HighImportance
	s.ImportBtn.Disable()
	s.CancelBtn = widget.NewButton("Cancel", s.Cancel)
	s.CancelBtn.Disable()
	s.skipBad = widget.NewCheck("Skip bad rows and report them", nil)
	u.Window.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if len(uris) > 0 {
			u.Select(ScreenDatasets)
			s.OpenPath(uris[0].Path())
		}
	})
	s.reloadStored()
	return s
}

// Content returns the screen's layout.
func (s *DatasetsScreen) Content() fyne.CanvasObject {
	open := widget.NewButton("Open…", s.OpenDialog)
	top := container.NewHBox(open, widget.NewLabel("Ctrl+O, or drop a CSV on the window"))
	left := container.NewBorder(widget.NewLabelWithStyle("Datasets", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(s.Edit.undoBar, container.NewHBox(s.Edit.RenameBtn, s.Edit.DeleteBtn)), nil, nil, s.list)
	actions := container.NewHBox(s.skipBad, s.ImportBtn, s.CancelBtn)
	// One scroll for the whole side: the preview, column pickers and
	// reading rules are taller than a 700-pixel screen, and Import must
	// stay reachable.
	right := container.NewBorder(top, nil, nil, nil,
		container.NewVScroll(container.NewVBox(s.previewBox, actions, s.Progress, s.Status, s.report, s.Rejected.Content())))
	split := container.NewHSplit(left, right)
	split.Offset = 0.3
	// The list keeps its width on a wide window; the preview gets the rest.
	return container.New(&leadSplit{split: split, lead: datasetsListWidth}, split)
}

// datasetsListWidth is the width the Datasets list starts at.
const datasetsListWidth = 320

// OpenDialog asks for a CSV file to import.
func (s *DatasetsScreen) OpenDialog() {
	askOpenCSV(s.ui, "file", s.OpenPath)
}

// OpenPath reads the first rows of a file and shows the preview with the
// detected layout and column mapping, ready to import.
func (s *DatasetsScreen) OpenPath(path string) {
	f, err := os.Open(path)
	if err != nil {
		s.ui.showError("Open "+filepath.Base(path), err, "Check that the file exists and that you can read it.")
		return
	}
	defer f.Close()
	p, err := attribution.ReadPreview(f, filepath.Base(path), 8)
	if err != nil {
		s.ui.showError("Read "+filepath.Base(path), err, "Fix the file, or export it again as CSV (UTF-8).")
		return
	}
	s.path, s.preview = path, p
	// What is on show belongs to the new file now: not the last import's
	// report, rejected rows or selection in the list.
	s.list.UnselectAll()
	s.report.SetText(fmt.Sprintf("Preview of %s: check the layout and the columns, then Import.", filepath.Base(path)))
	s.Rejected.show(nil)
	s.buildPreview()
}

func (s *DatasetsScreen) buildPreview() {
	p := s.preview
	info := fmt.Sprintf("%s — %s-delimited", filepath.Base(s.path), p.Delimiter)
	if p.Encoding != "" {
		info += ", " + p.Encoding
	}
	if p.TimestampFormat != "" {
		info += ", timestamps " + string(p.TimestampFormat)
	}
	table := widget.NewTableWithHeaders(
		func() (int, int) { return len(p.Rows), len(p.Header) },
		func() fyne.CanvasObject { return newCellLabel("cell text here") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			row := p.Rows[id.Row]
			text := ""
			if id.Col < len(row) {
				text = row[id.Col]
			}
			o.(*widget.Label).SetText(text)
		})
	s.PreviewTable = table
	labels := p.ColumnLabels()
	table.CreateHeader = headerTemplate("000") // the row numbers' width
	table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		// A long column name is cut short, not drawn over the next one.
		l.Truncation = fyne.TextTruncateEllipsis
		switch {
		case id.Row < 0 && id.Col >= 0:
			l.SetText(labels[id.Col]) // as the column pickers name it
		case id.Col < 0 && id.Row >= 0:
			l.SetText(fmt.Sprint(id.Row + 2))
		default:
			l.SetText("")
		}
	}
	for i := range p.Header {
		table.SetColumnWidth(i, 150)
	}
	scroll := fixedHeight(table, 230)

	s.layout = widget.NewSelect([]string{string(attribution.LayoutPaths), string(attribution.LayoutTouches)}, func(string) { s.buildMapping() })
	mappingBox := container.NewVBox()
	s.previewBox.Objects = []fyne.CanvasObject{
		&widget.Label{Text: info, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		scroll,
		container.NewHBox(widget.NewLabel("Layout:"), s.layout),
		mappingBox,
	}
	s.previewBox.Objects = append(s.previewBox.Objects, s.rulesPanel())
	if p.Layout == attribution.LayoutAuto {
		s.Status.SetText(p.LayoutError)
	} else {
		s.Status.SetText("")
	}
	s.layout.SetSelected(string(p.Layout))
	s.ImportBtn.Enable()
	s.previewBox.Refresh()
}

// buildMapping shows one column picker per field of the chosen layout.
func (s *DatasetsScreen) buildMapping() {
	layout := attribution.Layout(s.layout.Selected)
	cols := s.preview.Mapping(layout, nil)
	// Labels, not bare names: two columns called "Source" are two choices.
	options := append([]string{notMapped}, s.preview.ColumnLabels()...)
	grid := container.NewGridWithColumns(4)
	s.mapping = map[string]*widget.Select{}
	for _, field := range attribution.FieldNames(layout) {
		sel := widget.NewSelect(options, nil)
		if c, ok := cols[field]; ok {
			sel.SetSelected(c)
		} else {
			sel.SetSelected(notMapped)
		}
		// A column chosen by hand can settle (or cause) a rule's problem.
		sel.OnChanged = func(string) {
			if s.rules != nil {
				s.rules.refresh()
			}
		}
		s.mapping[field] = sel
		grid.Add(widget.NewLabel(field))
		grid.Add(sel)
	}
	box := s.previewBox.Objects[3].(*fyne.Container)
	box.Objects = []fyne.CanvasObject{widget.NewLabel("Columns (change any that were matched wrongly):"), grid}
	box.Refresh()
	if s.rules != nil {
		s.rules.refresh()
	}
}

// SetMapping chooses the column for a field, as a user would in the picker.
func (s *DatasetsScreen) SetMapping(field, column string) {
	if sel, ok := s.mapping[field]; ok {
		sel.SetSelected(column)
	}
}

// importOptions turns the preview's choices into ImportOptions. Map holds
// only the columns mapped by hand (those that differ from what the header
// matched by itself), so that a file imported as detected has the same
// fingerprint here as on the command line.
func (s *DatasetsScreen) importOptions() attribution.ImportOptions {
	layout := attribution.Layout(s.layout.Selected)
	o := attribution.ImportOptions{File: filepath.Base(s.path), Layout: layout, SkipBadRows: s.skipBad.Checked}
	auto := s.preview.Mapping(layout, nil)
	for field, sel := range s.mapping {
		if sel.Selected != "" && sel.Selected != notMapped && auto[field] != sel.Selected {
			if o.Map == nil {
				o.Map = map[string]string{}
			}
			// As the command line names it ("#4" for "Source (#4)"),
			// so that both give the dataset one fingerprint.
			key := sel.Selected
			if i := attribution.ColumnIndex(s.preview.Header, key); i >= 0 {
				key = attribution.ColumnRef(s.preview.Header, i)
			}
			o.Map[key] = field
		}
	}
	if s.rules != nil {
		s.rules.apply(&o)
	}
	return o
}

// startImport imports the previewed file off the UI thread, with progress
// and Cancel. Nothing is added unless the whole import succeeds.
func (s *DatasetsScreen) startImport() {
	if s.preview == nil || s.cancel != nil {
		return
	}
	opts := s.importOptions()
	var size int64
	if st, err := os.Stat(s.path); err == nil {
		size = st.Size()
	}
	var rejected []attribution.RejectedRow
	opts.OnReject = func(r attribution.RejectedRow) { rejected = append(rejected, r) }
	ctx, progress := s.begin(size, "Importing…")
	opts.Progress = progress
	path := s.path
	st, prefs := s.ui.Store, s.ui.App.Preferences()
	go func() {
		d, err := importPath(ctx, path, opts)
		var saveErr error
		var stored []*tracking.DatasetInfo
		if err == nil && d.ds.Summary.RowsAccepted == 0 {
			// Nothing to attribute: not a dataset, so not stored.
			d.rejected = rejected
			err = &emptyImportError{file: filepath.Base(path), d: d}
		}
		if err == nil {
			d.rejected = rejected
			rememberImport(prefs, d)
			prefs.RemoveValue(hiddenPrefKey(d.info.Fingerprint)) // imported again: shown again
			if st != nil {
				saveErr = st.PutDataset(context.Background(), d.info)
				if saveErr == nil {
					stored, saveErr = st.Datasets(context.Background())
				}
			}
		}
		onUI(func() { s.finishImport(path, d, err, saveErr, stored) })
	}()
}

// begin shows progress and Cancel for a background import of size bytes
// (0 if unknown). It returns the import's context and a progress callback
// that hands progress to the UI thread at most every 50 ms.
func (s *DatasetsScreen) begin(size int64, status string) (context.Context, func(attribution.Progress)) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.ImportBtn.Disable()
	s.CancelBtn.Enable()
	s.Progress.SetValue(0)
	s.Progress.Show()
	s.Status.SetText(status)
	var last time.Time
	progress := func(p attribution.Progress) {
		if size <= 0 || time.Since(last) < 50*time.Millisecond {
			return
		}
		last = time.Now()
		v := float64(p.Bytes) / float64(size)
		rows := p.Rows
		onUI(func() {
			s.Progress.SetValue(v)
			s.Status.SetText(fmt.Sprintf("Read %d rows…", rows))
		})
	}
	return ctx, progress
}

// end hides progress and Cancel after a background import.
func (s *DatasetsScreen) end() {
	s.cancel = nil
	s.CancelBtn.Disable()
	if s.preview != nil {
		s.ImportBtn.Enable()
	}
	s.Progress.Hide()
}

// importPath imports a file and describes it for the run store (its
// fingerprint hashes the file's bytes with the import settings). The
// options' callbacks are dropped from what is kept.
func importPath(ctx context.Context, path string, opts attribution.ImportOptions) (*loadedDataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ds, err := attribution.Import(ctx, io.Reader(f), opts)
	if err != nil {
		return nil, err
	}
	opts.Progress, opts.OnReject = nil, nil
	info, err := tracking.DescribeFile(path, "", opts, ds)
	if err != nil {
		return nil, err
	}
	return &loadedDataset{ds: ds, info: info, opts: opts}, nil
}

// finishImport shows the end of an import; stored is the store's
// datasets read after it was saved there (nil without a store).
func (s *DatasetsScreen) finishImport(path string, d *loadedDataset, err, saveErr error, stored []*tracking.DatasetInfo) {
	s.end()
	var empty *emptyImportError
	switch {
	case errors.Is(err, context.Canceled):
		s.Status.SetText("Import cancelled: nothing was added.")
	case errors.As(err, &empty):
		s.Status.SetText("Not imported: " + err.Error())
		s.report.SetText(summaryText(empty.d.ds))
		s.Rejected.show(empty.d)
		s.ui.showError("Import "+filepath.Base(path), err, empty.next())
	case err != nil:
		s.Status.SetText("Import failed: " + err.Error())
		s.ui.showError("Import "+filepath.Base(path), err, "Fix that row in the file, map the columns differently, or tick “Skip bad rows and report them”.")
	default:
		d.name = s.uniqueName(filepath.Base(path))
		ds := d.ds
		s.Status.SetText(fmt.Sprintf("Imported %s: %d rows accepted, %d rejected.", d.name, ds.Summary.RowsAccepted, ds.Summary.RowsRejected))
		s.clearPreview()                      // the file is a dataset now: the report below is its
		delete(s.deleted, d.info.Fingerprint) // imported again: listed again, as the store does
		if stored != nil {
			s.storedSeq++ // supersedes any read under way
			s.stored = stored
		}
		s.ui.addDataset(d)
		if saveErr != nil {
			s.Status.SetText(s.Status.Text + " Not saved in the run store: " + saveErr.Error())
			s.ui.showError("Save "+d.name+" in the run store", saveErr, "The dataset is loaded for this session only. Check that the run store (ATTRLAB_DB) is on a writable disk with free space, then import it again.")
		}
	}
	if s.onImportEnd != nil {
		s.onImportEnd(err)
	}
}

// clearPreview takes the previewed file off the screen.
func (s *DatasetsScreen) clearPreview() {
	s.path, s.preview = "", nil
	s.mapping = map[string]*widget.Select{}
	s.previewBox.Objects = nil
	s.previewBox.Refresh()
	s.ImportBtn.Disable()
}

// emptyImportError says an import accepted no row: there is nothing to
// attribute, so it is neither added nor stored.
type emptyImportError struct {
	file string
	d    *loadedDataset // what was read, with the rows rejected
}

func (e *emptyImportError) Error() string {
	s := e.d.ds.Summary
	if s.RowsRead == 0 {
		return fmt.Sprintf("%s has a header but no rows of data, so there is nothing to attribute", e.file)
	}
	return fmt.Sprintf("none of the %d rows of %s could be used (%d rejected), so there is nothing to attribute", s.RowsRead, e.file, s.RowsRejected)
}

func (e *emptyImportError) next() string {
	if e.d.ds.Summary.RowsRead == 0 {
		return "Export the file again with its rows, or open another file."
	}
	return "The rejected rows are listed on Datasets with the reason for each: check the layout and the column mapping, or fix the file, then import it again."
}

// Cancel stops the import in progress.
func (s *DatasetsScreen) Cancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *DatasetsScreen) uniqueName(base string) string {
	name := base
	for i := 2; s.ui.dataset(name) != nil; i++ {
		name = fmt.Sprintf("%s (%d)", base, i)
	}
	return name
}

// showReport shows a dataset's validation report.
func (s *DatasetsScreen) showReport(d *loadedDataset) {
	s.report.SetText(summaryText(d.ds) + s.directReport(d.ds))
	s.Rejected.show(d)
}

// summaryText is the validation report of an import, in the users' words.
func summaryText(ds *attribution.Dataset) string {
	s := ds.Summary
	var b strings.Builder
	kind := "Path table"
	if s.Layout == attribution.LayoutTouches {
		kind = "Touch log"
	}
	fmt.Fprintf(&b, "%s, %s-delimited", kind, s.Delimiter)
	if s.Encoding != "" {
		fmt.Fprintf(&b, ", %s", s.Encoding)
	}
	if s.TimestampFormat != "" {
		fmt.Fprintf(&b, ", timestamps %s", s.TimestampFormat)
	}
	fmt.Fprintf(&b, "\nRows: %d read, %d accepted, %d rejected\n", s.RowsRead, s.RowsAccepted, s.RowsRejected)
	fmt.Fprintf(&b, "Journeys: %d   Channels: %d   Distinct paths: %d\n", s.Journeys, s.Channels, s.Paths)
	fmt.Fprintf(&b, "Conversions: %.0f worth %.2f   Non-converting journeys: %.0f\n", s.Conversions, s.Value, s.NonConverting)
	if s.UnattributedConversions > 0 {
		fmt.Fprintf(&b, "Unattributed: %.0f conversions worth %.2f (no touch within the %s lookback window)\n", s.UnattributedConversions, s.UnattributedValue, s.Lookback)
	}
	if !s.FirstTime.IsZero() {
		fmt.Fprintf(&b, "Time range: %s to %s\n", s.FirstTime.Format("2006-01-02 15:04"), s.LastTime.Format("2006-01-02 15:04"))
	}
	if len(s.IgnoredColumns) > 0 {
		fmt.Fprintf(&b, "Ignored columns: %s\n", strings.Join(s.IgnoredColumns, ", "))
	}
	b.WriteString(readingText(s))
	return b.String()
}
