package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/report"
	"github.com/attrlab/attrlab/tracking"
)

// runsPageSize is how many runs the table loads at once.
const runsPageSize = 500

// runColumn is one column of the runs table: its title, the sort key the
// store orders by, and the cell text. A column with a cut width may be cut
// to it (with an ellipsis; the details show the whole text), is at most
// max wide before spare width is shared, and takes weight of the spare
// width; the others are always as wide as their widest text.
type runColumn struct {
	title  string
	cut    float32
	max    float32
	weight float32
	order  string
	text   func(r *tracking.Run) string
	// cutFirst columns are cut before the others (a long list of models
	// matters less than the run's name).
	cutFirst bool
}

// runColumns are the runs table's columns after the tick box.
var runColumns = []runColumn{
	{"Name", 100, 420, 3, "name", championName, false},
	{"Experiment", 80, 200, 0, "experiment", func(r *tracking.Run) string { return r.Experiment }, false},
	{"Status", 0, 0, 0, "status", func(r *tracking.Run) string {
		if r.Deleted {
			return string(r.Status) + " (deleted)"
		}
		return string(r.Status)
	}, false},
	{"Started", 0, 0, 0, "start_time", func(r *tracking.Run) string { return r.StartTime.Local().Format("2006-01-02 15:04:05") }, false},
	{"Dataset", 72, 260, 1, "dataset", func(r *tracking.Run) string { return runDataset(r) }, false},
	{"Models", 64, 480, 2, "params." + tracking.KeyModels, func(r *tracking.Run) string { return paramText(r, tracking.KeyModels) }, true},
	{"Conversions", 0, 0, 0, "metrics." + tracking.KeyTotalConversions, func(r *tracking.Run) string { return metricText(r, tracking.KeyTotalConversions) }, false},
	{"P(conv)", 0, 0, 0, "metrics." + tracking.KeyPConv, func(r *tracking.Run) string { return metricText(r, tracking.KeyPConv) }, false},
	{"Runtime ms", 0, 0, 0, "metrics." + tracking.KeyRuntimeMS, func(r *tracking.Run) string { return metricText(r, tracking.KeyRuntimeMS) }, false},
}

// listMetricKeys are the metrics the table shows, the only ones it loads
// with each run (a run over 10,000 channels has 80,000).
func listMetricKeys() []string {
	var keys []string
	for _, c := range runColumns {
		if k, ok := strings.CutPrefix(c.order, "metrics."); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// tickColumnWidth is the width of the tick box column.
const tickColumnWidth = 32

func runDataset(r *tracking.Run) string {
	if r.DatasetName != "" {
		return r.DatasetName
	}
	return r.Dataset
}

func paramText(r *tracking.Run, key string) string {
	p, _ := r.Param(key)
	return p.String()
}

// metricText is a metric of r formatted for people (see report.Number);
// the CSV export keeps full precision.
func metricText(r *tracking.Run, key string) string {
	m, ok := r.Metric(key)
	if !ok {
		return ""
	}
	return report.Number(m.Value)
}

// RunsScreen lists the logged runs: search with the filter language, sort
// by any column, tick runs to compare or delete, rename, note, tag,
// restore and re-run.
type RunsScreen struct {
	ui *UI

	Search      *widget.Entry
	FilterError *widget.Label
	ShowDeleted *widget.Check
	Table       *widget.Table
	Status      *widget.Label
	// Detail shows the current run: facts, tags, params and its note,
	// rendered from Markdown.
	Detail *widget.RichText

	CompareBtn, RenameBtn, NoteBtn, TagsBtn    *widget.Button
	DeleteBtn, RestoreBtn, RerunBtn, ExportBtn *widget.Button
	UndoBtn                                    *widget.Button
	undoBar                                    *fyne.Container
	champion                                   *championActions
	undoLabel                                  *widget.Label
	// DetailsOn shows the details of the current run beside the table (a
	// wide window) or under it.
	DetailsOn *widget.Check
	body      *runsBody
	bodyBox   *fyne.Container
	// fit sets the column widths from their texts and the width given.
	fit *fitTable
	// natural are the columns' widest texts in this load (runColumns order).
	natural []float32

	// Page is the run page a click on a run opens in place of the table.
	Page *RunPage
	// view holds the table or the run page; list is the table's layout.
	view, list fyne.CanvasObject
	stack      *fyne.Container
	// selectedRow is the table row highlighted (-1 for none), kept across
	// reloads while it still holds the current run.
	selectedRow int
	// quiet is set while the table is selected in code.
	quiet bool

	// The edit dialog on show, and its entries (for tests).
	form        *dialog.FormDialog
	nameEntry   *widget.Entry
	noteEntry   *widget.Entry
	tagsEntry   *widget.Entry
	undoDeleted []string

	runs    []*tracking.Run
	more    bool
	checked map[string]bool
	current *tracking.Run
	// sortCol indexes runColumns; -1 is the store's order (newest first).
	sortCol  int
	sortDesc bool
	loads    int // counts loads so that a stale one is dropped
	// applied is the filter of the last load.
	applied string

	// For tests, called on the UI thread: onLoaded after load n, onEdited
	// after an edit that started load n.
	onLoaded func(n int, err error)
	onEdited func(n int, err error)
}

func newRunsScreen(u *UI) *RunsScreen {
	s := &RunsScreen{ui: u, checked: map[string]bool{}, sortCol: -1, selectedRow: -1}
	s.Search = widget.NewEntry()
	s.Search.PlaceHolder = "Filter runs, e.g. metrics.share.markov.email > 0.2 and params.order = 2 and tags.team = 'emea'  (Ctrl+F, Enter)"
	s.Search.OnSubmitted = func(string) { s.Reload() }
	s.FilterError = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.FilterError.Importance = widget.DangerImportance
	s.FilterError.Hide()
	s.ShowDeleted = widget.NewCheck("Show deleted", func(bool) { s.Reload() })
	s.Status = widget.NewLabel("")
	s.Status.Truncation = fyne.TextTruncateEllipsis
	s.Detail = widget.NewRichTextFromMarkdown("")
	s.Detail.Wrapping = fyne.TextWrapWord

	s.CompareBtn = widget.NewButton("Compare", s.compareTicked)
	s.CompareBtn.Importance = widget.HighImportance
	s.RenameBtn = widget.NewButton("Rename…", s.renameDialog)
	s.NoteBtn = widget.NewButton("Note…", s.noteDialog)
	s.TagsBtn = widget.NewButton("Tags…", s.tagsDialog)
	s.DeleteBtn = widget.NewButton("Delete", s.deleteTargets)
	s.RestoreBtn = widget.NewButton("Restore", s.restoreTargets)
	s.RerunBtn = widget.NewButton("Re-run", s.rerunCurrent)
	s.ExportBtn = widget.NewButton("Export CSV…", s.exportCSV)
	s.UndoBtn = widget.NewButton("Undo", s.undoDelete)
	s.champion = s.newChampionActions()
	s.undoLabel = widget.NewLabel("")
	s.undoBar = container.NewHBox(s.undoLabel, s.UndoBtn)
	s.undoBar.Hide()

	s.Table = widget.NewTable(s.tableSize, s.newCell, s.updateCell)
	s.Table.ShowHeaderRow = true
	s.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("Conversions ▼", nil) }
	s.Table.UpdateHeader = s.updateHeader
	s.Table.OnSelected = s.selected
	s.fit = &fitTable{table: s.Table, specs: s.columnSpecs}
	s.fit.table.SetColumnWidth(0, tickColumnWidth)
	s.DetailsOn = widget.NewCheck("Details", s.setDetails)
	s.DetailsOn.SetChecked(u.App.Preferences().BoolWithFallback(prefRunsDetails, true))
	s.Page = newRunPage(s)
	return s
}

// Content returns the screen's layout.
func (s *RunsScreen) Content() fyne.CanvasObject {
	search := container.NewBorder(nil, nil, nil, widget.NewButton("Search", s.Reload), s.Search)
	// Two rows of actions, so the screen fits a 1024-pixel window.
	actions := container.NewVBox(
		container.NewHBox(s.ShowDeleted, s.CompareBtn, s.RenameBtn, s.NoteBtn, s.TagsBtn, s.DeleteBtn, s.RestoreBtn),
		container.NewHBox(s.RerunBtn, s.ExportBtn, s.championButtons(), s.DetailsOn))
	top := container.NewVBox(search, s.FilterError, actions, s.undoBar, s.Status)
	s.body = &runsBody{details: s.DetailsOn.Checked}
	s.bodyBox = container.New(s.body, compact(container.New(s.fit, s.Table)), container.NewVScroll(s.Detail))
	s.list = container.NewBorder(top, nil, nil, nil, s.bodyBox)
	s.stack = container.NewStack(s.list)
	return s.stack
}

// OpenPage opens the run page of a run of the table, as clicking it does.
func (s *RunsScreen) OpenPage(id string) {
	s.Show(id)
	if s.current == nil {
		return
	}
	s.Page.load(id)
	if s.stack != nil {
		s.stack.Objects = []fyne.CanvasObject{s.Page.Content()}
		s.stack.Refresh()
	}
}

// PageOpen reports whether the run page is on show.
func (s *RunsScreen) PageOpen() bool {
	return s.stack != nil && len(s.stack.Objects) == 1 && s.stack.Objects[0] == s.Page.content
}

// ClosePage goes back from the run page to the table.
func (s *RunsScreen) ClosePage() {
	if s.stack != nil {
		s.stack.Objects = []fyne.CanvasObject{s.list}
		s.stack.Refresh()
	}
}

// FocusSearch puts the keyboard in the search box.
func (s *RunsScreen) FocusSearch() { s.ui.Window.Canvas().Focus(s.Search) }

// Runs returns the runs in the table, in its order.
func (s *RunsScreen) Runs() []*tracking.Run { return s.runs }

// Reload searches the store again with the filter, sort and view chosen,
// off the UI thread. A bad filter is shown under the search box.
func (s *RunsScreen) Reload() { s.load(s.Search.Text) }

// refresh loads the table again with the filter of the last load, not
// what may be half-typed in the search box meanwhile (a live refresh).
func (s *RunsScreen) refresh() { s.load(s.applied) }

func (s *RunsScreen) load(filter string) {
	st := s.ui.Store
	if st == nil {
		s.Status.SetText("No run store: runs are not kept in this session.")
		return
	}
	s.applied = filter
	srch := tracking.Search{Filter: filter, Limit: runsPageSize, MetricKeys: listMetricKeys()}
	if s.ShowDeleted.Checked {
		srch.View = tracking.AllRuns
	}
	if s.sortCol >= 0 {
		key := runColumns[s.sortCol].order
		if s.sortDesc {
			key += " DESC"
		} else {
			key += " ASC"
		}
		srch.OrderBy = []string{key}
	}
	s.loads++
	load := s.loads
	go func() {
		page, err := st.SearchRuns(context.Background(), srch)
		if err == nil {
			err = st.MarkChampions(context.Background(), page.Runs)
		}
		onUI(func() {
			if load == s.loads {
				s.loaded(load, page, err)
			}
		})
	}()
}

func (s *RunsScreen) loaded(load int, page *tracking.RunPage, err error) {
	var fe *tracking.FilterError
	switch {
	case errors.As(err, &fe):
		s.FilterError.SetText(fe.Error() + "\n" + fe.Caret())
		s.FilterError.Show()
		s.Status.SetText("Fix the filter to search; the table still shows the last results.")
	case err != nil:
		s.ui.showError("Search runs", err, "Check that the run store file (ATTRLAB_DB) is readable, then search again.")
	default:
		s.FilterError.SetText("")
		s.FilterError.Hide()
		s.runs, s.more = page.Runs, page.More
		ids := map[string]bool{}
		for _, r := range s.runs {
			ids[r.ID] = true
		}
		for id := range s.checked {
			if !ids[id] {
				delete(s.checked, id)
			}
		}
		if s.current != nil {
			s.current = s.find(s.current.ID)
		}
		s.showDetail()
		// Keep the highlight if the current run is still on its row (a
		// reload after a change elsewhere); the scroll position stays.
		if s.selectedRow < 0 || s.current == nil || s.selectedRow >= len(s.runs) || s.runs[s.selectedRow] != s.current {
			s.selectedRow = -1
			s.quiet = true
			s.Table.UnselectAll()
			s.quiet = false
		}
		s.measure()
		s.Table.Refresh()
		msg := fmt.Sprintf("%d runs", len(s.runs))
		if len(s.runs) == 1 {
			msg = "1 run"
		}
		if s.more {
			msg = fmt.Sprintf("The first %d runs; narrow the filter to see others", len(s.runs))
		}
		if n := len(s.checked); n > 0 {
			msg += fmt.Sprintf(", %d ticked", n)
		}
		s.Status.SetText(msg + ".")
	}
	if s.onLoaded != nil {
		s.onLoaded(load, err)
	}
}

func (s *RunsScreen) find(id string) *tracking.Run {
	for _, r := range s.runs {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// SortBy sorts the table by a column of runColumns, as clicking its header
// does: a second click on the same column reverses the order.
func (s *RunsScreen) SortBy(col int) {
	if col == s.sortCol {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortCol = col
		s.sortDesc = runColumns[col].order == "start_time"
	}
	s.Table.Refresh()
	s.Reload()
}

func (s *RunsScreen) tableSize() (int, int) { return len(s.runs), len(runColumns) + 1 }

func (s *RunsScreen) newCell() fyne.CanvasObject {
	return container.NewStack(widget.NewLabel("20250101-120000-abcdef"), widget.NewCheck("", nil))
}

func (s *RunsScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	l, ch := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Check)
	if id.Row >= len(s.runs) {
		return
	}
	r := s.runs[id.Row]
	if id.Col == 0 {
		l.Hide()
		ch.OnChanged = nil
		ch.SetChecked(s.checked[r.ID])
		ch.OnChanged = func(on bool) { s.Tick(r.ID, on) }
		ch.Show()
		return
	}
	ch.Hide()
	l.Truncation = fyne.TextTruncateEllipsis
	l.SetText(runColumns[id.Col-1].text(r))
	l.Show()
}

func (s *RunsScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col <= 0 {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	col := id.Col - 1
	b.SetText(s.HeaderText(col))
	b.OnTapped = func() { s.SortBy(col) }
}

// HeaderText is the header of a column of runColumns, with an arrow on
// the sorted one.
func (s *RunsScreen) HeaderText(col int) string {
	t := runColumns[col].title
	if col == s.sortCol {
		if s.sortDesc {
			return t + " ▼"
		}
		return t + " ▲"
	}
	return t
}

// Tick ticks or unticks a run for Compare, Delete and Restore.
func (s *RunsScreen) Tick(id string, on bool) {
	if on {
		s.checked[id] = true
	} else {
		delete(s.checked, id)
	}
}

// Ticked returns the ids of the ticked runs, in table order.
func (s *RunsScreen) Ticked() []string {
	var ids []string
	for _, r := range s.runs {
		if s.checked[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func (s *RunsScreen) selected(id widget.TableCellID) {
	if s.quiet || id.Row < 0 || id.Row >= len(s.runs) {
		return
	}
	s.selectedRow = id.Row
	r := s.runs[id.Row]
	if id.Col == 0 {
		s.Tick(r.ID, !s.checked[r.ID])
		s.Table.RefreshItem(id)
		s.Show(r.ID)
		return
	}
	s.OpenPage(r.ID)
}

// Show makes a run the current one, whose details show beside the table
// and which Rename, Note, Tags and Re-run act on.
func (s *RunsScreen) Show(id string) {
	s.current = s.find(id)
	s.showDetail()
}

// Current returns the run whose details show, or nil.
func (s *RunsScreen) Current() *tracking.Run { return s.current }

func (s *RunsScreen) showDetail() {
	r := s.current
	if r == nil {
		s.Detail.Segments = []widget.RichTextSegment{para("Click a run to open its page; tick runs to compare, delete or restore them.")}
		s.Detail.Refresh()
		return
	}
	status := string(r.Status)
	if r.Deleted {
		status += " (deleted)"
	}
	started := "Started " + r.StartTime.Local().Format("2006-01-02 15:04:05")
	if !r.EndTime.IsZero() {
		started += fmt.Sprintf(", took %s", r.EndTime.Sub(r.StartTime).Round(1e6))
	}
	segs := []widget.RichTextSegment{
		&widget.TextSegment{Style: widget.RichTextStyleSubHeading, Text: r.Name},
		&widget.TextSegment{Style: widget.RichTextStyleStrong, Text: status},
		&widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: " in experiment " + r.Experiment},
		para("Run " + r.ID),
		para(started),
	}
	if r.Dataset != "" {
		segs = append(segs, para(fmt.Sprintf("Dataset %s (fingerprint %.12s)", r.DatasetName, r.Dataset)))
	}
	if len(r.Tags) > 0 {
		segs = append(segs, bold("Tags"))
		for _, k := range sortedKeys(r.Tags) {
			segs = append(segs, para(k+" = "+r.Tags[k]))
		}
	}
	segs = append(segs, bold("Params"))
	for _, p := range r.Params {
		segs = append(segs, para(p.Key()+" = "+p.String()))
	}
	segs = append(segs, &widget.SeparatorSegment{})
	if strings.TrimSpace(r.Note) == "" {
		segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleEmphasis, Text: "No note. Note… adds one (Markdown)."})
	} else {
		segs = append(segs, widget.NewRichTextFromMarkdown(r.Note).Segments...)
	}
	s.Detail.Segments = segs
	s.Detail.Refresh()
}

func bold(text string) *widget.TextSegment {
	return &widget.TextSegment{Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}, Text: text}
}

func para(text string) *widget.TextSegment {
	return &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: text}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// targets are the runs Delete and Restore act on: the ticked ones, or
// else the current one.
func (s *RunsScreen) targets() []string {
	if ids := s.Ticked(); len(ids) > 0 {
		return ids
	}
	if s.current != nil {
		return []string{s.current.ID}
	}
	return nil
}

func (s *RunsScreen) compareTicked() {
	ids := s.Ticked()
	if len(ids) < 2 {
		s.Status.SetText("Tick two or more runs (the boxes on the left), then Compare.")
		return
	}
	s.ui.Compare.Load(ids)
	s.ui.Select(ScreenCompare)
}

// edit runs a change to the store off the UI thread, then reloads the
// table and reports done (or shows what went wrong).
func (s *RunsScreen) edit(what string, change func(ctx context.Context) error, done func()) {
	st := s.ui.Store
	if st == nil {
		return
	}
	go func() {
		err := change(context.Background())
		onUI(func() {
			if err != nil {
				s.ui.showError(what, err, "Check that the run store file (ATTRLAB_DB) is writable, then try again.")
			} else if done != nil {
				done()
			}
			s.Reload()
			if s.PageOpen() {
				s.Page.reloadRun()
			}
			if s.onEdited != nil {
				s.onEdited(s.loads, err)
			}
		})
	}()
}

// needCurrent returns the current run, or says to click one.
func (s *RunsScreen) needCurrent() *tracking.Run {
	if s.current == nil {
		s.Status.SetText("Click a run in the table first.")
	}
	return s.current
}

func (s *RunsScreen) renameDialog() {
	r := s.needCurrent()
	if r == nil {
		return
	}
	s.nameEntry = widget.NewEntry()
	s.nameEntry.SetText(r.Name)
	s.nameEntry.Validator = func(t string) error {
		if strings.TrimSpace(t) == "" {
			return errors.New("a run needs a name")
		}
		return nil
	}
	id := r.ID
	s.showForm("Rename run", []*widget.FormItem{widget.NewFormItem("Name", s.nameEntry)}, func() {
		name := strings.TrimSpace(s.nameEntry.Text)
		s.edit("Rename run", func(ctx context.Context) error { return s.ui.Store.SetName(ctx, id, name) },
			func() { s.Status.SetText(fmt.Sprintf("Renamed to %q.", name)) })
	})
}

func (s *RunsScreen) noteDialog() {
	r := s.needCurrent()
	if r == nil {
		return
	}
	s.noteEntry = widget.NewMultiLineEntry()
	s.noteEntry.SetText(r.Note)
	s.noteEntry.SetMinRowsVisible(8)
	s.noteEntry.Wrapping = fyne.TextWrapWord
	id := r.ID
	s.showForm("Note (Markdown)", []*widget.FormItem{widget.NewFormItem("Note", s.noteEntry)}, func() {
		note := s.noteEntry.Text
		s.edit("Save note", func(ctx context.Context) error { return s.ui.Store.SetNote(ctx, id, note) },
			func() { s.Status.SetText("Note saved.") })
	})
}

func (s *RunsScreen) tagsDialog() {
	r := s.needCurrent()
	if r == nil {
		return
	}
	var lines []string
	for _, k := range sortedKeys(r.Tags) {
		lines = append(lines, k+"="+r.Tags[k])
	}
	s.tagsEntry = widget.NewMultiLineEntry()
	s.tagsEntry.SetText(strings.Join(lines, "\n"))
	s.tagsEntry.SetMinRowsVisible(6)
	s.tagsEntry.Validator = func(t string) error { _, err := parseTags(t); return err }
	id, old := r.ID, r.Tags
	s.showForm("Tags (one key=value a line)", []*widget.FormItem{widget.NewFormItem("Tags", s.tagsEntry)}, func() {
		tags, err := parseTags(s.tagsEntry.Text)
		if err != nil {
			return
		}
		s.edit("Save tags", func(ctx context.Context) error {
			for k := range old {
				if _, ok := tags[k]; !ok {
					if err := s.ui.Store.DeleteTag(ctx, id, k); err != nil {
						return err
					}
				}
			}
			for _, k := range sortedKeys(tags) {
				if v, ok := old[k]; !ok || v != tags[k] {
					if err := s.ui.Store.SetTag(ctx, id, k, tags[k]); err != nil {
						return err
					}
				}
			}
			return nil
		}, func() { s.Status.SetText(fmt.Sprintf("%d tags saved.", len(tags))) })
	})
}

// parseTags reads one key=value a line; blank lines are skipped.
func parseTags(text string) (map[string]string, error) {
	tags := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("line %d: write key=value", i+1)
		}
		tags[k] = strings.TrimSpace(v)
	}
	return tags, nil
}

func (s *RunsScreen) showForm(title string, items []*widget.FormItem, save func()) {
	s.form = showForm(s.ui, title, "Save", items, save) // focus and Enter, as every form
}

func (s *RunsScreen) deleteTargets() {
	ids := s.targets()
	if len(ids) == 0 {
		s.Status.SetText("Tick the runs to delete, or click one.")
		return
	}
	s.edit("Delete runs", func(ctx context.Context) error { return s.setDeleted(ctx, ids, true) }, func() {
		s.undoDeleted = ids
		s.ClosePage()
		s.undoLabel.SetText(fmt.Sprintf("Deleted %d run(s); they are hidden unless “Show deleted” is ticked.", len(ids)))
		s.undoBar.Show()
	})
}

func (s *RunsScreen) undoDelete() {
	ids := s.undoDeleted
	s.undoDeleted = nil
	s.undoBar.Hide()
	if len(ids) == 0 {
		return
	}
	s.edit("Undo delete", func(ctx context.Context) error { return s.setDeleted(ctx, ids, false) },
		func() { s.Status.SetText(fmt.Sprintf("Restored %d run(s).", len(ids))) })
}

func (s *RunsScreen) restoreTargets() {
	ids := s.targets()
	if len(ids) == 0 {
		s.Status.SetText("Tick “Show deleted”, then tick the runs to restore.")
		return
	}
	s.edit("Restore runs", func(ctx context.Context) error { return s.setDeleted(ctx, ids, false) },
		func() { s.Status.SetText(fmt.Sprintf("Restored %d run(s).", len(ids))) })
}

func (s *RunsScreen) setDeleted(ctx context.Context, ids []string, deleted bool) error {
	for _, id := range ids {
		if err := s.ui.Store.SetDeleted(ctx, id, deleted); err != nil {
			return err
		}
	}
	return nil
}

// runsCSV writes runs of the table as a CSV with all their metrics: the
// table holds only those it shows, so each run is read again.
func (s *RunsScreen) runsCSV(runs []*tracking.Run) func(io.Writer) error {
	return func(w io.Writer) error {
		full := make([]*tracking.Run, 0, len(runs))
		for _, r := range runs {
			f, err := s.ui.Store.Run(context.Background(), r.ID)
			if err != nil {
				return err
			}
			f.Champion = r.Champion
			full = append(full, f)
		}
		return report.WriteRunsCSV(w, full)
	}
}

func (s *RunsScreen) exportCSV() {
	if len(s.runs) == 0 {
		s.Status.SetText("No runs to export: clear the filter or run an attribution first.")
		return
	}
	exportCSV(s.ui, "runs.csv", s.runsCSV(s.runs))
}

// prefRunsDetails keeps whether the Runs screen shows the details pane.
const prefRunsDetails = "runs.details"

// measure finds each column's widest text among the runs loaded and fits
// the columns to it.
func (s *RunsScreen) measure() {
	s.natural = make([]float32, len(runColumns))
	for i := range runColumns {
		c := runColumns[i]
		w := s.headerWidth(i)
		for _, r := range s.runs {
			w = max(w, textWidth(c.text(r), false))
		}
		s.natural[i] = w
	}
	s.fit.refit()
}

// columnSpecs are the columns' widths for fitTable: the tick box, then
// runColumns.
func (s *RunsScreen) columnSpecs() []fitSpec {
	if s.natural == nil {
		s.measure0()
	}
	specs := []fitSpec{{natural: tickColumnWidth, min: tickColumnWidth}}
	for i, c := range runColumns {
		n := s.natural[i]
		sp := fitSpec{natural: n, min: n, weight: c.weight, first: c.cutFirst}
		if c.cut > 0 {
			head := s.headerWidth(i)
			sp.natural = max(head, min(n, c.max))
			sp.min = max(head, min(sp.natural, c.cut))
		}
		specs = append(specs, sp)
	}
	return specs
}

// measure0 measures the headers alone (before the first load).
func (s *RunsScreen) measure0() {
	s.natural = make([]float32, len(runColumns))
	for i := range runColumns {
		s.natural[i] = s.headerWidth(i)
	}
}

// headerWidth is the width of a column's header button, sort arrow and
// all.
func (s *RunsScreen) headerWidth(col int) float32 {
	return textWidth(s.HeaderText(col), true)
}

// setDetails shows or hides the details pane, and remembers it.
func (s *RunsScreen) setDetails(on bool) {
	s.ui.App.Preferences().SetBool(prefRunsDetails, on)
	if s.body == nil {
		return
	}
	s.body.details = on
	s.bodyBox.Refresh()
}

// runsBody lays out the runs table and the details pane: side by side
// when the window leaves the table at least runsTableWide, else the
// details under the table; with details off, the table alone.
type runsBody struct {
	details bool
	// side is set when the last layout put the details beside the table.
	side bool
}

// Widths of the runs table and details pane side by side.
const (
	runsTableWide = 1000
	runsPaneWidth = 340
)

// Layout implements fyne.Layout: objects are the table and the details.
func (b *runsBody) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	table, pane := objects[0], objects[1]
	pad := theme.Padding()
	table.Move(fyne.NewPos(0, 0))
	b.side = false
	switch {
	case !b.details:
		pane.Hide()
		table.Resize(size)
		return
	case size.Width-runsPaneWidth-pad >= runsTableWide:
		b.side = true
		w := size.Width - runsPaneWidth - pad
		table.Resize(fyne.NewSize(w, size.Height))
		pane.Move(fyne.NewPos(w+pad, 0))
		pane.Resize(fyne.NewSize(runsPaneWidth, size.Height))
	default:
		h := min(max(size.Height*0.38, 140), 260)
		table.Resize(fyne.NewSize(size.Width, size.Height-h-pad))
		pane.Move(fyne.NewPos(0, size.Height-h))
		pane.Resize(fyne.NewSize(size.Width, h))
	}
	pane.Show()
}

// MinSize implements fyne.Layout.
func (b *runsBody) MinSize(objects []fyne.CanvasObject) fyne.Size {
	m := objects[0].MinSize()
	if b.details {
		m.Height += 140
	}
	return m
}
