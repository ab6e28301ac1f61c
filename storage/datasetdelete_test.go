package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attrlab/attrlab/tracking"
)

func datasetNames(t *testing.T, s *Store) []string {
	t.Helper()
	dss, err := s.Datasets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dss {
		names = append(names, d.Name)
	}
	return names
}

// TestDeleteDataset: a deleted dataset is off the listing for every
// program that opens the store, keeps its record and creation time for
// its runs, and comes back on Restore or when registered again.
func TestDeleteDataset(t *testing.T) {
	ctx := context.Background()
	s, c := openTest(t)
	a := &tracking.DatasetInfo{Fingerprint: strings.Repeat("a", 64), Name: "a.csv", Source: "/d/a.csv", Layout: "paths", Rows: 3}
	b := &tracking.DatasetInfo{Fingerprint: strings.Repeat("b", 64), Name: "b.csv", Source: "/d/b.csv", Layout: "touches"}
	run := logRun(t, s, c, tracking.NewRun{Experiment: "Default", Name: "on a", Dataset: a}, nil, nil)
	if err := s.PutDataset(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDataset(ctx, a.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if got := datasetNames(t, s); len(got) != 1 || got[0] != "b.csv" {
		t.Fatalf("after deleting a.csv the store lists %v", got)
	}
	// Another program (a second connection) sees the same.
	other, err := Open(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got := datasetNames(t, other); len(got) != 1 || got[0] != "b.csv" {
		t.Errorf("a second opener lists %v", got)
	}
	other.Close()
	// The run keeps its dataset's name; the record is still readable.
	r, err := s.Run(ctx, run.ID)
	if err != nil || r.DatasetName != "a.csv" {
		t.Errorf("run on the deleted dataset: name %q, %v", r.DatasetName, err)
	}
	d, deleted, err := s.Dataset(ctx, a.Fingerprint)
	if err != nil || !deleted || d.Name != "a.csv" || d.Rows != 3 || !d.Created.Equal(t0.Add(time.Second)) {
		t.Errorf("Dataset(a) = %+v, deleted %v, %v", d, deleted, err)
	}
	if err := s.DeleteDataset(ctx, a.Fingerprint); err != nil {
		t.Errorf("deleting again: %v", err)
	}
	if err := s.RestoreDataset(ctx, a.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if got := datasetNames(t, s); len(got) != 2 {
		t.Errorf("after Restore the store lists %v", got)
	}
	d, deleted, _ = s.Dataset(ctx, a.Fingerprint)
	if deleted || !d.Created.Equal(t0.Add(time.Second)) {
		t.Errorf("restored: deleted %v, created %v, want %v", deleted, d.Created, t0.Add(time.Second))
	}
	// Registering a deleted dataset again lists it again.
	if err := s.DeleteDataset(ctx, b.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDataset(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got := datasetNames(t, s); len(got) != 2 {
		t.Errorf("after importing b.csv again the store lists %v", got)
	}
	for _, f := range []func(context.Context, string) error{s.DeleteDataset, s.RestoreDataset} {
		if err := f(ctx, strings.Repeat("9", 64)); !errors.Is(err, tracking.ErrNotFound) {
			t.Errorf("unknown dataset: %v, want ErrNotFound", err)
		}
	}
}
