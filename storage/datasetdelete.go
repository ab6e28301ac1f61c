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
// and can be re-run. The schema has no column for the mark, so a deleted
// dataset's created_ms is kept as -created_ms-1 (a time is never
// negative); createdSQL reads the time back either way. Registering the
// dataset again (an import, a run on it) restores it.

// createdSQL is a dataset's creation time in milliseconds, deleted or not.
const createdSQL = `CASE WHEN created_ms < 0 THEN -created_ms - 1 ELSE created_ms END`

// DeleteDataset takes a dataset off the listings; deleting a deleted
// dataset again changes nothing. An unknown fingerprint is ErrNotFound.
func (s *Store) DeleteDataset(ctx context.Context, fingerprint string) error {
	if err := s.markDataset(ctx, fingerprint, `created_ms >= 0`); err != nil {
		return fmt.Errorf("delete dataset %.12s: %w", fingerprint, err)
	}
	return nil
}

// RestoreDataset lists a deleted dataset again (undoes DeleteDataset).
func (s *Store) RestoreDataset(ctx context.Context, fingerprint string) error {
	if err := s.markDataset(ctx, fingerprint, `created_ms < 0`); err != nil {
		return fmt.Errorf("restore dataset %.12s: %w", fingerprint, err)
	}
	return nil
}

// markDataset flips a dataset's deleted mark where it is in state.
func (s *Store) markDataset(ctx context.Context, fingerprint, state string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE datasets SET created_ms = -created_ms - 1 WHERE fingerprint = ? AND `+state, fingerprint)
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
	err = s.r.QueryRowContext(ctx, `SELECT fingerprint, name, source, layout, rows, journeys, channels, conversions, created_ms
		FROM datasets WHERE fingerprint = ?`, fingerprint).
		Scan(&d.Fingerprint, &d.Name, &d.Source, &d.Layout, &d.Rows, &d.Journeys, &d.Channels, &d.Conversions, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("dataset %.12s: %w", fingerprint, tracking.ErrNotFound)
	}
	if err != nil {
		return nil, false, fmt.Errorf("read dataset %.12s: %w", fingerprint, err)
	}
	if deleted = created < 0; deleted {
		created = -created - 1
	}
	d.Created = fromMS(created)
	return d, deleted, nil
}
