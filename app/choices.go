package app

import (
	"errors"
	"fmt"

	"github.com/attrlab/attrlab/tracking"
)

// The dataset pickers (Attribute, Budget) offer every dataset the
// Datasets list shows: those loaded in this session and those the run
// store knows from earlier ones. Choosing one that is not loaded loads it
// from its source, as choosing it on Datasets does.

// datasetChoice is one dataset a picker offers.
type datasetChoice struct {
	label  string
	loaded *loadedDataset        // nil until loaded
	info   *tracking.DatasetInfo // the store's record when not loaded
}

// datasetChoices lists the Datasets list's entries under labels that are
// unique (a stored dataset named like another gets a number).
func (u *UI) datasetChoices() []datasetChoice {
	var out []datasetChoice
	used := map[string]bool{}
	for _, e := range u.Datasets.entries {
		label := e.name()
		if e.loaded == nil {
			for i := 2; used[label] || u.dataset(label) != nil; i++ {
				label = fmt.Sprintf("%s (%d)", e.name(), i)
			}
		}
		used[label] = true
		out = append(out, datasetChoice{label: label, loaded: e.loaded, info: e.info})
	}
	return out
}

// datasetNames lists what the dataset pickers offer: the loaded datasets,
// newest last, then the stored ones not loaded.
func (u *UI) datasetNames() []string {
	var names []string
	for _, c := range u.datasetChoices() {
		names = append(names, c.label)
	}
	return names
}

// lastLoaded names the dataset loaded last, "" if none.
func (u *UI) lastLoaded() string {
	if n := len(u.datasets); n > 0 {
		return u.datasets[n-1].name
	}
	return ""
}

// choicesChanged tells the pickers that the datasets on offer changed.
func (u *UI) choicesChanged() {
	for _, f := range u.onChoicesChanged {
		f()
	}
}

// errLoadBusy says a load could not start because another is under way.
var errLoadBusy = errors.New("another dataset is being imported or loaded: wait for it, or cancel it on Datasets")

// ensureLoaded calls then on the UI thread with the dataset a picker
// offers as label, loading it from its source first if needed.
func (u *UI) ensureLoaded(label string, then func(*loadedDataset, error)) {
	if d := u.dataset(label); d != nil {
		then(d, nil)
		return
	}
	for _, c := range u.datasetChoices() {
		if c.label == label && c.loaded == nil {
			u.Datasets.loadStoredAs(c.info, label, then)
			return
		}
	}
	then(nil, fmt.Errorf("no dataset %q: import it on Datasets", label))
}
