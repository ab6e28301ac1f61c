package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// logAttribution records an attribution as a run in the store (unless
// --no-log), prints "run <id>" on standard error and returns the id. The
// recording itself is tracking.LogAttribution, shared with the app.
func logAttribution(ctx context.Context, env Env, f *attributeFlags, file string, iopts attribution.ImportOptions,
	opts attribution.Options, ds *attribution.Dataset, results []*attribution.Result, runtime time.Duration) (string, error) {
	if f.noLog {
		return "", nil
	}
	info, err := datasetInfo(file, "", iopts, ds)
	if err != nil {
		return "", err
	}
	st, err := openStore(ctx, env, f.db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	var params []tracking.Param
	params = append(params, f.trust.params()...)
	if len(iopts.Map) > 0 {
		// Columns mapped by hand, so that a re-run reads the file the same way.
		params = append(params, tracking.MapParam(iopts.Map))
	}
	run, err := tracking.LogAttribution(ctx, st, tracking.RunLog{
		Params:     params,
		Experiment: f.experiment,
		Tags:       f.trust.tags,
		AppVersion: Version,
		Dataset:    info,
		Import:     iopts,
		Attribution: tracking.Attribution{Results: results, Options: opts, Summary: ds.Summary,
			Runtime: runtime, Time: time.Now(), Periods: f.trust.ran},
	})
	if err != nil {
		return "", storeErr(err)
	}
	fmt.Fprintf(env.Stderr, "run %s\n", run.ID)
	return run.ID, nil
}

// datasetInfo describes an imported file for the store (see
// tracking.DescribeFile); a file that cannot be read again is bad input.
func datasetInfo(file, name string, o attribution.ImportOptions, ds *attribution.Dataset) (*tracking.DatasetInfo, error) {
	info, err := tracking.DescribeFile(file, name, o, ds)
	if err != nil {
		return nil, &inputError{err}
	}
	return info, nil
}
