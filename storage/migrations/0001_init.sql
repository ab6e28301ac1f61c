-- 0001: experiments, runs, params, metrics, results, datasets, artifacts, tags.
-- Times are milliseconds since the epoch (UTC). Child tables reference runs
-- by their integer seq; run ids (32 hex digits) appear only in runs.

CREATE TABLE experiments (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	deleted    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE datasets (
	fingerprint TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	source      TEXT NOT NULL,
	layout      TEXT NOT NULL,
	rows        INTEGER NOT NULL,
	journeys    INTEGER NOT NULL,
	channels    INTEGER NOT NULL,
	conversions REAL NOT NULL,
	created_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX datasets_name ON datasets(name);

CREATE TABLE runs (
	seq           INTEGER PRIMARY KEY,
	id            TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
	experiment_id INTEGER NOT NULL REFERENCES experiments(id),
	name          TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
	start_ms      INTEGER NOT NULL,
	end_ms        INTEGER,
	heartbeat_ms  INTEGER NOT NULL,
	app_version   TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	dataset       TEXT REFERENCES datasets(fingerprint),
	deleted       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_start ON runs(start_ms);
CREATE INDEX runs_experiment_start ON runs(experiment_id, start_ms);
CREATE INDEX runs_name ON runs(name);
CREATE INDEX runs_dataset ON runs(dataset);
CREATE INDEX runs_running ON runs(heartbeat_ms) WHERE status = 'RUNNING';

-- Params are typed: value holds the text form of every param, num the
-- number (1/0 for a bool) so that params.order > 1 compares numbers.
CREATE TABLE params (
	run   INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	key   TEXT NOT NULL,
	type  TEXT NOT NULL CHECK (type IN ('text', 'number', 'bool')),
	value TEXT NOT NULL,
	num   REAL,
	PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE INDEX params_key_num ON params(key, num);
CREATE INDEX params_key_value ON params(key, value);

CREATE TABLE metric_keys (
	id  INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE
);

-- Every logged point; value NULL stands for NaN.
CREATE TABLE metrics (
	run   INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	key   INTEGER NOT NULL REFERENCES metric_keys(id),
	step  INTEGER NOT NULL,
	ts_ms INTEGER NOT NULL,
	value REAL
);
CREATE INDEX metrics_run_key ON metrics(run, key, step);

-- The latest point per run and key (highest step, then time): what search,
-- ordering and listings read.
CREATE TABLE latest_metrics (
	run   INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	key   INTEGER NOT NULL REFERENCES metric_keys(id),
	step  INTEGER NOT NULL,
	ts_ms INTEGER NOT NULL,
	value REAL,
	PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_key_value ON latest_metrics(key, value);

CREATE TABLE results (
	run            INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	model          TEXT NOT NULL,
	channel        TEXT NOT NULL,
	position       INTEGER NOT NULL,
	conversions    REAL NOT NULL,
	value          REAL NOT NULL,
	share          REAL NOT NULL,
	removal_effect REAL,
	PRIMARY KEY (run, model, channel)
) WITHOUT ROWID;

CREATE TABLE tags (
	run   INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	key   TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE INDEX tags_key_value ON tags(key, value);

CREATE TABLE artifacts (
	run        INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	path       TEXT NOT NULL,
	media_type TEXT NOT NULL,
	data       BLOB NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (run, path)
);
