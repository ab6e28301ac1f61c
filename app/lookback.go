package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// The lookback window shapes a touch log's journeys when it is imported,
// so a Run with another lookback than the dataset's imports its source
// again. Lookback is a parameter of the run, not of the data: the dataset
// (its fingerprint, its entry in the lists) stays the same, and the
// journeys for each lookback are kept with it for the session.

// lookbackText writes an import's lookback as the Lookback entry takes it:
// "0" for unlimited.
func lookbackText(l time.Duration) string {
	switch l {
	case attribution.UnlimitedLookback:
		return "0"
	case 0:
		l = attribution.DefaultLookback
	}
	return attribution.FormatDuration(l)
}

// effectiveLookback is the window an import option stands for.
func effectiveLookback(l time.Duration) time.Duration {
	if l == 0 {
		return attribution.DefaultLookback
	}
	return l
}

// lookback reads the Lookback entry: "0" means unlimited.
func (s *AttributeScreen) lookback() (time.Duration, error) {
	l, err := attribution.ParseDuration(s.Lookback.Text)
	if err != nil {
		return 0, fmt.Errorf("lookback: %w (0 means unlimited)", err)
	}
	if l == 0 {
		return attribution.UnlimitedLookback, nil
	}
	return l, nil
}

// lookbackChanged shows a bad lookback under the entry as it is typed.
func (s *AttributeScreen) lookbackChanged(string) {
	if s.Lookback.Disabled() {
		return
	}
	if _, err := s.lookback(); err != nil {
		s.LookbackNote.SetText(err.Error())
		s.LookbackNote.Show()
		return
	}
	s.LookbackNote.Hide()
}

// datasetChosen shows the chosen dataset's lookback, or says why a path
// table has none.
func (s *AttributeScreen) datasetChosen(name string) {
	d := s.ui.dataset(name)
	if d == nil {
		s.loadChosen(name)
		return
	}
	s.resultsFor(name, d.info.Fingerprint)
	s.Models.Allow(d.ds)
	if d.ds.Summary.Layout == attribution.LayoutPaths {
		s.Lookback.Disable()
		s.LookbackNote.SetText("Lookback does not apply to a path table: its journeys were built before import, without timestamps to window.")
		s.LookbackNote.Show()
		return
	}
	s.Lookback.Enable()
	s.Lookback.SetText(lookbackText(d.opts.Lookback))
	s.LookbackNote.Hide()
}

// withLookback returns d with its journeys for lookback l, if imported
// in this session (d itself for its own lookback), or nil.
func (d *loadedDataset) withLookback(l time.Duration) *loadedDataset {
	if l == effectiveLookback(d.opts.Lookback) {
		return d
	}
	ds := d.lookbacks[l]
	if ds == nil {
		return nil
	}
	v := *d
	v.ds = ds
	v.opts.Lookback = l
	v.lookbacks = nil
	return &v
}

// keepLookback keeps ds as d's journeys for lookback l.
func (d *loadedDataset) keepLookback(l time.Duration, ds *attribution.Dataset) {
	if d.lookbacks == nil {
		d.lookbacks = map[time.Duration]*attribution.Dataset{}
	}
	d.lookbacks[l] = ds
}

// lookbackName says which lookback a run used, for the status line.
func lookbackName(l time.Duration) string {
	if l == attribution.UnlimitedLookback {
		return "unlimited lookback"
	}
	return "lookback " + attribution.FormatDuration(l)
}

// reimportAndRun imports d's source again with lookback l off the UI
// thread (progress in the status line, Cancel possible), then runs the
// models on it and logs the run on the same dataset with lookback l.
func (s *AttributeScreen) reimportAndRun(d *loadedDataset, l time.Duration, opts attribution.Options, experiment string) {
	src := d.info.Source
	if src == "" || src == "stdin" {
		s.Status.SetText(fmt.Sprintf("%s was read from standard input and cannot be imported again with another lookback: set the lookback back to %s, or save the data to a file and open it on Datasets.", d.name, lookbackText(d.opts.Lookback)))
		return
	}
	what := fmt.Sprintf("%s with %s", d.name, lookbackName(l))
	imp := d.opts
	imp.Lookback = l
	imp.Progress, imp.OnReject = nil, nil
	var size int64
	if st, err := os.Stat(src); err == nil {
		size = st.Size()
	}
	var last time.Time
	progress := func(p attribution.Progress) {
		if size <= 0 || time.Since(last) < 50*time.Millisecond {
			return
		}
		last = time.Now()
		v, rows := float64(p.Bytes)/float64(size), p.Rows
		onUI(func() {
			if !s.running {
				return
			}
			s.Progress.SetValue(v)
			s.Status.SetText(fmt.Sprintf("Reading %s again for %s: %d rows read (%.0f%%)…", d.name, lookbackName(l), rows, 100*v))
		})
	}
	ctx := s.begin(fmt.Sprintf("Reading %s again for %s…", d.name, lookbackName(l)))
	opts.Progress = s.progress(what)
	st := s.ui.Store
	tr := trustRun{boot: s.boot, by: s.ranBy}
	go func() {
		nd, err := reimport(ctx, src, imp, progress)
		var o outcome
		var v *loadedDataset
		if err == nil {
			// Same data, same dataset: only the journeys differ.
			v = &loadedDataset{name: d.name, ds: nd.ds, info: d.info, opts: imp, rejected: d.rejected}
			o = attributeAndLogTrust(ctx, st, v, opts, experiment, nil, tr)
		}
		onUI(func() { s.reimported(d, l, v, o, err) })
	}()
}

// reimport reads a dataset's source again with imp.
func reimport(ctx context.Context, src string, imp attribution.ImportOptions, progress func(attribution.Progress)) (*loadedDataset, error) {
	if src == sampleSource {
		ds, info, err := importSample(imp)
		if err != nil {
			return nil, err
		}
		return &loadedDataset{ds: ds, info: info, opts: imp}, nil
	}
	imp.File = filepath.Base(src)
	imp.Progress = progress
	return importPath(ctx, src, imp)
}

func (s *AttributeScreen) reimported(d *loadedDataset, l time.Duration, v *loadedDataset, o outcome, err error) {
	if err != nil {
		s.end()
		if errors.Is(err, context.Canceled) {
			s.Status.SetText("Cancelled: nothing was imported or run.")
		} else {
			s.Status.SetText("Reading " + d.name + " again failed: " + err.Error())
			s.ui.showError("Read "+d.name+" with "+lookbackName(l), err, "Check that the source file is still there and readable, or set the lookback back to the dataset's and run again.")
		}
		if s.onDone != nil {
			s.onDone(err)
		}
		return
	}
	d.keepLookback(l, v.ds)
	s.finish(d.name, o)
}

// CancelRun stops the run (or the re-import it needs) under way.
func (s *AttributeScreen) CancelRun() {
	if s.cancel != nil {
		s.cancel()
	}
}

// loadChosen loads a stored dataset chosen in the picker, then shows it
// as chosen.
func (s *AttributeScreen) loadChosen(name string) {
	if name == "" || s.loading == name {
		return
	}
	s.loading = name
	s.Status.SetText("Loading " + name + " from its source (progress on Datasets)…")
	s.ui.ensureLoaded(name, func(d *loadedDataset, err error) {
		s.loading = ""
		switch {
		case err != nil:
			s.Status.SetText("Cannot load " + name + ": " + err.Error())
		case s.DatasetPicker.Selected == name:
			s.Status.SetText("Loaded " + name + ".")
			s.datasetChosen(name)
		}
	})
}
