package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
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

// TestMigrationKeepsDatasetDeletions opens a store of schema version 3
// whose datasets table marked a deletion by a negative created_ms (a
// development build did): after migration 0004 that dataset is deleted
// with its creation time back, and the other is listed untouched.
func TestMigrationKeepsDatasetDeletions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	setup := []string{`PRAGMA journal_mode = WAL`, fmt.Sprintf(`PRAGMA application_id = %d`, ApplicationID)}
	for _, m := range migs[:3] {
		if m != "" {
			setup = append(setup, m)
		}
	}
	created := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	setup = append(setup, `PRAGMA user_version = 3`,
		fmt.Sprintf(`INSERT INTO datasets (fingerprint, name, source, layout, rows, journeys, channels, conversions, created_ms)
			VALUES ('aaaa', 'kept', 'k.csv', 'touches', 1, 1, 1, 1, %d), ('bbbb', 'gone', 'g.csv', 'touches', 1, 1, 1, 1, %d)`, created, -created-1))
	foreignDB(t, path, setup...)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if names := datasetNames(t, s); len(names) != 1 || names[0] != "kept" {
		t.Errorf("listed after migration: %v, want [kept]", names)
	}
	for fp, wantDeleted := range map[string]bool{"aaaa": false, "bbbb": true} {
		d, deleted, err := s.Dataset(ctx, fp)
		if err != nil {
			t.Fatal(err)
		}
		if deleted != wantDeleted || d.Created.UnixMilli() != created {
			t.Errorf("%s: deleted %v, created %v; want %v, %v", fp, deleted, d.Created, wantDeleted, time.UnixMilli(created).UTC())
		}
	}
	if err := s.RestoreDataset(ctx, "bbbb"); err != nil {
		t.Fatal(err)
	}
	if names := datasetNames(t, s); len(names) != 2 {
		t.Errorf("listed after restore: %v, want both", names)
	}
}
