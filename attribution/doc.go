// Package attribution reads journey data (path tables and touch logs) and
// computes multi-touch attribution: first-touch, last-touch,
// last-non-direct, linear, position-based, time-decay and the exact
// Markov-chain removal effect.
//
// Data flows one way: a CSV is read by [ReadPathTable] or [ReadTouchLog]
// into a [PathSet] of aggregated paths, and [Run] applies the chosen models
// to it, returning one [Result] per model. The package is pure Go: it
// imports only the standard library and gonum numerics, so it builds and
// tests with CGO_ENABLED=0.
package attribution
