package app

import (
	"bytes"
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
)

// Screen names, in sidebar order.
const (
	ScreenDatasets  = "Datasets"
	ScreenAttribute = "Attribute"
	ScreenRuns      = "Runs"
	ScreenCompare   = "Compare"
	ScreenBudget    = "Budget"
)

var screenOrder = []string{ScreenDatasets, ScreenAttribute, ScreenRuns, ScreenCompare, ScreenBudget}

// loadedDataset is a dataset imported in this session.
type loadedDataset struct {
	name string
	ds   *attribution.Dataset
}

// UI is the main window and the state its screens share.
type UI struct {
	App    fyne.App
	Window fyne.Window

	datasets []*loadedDataset
	// onDatasetsChanged lets screens refresh their dataset pickers.
	onDatasetsChanged []func()

	sidebar   *widget.List
	content   *fyne.Container
	screens   map[string]fyne.CanvasObject
	current   string
	Datasets  *DatasetsScreen
	Attribute *AttributeScreen
}

// New builds the main window on a (possibly test) app without showing it.
func New(a fyne.App) *UI {
	u := &UI{App: a, Window: a.NewWindow("Attribution Lab"), screens: map[string]fyne.CanvasObject{}}
	u.Datasets = newDatasetsScreen(u)
	u.Attribute = newAttributeScreen(u)
	u.screens[ScreenDatasets] = u.Datasets.Content()
	u.screens[ScreenAttribute] = u.Attribute.Content()
	u.screens[ScreenBudget] = newBudgetScreen(u).Content()
	for _, name := range []string{ScreenRuns, ScreenCompare} {
		u.screens[name] = container.NewCenter(widget.NewLabel(name + " arrives with run tracking: every attribution you run will be listed here."))
	}
	u.content = container.NewStack()
	u.sidebar = widget.NewList(
		func() int { return len(screenOrder) },
		func() fyne.CanvasObject { return widget.NewLabel("Attribute") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(screenOrder[i]) },
	)
	u.sidebar.OnSelected = func(i widget.ListItemID) { u.show(screenOrder[i]) }
	split := container.NewHSplit(u.sidebar, u.content)
	split.Offset = 0.16
	u.Window.SetContent(split)
	u.Window.Resize(fyne.NewSize(1200, 760))
	u.addShortcuts()
	u.Select(ScreenDatasets)
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
	u.current = name
	u.content.Objects = []fyne.CanvasObject{u.screens[name]}
	u.content.Refresh()
}

func (u *UI) addShortcuts() {
	c := u.Window.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		u.Select(ScreenDatasets)
		u.Datasets.OpenDialog()
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		u.Select(ScreenAttribute)
		u.Attribute.Run()
	})
}

// addDataset makes an imported dataset available to every screen.
func (u *UI) addDataset(name string, ds *attribution.Dataset) {
	u.datasets = append(u.datasets, &loadedDataset{name: name, ds: ds})
	for _, f := range u.onDatasetsChanged {
		f()
	}
}

// datasetNames lists loaded datasets, newest last.
func (u *UI) datasetNames() []string {
	names := make([]string, len(u.datasets))
	for i, d := range u.datasets {
		names[i] = d.name
	}
	return names
}

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
	dialog.ShowError(fmt.Errorf("%s: %w\n\n%s", what, err, next), u.Window)
}

// LoadSample imports the bundled sample and runs every model on it, so a
// first start shows real results at once. It blocks until done.
func (u *UI) LoadSample() error {
	ds, err := attribution.Import(context.Background(), bytes.NewReader(assets.SampleTouches), attribution.ImportOptions{File: assets.SampleTouchesName})
	if err != nil {
		return fmt.Errorf("bundled sample: %w", err)
	}
	u.addDataset(assets.SampleTouchesName, ds)
	u.Attribute.choose(assets.SampleTouchesName)
	return u.Attribute.runSync()
}
