package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/attrlab/attrlab/tracking"
)

// TestILikeFoldsUnicode finds names and tags whose case differs outside
// ASCII.
func TestILikeFoldsUnicode(t *testing.T) {
	s, c := openTest(t)
	logRun(t, s, c, tracking.NewRun{Name: "Kampagne Ü", Tags: map[string]string{"équipe": "ÉQUIPE Köln"}}, nil, nil)
	logRun(t, s, c, tracking.NewRun{Name: "other"}, nil, nil)
	ctx := context.Background()
	for filter, want := range map[string]string{
		"name ilike 'kampagne ü'":               "Kampagne Ü",
		"name ilike 'KAMPAGNE Ü%'":              "Kampagne Ü",
		"name ilike '%ü'":                       "Kampagne Ü",
		"name ilike 'kampagne _'":               "Kampagne Ü",
		"tags.`équipe` ilike 'équipe köln'":     "Kampagne Ü",
		"tags.`équipe` ilike '%KÖLN'":           "Kampagne Ü",
		"name not ilike 'kampagne ü'":           "other",
		"name like 'kampagne ü'":                "",
		"name ilike 'kampagne u'":               "",
		"tags.`équipe` not ilike '%köln%'":      "",
		"name ilike 'kampagne ü' or name = 'x'": "Kampagne Ü",
	} {
		p, err := s.SearchRuns(ctx, tracking.Search{Filter: filter})
		if err != nil {
			t.Errorf("%s: %v", filter, err)
			continue
		}
		if got := names(p); got != want {
			t.Errorf("%s: got %q, want %q", filter, got, want)
		}
	}
}

// TestBigFilters answers filters of a thousand or-terms and in lists of a
// thousand values on every kind of key; a list beyond SQLite's limit on
// values is a FilterError naming the limit, never a store failure.
func TestBigFilters(t *testing.T) {
	s, c := openTest(t)
	for i := range 5 {
		logRun(t, s, c, tracking.NewRun{Name: fmt.Sprintf("run%d", i*100), Tags: map[string]string{"n": fmt.Sprint(i * 100)},
			Params: []tracking.Param{tracking.NumberParam("order", float64(i*100))}}, map[string]float64{"m": float64(i * 100)}, nil)
	}
	ctx := context.Background()
	terms := func(n int, term string) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf(term, i))
		}
		return strings.Join(parts, " or ")
	}
	list := func(n int, quote bool) string {
		var parts []string
		for i := range n {
			if quote {
				parts = append(parts, fmt.Sprintf("'%d'", i))
			} else {
				parts = append(parts, fmt.Sprint(i))
			}
		}
		return strings.Join(parts, ", ")
	}
	runList := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("'run%d'", i))
		}
		return strings.Join(parts, ", ")
	}
	const want = "run400,run300,run200,run100,run0"
	for _, f := range []string{
		terms(1000, "metrics.m = %d"),
		terms(1000, "params.order = %d"),
		terms(1000, "tags.n = '%d'"),
		terms(1000, "name = 'run%d'"),
		"(" + terms(1000, "metrics.m = %d") + ") and status = 'FINISHED'",
		"metrics.m in (" + list(1000, false) + ")",
		"params.order in (" + list(1000, false) + ")",
		"tags.n in (" + list(1000, true) + ")",
		"name in (" + runList(1000) + ")",
		"metrics.m in (" + list(10000, false) + ")",
	} {
		p, err := s.SearchRuns(ctx, tracking.Search{Filter: f})
		if err != nil {
			t.Errorf("%.60s…: %v", f, err)
			continue
		}
		if got := names(p); got != want {
			t.Errorf("%.60s…: got %s", f, got)
		}
	}
	_, err := s.SearchRuns(ctx, tracking.Search{Filter: "metrics.m in (" + list(40000, false) + ")"})
	var fe *tracking.FilterError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "at most 32666") {
		t.Errorf("an in list of 40,000 values: %v, want a FilterError naming the limit", err)
	}
}
