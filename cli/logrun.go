package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// logAttribution records an attribution as a run in the store (unless
// --no-log), prints "run <id>" on standard error and returns the id.
func logAttribution(ctx context.Context, env Env, f *attributeFlags, file string, iopts attribution.ImportOptions,
	opts attribution.Options, ds *attribution.Dataset, results []*attribution.Result, runtime time.Duration) (string, error) {
	if f.noLog {
		return "", nil
	}
	info, err := datasetInfo(file, "", iopts, ds)
	if err != nil {
		return "", err
	}
	st, err := openStore(ctx, f.db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	data := tracking.FromAttribution(tracking.Attribution{Results: results, Options: opts, Summary: ds.Summary, Runtime: runtime, Time: time.Now()})
	data.Params = append(data.Params, importParams(iopts, ds)...)
	run, err := st.StartRun(ctx, tracking.NewRun{Experiment: f.experiment, AppVersion: Version, Dataset: info})
	if err != nil {
		return "", storeErr(err)
	}
	if err := st.FinishRun(ctx, run.ID, tracking.StatusFinished, data); err != nil {
		return "", storeErr(err)
	}
	fmt.Fprintf(env.Stderr, "run %s\n", run.ID)
	return run.ID, nil
}

// importParams records the import settings that shaped the journeys and
// are not model options.
func importParams(o attribution.ImportOptions, ds *attribution.Dataset) []tracking.Param {
	var ps []tracking.Param
	if ds.Summary.Layout == attribution.LayoutPaths {
		sep := o.Separator
		if sep == "" {
			sep = ">"
		}
		ps = append(ps, tracking.TextParam("separator", sep))
	} else {
		days := math.Inf(1)
		if o.Lookback > 0 {
			days = o.Lookback.Hours() / 24
		} else if o.Lookback == 0 {
			days = attribution.DefaultLookback.Hours() / 24
		}
		if !math.IsInf(days, 1) {
			ps = append(ps, tracking.NumberParam("lookback_days", days))
		}
	}
	return ps
}

// importSettings are the mapping and options hashed into a dataset's
// fingerprint: only those that change how the bytes are read.
func importSettings(o attribution.ImportOptions, layout attribution.Layout) map[string]string {
	m := map[string]string{"layout": string(layout)}
	if layout == attribution.LayoutPaths {
		m["separator"] = o.Separator
		if m["separator"] == "" {
			m["separator"] = ">"
		}
	} else {
		lb := o.Lookback
		if lb == 0 {
			lb = attribution.DefaultLookback
		}
		m["lookback"] = lb.String()
		m["conversion_label"] = o.ConversionLabel
	}
	var pairs []string
	for col, field := range o.Map {
		pairs = append(pairs, strconv.Quote(col)+"="+strconv.Quote(field))
	}
	slices.Sort(pairs)
	m["map"] = fmt.Sprint(pairs)
	return m
}

// datasetInfo describes an imported file for the store. The fingerprint
// hashes the file's bytes; for standard input, which cannot be read
// twice, it hashes the aggregated paths instead.
func datasetInfo(file, name string, o attribution.ImportOptions, ds *attribution.Dataset) (*tracking.DatasetInfo, error) {
	s := ds.Summary
	info := &tracking.DatasetInfo{Name: name, Layout: string(s.Layout), Rows: s.RowsAccepted, Journeys: s.Journeys, Channels: s.Channels, Conversions: s.Conversions}
	settings := importSettings(o, s.Layout)
	if file == "-" {
		info.Source = "stdin"
		if info.Name == "" {
			info.Name = "stdin"
		}
		info.Fingerprint = pathsFingerprint(ds.Paths, settings)
		return info, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	info.Source = abs
	if info.Name == "" {
		info.Name = filepath.Base(file)
	}
	in, err := os.Open(file)
	if err != nil {
		return nil, &inputError{fmt.Errorf("fingerprint %s: %w", file, unwrapPathError(err))}
	}
	defer in.Close()
	if info.Fingerprint, err = tracking.FingerprintReader(in, settings); err != nil {
		return nil, &inputError{fmt.Errorf("fingerprint %s: %w", file, err)}
	}
	return info, nil
}

// pathsFingerprint hashes aggregated paths: channel names, then each
// path's touches and counts.
func pathsFingerprint(ps *attribution.PathSet, settings map[string]string) string {
	f := tracking.NewFingerprint()
	for _, ch := range ps.Channels {
		fmt.Fprintf(f, "%d:%s\n", len(ch), ch)
	}
	for i := 0; i < ps.Len(); i++ {
		touches, conv, value, nulls := ps.Path(i)
		fmt.Fprintf(f, "%v %g %g %g\n", touches, conv, value, nulls)
	}
	s := map[string]string{"source": "stdin paths"}
	for k, v := range settings {
		s[k] = v
	}
	return f.Sum(s)
}
