-- 0003 (issue 13): bootstrap intervals, credit by period, champions and
-- dataset versions. Number 0002 is left to another migration; until it
-- exists the runner counts it as a version that changes nothing.

-- Percentile intervals of a bootstrapped run, one row per result row.
CREATE TABLE result_intervals (
	run              INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	model            TEXT NOT NULL,
	channel          TEXT NOT NULL,
	share_low        REAL NOT NULL,
	share_high       REAL NOT NULL,
	conversions_low  REAL NOT NULL,
	conversions_high REAL NOT NULL,
	value_low        REAL NOT NULL,
	value_high       REAL NOT NULL,
	PRIMARY KEY (run, model, channel)
) WITHOUT ROWID;

-- The share of every channel in every bootstrap replicate (little-endian
-- float64, replicate-major, channels in result position order), kept so
-- that a comparison can bootstrap the difference between two runs.
CREATE TABLE bootstrap_replicates (
	run        INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	model      TEXT NOT NULL,
	replicates INTEGER NOT NULL,
	channels   INTEGER NOT NULL,
	level      REAL NOT NULL,
	seed       TEXT NOT NULL,
	shares     BLOB NOT NULL,
	PRIMARY KEY (run, model)
) WITHOUT ROWID;

-- Credit by period (--by week|month): the result rows of every period,
-- with intervals when the periods were bootstrapped.
CREATE TABLE period_results (
	run              INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	period_index     INTEGER NOT NULL,
	period           TEXT NOT NULL,
	start_ms         INTEGER NOT NULL,
	end_ms           INTEGER NOT NULL,
	model            TEXT NOT NULL,
	channel          TEXT NOT NULL,
	position         INTEGER NOT NULL,
	conversions      REAL NOT NULL,
	value            REAL NOT NULL,
	share            REAL NOT NULL,
	removal_effect   REAL,
	share_low        REAL,
	share_high       REAL,
	PRIMARY KEY (run, period_index, model, channel)
) WITHOUT ROWID;

-- Every promotion of a run to champion of its experiment; the latest
-- promotion of an experiment names its champion.
CREATE TABLE promotions (
	id            INTEGER PRIMARY KEY,
	experiment_id INTEGER NOT NULL REFERENCES experiments(id),
	run           INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	previous      INTEGER REFERENCES runs(seq) ON DELETE SET NULL,
	promoted_ms   INTEGER NOT NULL,
	note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX promotions_experiment ON promotions(experiment_id, id);
CREATE INDEX promotions_run ON promotions(run);

-- A refreshed source file is a new version of the same dataset.
ALTER TABLE datasets ADD COLUMN parent TEXT REFERENCES datasets(fingerprint);
ALTER TABLE datasets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
