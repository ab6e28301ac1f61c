// Package pathsql ships the SQL that turns a touch log into a path table,
// for teams whose raw events live on an engine that scales past one
// machine (Spark SQL, Trino, BigQuery, DuckDB, PostgreSQL). The query
// follows DESIGN section 2.2 exactly; its tests run it on SQLite over the
// reference touch logs and generated data and require the same paths as
// attrlab's own importer. docs/scale.md says how to use it.
package pathsql

import _ "embed"

// Query is the touch-log-to-path-table query (paths.sql). It reads a table
// named touches and takes one parameter, :lookback, in the unit of ts.
//
//go:embed paths.sql
var Query string
