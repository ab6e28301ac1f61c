package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/attrlab/attrlab/tracking"
)

// A deleted dataset is off every listing (Datasets) for every program on
// the store, while its record stays: the runs made on it keep its name
// and can be re-run. datasets.deleted_ms (migration 0004) holds the mark.
// Registering the dataset again (an import, a run on it) restores it.

// DeleteDataset takes a dataset off the listings; deleting a deleted
// dataset again changes nothing. An unknown fingerprint is ErrNotFound.
func (s *Store) DeleteDataset(ctx context.Context, fingerprint string) error {
	if err := s.markDataset(ctx, fingerprint, true); err != nil {
		return fmt.Errorf("delete dataset %.12s: %w", fingerprint, err)
	}
	return nil
}

// RestoreDataset lists a deleted dataset again (undoes DeleteDataset).
func (s *Store) RestoreDataset(ctx context.Context, fingerprint string) error {
	if err := s.markDataset(ctx, fingerprint, false); err != nil {
		return fmt.Errorf("restore dataset %.12s: %w", fingerprint, err)
	}
	return nil
}

// markDataset deletes (deleted) or restores a dataset where that changes
// it; a dataset already in that state is left as it is.
func (s *Store) markDataset(ctx context.Context, fingerprint string, deleted bool) error {
	query, args := `UPDATE datasets SET deleted_ms = NULL WHERE fingerprint = ? AND deleted_ms IS NOT NULL`, []any{fingerprint}
	if deleted {
		query, args = `UPDATE datasets SET deleted_ms = ? WHERE fingerprint = ? AND deleted_ms IS NULL`, []any{ms(s.now()), fingerprint}
	}
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var one int
	err = s.r.QueryRowContext(ctx, `SELECT 1 FROM datasets WHERE fingerprint = ?`, fingerprint).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return tracking.ErrNotFound
	}
	return err
}

// Dataset returns a dataset's record, deleted or not (a run's dataset),
// and whether it is deleted.
func (s *Store) Dataset(ctx context.Context, fingerprint string) (d *tracking.DatasetInfo, deleted bool, err error) {
	d = &tracking.DatasetInfo{}
	var created int64
	err = s.r.QueryRowContext(ctx, `SELECT fingerprint, name, source, layout, rows, journeys, channels, conversions, created_ms,
		deleted_ms IS NOT NULL FROM datasets WHERE fingerprint = ?`, fingerprint).
		Scan(&d.Fingerprint, &d.Name, &d.Source, &d.Layout, &d.Rows, &d.Journeys, &d.Channels, &d.Conversions, &created, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("dataset %.12s: %w", fingerprint, tracking.ErrNotFound)
	}
	if err != nil {
		return nil, false, fmt.Errorf("read dataset %.12s: %w", fingerprint, err)
	}
	d.Created = fromMS(created)
	return d, deleted, nil
}
