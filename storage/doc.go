// Package storage keeps attrlab's runs in one SQLite file, through
// database/sql and the pure-Go driver modernc.org/sqlite. Store implements
// tracking.Store.
//
// The database runs in WAL mode with a busy timeout, foreign keys on and
// synchronous=NORMAL, set in the DSN with busy_timeout first. All writes go
// through a single connection whose transactions begin IMMEDIATE, so two
// processes (the desktop app and a script) can log runs at the same time;
// reads use a separate pool. The schema is created and upgraded by the
// numbered migrations embedded from migrations/, each applied with its
// PRAGMA user_version bump in one immediate transaction. A database written
// by a newer attrlab is refused before anything is written to it.
//
// A run's result rows, metrics and final status are committed in one
// transaction, so a crash leaves either the whole run or a RUNNING one;
// Open marks RUNNING runs whose heartbeat is older than StaleAfter KILLED.
// Searches compile the tracking filter language to parameterised SQL: no
// value or key from a filter is ever pasted into the SQL text.
package storage
