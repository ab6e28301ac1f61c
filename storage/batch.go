package storage

import (
	"context"
	"database/sql"
	"strings"
)

// maxBatchVars caps the parameters of one multi-row INSERT, well under
// SQLite's limit of 32,766.
const maxBatchVars = 4000

// insertRows inserts n rows with insert ("INSERT INTO t (a, b, c) VALUES ",
// optionally followed by conflict handling in tail) in multi-row
// statements: one prepared statement serves every full batch, one more the
// rest. row appends row i's cols values to args and returns it. A run over
// many channels writes hundreds of thousands of rows; a statement per row
// was most of its cost.
func insertRows(ctx context.Context, tx *sql.Tx, insert, tail string, cols, n int, row func(i int, args []any) []any) error {
	if n == 0 {
		return nil
	}
	per := max(1, maxBatchVars/cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	query := func(rows int) string {
		return insert + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ") + tail
	}
	var full *sql.Stmt
	args := make([]any, 0, per*cols)
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		var err error
		switch {
		case end-start < per:
			_, err = tx.ExecContext(ctx, query(end-start), args...)
		case full == nil:
			if full, err = tx.PrepareContext(ctx, query(per)); err != nil {
				return err
			}
			defer full.Close()
			fallthrough
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
