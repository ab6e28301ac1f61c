package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/attribution"
)

// ModelChecks is the Attribute screen's model boxes, one per model, in two
// rows (one horizontal check group set the window's width), and a model the data cannot run is disabled on its
// own, with the reason beside it.
type ModelChecks struct {
	names  []string
	checks []*widget.Check
	box    *fyne.Container
	// Note says why a model is disabled; hidden when none is.
	Note *widget.Label
}

func newModelChecks() *ModelChecks {
	m := &ModelChecks{names: attribution.ModelNames(), Note: newStatusLabel()}
	m.Note.Importance = widget.WarningImportance
	m.Note.Hide()
	objs := make([]fyne.CanvasObject, len(m.names))
	for i, name := range m.names {
		c := widget.NewCheck(name, nil)
		c.Checked = true
		m.checks = append(m.checks, c)
		objs[i] = c
	}
	// Two rows of four: narrow enough for a 1024-pixel screen, and a
	// fixed height (a flowing layout would not know its rows in time).
	m.box = container.NewGridWithColumns(4, objs...)
	return m
}

// Content returns the boxes and the note.
func (m *ModelChecks) Content() fyne.CanvasObject { return container.NewVBox(m.box, m.Note) }

// Options returns every model, in the order of the boxes.
func (m *ModelChecks) Options() []string { return slices.Clone(m.names) }

// Selected returns the ticked models that are enabled, in model order.
func (m *ModelChecks) Selected() []string {
	var out []string
	for _, c := range m.checks {
		if c.Checked && !c.Disabled() {
			out = append(out, c.Text)
		}
	}
	return out
}

// Ticked returns the ticked models, enabled or not, in model order: the
// user's choice, kept for the next start.
func (m *ModelChecks) Ticked() []string {
	var out []string
	for _, c := range m.checks {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

// SetSelected ticks exactly models (a disabled box keeps its tick, for
// when it is enabled again).
func (m *ModelChecks) SetSelected(models []string) {
	for _, c := range m.checks {
		c.SetChecked(slices.Contains(models, c.Text))
	}
}

// Check returns model's box, or nil.
func (m *ModelChecks) Check(model string) *widget.Check {
	if i := slices.Index(m.names, model); i >= 0 {
		return m.checks[i]
	}
	return nil
}

// Allow enables the boxes of the models ds can run and disables the others,
// saying why.
func (m *ModelChecks) Allow(ds *attribution.Dataset) {
	available := attribution.AvailableModels(ds.Paths)
	for _, c := range m.checks {
		if slices.Contains(available, c.Text) {
			c.Enable()
		} else {
			c.Disable()
		}
	}
	if !slices.Contains(available, attribution.TimeDecay) {
		m.Note.SetText("time-decay is off: it weighs touches by their age, and a path table has no timestamps. Import a touch log to use it.")
		m.Note.Show()
	} else {
		m.Note.Hide()
	}
}
