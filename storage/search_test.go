package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

// fixture logs four runs one second apart (t0+1s .. t0+4s):
//
//	alpha   emea     FINISHED order=1 models=markov cumulative=true  p_conv=0.1 share.markov.email=0.3 team=emea dataset journeys
//	Beta    emea     FINISHED order=2 models=linear,markov cumulative=false p_conv=0.5 share.markov.email=0.1 team=apac reviewed=yes dataset journeys
//	gamma_3 apac     FAILED   order=3 models=linear p_conv=0.9
//	d%lta   Default  RUNNING  order='10' (text), no metrics
func fixture(t *testing.T) (*Store, map[string]*tracking.Run) {
	t.Helper()
	s, c := openTest(t)
	ctx := context.Background()
	ds := &tracking.DatasetInfo{Fingerprint: strings.Repeat("f", 64), Name: "journeys", Source: "j.csv", Layout: "paths"}
	num, text, boolean := tracking.NumberParam, tracking.TextParam, tracking.BoolParam
	runs := map[string]*tracking.Run{}
	runs["alpha"] = logRun(t, s, c, tracking.NewRun{Name: "alpha", Experiment: "emea", Dataset: ds, Tags: map[string]string{"team": "emea"},
		Params: []tracking.Param{num("order", 1), text("models", "markov"), boolean("cumulative", true)}},
		map[string]float64{"p_conv": 0.1, "share.markov.email": 0.3}, nil)
	runs["Beta"] = logRun(t, s, c, tracking.NewRun{Name: "Beta", Experiment: "emea", Dataset: ds, Tags: map[string]string{"team": "apac", "reviewed": "yes"},
		Params: []tracking.Param{num("order", 2), text("models", "linear,markov"), boolean("cumulative", false)}},
		map[string]float64{"p_conv": 0.5, "share.markov.email": 0.1}, nil)
	c.t = c.t.Add(time.Second)
	g, err := s.StartRun(ctx, tracking.NewRun{Name: "gamma_3", Experiment: "apac", Params: []tracking.Param{num("order", 3), text("models", "linear")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, g.ID, tracking.StatusFailed, tracking.RunData{Metrics: []tracking.Metric{{Key: "p_conv", Value: 0.9}}}); err != nil {
		t.Fatal(err)
	}
	runs["gamma_3"] = g
	c.t = c.t.Add(time.Second)
	d, err := s.StartRun(ctx, tracking.NewRun{Name: "d%lta", Params: []tracking.Param{text("order", "10")}})
	if err != nil {
		t.Fatal(err)
	}
	runs["d%lta"] = d
	return s, runs
}

func names(p *tracking.RunPage) string {
	var n []string
	for _, r := range p.Runs {
		n = append(n, r.Name)
	}
	return strings.Join(n, ",")
}

func TestSearchFilters(t *testing.T) {
	s, runs := fixture(t)
	at := func(sec int) int64 { return t0.Add(time.Duration(sec) * time.Second).UnixMilli() }
	tests := []struct{ filter, want string }{
		{"", "d%lta,gamma_3,Beta,alpha"},
		{"metrics.p_conv > 0.4", "gamma_3,Beta"},
		{"metrics.p_conv >= 0.5", "gamma_3,Beta"},
		{"metrics.p_conv < 0.5", "alpha"},
		{"metrics.p_conv <= 0.5", "Beta,alpha"},
		{"metrics.p_conv = 0.1", "alpha"},
		{"metrics.p_conv != 0.1", "gamma_3,Beta"},
		{"metrics.p_conv in (0.1, 0.9)", "gamma_3,alpha"},
		{"metrics.p_conv not in (0.1)", "gamma_3,Beta"},
		{"metrics.`share.markov.email` is null", "d%lta,gamma_3"},
		{"metrics.share.markov.email is not null", "Beta,alpha"},
		{"metrics.share.markov.email > 0.2 and params.order = 1 and tags.team = 'emea'", "alpha"},
		{"metrics.nosuch > 0", ""},
		{"params.order > 1", "gamma_3,Beta"},
		{"params.order >= 1", "gamma_3,Beta,alpha"},
		{"params.order < 2", "alpha"},
		{"params.order <= 2", "Beta,alpha"},
		{"params.order != 2", "gamma_3,alpha"},
		{"params.order = '10'", "d%lta"},
		{"params.order = 2", "Beta"},
		{"params.order in (1, '10')", "d%lta,alpha"},
		{"params.order not in (1, 2)", "gamma_3"},
		{"params.order not in (1, '10')", "gamma_3,Beta"},
		{"params.models like '%markov%'", "Beta,alpha"},
		{"params.models like '%MARKOV%'", ""},
		{"params.models ilike '%MARKOV%'", "Beta,alpha"},
		{"params.models not like 'linear%'", "alpha"},
		{"params.models not ilike 'LINEAR%'", "alpha"},
		{"params.models like 'linea_'", "gamma_3"},
		{"params.cumulative = true", "alpha"},
		{"params.cumulative != true", "Beta"},
		{"params.cumulative = 'false'", "Beta"},
		{"params.cumulative is null", "d%lta,gamma_3"},
		{"tags.team = 'emea'", "alpha"},
		{"tags.team != 'emea'", "Beta"},
		{"tags.team ilike 'E%'", "alpha"},
		{"tags.team like 'E%'", ""},
		{"tags.team not ilike 'e%'", "Beta"},
		{"tags.team in ('apac', 'emea')", "Beta,alpha"},
		{"tags.reviewed is null", "d%lta,gamma_3,alpha"},
		{"tags.team > 'b'", "alpha"},
		{"status = 'FAILED'", "gamma_3"},
		{"status = 'failed'", "gamma_3"},
		{"status in ('RUNNING', 'FAILED')", "d%lta,gamma_3"},
		{"status != 'FINISHED'", "d%lta,gamma_3"},
		{"status like 'FIN%'", "Beta,alpha"},
		{"name = 'beta'", ""},
		{"name ilike 'beta'", "Beta"},
		{"name like 'd%lta'", "d%lta"},
		{"name like '[a-z]%'", ""},
		{"name like '*'", ""},
		{"name not like '%a'", "gamma_3"},
		{"name like 'Beta'", "Beta"},
		{"name ilike 'BETA'", "Beta"},
		{"name > 'alpha'", "d%lta,gamma_3"},
		{"experiment = 'emea'", "Beta,alpha"},
		{"experiment in ('apac', 'Default')", "d%lta,gamma_3"},
		{"experiment != 'emea'", "d%lta,gamma_3"},
		{"dataset = 'journeys'", "Beta,alpha"},
		{"dataset = '" + strings.Repeat("f", 64) + "'", "Beta,alpha"},
		{"dataset like 'jour%'", "Beta,alpha"},
		{"dataset != 'journeys'", ""},
		{"dataset is null", "d%lta,gamma_3"},
		{"run_id = '" + runs["alpha"].ID + "'", "alpha"},
		{"run_id in ('" + runs["alpha"].ID + "', '" + runs["Beta"].ID + "')", "Beta,alpha"},
		{fmt.Sprintf("start_time > %d", at(2)), "d%lta,gamma_3"},
		{fmt.Sprintf("start_time <= %d", at(2)), "Beta,alpha"},
		{"start_time >= '2024-05-01 12:00:03'", "d%lta,gamma_3"},
		{"start_time < '2024-05-01T12:00:02Z'", "alpha"},
		{fmt.Sprintf("end_time = %d", at(1)), "alpha"},
		{"end_time is null", "d%lta"},
		{"end_time is not null", "gamma_3,Beta,alpha"},
		{"end_time != 0", "gamma_3,Beta,alpha"},
		{"(metrics.p_conv > 0.4 or tags.team = 'emea') and not status = 'FAILED'", "Beta,alpha"},
		{"not (params.order > 1)", "d%lta,alpha"},
		{"not not status = 'RUNNING'", "d%lta"},
		{"status = 'FINISHED' and (name = 'alpha' or name = 'Beta') and not tags.team = 'apac'", "alpha"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			p, err := s.SearchRuns(context.Background(), tracking.Search{Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(p); got != tt.want {
				t.Errorf("%s\n got %s\nwant %s", tt.filter, got, tt.want)
			}
		})
	}
	p, err := s.SearchRuns(context.Background(), tracking.Search{Experiments: []string{"emea", "apac"}, Filter: "params.order > 1"})
	if err != nil || names(p) != "gamma_3,Beta" {
		t.Errorf("experiments emea, apac: %s, %v", names(p), err)
	}
	_, err = s.SearchRuns(context.Background(), tracking.Search{Filter: "metrics.x >"})
	var fe *tracking.FilterError
	if !errors.As(err, &fe) || fe.Pos != 11 {
		t.Errorf("bad filter: %v", err)
	}
	_, err = s.SearchRuns(context.Background(), tracking.Search{OrderBy: []string{"metrics.x up"}})
	if !errors.As(err, &fe) {
		t.Errorf("bad order key: %v", err)
	}
}

func TestSearchOrderAndPages(t *testing.T) {
	s, _ := fixture(t)
	ctx := context.Background()
	tests := []struct {
		order []string
		want  string
	}{
		{nil, "d%lta,gamma_3,Beta,alpha"},
		{[]string{"start_time ASC"}, "alpha,Beta,gamma_3,d%lta"},
		{[]string{"metrics.p_conv DESC"}, "gamma_3,Beta,alpha,d%lta"},
		{[]string{"metrics.p_conv"}, "alpha,Beta,gamma_3,d%lta"},
		{[]string{"metrics.share.markov.email DESC"}, "alpha,Beta,d%lta,gamma_3"},
		{[]string{"metrics.p_conv DESC", "name"}, "gamma_3,Beta,alpha,d%lta"},
		// Numbers sort as numbers (2 before 10 would fail as text), before text.
		{[]string{"params.order"}, "alpha,Beta,gamma_3,d%lta"},
		{[]string{"params.order DESC"}, "d%lta,gamma_3,Beta,alpha"},
		{[]string{"name"}, "Beta,alpha,d%lta,gamma_3"},
		{[]string{"tags.team"}, "Beta,alpha,d%lta,gamma_3"},
		{[]string{"status", "name DESC"}, "gamma_3,alpha,Beta,d%lta"},
		{[]string{"experiment", "start_time ASC"}, "d%lta,gamma_3,alpha,Beta"},
	}
	for _, tt := range tests {
		p, err := s.SearchRuns(ctx, tracking.Search{OrderBy: tt.order})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(p); got != tt.want {
			t.Errorf("order %v: got %s, want %s", tt.order, got, tt.want)
		}
	}
	// Pages of every size and offset agree with the whole list, across the
	// boundary between runs with and without the sort metric.
	for _, order := range [][]string{{"metrics.p_conv DESC"}, {"metrics.share.markov.email"}, {"params.order"}, nil} {
		all, err := s.SearchRuns(ctx, tracking.Search{OrderBy: order})
		if err != nil {
			t.Fatal(err)
		}
		whole := strings.Split(names(all), ",")
		for limit := 1; limit <= 5; limit++ {
			for offset := 0; offset <= 5; offset++ {
				p, err := s.SearchRuns(ctx, tracking.Search{OrderBy: order, Limit: limit, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				lo, hi := min(offset, len(whole)), min(offset+limit, len(whole))
				if got, want := names(p), strings.Join(whole[lo:hi], ","); got != want || p.More != (hi < len(whole)) {
					t.Errorf("order %v limit %d offset %d: %s (more %v), want %s (more %v)", order, limit, offset, got, p.More, want, hi < len(whole))
				}
			}
		}
	}
}

// hostile are names, keys and values that would break a store that pastes
// text into SQL.
var hostile = []string{
	"'; DROP TABLE runs; --",
	"Robert'); DROP TABLE runs;--",
	`" OR 1=1 --`,
	"` OR 1=1",
	`\'`,
	"100%",
	"_",
	"nul\x00byte",
	"x) OR (1=1",
	strings.Repeat("long'", 20000),
}

func TestHostileInput(t *testing.T) {
	s, c := openTest(t)
	ctx := context.Background()
	for i, h := range hostile {
		logRun(t, s, c, tracking.NewRun{Name: h, Experiment: h, Tags: map[string]string{h: h, "i": fmt.Sprint(i)},
			Params: []tracking.Param{tracking.TextParam(h, h)}}, map[string]float64{h: float64(i)}, nil)
	}
	snapshot := func() string {
		var b strings.Builder
		for _, table := range []string{"experiments", "runs", "params", "metric_keys", "metrics", "latest_metrics", "results", "tags", "datasets", "artifacts"} {
			var n int
			var sum string
			if err := s.r.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(length(CAST(rowid_or_key AS BLOB))), 0) FROM (SELECT * , 1 AS rowid_or_key FROM "+table+")").Scan(&n, &sum); err != nil {
				t.Fatalf("snapshot %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%s=%d ", table, n)
		}
		p, err := s.SearchRuns(ctx, tracking.Search{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Runs {
			fmt.Fprintf(&b, "%q %q %v|", r.Name, r.Experiment, r.Tags)
		}
		return b.String()
	}
	before := snapshot()
	for i, h := range hostile {
		lit := tracking.Value{Kind: tracking.ValueString, Str: h}.String()
		key := tracking.Key{Kind: tracking.KeyTag, Name: h}.String()
		for _, f := range []string{
			"name = " + lit,
			"experiment = " + lit,
			key + " = " + lit,
			"params." + strings.TrimPrefix(key, "tags.") + " = " + lit,
			"metrics." + strings.TrimPrefix(key, "tags.") + " = " + fmt.Sprint(i),
			"name like " + lit + " or name ilike " + lit,
		} {
			p, err := s.SearchRuns(ctx, tracking.Search{Filter: f})
			if err != nil {
				t.Fatalf("filter %.80q: %v", f, err)
			}
			if len(p.Runs) < 1 || p.Runs[0].Name != h && !strings.Contains(f, "like") {
				t.Errorf("filter %.80q found %d runs (first %.40q), want the run named %.40q", f, len(p.Runs), names(p), h)
			}
		}
		for _, order := range []string{"metrics." + strings.TrimPrefix(key, "tags."), "params." + strings.TrimPrefix(key, "tags."), key} {
			if _, err := s.SearchRuns(ctx, tracking.Search{OrderBy: []string{order}}); err != nil {
				t.Fatalf("order by %.80q: %v", order, err)
			}
		}
		if _, err := s.SearchRuns(ctx, tracking.Search{Experiments: []string{h}}); err != nil {
			t.Fatal(err)
		}
	}
	// Raw hostile text is a filter error, never an SQL error.
	for _, f := range append(slices.Clone(hostile), "name = ''; DROP TABLE runs; --'", "1=1", "name = 'a' --", "name = 'a' /* x */", "status = 'FINISHED'; DELETE FROM runs") {
		_, err := s.SearchRuns(ctx, tracking.Search{Filter: f})
		var fe *tracking.FilterError
		if err != nil && !errors.As(err, &fe) {
			t.Errorf("filter %.60q: %v is not a filter error", f, err)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("hostile searches changed the store:\n%.300s\n%.300s", before, after)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
