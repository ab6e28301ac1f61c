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
// by a newer attrlab is refused before anything is written to it, and so is
// any file that is not an attrlab store (PRAGMA application_id, or for a
// store from before the id, its schema read through an immutable
// connection). A new store is built in a temporary file and linked into
// place whole, so a kill never leaves a half-created one. Opening never
// waits for another process's write; a write that must wait reports it
// through Options.OnWait and keeps waiting.
//
// A run's result rows, metrics and final status are committed in one
// transaction, so a crash leaves either the whole run or a RUNNING one;
// Open marks RUNNING runs whose heartbeat is older than StaleAfter KILLED.
// Searches compile the tracking filter language to parameterised SQL: no
// value or key from a filter is ever pasted into the SQL text.
package storage
