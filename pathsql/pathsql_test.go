package pathsql

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/attrlab/attrlab/attribution"
	"github.com/attrlab/attrlab/synth"
)

// loadTouches reads a touch log CSV (journey_id, timestamp, channel,
// conversion, conversion_value) into a fresh SQLite database, with ts in
// Unix milliseconds and seq the row's place in the file.
func loadTouches(t *testing.T, data []byte) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "touches.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	mustExec(t, db, `CREATE TABLE touches (journey_id TEXT, ts INTEGER, seq INTEGER, channel TEXT, conversion INTEGER, conversion_value REAL)`)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO touches VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs[1:] {
		ts, err := time.Parse(time.RFC3339, r[col["timestamp"]])
		if err != nil {
			t.Fatal(err)
		}
		conv, _ := strconv.Atoi(r[col["conversion"]])
		var value any
		if v := r[col["conversion_value"]]; v != "" {
			value, _ = strconv.ParseFloat(v, 64)
		}
		if _, err := stmt.Exec(r[col["journey_id"]], ts.UnixMilli(), i, r[col["channel"]], conv, value); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

type pathRow struct{ conv, value, nulls float64 }

// runQuery runs Query and returns its path table as CSV text and by path.
func runQuery(t *testing.T, db *sql.DB, lookbackMS int64) (string, map[string]pathRow) {
	t.Helper()
	rows, err := db.Query(Query, sql.Named("lookback", lookbackMS))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	b.WriteString("path,total_conversions,total_conversion_value,total_null\n")
	out := map[string]pathRow{}
	for rows.Next() {
		var path string
		var r pathRow
		if err := rows.Scan(&path, &r.conv, &r.value, &r.nulls); err != nil {
			t.Fatal(err)
		}
		out[path] = r
		fmt.Fprintf(&b, "%q,%s,%s,%s\n", path, num(r.conv), num(r.value), num(r.nulls))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String(), out
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// goPaths imports the touch log with attrlab's importer and returns its
// path table by path, with unattributed conversions under "".
func goPaths(t *testing.T, data []byte, lookback time.Duration) map[string]pathRow {
	t.Helper()
	ds, err := attribution.Import(context.Background(), bytes.NewReader(data), attribution.ImportOptions{File: "touches.csv", Lookback: lookback})
	if err != nil {
		t.Fatal(err)
	}
	ps := ds.Paths
	out := map[string]pathRow{}
	for i := 0; i < ps.Len(); i++ {
		touches, conv, value, nulls := ps.Path(i)
		names := make([]string, len(touches))
		for k, c := range touches {
			names[k] = ps.Channels[c]
		}
		out[strings.Join(names, " > ")] = pathRow{conv, value, nulls}
	}
	if ps.UnattributedConversions > 0 {
		out[""] = pathRow{conv: ps.UnattributedConversions, value: ps.UnattributedValue}
	}
	return out
}

// comparePaths requires both path tables to hold the same paths with the
// same counts (values within a relative 1e-9: the sums run in another order).
func comparePaths(t *testing.T, got, want map[string]pathRow) {
	t.Helper()
	const tol = 1e-9
	if len(got) != len(want) {
		t.Errorf("SQL gives %d paths, the importer %d", len(got), len(want))
	}
	for path, w := range want {
		g, ok := got[path]
		switch {
		case !ok:
			t.Errorf("path %q missing from the SQL result", path)
		case g.conv != w.conv || g.nulls != w.nulls || math.Abs(g.value-w.value) > tol*math.Max(1, w.value):
			t.Errorf("path %q: SQL %+v, importer %+v", path, g, w)
		}
	}
}

func TestQueryMatchesImporterOnReference(t *testing.T) {
	data, err := os.ReadFile("../../shared/data/reference/touches_small.csv")
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	db := loadTouches(t, data)
	_, got := runQuery(t, db, (30 * 24 * time.Hour).Milliseconds())
	comparePaths(t, got, goPaths(t, data, 0))
	// Worked by hand from the reference README: u4 converts 45 days after
	// its only touch, so one conversion worth 25 has no path.
	if u := got[""]; u.conv != 1 || u.value != 25 {
		t.Errorf("unattributed row %+v, want 1 conversion worth 25", u)
	}
	if p := got["email > social > paid_search"]; p.conv != 1 || p.value != 70 {
		t.Errorf("u1's path %+v, want 1 conversion worth 70", p)
	}
}

func TestQueryMatchesImporterOnGeneratedData(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 6, Seed: 11, Journeys: 3000}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	db := loadTouches(t, data)
	for _, c := range []struct {
		name     string
		lookback time.Duration // for the importer: 0 = default 30 days
		ms       int64
	}{
		{"30 days", 0, (30 * 24 * time.Hour).Milliseconds()},
		{"3 days", 3 * 24 * time.Hour, (3 * 24 * time.Hour).Milliseconds()},
		{"unlimited", attribution.UnlimitedLookback, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := runQuery(t, db, c.ms)
			comparePaths(t, got, goPaths(t, data, c.lookback))
		})
	}
}

// TestQueryOutputImports feeds the SQL's path table to attrlab's path-table
// importer: every model then gives the same credit as on the touch log.
func TestQueryOutputImports(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteTouches(&buf, synth.Options{Channels: 5, Seed: 3, Journeys: 1500}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	table, _ := runQuery(t, loadTouches(t, data), (30 * 24 * time.Hour).Milliseconds())
	fromSQL, err := attribution.Import(context.Background(), strings.NewReader(table), attribution.ImportOptions{File: "paths.csv"})
	if err != nil {
		t.Fatal(err)
	}
	fromLog, err := attribution.Import(context.Background(), bytes.NewReader(data), attribution.ImportOptions{File: "touches.csv"})
	if err != nil {
		t.Fatal(err)
	}
	opts := attribution.Options{Models: []string{attribution.Linear, attribution.Markov}}
	a, err := attribution.Run(context.Background(), fromSQL.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := attribution.Run(context.Background(), fromLog.Paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	for m := range a {
		for i, ch := range b[m].Channels {
			c, _, _, ok := a[m].Credit(ch)
			if !ok || math.Abs(c-b[m].Conversions[i]) > tol*b[m].TotalConversions {
				t.Errorf("%s %s: %g from the SQL path table, %g from the touch log", a[m].Model, ch, c, b[m].Conversions[i])
			}
		}
	}
	if fromSQL.Summary.UnattributedConversions != fromLog.Summary.UnattributedConversions {
		t.Errorf("unattributed %g vs %g", fromSQL.Summary.UnattributedConversions, fromLog.Summary.UnattributedConversions)
	}
}
