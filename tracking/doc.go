// Package tracking describes attribution runs: experiments, runs, typed
// params, metric histories, per model × channel results, datasets and
// artifacts; the filter language used to search them; and the comparison
// of two or more runs. It is pure Go: the SQLite store lives in package
// storage and implements the Store contract declared here.
//
// A run is one attribution computation. FromAttribution turns the engine's
// results into the params, metrics and result rows a store records, and
// Fingerprint identifies the dataset a run read so that two runs on the
// same data are recognisably so. LogAttribution records a computation as a
// finished run, with DescribeFile's dataset description; the command line
// and the desktop app both log runs through it, and RerunOptions reads a
// run's params back into the options to run it again.
//
// The filter language is MLflow's search grammar with additions:
//
//	metrics.share.markov.email > 0.2 and params.order = 2 and tags.team like 'em%'
//	not (status = 'FAILED' or status = 'KILLED')
//	params.model in ('markov', 'linear') and tags.reviewed is null
//	name ilike '%baseline%' and start_time >= '2024-05-01'
//
// Keys are metrics.KEY, params.KEY, tags.KEY or an attribute (status, name,
// run_id, start_time, end_time, experiment, dataset); attributes.NAME is
// accepted too. A KEY may contain letters, digits, '_', '.', '-', ':' and
// '/'; any other key is quoted with backquotes or double quotes, as in
// metrics.`share.markov.paid search`. Parse returns an AST whose nodes carry
// byte offsets, and a *FilterError that points at the offending position.
package tracking
