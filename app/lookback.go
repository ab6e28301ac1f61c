package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/attrlab/attrlab/assets"
	"github.com/attrlab/attrlab/attribution"
)

// The lookback window shapes a touch log's journeys when it is imported,
// so a Run with another lookback than the dataset's imports its source
// again: the new version is kept beside the old one, e.g.
// "sample_touches.csv (lookback 14d)".

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
		return
	}
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

// version finds a loaded dataset read from the same source as d with the
// same options but lookback l.
func (u *UI) version(d *loadedDataset, l time.Duration) *loadedDataset {
	for _, v := range u.datasets {
		if v.info.Source == d.info.Source && v.opts.Layout == d.opts.Layout && maps.Equal(v.opts.Map, d.opts.Map) &&
			effectiveLookback(v.opts.Lookback) == l {
			return v
		}
	}
	return nil
}

// versionName names d's source imported with lookback l.
func versionName(d *loadedDataset, l time.Duration) string {
	base := assets.SampleTouchesName
	if d.info.Source != sampleSource {
		base = filepath.Base(d.info.Source)
	}
	w := "unlimited"
	if l != attribution.UnlimitedLookback {
		w = attribution.FormatDuration(l)
	}
	return fmt.Sprintf("%s (lookback %s)", base, w)
}

// reimportAndRun imports d's source again with lookback l off the UI
// thread (progress in the status line, Cancel possible), then runs the
// models on it and logs the run; the new version joins the datasets.
func (s *AttributeScreen) reimportAndRun(d *loadedDataset, l time.Duration, opts attribution.Options, experiment string) {
	src := d.info.Source
	if src == "" || src == "stdin" {
		s.Status.SetText(fmt.Sprintf("%s was read from standard input and cannot be imported again with another lookback: set the lookback back to %s, or save the data to a file and open it on Datasets.", d.name, lookbackText(d.opts.Lookback)))
		return
	}
	name := versionName(d, l)
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
		pct, rows := 100*float64(p.Bytes)/float64(size), p.Rows
		onUI(func() {
			s.Status.SetText(fmt.Sprintf("Importing %s again for %s: %d rows read (%.0f%%)…", d.name, name, rows, pct))
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.running = true
	s.RunBtn.Disable()
	s.CancelBtn.Enable()
	s.Status.SetText(fmt.Sprintf("Importing %s again for %s…", d.name, name))
	st := s.ui.Store
	go func() {
		nd, err := reimport(ctx, src, imp, progress)
		var o outcome
		if err == nil {
			nd.info.Name = name // the store lists the version by this name
			o = attributeAndLogTrust(st, nd, opts, experiment, nil, trustRun{boot: s.boot, by: s.ranBy})
		}
		onUI(func() { s.reimported(name, nd, o, err) })
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

func (s *AttributeScreen) reimported(name string, d *loadedDataset, o outcome, err error) {
	s.cancel = nil
	s.CancelBtn.Disable()
	if err != nil {
		s.running = false
		s.RunBtn.Enable()
		if errors.Is(err, context.Canceled) {
			s.Status.SetText("Cancelled: nothing was imported or run.")
		} else {
			s.Status.SetText("Import for " + name + " failed: " + err.Error())
			s.ui.showError("Import "+name, err, "Check that the source file is still there and readable, or set the lookback back to the dataset's and run again.")
		}
		if s.onDone != nil {
			s.onDone(err)
		}
		return
	}
	d.name = s.ui.Datasets.uniqueName(name)
	s.ui.addDataset(d)
	s.choose(d.name)
	s.finish(d.name, o)
}

// CancelRun stops a re-import under way.
func (s *AttributeScreen) CancelRun() {
	if s.cancel != nil {
		s.cancel()
	}
}
