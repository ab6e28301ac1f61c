package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// datasetEntry is one row of the Datasets list: a dataset the run store
// knows, a dataset loaded in this session, or both.
type datasetEntry struct {
	// info is the store's record, or the loaded dataset's own description
	// when the store has none (yet).
	info *tracking.DatasetInfo
	// loaded is nil until the dataset is imported in this session.
	loaded *loadedDataset
}

// name is what the list calls the entry.
func (e datasetEntry) name() string {
	if e.loaded != nil {
		return e.loaded.name
	}
	return e.info.Name
}

// details describes the entry on its second line: source, size and when
// it was first imported.
func (e datasetEntry) details() string {
	info := e.info
	src := info.Source
	switch src {
	case sampleSource:
		src = "bundled sample"
	case "", "stdin":
		src = "standard input"
	}
	text := fmt.Sprintf("%s · %d rows · %d journeys", src, info.Rows, info.Journeys)
	if !info.Created.IsZero() {
		text += " · " + info.Created.Local().Format("2006-01-02 15:04")
	}
	if e.loaded == nil {
		text = "not loaded · " + text
	}
	return text
}

// rebuildEntries lists the loaded datasets, in the order they were loaded,
// then the stored ones not loaded, newest first.
func (s *DatasetsScreen) rebuildEntries() {
	byFP := map[string]*tracking.DatasetInfo{}
	for _, info := range s.stored {
		byFP[info.Fingerprint] = info
	}
	loadedFP := map[string]bool{}
	var entries []datasetEntry
	for _, d := range s.ui.datasets {
		info := d.info
		if stored, ok := byFP[info.Fingerprint]; ok {
			info = stored
		}
		loadedFP[info.Fingerprint] = true
		entries = append(entries, datasetEntry{info: info, loaded: d})
	}
	for _, info := range s.stored {
		if !loadedFP[info.Fingerprint] && !s.deleted[info.Fingerprint] {
			entries = append(entries, datasetEntry{info: info})
		}
	}
	s.entries = entries
	s.list.Refresh()
	s.ui.choicesChanged()
}

func (s *DatasetsScreen) listLength() int { return len(s.entries) }

func (s *DatasetsScreen) newListItem() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("dataset name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	details := widget.NewLabel("source · rows · journeys")
	details.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(name, details)
}

func (s *DatasetsScreen) updateListItem(i widget.ListItemID, o fyne.CanvasObject) {
	e := s.entries[i]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(e.name())
	box.Objects[1].(*widget.Label).SetText(e.details())
}

// EntryText returns the two lines the Datasets list shows for entry i.
func (s *DatasetsScreen) EntryText(i int) (name, details string) {
	return s.entries[i].name(), s.entries[i].details()
}

// Entries returns the number of datasets listed.
func (s *DatasetsScreen) Entries() int { return len(s.entries) }

// SelectEntry chooses list entry i, as a click would.
func (s *DatasetsScreen) SelectEntry(i int) { s.list.Select(i) }

// entrySelected shows a loaded dataset's report, or loads a stored one.
func (s *DatasetsScreen) entrySelected(i widget.ListItemID) {
	e := s.entries[i]
	s.Edit.selected(e.info.Fingerprint)
	if e.loaded != nil {
		s.showReport(e.loaded)
		return
	}
	s.loadStoredAs(e.info, "", nil)
}

// datasetsChanged follows a dataset added to the session: the list shows
// it, selected.
func (s *DatasetsScreen) datasetsChanged() {
	s.rebuildEntries()
	if n := len(s.ui.datasets); n > 0 {
		last := s.ui.datasets[n-1]
		for i, e := range s.entries {
			if e.loaded == last {
				s.list.Select(i)
				// Select does nothing when the entry was selected already
				// (a stored dataset just loaded).
				s.showReport(last)
				break
			}
		}
	}
}

// reloadStored reads the store's datasets off the UI thread and lists
// them; a newer reload supersedes an older one still under way.
func (s *DatasetsScreen) reloadStored() {
	st := s.ui.Store
	if st == nil {
		return
	}
	s.storedSeq++
	seq := s.storedSeq
	go func() {
		dss, err := st.Datasets(context.Background())
		onUI(func() { s.storedLoaded(seq, dss, err) })
	}()
}

func (s *DatasetsScreen) storedLoaded(seq int, dss []*tracking.DatasetInfo, err error) {
	if seq != s.storedSeq {
		return
	}
	if err != nil {
		s.Status.SetText("The run store's datasets cannot be read: " + err.Error())
	} else {
		s.stored = s.forgetHidden(dss)
		s.rebuildEntries()
	}
	if s.onStored != nil {
		s.onStored(err)
	}
}

// loadStoredAs imports a dataset the store knows from its source, off the
// UI thread, with the import options it was imported with, after checking
// that the source still has the recorded fingerprint. It is named name
// ("" for its recorded name); then, if set, is called on the UI thread
// with the result.
func (s *DatasetsScreen) loadStoredAs(info *tracking.DatasetInfo, name string, then func(*loadedDataset, error)) {
	if s.cancel != nil {
		s.unselect(info)
		s.Status.SetText("Wait for the import under way to finish, or cancel it.")
		if then != nil {
			then(nil, errLoadBusy)
		}
		return
	}
	if name == "" {
		name = info.Name
	}
	var size int64
	if st, err := os.Stat(info.Source); err == nil {
		size = st.Size()
	}
	ctx, progress := s.begin(size, "Loading "+name+"…")
	st, prefs := s.ui.Store, s.ui.App.Preferences()
	go func() {
		imp := storedImportOptions(ctx, st, prefs, info)
		imp.Progress = progress
		d, err := loadSource(ctx, info, imp)
		onUI(func() {
			s.finishLoad(info, name, d, err)
			if then != nil {
				then(s.ui.dataset(name), err)
			}
		})
	}()
}

// unselect clears the list's selection of the entry for info.
func (s *DatasetsScreen) unselect(info *tracking.DatasetInfo) {
	for i, e := range s.entries {
		if e.info.Fingerprint == info.Fingerprint {
			s.list.Unselect(i)
		}
	}
}

func (s *DatasetsScreen) finishLoad(info *tracking.DatasetInfo, name string, d *loadedDataset, err error) {
	s.end()
	var le *loadError
	switch {
	case errors.Is(err, context.Canceled):
		s.unselect(info)
		s.Status.SetText("Loading cancelled: nothing was added.")
	case errors.As(err, &le):
		s.unselect(info)
		s.Status.SetText("Cannot load " + name + ": " + le.Error())
		s.ui.showError("Load "+name, le.err, le.next)
	case err != nil:
		s.unselect(info)
		s.Status.SetText("Cannot load " + name + ": " + err.Error())
		s.ui.showError("Load "+name, err, "Open the file again (Open…) and check the preview and column mapping.")
	default:
		d.name = s.uniqueName(name)
		s.Status.SetText(fmt.Sprintf("Loaded %s from %s: choose it on Attribute.", d.name, info.Source))
		s.ui.addDataset(d)
	}
	if s.onImportEnd != nil {
		s.onImportEnd(err)
	}
}

// loadError is why a stored dataset cannot be loaded, and what to do.
type loadError struct {
	err  error
	next string
}

func (e *loadError) Error() string { return e.err.Error() }
func (e *loadError) Unwrap() error { return e.err }

// loadSource imports a stored dataset from its source with imp. A source
// that is gone, or whose fingerprint with imp differs from the recorded
// one, is a *loadError.
func loadSource(ctx context.Context, info *tracking.DatasetInfo, imp attribution.ImportOptions) (*loadedDataset, error) {
	layout := attribution.Layout(info.Layout)
	switch info.Source {
	case sampleSource:
		ds, sinfo, err := importSample(imp)
		if err != nil {
			return nil, err
		}
		if same, _ := tracking.SourceMatches(bytes.NewReader(assets.SampleTouches), imp, layout, info.Fingerprint); !same {
			return nil, changedError(info, "the bundled sample of this version of the app differs from the one it was imported from")
		}
		// A record from before lookback left the fingerprint keeps its
		// fingerprint, so runs go on under the one dataset.
		sinfo.Fingerprint = info.Fingerprint
		imp.Progress = nil
		return &loadedDataset{ds: ds, info: sinfo, opts: imp}, nil
	case "", "stdin":
		return nil, &loadError{fmt.Errorf("%s was read from standard input, which cannot be read again", info.Name),
			"Save the data to a file and open it (Open…)."}
	}
	f, err := os.Open(info.Source)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &loadError{fmt.Errorf("the source file %s is gone", info.Source),
			"Put the file back at that path, or open it from where it is now (Open…)."}
	}
	if err != nil {
		return nil, &loadError{err, "Check that you can read the file, or open a copy of it (Open…)."}
	}
	same, err := tracking.SourceMatches(f, imp, layout, info.Fingerprint)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("fingerprint %s: %w", info.Source, err)
	}
	if !same {
		return nil, changedError(info, fmt.Sprintf("the source file %s has changed since it was imported (its fingerprint differs)", info.Source))
	}
	// The bytes are those that were imported, so any row that does not
	// parse was skipped then: skip it again, and report it.
	imp.File = filepath.Base(info.Source)
	imp.SkipBadRows = true
	var rejected []attribution.RejectedRow
	imp.OnReject = func(r attribution.RejectedRow) { rejected = append(rejected, r) }
	d, err := importPath(ctx, info.Source, imp)
	if err != nil {
		return nil, err
	}
	d.rejected = rejected
	d.info.Fingerprint = info.Fingerprint // the same data (see above)
	return d, nil
}

func changedError(info *tracking.DatasetInfo, what string) error {
	return &loadError{errors.New(what),
		"Open the file again (Open…) to import it as it is now; runs on the data as it was stay in Runs."}
}

// importRecord is the import options of a dataset, kept in the app's
// preferences under its fingerprint so that it loads the same way later.
type importRecord struct {
	Layout          string            `json:"layout"`
	Separator       string            `json:"separator,omitempty"`
	Lookback        time.Duration     `json:"lookback,omitempty"`
	ConversionLabel string            `json:"conversion_label,omitempty"`
	Map             map[string]string `json:"map,omitempty"`
	// How cells were read, when set by hand (issue 10).
	Decimal    string                `json:"decimal,omitempty"`
	DateFormat attribution.DateOrder `json:"date_format,omitempty"`
	Timezone   string                `json:"timezone,omitempty"`
	Delimiter  string                `json:"delimiter,omitempty"`
}

func importPrefKey(fingerprint string) string { return "dataset.import." + fingerprint }

// rememberImport keeps a dataset's import options in the preferences.
func rememberImport(prefs fyne.Preferences, d *loadedDataset) {
	o := d.opts
	b, err := json.Marshal(importRecord{Layout: string(d.ds.Summary.Layout), Separator: o.Separator,
		Lookback: o.Lookback, ConversionLabel: o.ConversionLabel, Map: o.Map,
		Decimal: o.Decimal, DateFormat: o.DateFormat, Timezone: o.Timezone, Delimiter: o.Delimiter})
	if err == nil {
		prefs.SetString(importPrefKey(d.info.Fingerprint), string(b))
	}
}

// storedImportOptions recovers the options a stored dataset was imported
// with: from this app's preferences, else from the newest run on it, else
// the defaults for its layout. loadSource checks them against the
// fingerprint.
func storedImportOptions(ctx context.Context, st *storage.Store, prefs fyne.Preferences, info *tracking.DatasetInfo) attribution.ImportOptions {
	if s := prefs.String(importPrefKey(info.Fingerprint)); s != "" {
		var r importRecord
		if json.Unmarshal([]byte(s), &r) == nil {
			return attribution.ImportOptions{Layout: attribution.Layout(r.Layout), Separator: r.Separator,
				Lookback: r.Lookback, ConversionLabel: r.ConversionLabel, Map: r.Map,
				Decimal: r.Decimal, DateFormat: r.DateFormat, Timezone: r.Timezone, Delimiter: r.Delimiter}
		}
	}
	if st != nil {
		page, err := st.SearchRuns(ctx, tracking.Search{View: tracking.AllRuns, Filter: fmt.Sprintf("dataset = '%s'", info.Fingerprint), Limit: 1})
		if err == nil && len(page.Runs) > 0 {
			if r, err := st.Run(ctx, page.Runs[0].ID); err == nil {
				_, imp := tracking.RerunOptions(r)
				return imp
			}
		}
	}
	return attribution.ImportOptions{Layout: attribution.Layout(info.Layout)}
}

// forgetHidden moves the deletes of older versions, kept in this profile's
// preferences, into the run store, and returns dss without them.
func (s *DatasetsScreen) forgetHidden(dss []*tracking.DatasetInfo) []*tracking.DatasetInfo {
	prefs := s.ui.App.Preferences()
	var keep []*tracking.DatasetInfo
	for _, d := range dss {
		if !prefs.Bool(hiddenPrefKey(d.Fingerprint)) {
			keep = append(keep, d)
			continue
		}
		fp, st := d.Fingerprint, s.ui.Store
		go func() {
			if st.DeleteDataset(context.Background(), fp) == nil {
				prefs.RemoveValue(hiddenPrefKey(fp))
			}
		}()
	}
	return keep
}
