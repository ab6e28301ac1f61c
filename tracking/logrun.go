package tracking

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// RunWriter is what LogAttribution needs of a store: starting a run and
// finishing it with its data.
type RunWriter interface {
	StartRun(ctx context.Context, nr NewRun) (*Run, error)
	FinishRun(ctx context.Context, runID string, status Status, data RunData) error
}

// RunLog is one attribution to record as a run: where it ran, on what
// data, with which import settings, and what it found.
type RunLog struct {
	// Experiment names the experiment; "" means DefaultExperiment.
	Experiment string
	// Name is the run's display name; "" means one made by RunName.
	Name       string
	AppVersion string
	// Dataset describes the data (see DescribeFile and DescribeSource).
	Dataset *DatasetInfo
	// Import are the options the data was imported with; they add the
	// import params (see ImportParams).
	Import      attribution.ImportOptions
	Attribution Attribution
	Tags        map[string]string
	// Params are logged after the model and import params.
	Params []Param
}

// LogAttribution records an attribution as a finished run: its params,
// metrics and result rows (FromAttribution) with the import params, the
// dataset and the tags. It returns the run as started. If the run starts
// but cannot be finished, it is marked FAILED with the error in its
// TagError tag, and a *LogError returned.
func LogAttribution(ctx context.Context, st RunWriter, l RunLog) (*Run, error) {
	data := FromAttribution(l.Attribution)
	data.Params = append(data.Params, ImportParams(l.Import, l.Attribution.Summary.Layout)...)
	data.Params = append(data.Params, l.Params...)
	if l.Name == "" {
		l.Name = runName(l)
	}
	run, err := st.StartRun(ctx, NewRun{Experiment: l.Experiment, Name: l.Name, AppVersion: l.AppVersion, Dataset: l.Dataset, Tags: l.Tags})
	if err != nil {
		return nil, err
	}
	if err := st.FinishRun(ctx, run.ID, StatusFinished, data); err != nil {
		return nil, failRun(ctx, st, run, err)
	}
	return run, nil
}

// LogFailure records an attribution that failed (err) as a FAILED run with
// the model and import params it was asked for, and err in its TagError
// tag. l.Attribution's results are not logged.
func LogFailure(ctx context.Context, st RunWriter, l RunLog, err error) (*Run, error) {
	// The params of the options asked for, as a finished run has them.
	params := FromAttribution(Attribution{Options: l.Attribution.Options, Summary: l.Attribution.Summary}).Params
	params[0] = TextParam(KeyModels, strings.Join(l.Attribution.Options.Models, ","))
	params = append(params, ImportParams(l.Import, l.Attribution.Summary.Layout)...)
	params = append(params, l.Params...)
	run, serr := st.StartRun(ctx, NewRun{Experiment: l.Experiment, Name: l.Name, AppVersion: l.AppVersion, Dataset: l.Dataset, Tags: l.Tags})
	if serr != nil {
		return nil, serr
	}
	data := RunData{Params: params, Tags: map[string]string{TagError: err.Error()}}
	if ferr := st.FinishRun(ctx, run.ID, StatusFailed, data); ferr != nil {
		return run, failRun(ctx, st, run, ferr)
	}
	return run, nil
}

// LogError says a run was started but could not be finished: it is marked
// FAILED (unless Mark, the error marking it so, is set too).
type LogError struct {
	Run  *Run
	Err  error // why finishing failed
	Mark error // why it could not even be marked FAILED, or nil
}

// Error gives the cause, and says if the run could not be marked FAILED.
func (e *LogError) Error() string {
	if e.Mark != nil {
		return fmt.Sprintf("%v (and run %s could not be marked FAILED: %v)", e.Err, e.Run.Name, e.Mark)
	}
	return e.Err.Error()
}

// Unwrap returns why finishing the run failed.
func (e *LogError) Unwrap() error { return e.Err }

// failRun ends a started run as FAILED with err, without its data.
func failRun(ctx context.Context, st RunWriter, run *Run, err error) error {
	mark := st.FinishRun(ctx, run.ID, StatusFailed, RunData{Tags: map[string]string{TagError: err.Error()}})
	return &LogError{Run: run, Err: err, Mark: mark}
}

// Import param keys recorded by ImportParams.
const (
	KeySeparator    = "separator"
	KeyLookbackDays = "lookback_days"
	// How cells were read, recorded only when set (issue 10).
	KeyConversionLabel = "conversion_label"
	KeyDecimal         = "decimal"
	KeyDateFormat      = "date_format"
	KeyTimezone        = "timezone"
	KeyDelimiter       = "delimiter"
)

// readingParams records the cell-reading options that were set.
func readingParams(o attribution.ImportOptions, layout attribution.Layout) []Param {
	var ps []Param
	if layout == attribution.LayoutTouches && o.ConversionLabel != "" {
		ps = append(ps, TextParam(KeyConversionLabel, o.ConversionLabel))
	}
	if o.Decimal != "" {
		ps = append(ps, TextParam(KeyDecimal, o.Decimal))
	}
	if layout == attribution.LayoutTouches && o.DateFormat != "" {
		ps = append(ps, TextParam(KeyDateFormat, string(o.DateFormat)))
	}
	if layout == attribution.LayoutTouches && o.Timezone != "" {
		ps = append(ps, TextParam(KeyTimezone, o.Timezone))
	}
	if o.Delimiter != "" {
		ps = append(ps, TextParam(KeyDelimiter, o.Delimiter))
	}
	return ps
}

// ImportParams are the import settings that shaped the journeys and are
// not model options: the separator of a path table, the lookback window
// of a touch log in days (none when unlimited).
func ImportParams(o attribution.ImportOptions, layout attribution.Layout) []Param {
	ps := readingParams(o, layout)
	if layout == attribution.LayoutPaths {
		sep := o.Separator
		if sep == "" {
			sep = ">"
		}
		ps = append(ps, TextParam(KeySeparator, sep))
	} else {
		days := math.Inf(1)
		if o.Lookback > 0 {
			days = o.Lookback.Hours() / 24
		} else if o.Lookback == 0 {
			days = attribution.DefaultLookback.Hours() / 24
		}
		if !math.IsInf(days, 1) {
			ps = append(ps, NumberParam(KeyLookbackDays, days))
		}
	}
	return ps
}

// ImportSettings are the mapping and options hashed into a dataset's
// fingerprint: only those that change how the bytes are read into rows.
// The lookback window is not one of them: it is a parameter of the run
// (lookback_days), so runs with different lookbacks on one file share its
// dataset and Compare calls them the same data.
func ImportSettings(o attribution.ImportOptions, layout attribution.Layout) map[string]string {
	m := map[string]string{"layout": string(layout)}
	if layout == attribution.LayoutPaths {
		m["separator"] = o.Separator
		if m["separator"] == "" {
			m["separator"] = ">"
		}
	} else {
		m["conversion_label"] = o.ConversionLabel
	}
	// Set only when given, so fingerprints of files read as before stay.
	for _, p := range readingParams(o, layout) {
		if p.key != KeyConversionLabel {
			m[p.key] = p.text
		}
	}
	var pairs []string
	for col, field := range o.Map {
		pairs = append(pairs, strconv.Quote(col)+"="+strconv.Quote(field))
	}
	slices.Sort(pairs)
	m["map"] = fmt.Sprint(pairs)
	return m
}

// LegacyImportSettings are the settings fingerprints were hashed with
// before lookback became a run parameter: ImportSettings plus the touch
// log's lookback. A dataset recorded then is recognised by them.
func LegacyImportSettings(o attribution.ImportOptions, layout attribution.Layout) map[string]string {
	m := ImportSettings(o, layout)
	if layout != attribution.LayoutPaths {
		lb := o.Lookback
		if lb == 0 {
			lb = attribution.DefaultLookback
		}
		m["lookback"] = lb.String()
	}
	return m
}

// SourceMatches reads r to the end and tells whether its bytes, read with
// o, are the dataset with fingerprint want (by today's or the legacy
// settings).
func SourceMatches(r io.Reader, o attribution.ImportOptions, layout attribution.Layout, want string) (bool, error) {
	f := NewFingerprint()
	if _, err := io.Copy(f, r); err != nil {
		return false, err
	}
	return f.Sum(ImportSettings(o, layout)) == want || f.Sum(LegacyImportSettings(o, layout)) == want, nil
}

// DescribeFile describes an imported file for the store: its summary,
// absolute path and fingerprint, which hashes the file's bytes (read
// again) with the import settings. name "" means the file's base name.
// For file "-" (standard input, which cannot be read twice) it hashes the
// aggregated paths instead.
func DescribeFile(file, name string, o attribution.ImportOptions, ds *attribution.Dataset) (*DatasetInfo, error) {
	if file == "-" {
		info := describe(ds, name, "stdin")
		if info.Name == "" {
			info.Name = "stdin"
		}
		info.Fingerprint = pathsFingerprint(ds.Paths, ImportSettings(o, ds.Summary.Layout))
		return info, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	if name == "" {
		name = filepath.Base(file)
	}
	in, err := os.Open(file)
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			err = pe.Err
		}
		return nil, fmt.Errorf("fingerprint %s: %w", file, err)
	}
	defer in.Close()
	info, err := DescribeSource(in, abs, name, o, ds)
	if err != nil {
		return nil, fmt.Errorf("fingerprint %s: %w", file, err)
	}
	return info, nil
}

// DescribeSource describes a dataset read from r (the same bytes the
// import read, e.g. an embedded sample), recording source as where it
// came from.
func DescribeSource(r io.Reader, source, name string, o attribution.ImportOptions, ds *attribution.Dataset) (*DatasetInfo, error) {
	info := describe(ds, name, source)
	var err error
	if info.Fingerprint, err = FingerprintReader(r, ImportSettings(o, ds.Summary.Layout)); err != nil {
		return nil, err
	}
	return info, nil
}

func describe(ds *attribution.Dataset, name, source string) *DatasetInfo {
	s := ds.Summary
	return &DatasetInfo{Name: name, Source: source, Layout: string(s.Layout), Rows: s.RowsAccepted,
		Journeys: s.Journeys, Channels: s.Channels, Conversions: s.Conversions}
}

// pathsFingerprint hashes aggregated paths: channel names, then each
// path's touches and counts.
func pathsFingerprint(ps *attribution.PathSet, settings map[string]string) string {
	f := NewFingerprint()
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

// RerunOptions rebuilds, from a run's params, the model options and import
// options it ran with, so that it can be run again on its dataset's
// source. Params a run lacks keep their defaults.
func RerunOptions(r *Run) (attribution.Options, attribution.ImportOptions) {
	var o attribution.Options
	var imp attribution.ImportOptions
	num := func(key string) (float64, bool) {
		if p, ok := r.Param(key); ok {
			return p.Number()
		}
		return 0, false
	}
	text := func(key string) (string, bool) {
		p, ok := r.Param(key)
		return p.String(), ok
	}
	if s, ok := text(KeyModels); ok && s != "" {
		o.Models = splitComma(s)
	}
	if v, ok := num(KeyOrder); ok {
		o.Order = int(v)
	}
	if v, ok := num(KeyHalfLifeHours); ok {
		o.HalfLife = time.Duration(v * float64(time.Hour))
	}
	if s, ok := text(KeyDirect); ok {
		o.Direct = splitComma(s)
		if o.Direct == nil {
			o.Direct = []string{}
		}
	}
	if v, ok := num(KeyFirstWeight); ok {
		o.FirstWeight = v
	}
	if v, ok := num(KeyLastWeight); ok {
		o.LastWeight = v
	}
	if s, ok := text(KeyLayout); ok {
		imp.Layout = attribution.Layout(s)
	}
	if s, ok := text(KeySeparator); ok {
		imp.Separator = s
	}
	if imp.Layout == attribution.LayoutTouches {
		imp.Lookback = attribution.UnlimitedLookback
		if v, ok := num(KeyLookbackDays); ok {
			imp.Lookback = time.Duration(v * 24 * float64(time.Hour))
		}
	}
	if s, ok := text(KeyColumnMap); ok {
		imp.Map = ParseColumnMap(s)
	}
	if s, ok := text(KeyConversionLabel); ok {
		imp.ConversionLabel = s
	}
	if s, ok := text(KeyDecimal); ok {
		imp.Decimal = s
	}
	if s, ok := text(KeyDateFormat); ok {
		imp.DateFormat = attribution.DateOrder(s)
	}
	if s, ok := text(KeyTimezone); ok {
		imp.Timezone = s
	}
	if s, ok := text(KeyDelimiter); ok {
		imp.Delimiter = s
	}
	return o, imp
}

// KeyColumnMap is the param that records columns mapped by hand, as
// MapParam writes it.
const KeyColumnMap = "column_map"

// MapParam records columns mapped by hand (column -> field) as one text
// param, "column=field" pairs in column order separated by ";", so that a
// re-run maps them the same way.
func MapParam(m map[string]string) Param {
	var pairs []string
	for col, field := range m {
		pairs = append(pairs, col+"="+field)
	}
	slices.Sort(pairs)
	return TextParam(KeyColumnMap, strings.Join(pairs, ";"))
}

// ParseColumnMap reads a MapParam value back.
func ParseColumnMap(s string) map[string]string {
	m := map[string]string{}
	for _, pair := range splitOn(s, ";") {
		if i := strings.LastIndexByte(pair, '='); i > 0 {
			m[pair[:i]] = pair[i+1:]
		}
	}
	return m
}

func splitComma(s string) []string { return splitOn(s, ",") }

// splitOn splits s at sep, dropping empty parts.
func splitOn(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}
