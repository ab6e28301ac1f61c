package storage

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/tracking"
)

// A bootstrapped run made by month keeps its intervals, replicates and
// period rows, and reads them back as logged; the period shares are
// metric history with step = period index and time = period start.
func TestIntervalsAndPeriodsRoundTrip(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	data := "journey_id,timestamp,channel,conversion,value\n" +
		"a,2025-01-03 10:00:00,search,0,\na,2025-01-04 10:00:00,email,1,10\n" +
		"b,2025-01-05 10:00:00,email,1,5\nc,2025-03-01 10:00:00,search,1,7\nd,2025-03-02 10:00:00,email,0,\n"
	ds, err := attribution.Import(ctx, bytes.NewReader([]byte(data)), attribution.ImportOptions{By: attribution.ByMonth})
	if err != nil {
		t.Fatal(err)
	}
	opts := attribution.Options{Models: []string{attribution.Linear, attribution.Markov}}
	results, err := attribution.Run(ctx, ds.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := attribution.Bootstrap(ctx, ds.Paths, results, opts, attribution.BootstrapOptions{Replicates: 25, Seed: 1<<60 + 3}); err != nil {
		t.Fatal(err)
	}
	prs, err := attribution.RunPeriods(ctx, ds.Periods, opts)
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Second)
	run, err := s.StartRun(ctx, tracking.NewRun{})
	if err != nil {
		t.Fatal(err)
	}
	d := tracking.FromAttribution(tracking.Attribution{Results: results, Options: opts, Summary: ds.Summary, Time: c.t, Periods: prs})
	if err := s.FinishRun(ctx, run.ID, tracking.StatusFinished, d); err != nil {
		t.Fatal(err)
	}

	ivs, err := s.Intervals(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) != 4 {
		t.Fatalf("%d interval rows, want 4 (2 models × 2 channels)", len(ivs))
	}
	for _, iv := range ivs {
		r := results[slices.IndexFunc(results, func(r *attribution.Result) bool { return r.Model == iv.Model })]
		c := slices.Index(r.Channels, iv.Channel)
		want := r.Intervals
		if iv.ShareLow != want.Share[c].Low || iv.ShareHigh != want.Share[c].High || iv.ValueHigh != want.Value[c].High || iv.ConversionsLow != want.Conversions[c].Low {
			t.Errorf("%s %s: stored %+v, computed %+v", iv.Model, iv.Channel, iv, want.Share[c])
		}
	}
	reps, err := s.Replicates(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 2 || reps[0].Replicates != 25 || reps[0].Seed != 1<<60+3 || reps[0].Channels != 2 {
		t.Fatalf("replicates %+v", reps)
	}
	lin := results[0]
	for r := range 25 {
		for c := range 2 {
			if got := reps[0].Share(r, c); got != lin.Intervals.ShareReplicates[r][c] {
				t.Fatalf("replicate %d channel %d: stored %v, computed %v", r, c, got, lin.Intervals.ShareReplicates[r][c])
			}
		}
	}

	rows, err := s.PeriodResults(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3*2*2 {
		t.Fatalf("%d period rows, want 12 (January, an empty February, March × 2 models × 2 channels)", len(rows))
	}
	feb := rows[4]
	if feb.Period != "2025-02" || feb.Index != 1 || feb.Conversions != 0 || !feb.Start.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("second period row %+v, want an empty 2025-02 starting 1 February", feb)
	}
	if jan := rows[0]; jan.Model != "linear" || jan.Channel != "search" || jan.Conversions != 0.5 || jan.Value != 5 {
		t.Errorf("first period row %+v, want linear search 0.5 / 5 in January", jan)
	}
	hist, err := s.MetricHistory(ctx, run.ID, tracking.PeriodShareKey("linear", "email"))
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[2].Step != 2 || !hist[2].Time.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) || hist[0].Value != 0.75 {
		t.Errorf("period share history %+v, want 3 points, steps 0-2 at the months' starts, January 0.75", hist)
	}
}

// Promotions: one champion per experiment, a history with the previous
// champion and the note, champion = true in filters, and runs that
// cannot be champion refused.
func TestChampion(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	a := logRun(t, s, c, tracking.NewRun{Experiment: "q3", Name: "first"}, nil, nil)
	b := logRun(t, s, c, tracking.NewRun{Experiment: "q3", Name: "second"}, nil, nil)
	other := logRun(t, s, c, tracking.NewRun{Experiment: "q4"}, nil, nil)

	if id, err := s.Champion(ctx, "q3"); err != nil || id != "" {
		t.Fatalf("champion before any promotion: %q, %v", id, err)
	}
	c.t = c.t.Add(time.Minute)
	p, err := s.Promote(ctx, a.ID, "best holdout fit")
	if err != nil {
		t.Fatal(err)
	}
	if p.Previous != "" || p.Experiment != "q3" || !p.Time.Equal(c.t) {
		t.Errorf("first promotion %+v", p)
	}
	c.t = c.t.Add(time.Minute)
	if p, err = s.Promote(ctx, b.ID, "newer data"); err != nil || p.Previous != a.ID {
		t.Fatalf("second promotion %+v, %v: want previous %s", p, err, a.ID)
	}
	if _, err := s.Promote(ctx, b.ID, "again"); err == nil {
		t.Error("promoting the champion again was accepted")
	}
	if _, err := s.Promote(ctx, other.ID, ""); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.Champion(ctx, "q3"); id != b.ID {
		t.Errorf("champion of q3 = %s, want %s", id, b.ID)
	}
	hist, err := s.Promotions(ctx, "q3")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].RunID != b.ID || hist[0].Note != "newer data" || hist[1].RunID != a.ID || hist[1].Note != "best holdout fit" || hist[1].Time.After(hist[0].Time) {
		t.Errorf("history %+v", hist)
	}

	ids := func(filter string) []string {
		page, err := s.SearchRuns(ctx, tracking.Search{Filter: filter})
		if err != nil {
			t.Fatalf("%s: %v", filter, err)
		}
		var out []string
		for _, r := range page.Runs {
			out = append(out, r.Name)
		}
		slices.Sort(out)
		return out
	}
	if got := ids("champion = true and experiment = 'q3'"); !slices.Equal(got, []string{"second"}) {
		t.Errorf("champion = true in q3: %v", got)
	}
	if got := ids("champion = false and experiment = 'q3'"); !slices.Equal(got, []string{"first"}) {
		t.Errorf("champion = false in q3: %v", got)
	}
	if got := ids("champion != true"); !slices.Equal(got, []string{"first"}) {
		t.Errorf("champion != true: %v", got)
	}
	if got := ids("champion = true"); len(got) != 2 {
		t.Errorf("champion = true over both experiments: %v, want 2 runs", got)
	}
	if _, err := tracking.Parse("champion = 'yes'"); err == nil {
		t.Error("champion = 'yes' parsed")
	}

	running, err := s.StartRun(ctx, tracking.NewRun{Experiment: "q3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Promote(ctx, running.ID, ""); !errors.Is(err, tracking.ErrNotPromotable) {
		t.Errorf("promoting a RUNNING run: %v", err)
	}
	if err := s.SetDeleted(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Promote(ctx, a.ID, ""); !errors.Is(err, tracking.ErrNotPromotable) {
		t.Errorf("promoting a deleted run: %v", err)
	}
	if _, err := s.Promote(ctx, "0123456789abcdef0123456789abcdef", ""); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("promoting an unknown run: %v", err)
	}
	if _, err := s.Champion(ctx, "nope"); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("champion of an unknown experiment: %v", err)
	}
}

// A migration number with no file (0002 here, kept for another branch)
// is a version that changes nothing.
func TestMigrationGap(t *testing.T) {
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) < 3 || migs[2] == "" {
		t.Fatalf("migrations: %d, want 0003 at version 3", len(migs))
	}
	s, _ := openTest(t)
	if s.SchemaVersion() != len(migs) {
		t.Errorf("schema version %d, want %d", s.SchemaVersion(), len(migs))
	}
}

// Versions of one source number in order, even when one parent is
// refreshed twice.
func TestDatasetVersions(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	for _, fp := range []string{"v1", "v2", "v3"} {
		c.t = c.t.Add(time.Second)
		if err := s.PutDataset(ctx, &tracking.DatasetInfo{Fingerprint: fp, Name: "t.csv", Source: "/data/t.csv", Layout: "touches"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutDataset(ctx, &tracking.DatasetInfo{Fingerprint: "other", Name: "o.csv", Source: "/data/o.csv", Layout: "touches"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDatasetParent(ctx, "v2", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDatasetParent(ctx, "v3", "v1"); err != nil {
		t.Fatal(err)
	}
	vs, err := s.DatasetVersions(ctx, "/data/t.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Fingerprint+"@"+strconv.Itoa(v.Version)+"<"+v.Parent)
	}
	if want := "v3@3<v1 v2@2<v1 v1@1<"; strings.Join(got, " ") != want {
		t.Errorf("versions %s, want %s", strings.Join(got, " "), want)
	}
	if err := s.SetDatasetParent(ctx, "v2", "missing"); !errors.Is(err, tracking.ErrNotFound) {
		t.Errorf("an unknown parent: %v", err)
	}
	if err := s.SetDatasetParent(ctx, "v2", "v2"); err == nil {
		t.Error("a dataset was made a version of itself")
	}
}
