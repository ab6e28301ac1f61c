package app

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	_ "github.com/attrlab/attrlab/internal/locale" // a locale Fyne can parse, before Fyne looks
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// Version is the app version recorded with every run; main sets it.
var Version = "dev"

// sampleSource is the source recorded for the bundled sample dataset.
const sampleSource = "bundled:" + assets.SampleTouchesName

// Screen names, in sidebar order.
const (
	ScreenDatasets  = "Datasets"
	ScreenAttribute = "Attribute"
	ScreenRuns      = "Runs"
	ScreenCompare   = "Compare"
	ScreenBudget    = "Budget"
)

var screenOrder = []string{ScreenDatasets, ScreenAttribute, ScreenRuns, ScreenCompare, ScreenBudget}

// sidebarWidth is the width of the list of screens.
const sidebarWidth = 112

// loadedDataset is a dataset imported in this session.
type loadedDataset struct {
	name string
	ds   *attribution.Dataset
	// info describes it for the run store (fingerprint, source); opts are
	// the import options, whose Map holds only columns mapped by hand.
	info *tracking.DatasetInfo
	opts attribution.ImportOptions
	// rejected are the rows the import skipped (with SkipBadRows).
	rejected []attribution.RejectedRow
	// lookbacks are the journeys for other lookbacks than opts', read in
	// this session: lookback is a run parameter of the same dataset.
	lookbacks map[time.Duration]*attribution.Dataset
}

// UI is the main window and the state its screens share.
type UI struct {
	App    fyne.App
	Window fyne.Window
	// Store is the run store every attribution is logged in; nil only in
	// tests that need none.
	Store *storage.Store

	datasets []*loadedDataset
	// opened are the files opened through the app's open dialog: inputs
	// that no save may replace.
	opened []string
	// onDatasetsChanged follows a dataset added to the session;
	// onChoicesChanged follows a change in what the dataset pickers offer
	// (see choices.go).
	onDatasetsChanged []func()
	onChoicesChanged  []func()

	sidebar   *widget.List
	content   *fyne.Container
	screens   map[string]fyne.CanvasObject
	current   string
	Datasets  *DatasetsScreen
	Attribute *AttributeScreen
	Runs      *RunsScreen
	Compare   *CompareScreen
	// restored is set once the window is built and sized: from then on its
	// size and screen are remembered (prefs.go).
	restored bool
}

// New builds the main window on a (possibly test) app without showing it.
// Runs are logged in store; the real app always has one, tests that need
// none pass nil.
func New(a fyne.App, store *storage.Store) *UI {
	a.SetIcon(fyne.NewStaticResource(assets.IconName, assets.Icon))
	u := &UI{App: a, Window: a.NewWindow("Attribution Lab"), Store: store, screens: map[string]fyne.CanvasObject{}}
	u.Datasets = newDatasetsScreen(u)
	u.Attribute = newAttributeScreen(u)
	u.Runs = newRunsScreen(u)
	u.Compare = newCompareScreen(u)
	u.screens[ScreenDatasets] = u.Datasets.Content()
	u.screens[ScreenAttribute] = u.Attribute.Content()
	u.screens[ScreenRuns] = u.Runs.Content()
	u.screens[ScreenCompare] = u.Compare.Content()
	u.screens[ScreenBudget] = newBudgetScreen(u).Content()
	u.content = container.NewStack()
	u.sidebar = widget.NewList(
		func() int { return len(screenOrder) },
		func() fyne.CanvasObject { return widget.NewLabel("Attribute") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(screenOrder[i]) },
	)
	u.sidebar.OnSelected = func(i widget.ListItemID) { u.show(screenOrder[i]) }
	// The sidebar is as wide as its names need, whatever the window's
	// width: the screens get the rest.
	side := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewStack(minWidth(sidebarWidth), u.sidebar))
	u.Window.SetContent(u.rememberSize(container.NewBorder(nil, nil, side, nil, u.content)))
	u.restoreWindowSize()
	u.addShortcuts()
	u.Select(ScreenDatasets)
	u.restored = true
	return u
}

// Select shows a screen and highlights it in the sidebar.
func (u *UI) Select(name string) {
	for i, n := range screenOrder {
		if n == name {
			u.sidebar.Select(i)
			return
		}
	}
}

// Current returns the name of the screen on show.
func (u *UI) Current() string { return u.current }

func (u *UI) show(name string) {
	if name == ScreenRuns && u.current != ScreenRuns {
		u.Runs.Reload()
	}
	u.current = name
	if u.restored {
		u.rememberScreen(name)
	}
	u.content.Objects = []fyne.CanvasObject{u.screens[name]}
	u.content.Refresh()
}

// addShortcuts binds Ctrl+O (open a CSV), Ctrl+R (run) and Ctrl+F (search
// runs), and puts them in the window's menu bar. Fyne hands a shortcut to
// a focused text entry before the canvas, so a canvas shortcut alone would
// not fire while the cursor is in, say, Half-life; a menu item's shortcut
// fires first wherever the focus is.
func (u *UI) addShortcuts() {
	open := func() {
		u.Select(ScreenDatasets)
		u.Datasets.OpenDialog()
	}
	run := func() {
		u.Select(ScreenAttribute)
		u.Attribute.Run()
	}
	search := func() {
		u.Select(ScreenRuns)
		u.Runs.FocusSearch()
	}
	shortcut := func(key fyne.KeyName) *desktop.CustomShortcut {
		return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
	}
	c := u.Window.Canvas()
	for key, f := range map[fyne.KeyName]func(){fyne.KeyO: open, fyne.KeyR: run, fyne.KeyF: search} {
		c.AddShortcut(shortcut(key), func(fyne.Shortcut) { f() })
	}
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = shortcut(key)
		return it
	}
	screen := func(name string) *fyne.MenuItem { return fyne.NewMenuItem(name, func() { u.Select(name) }) }
	u.Window.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("File", item("Open journey CSV…", fyne.KeyO, open)),
		fyne.NewMenu("Attribution", item("Run", fyne.KeyR, run), item("Search runs", fyne.KeyF, search)),
		fyne.NewMenu("View", screen(ScreenDatasets), screen(ScreenAttribute), screen(ScreenRuns), screen(ScreenCompare), screen(ScreenBudget)),
	))
}

// OpenFile shows a journey file in the import preview on Datasets, as
// "attrlab FILE" asks.
func (u *UI) OpenFile(path string) {
	u.opened = append(u.opened, path) // an input: no save may replace it
	u.Select(ScreenDatasets)
	u.Datasets.OpenPath(path)
}

// runLogged tells the screens that list runs about a new one.
func (u *UI) runLogged(*tracking.Run) {
	u.Runs.Reload()
	u.Attribute.loadExperiments()
}

// addDataset makes an imported dataset available to every screen.
func (u *UI) addDataset(d *loadedDataset) {
	u.datasets = append(u.datasets, d)
	for _, f := range u.onDatasetsChanged {
		f()
	}
}

// budget returns the Budget screen.
func (u *UI) budget() *BudgetScreen { return u.screens[ScreenBudget].(*budgetView).s }

func (u *UI) dataset(name string) *loadedDataset {
	for _, d := range u.datasets {
		if d.name == name {
			return d
		}
	}
	return nil
}

// showError shows err in a dialog that says what to do next.
func (u *UI) showError(what string, err error, next string) {
	showMessage(u, dialog.NewError(fmt.Errorf("%s: %w\n\n%s", what, err, next), u.Window))
}

// Start prepares a session on the bundled sample dataset. On a first start
// (no run store, or one without any run) it runs every model on the sample
// and logs the run, and opens on the results; otherwise it opens on Runs.
// It blocks until done.
func (u *UI) Start() error {
	err := u.start()
	if err != nil {
		u.showError("Start", err, "The app works without the sample: import a CSV on Datasets (Ctrl+O). If the run store cannot be read, start with another one: attrlab --db PATH (or set ATTRLAB_DB).")
	}
	return err
}

func (u *UI) start() error {
	first := true
	if u.Store != nil {
		page, err := u.Store.SearchRuns(context.Background(), tracking.Search{View: tracking.AllRuns, Limit: 1})
		if err != nil {
			return fmt.Errorf("read the run store: %w", err)
		}
		first = len(page.Runs) == 0
	}
	if first {
		err := u.LoadSample()
		u.Select(ScreenAttribute)
		return err
	}
	if err := u.loadSampleDataset(); err != nil {
		return err
	}
	// Attribute as it was left: the dataset of the last Run and its last
	// run's results.
	u.Attribute.restoreDataset(assets.SampleTouchesName)
	u.Select(u.lastScreen(ScreenRuns))
	return nil
}

// fingerprintOf is the fingerprint of the dataset a picker offers as
// label, "" if none.
func (u *UI) fingerprintOf(label string) string {
	for _, c := range u.datasetChoices() {
		switch {
		case c.label != label:
		case c.loaded != nil:
			return c.loaded.info.Fingerprint
		case c.info != nil:
			return c.info.Fingerprint
		}
	}
	return ""
}

// LoadSample imports the bundled sample and runs every model on it (the
// run is logged), so a first start shows real results at once. It blocks
// until done.
func (u *UI) LoadSample() error {
	if err := u.loadSampleDataset(); err != nil {
		return err
	}
	u.Attribute.choose(assets.SampleTouchesName)
	return u.Attribute.runSync()
}

// loadSampleDataset adds the bundled sample to the datasets.
func (u *UI) loadSampleDataset() error {
	ds, info, err := importSample(attribution.ImportOptions{})
	if err != nil {
		return err
	}
	u.addDataset(&loadedDataset{name: assets.SampleTouchesName, ds: ds, info: info})
	return nil
}

// importSample imports the bundled sample with opts and describes it for
// the store.
func importSample(opts attribution.ImportOptions) (*attribution.Dataset, *tracking.DatasetInfo, error) {
	opts.File = assets.SampleTouchesName
	ds, err := attribution.Import(context.Background(), bytes.NewReader(assets.SampleTouches), opts)
	if err != nil {
		return nil, nil, fmt.Errorf("bundled sample: %w", err)
	}
	info, err := tracking.DescribeSource(bytes.NewReader(assets.SampleTouches), sampleSource, assets.SampleTouchesName, opts, ds)
	if err != nil {
		return nil, nil, fmt.Errorf("bundled sample: %w", err)
	}
	return ds, info, nil
}

// ShowStoreError opens a window that says the run store at path cannot be
// opened and what to do; closing it quits the app.
func ShowStoreError(a fyne.App, path string, err error) fyne.Window {
	w := a.NewWindow("Attribution Lab")
	w.Resize(fyne.NewSize(720, 360))
	d := dialog.NewError(fmt.Errorf("The run store cannot be opened (%s): %w\n\n"+
		"Start with another run store (attrlab --db PATH, or set ATTRLAB_DB; a new file is created), free some disk space, "+
		"or, if another attrlab version wrote it, use that version.", path, err), w)
	d.SetOnClosed(a.Quit)
	w.Show()
	d.Show()
	return w
}
