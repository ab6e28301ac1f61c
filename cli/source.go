package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/storage"
	"github.com/attrlab/attrlab/tracking"
)

// source is where budget and export take results from: a logged run, or
// a data file the models run on there and then.
type source struct {
	// label names the source in charts: the run's name, or the file's.
	label string
	// runID is the run's id; "" for a file.
	runID   string
	results []*attribution.Result
	// spend is the cost column of a touch log; nil for a run.
	spend []attribution.ChannelSpend
}

// sourceFlags are the flags of commands that read RUN_ID or FILE: the
// run store, and the import and model options used when given a FILE.
type sourceFlags struct {
	attributeFlags
}

// register adds --db and the data-file options of attribute to fs.
func (f *sourceFlags) register(fs *flag.FlagSet) {
	dbFlag(fs, &f.db)
	f.registerData(fs, "for a FILE: ")
}

// inputs returns what a command reading args must never write onto: the
// data files among args and the run store.
func (f *sourceFlags) inputs(args []string) []string {
	out := slices.Clone(args)
	if p, err := storePath(f.db); err == nil {
		out = append(out, p)
	}
	return out
}

// isRunID reports whether arg names a run rather than a file: 32
// lowercase hex digits, and no file of that name.
func isRunID(arg string) bool {
	if !tracking.ValidRunID(arg) {
		return false
	}
	_, err := os.Stat(arg)
	return err != nil
}

// sources loads every argument, a run id or a data file. The store is
// opened only if some argument is a run; the caller closes it when not
// nil.
func (f *sourceFlags) sources(ctx context.Context, env Env, args []string) ([]source, *storage.Store, error) {
	var st *storage.Store
	var out []source
	fail := func(err error) ([]source, *storage.Store, error) {
		if st != nil {
			st.Close()
		}
		return nil, nil, err
	}
	for _, arg := range args {
		if !isRunID(arg) {
			s, err := f.fileSource(ctx, env, arg)
			if err != nil {
				return fail(err)
			}
			out = append(out, s)
			continue
		}
		if st == nil {
			var err error
			if st, err = openStore(ctx, env, f.db); err != nil {
				return fail(err)
			}
		}
		run, err := st.Run(ctx, arg)
		if err != nil {
			return fail(storeErr(err))
		}
		rows, err := st.Results(ctx, arg)
		if err != nil {
			return fail(storeErr(err))
		}
		if len(rows) == 0 {
			return fail(usagef("run %s has no results (status %s)", arg, run.Status))
		}
		label := run.Name
		if label == "" {
			label = arg[:8]
		}
		results := resultsFromRows(rows)
		if err := attachMarkovChain(ctx, st, arg, results); err != nil {
			return fail(err)
		}
		if err := attachIntervals(ctx, st, arg, results); err != nil {
			return fail(err)
		}
		out = append(out, source{label: label, runID: arg, results: results})
	}
	return out, st, nil
}

// fileSource imports a data file and runs the models on it, with the same
// options and checks as attribute.
func (f *sourceFlags) fileSource(ctx context.Context, env Env, path string) (source, error) {
	opts, err := f.modelOptions()
	if err != nil {
		return source{}, err
	}
	iopts, err := f.importOptions()
	if err != nil {
		return source{}, err
	}
	ds, _, err := importFile(ctx, env, path, iopts, false, "", false)
	if err != nil {
		return source{}, err
	}
	if slices.Contains(opts.Models, attribution.TimeDecay) && ds.Paths.Timed == nil {
		return source{}, usagef("%s: %v", path, attribution.ErrNeedsTimestamps)
	}
	results, err := attribution.Run(ctx, ds.Paths, opts)
	if err != nil {
		return source{}, err
	}
	return source{label: filepath.Base(path), results: results, spend: ds.Spend}, nil
}

// resultsFromRows rebuilds per-model results from a run's stored rows.
func resultsFromRows(rows []tracking.ResultRow) []*attribution.Result {
	return tracking.ResultsFromRows(rows, nil)
}

// pickModel returns the result of the model named name, or with name ""
// the markov result if there is one, else the first.
func pickModel(s source, name string) (*attribution.Result, error) {
	if len(s.results) == 0 {
		return nil, usagef("%s has no results", s.label)
	}
	if name == "" {
		name = attribution.Markov
		if !slices.ContainsFunc(s.results, func(r *attribution.Result) bool { return r.Model == name }) {
			return s.results[0], nil
		}
	}
	var have []string
	for _, r := range s.results {
		if r.Model == name {
			return r, nil
		}
		have = append(have, r.Model)
	}
	return nil, usagef("--model %s: %s has results for %s only", name, s.label, strings.Join(have, ", "))
}

// storeArtifact keeps data as an artifact of every run among srcs, so an
// exported chart or table stays with the runs it shows.
func storeArtifact(ctx context.Context, env Env, st *storage.Store, srcs []source, path, mediaType string, data []byte) error {
	if st == nil {
		return nil
	}
	for _, s := range srcs {
		if s.runID == "" {
			continue
		}
		if err := st.PutArtifact(ctx, s.runID, tracking.Artifact{Path: path, MediaType: mediaType, Data: data}); err != nil {
			return storeErr(fmt.Errorf("store %s with run %s: %w", path, s.runID, err))
		}
		fmt.Fprintf(env.Stderr, "stored as artifact %s of run %s\n", path, s.runID)
	}
	return nil
}

// attachMarkovChain gives a run's markov result the chain stored with it,
// for the transition heat-map. Runs logged before chains were kept have
// none, and their markov result stays without it.
func attachMarkovChain(ctx context.Context, st *storage.Store, runID string, results []*attribution.Result) error {
	arts, err := st.Artifacts(ctx, runID)
	if err != nil {
		return storeErr(err)
	}
	for _, a := range arts {
		if a.Path != tracking.MarkovChainArtifact {
			continue
		}
		m, err := tracking.DecodeMarkovChain(a.Data)
		if err != nil {
			return fmt.Errorf("run %s: %w", runID, err)
		}
		for _, r := range results {
			if r.Model == attribution.Markov {
				r.Markov = m
			}
		}
	}
	return nil
}
