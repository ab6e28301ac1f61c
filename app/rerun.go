package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// TagRerunOf is the tag a re-run carries: the id of the run it repeats.
const TagRerunOf = "attrlab.rerun_of"

// rerunError is why a run cannot be run again, and what to do about it.
type rerunError struct {
	err  error
	next string
}

func (e *rerunError) Error() string { return e.err.Error() }
func (e *rerunError) Unwrap() error { return e.err }

// rerunOutcome is what a re-run hands back to the UI thread.
type rerunOutcome struct {
	outcome
	dataset *loadedDataset
	// changed reports that the source no longer has the fingerprint the
	// run recorded.
	changed bool
}

// rerunCurrent runs the current run again with the same parameters on its
// dataset's source, off the UI thread, and logs the new run.
func (s *RunsScreen) rerunCurrent() {
	r := s.needCurrent()
	if r == nil || s.ui.Store == nil {
		return
	}
	s.RerunBtn.Disable()
	s.Status.SetText(fmt.Sprintf("Re-running %s…", r.Name))
	st := s.ui.Store
	go func() {
		o := rerun(context.Background(), st, r)
		onUI(func() { s.rerunDone(r, o) })
	}()
}

func (s *RunsScreen) rerunDone(r *tracking.Run, o rerunOutcome) {
	s.RerunBtn.Enable()
	var re *rerunError
	switch {
	case errors.As(o.err, &re):
		s.Status.SetText("Cannot re-run: " + re.Error())
		s.ui.showError("Re-run "+r.Name, re.err, re.next)
	case o.err != nil:
		s.Status.SetText("Re-run failed: " + o.err.Error())
		next := "Check that the source file still reads as it did, or import it again on Datasets."
		if o.run != nil {
			next = fmt.Sprintf("The re-run is logged as %q, FAILED, with this error. ", o.run.Name) + next
			s.Reload()
		}
		s.ui.showError("Re-run "+r.Name, o.err, next)
	case o.logErr != nil:
		s.Status.SetText("Re-run not logged: " + o.logErr.Error())
		s.ui.showError("Log the re-run", o.logErr, logAdvice(o.logErr))
		if o.failed != nil {
			s.Reload()
		}
	default:
		msg := fmt.Sprintf("Re-ran %s as run %s.", r.Name, o.run.Name)
		if o.changed {
			msg += " The source file has changed since: the new run has another dataset fingerprint."
		}
		s.Status.SetText(msg)
		s.current = &tracking.Run{ID: o.run.ID}
		s.Reload()
	}
	if s.onEdited != nil {
		err := o.err
		if err == nil {
			err = o.logErr
		}
		s.onEdited(s.loads, err)
	}
}

// rerun imports a run's dataset again from its source with the run's
// import params, runs its models with its params and logs a new run in
// the same experiment, tagged with the old run's id.
func rerun(ctx context.Context, st *storage.Store, r *tracking.Run) rerunOutcome {
	fail := func(err error, next string) rerunOutcome {
		return rerunOutcome{outcome: outcome{err: &rerunError{err, next}}}
	}
	if r.Dataset == "" {
		return fail(errors.New("the run records no dataset"), "Import the data on Datasets and run it from Attribute.")
	}
	info, _, err := st.Dataset(ctx, r.Dataset) // deleted or not: the run's data
	if errors.Is(err, tracking.ErrNotFound) {
		return fail(fmt.Errorf("dataset %.12s is not in the run store", r.Dataset), "Import the data on Datasets and run it from Attribute.")
	}
	if err != nil {
		return rerunOutcome{outcome: outcome{err: err}}
	}
	opts, imp := tracking.RerunOptions(r)
	var d *loadedDataset
	switch info.Source {
	case sampleSource:
		ds, sinfo, err := importSample(imp)
		if err != nil {
			return rerunOutcome{outcome: outcome{err: err}}
		}
		d = &loadedDataset{name: info.Name, ds: ds, info: sinfo, opts: imp}
	case "", "stdin":
		return fail(fmt.Errorf("%s was read from standard input, which cannot be read again", info.Name),
			"Save the data to a file, import it on Datasets and run it from Attribute.")
	default:
		if _, err := os.Stat(info.Source); errors.Is(err, fs.ErrNotExist) {
			return fail(fmt.Errorf("the source file %s is gone", info.Source),
				"Put the file back at that path, or import it from where it is now on Datasets and run it from Attribute.")
		}
		imp.File = filepath.Base(info.Source)
		d, err = importPath(ctx, info.Source, imp)
		if err != nil {
			return rerunOutcome{outcome: outcome{err: err}}
		}
		d.name = info.Name
	}
	boot, by, zone := tracking.RerunTrust(r)
	o := attributeAndLogTrust(ctx, st, d, opts, r.Experiment, map[string]string{TagRerunOf: r.ID}, trustRun{boot: boot, by: attribution.PeriodKind(by), timezone: zone})
	return rerunOutcome{outcome: o, dataset: d, changed: d.info.Fingerprint != r.Dataset}
}
