package tracking

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
)

// memWriter records what LogAttribution asks of a store.
type memWriter struct {
	started  []NewRun
	finished []RunData
	status   Status
	failOn   string
}

func (m *memWriter) StartRun(_ context.Context, nr NewRun) (*Run, error) {
	if m.failOn == "start" {
		return nil, errors.New("disk full")
	}
	m.started = append(m.started, nr)
	return &Run{ID: strings.Repeat("a", 32), Name: "run-1"}, nil
}

func (m *memWriter) FinishRun(_ context.Context, _ string, status Status, data RunData) error {
	if m.failOn == "finish" {
		return errors.New("disk full")
	}
	m.status = status
	m.finished = append(m.finished, data)
	return nil
}

func importString(t *testing.T, src string, o attribution.ImportOptions) *attribution.Dataset {
	t.Helper()
	ds, err := attribution.Import(context.Background(), strings.NewReader(src), o)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

const touchesSrc = "journey_id,timestamp,channel,conversion\n" +
	"a,2025-01-01,email,0\n" +
	"a,2025-01-02,search,1\n" +
	"b,2025-01-01,search,0\n"

func TestLogAttribution(t *testing.T) {
	ds := importString(t, touchesSrc, attribution.ImportOptions{})
	opts := attribution.Options{Models: []string{attribution.Linear}, Order: 2}
	res, err := attribution.Run(context.Background(), ds.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	info := &DatasetInfo{Name: "t.csv", Fingerprint: "f"}
	var w memWriter
	run, err := LogAttribution(context.Background(), &w, RunLog{
		Experiment:  "exp",
		AppVersion:  "9.9",
		Dataset:     info,
		Attribution: Attribution{Results: res, Options: opts, Summary: ds.Summary, Time: time.Now()},
		Params:      []Param{MapParam(map[string]string{"src": "channel"})},
	})
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != strings.Repeat("a", 32) || len(w.started) != 1 || w.status != StatusFinished {
		t.Fatalf("run %+v, %d started, status %s", run, len(w.started), w.status)
	}
	if nr := w.started[0]; nr.Experiment != "exp" || nr.AppVersion != "9.9" || nr.Dataset != info {
		t.Errorf("started %+v", nr)
	}
	got := &Run{Params: w.finished[0].Params}
	if p, ok := got.Param(KeyLookbackDays); !ok || p.String() != "30" {
		t.Errorf("lookback_days = %v %v, want 30 (the default)", p, ok)
	}
	if p, ok := got.Param(KeyColumnMap); !ok || p.String() != "src=channel" {
		t.Errorf("column_map = %q %v", p.String(), ok)
	}
	if len(w.finished[0].Results) != len(res[0].Channels) {
		t.Errorf("%d result rows", len(w.finished[0].Results))
	}

	for _, step := range []string{"start", "finish"} {
		w := memWriter{failOn: step}
		if _, err := LogAttribution(context.Background(), &w, RunLog{Attribution: Attribution{Results: res, Summary: ds.Summary}}); err == nil {
			t.Errorf("failing %s: no error", step)
		}
	}
}

// TestRerunOptions logs params and reads back the options they came from.
func TestRerunOptions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts attribution.Options
		imp  attribution.ImportOptions
	}{
		{"touches", touchesSrc,
			attribution.Options{Models: []string{attribution.Linear, attribution.TimeDecay}, Order: 3, HalfLife: 36 * time.Hour,
				Direct: []string{"direct", "brand"}, FirstWeight: 0.3, LastWeight: 0.5},
			attribution.ImportOptions{Layout: attribution.LayoutTouches, Lookback: 14 * 24 * time.Hour, Map: map[string]string{"channel": "channel"}}},
		{"touches-unlimited", touchesSrc,
			attribution.Options{Models: []string{attribution.FirstTouch}, Order: 1, HalfLife: 7 * 24 * time.Hour, Direct: []string{}, FirstWeight: 0.4, LastWeight: 0.4},
			attribution.ImportOptions{Layout: attribution.LayoutTouches, Lookback: attribution.UnlimitedLookback}},
		{"paths", "path,conversions,nulls\na|b,2,1\n",
			attribution.Options{Models: []string{attribution.Markov}, Order: 2, HalfLife: 7 * 24 * time.Hour, Direct: []string{"direct"}, FirstWeight: 0.4, LastWeight: 0.4},
			attribution.ImportOptions{Layout: attribution.LayoutPaths, Separator: "|"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := importString(t, tt.src, tt.imp)
			res, err := attribution.Run(context.Background(), ds.Paths, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			d := FromAttribution(Attribution{Results: res, Options: tt.opts, Summary: ds.Summary})
			d.Params = append(d.Params, ImportParams(tt.imp, ds.Summary.Layout)...)
			if len(tt.imp.Map) > 0 {
				d.Params = append(d.Params, MapParam(tt.imp.Map))
			}
			o, imp := RerunOptions(&Run{Params: d.Params})
			if !reflect.DeepEqual(o, tt.opts) {
				t.Errorf("options %+v, want %+v", o, tt.opts)
			}
			if !reflect.DeepEqual(imp, tt.imp) {
				t.Errorf("import options %+v, want %+v", imp, tt.imp)
			}
		})
	}
}

func TestDescribeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(touchesSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	ds := importString(t, touchesSrc, attribution.ImportOptions{})
	info, err := DescribeFile(path, "", attribution.ImportOptions{}, ds)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "t.csv" || info.Source != path || info.Journeys != 2 || info.Layout != "touches" {
		t.Errorf("info %+v", info)
	}
	// The same bytes read from elsewhere have the same fingerprint;
	// another lookback is the same dataset (lookback is a run parameter),
	// another conversion label is not.
	same, err := DescribeSource(strings.NewReader(touchesSrc), "bundled", "x", attribution.ImportOptions{}, ds)
	if err != nil {
		t.Fatal(err)
	}
	other, err := DescribeSource(strings.NewReader(touchesSrc), "bundled", "x", attribution.ImportOptions{Lookback: time.Hour}, ds)
	if err != nil {
		t.Fatal(err)
	}
	label, err := DescribeSource(strings.NewReader(touchesSrc), "bundled", "x", attribution.ImportOptions{ConversionLabel: "buy"}, ds)
	if err != nil {
		t.Fatal(err)
	}
	if same.Fingerprint != info.Fingerprint || other.Fingerprint != info.Fingerprint || label.Fingerprint == info.Fingerprint {
		t.Errorf("fingerprints %s, same bytes %s, 1h lookback %s, label %s", info.Fingerprint, same.Fingerprint, other.Fingerprint, label.Fingerprint)
	}
	// A dataset recorded before lookback left the fingerprint is still
	// recognised from its source.
	legacy, err := FingerprintReader(strings.NewReader(touchesSrc), LegacyImportSettings(attribution.ImportOptions{Lookback: time.Hour}, attribution.LayoutTouches))
	if err != nil {
		t.Fatal(err)
	}
	for fp, want := range map[string]bool{legacy: true, info.Fingerprint: true, label.Fingerprint: false} {
		ok, err := SourceMatches(strings.NewReader(touchesSrc), attribution.ImportOptions{Lookback: time.Hour}, attribution.LayoutTouches, fp)
		if err != nil || ok != want {
			t.Errorf("SourceMatches(%.12s) = %v, %v; want %v", fp, ok, err, want)
		}
	}
	_, err = DescribeFile(filepath.Join(t.TempDir(), "gone.csv"), "", attribution.ImportOptions{}, ds)
	if err == nil || !strings.Contains(err.Error(), "fingerprint") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestLogAttributionFailedFinishMarksFailed: a run that starts but cannot
// be finished ends FAILED with the error, instead of staying RUNNING.
func TestLogAttributionFailedFinishMarksFailed(t *testing.T) {
	ds := importString(t, touchesSrc, attribution.ImportOptions{})
	res, err := attribution.Run(context.Background(), ds.Paths, attribution.Options{Models: []string{attribution.Linear}})
	if err != nil {
		t.Fatal(err)
	}
	w := &failOnceWriter{}
	_, err = LogAttribution(context.Background(), w, RunLog{Attribution: Attribution{Results: res, Summary: ds.Summary}})
	var le *LogError
	if !errors.As(err, &le) || le.Run == nil || le.Mark != nil {
		t.Fatalf("error %v (%T), want a *LogError with the run, marked", err, err)
	}
	if !strings.Contains(err.Error(), "UNIQUE constraint failed") {
		t.Errorf("error %q does not give the cause", err)
	}
	if w.status != StatusFailed || w.tags[TagError] != le.Err.Error() {
		t.Errorf("run ended %s with tags %v, want FAILED with the error", w.status, w.tags)
	}
}

func TestLogFailure(t *testing.T) {
	ds := importString(t, touchesSrc, attribution.ImportOptions{})
	var w memWriter
	opts := attribution.Options{Models: []string{attribution.Markov, attribution.Linear}, Order: 2}
	run, err := LogFailure(context.Background(), &w, RunLog{Attribution: Attribution{Options: opts, Summary: ds.Summary}}, errors.New("markov: out of memory"))
	if err != nil || run == nil {
		t.Fatal(run, err)
	}
	if w.status != StatusFailed || w.finished[0].Tags[TagError] != "markov: out of memory" {
		t.Fatalf("status %s, tags %v", w.status, w.finished[0].Tags)
	}
	got := &Run{Params: w.finished[0].Params}
	if p, _ := got.Param(KeyModels); p.String() != "markov,linear" {
		t.Errorf("models param %q, want the models asked for", p.String())
	}
	if p, _ := got.Param(KeyOrder); p.String() != "2" {
		t.Errorf("order param %q", p.String())
	}
}

// failOnceWriter fails the first FinishRun as a duplicate result row did.
type failOnceWriter struct {
	finishes int
	status   Status
	tags     map[string]string
}

func (w *failOnceWriter) StartRun(context.Context, NewRun) (*Run, error) {
	return &Run{ID: strings.Repeat("b", 32), Name: "run-b"}, nil
}

func (w *failOnceWriter) FinishRun(_ context.Context, _ string, status Status, data RunData) error {
	w.finishes++
	if w.finishes == 1 {
		return errors.New("finish run: constraint failed: UNIQUE constraint failed: results.run, results.model, results.channel")
	}
	w.status, w.tags = status, data.Tags
	return nil
}
