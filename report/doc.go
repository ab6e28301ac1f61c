// Package report draws the charts and writes the exports a marketer puts
// on a slide or hands to a spreadsheet: attribution by channel across
// models, budget current against proposed, Markov removal effects, the
// Markov transition heat-map and a comparison of runs, as PNG, SVG or PDF
// (gonum/plot, with its embedded Liberation fonts so that every machine
// draws the same pixels); and results, budgets and comparisons as CSV.
//
// Charts are built by [AttributionChart], [BudgetChart], [RemovalChart],
// [TransitionsChart] and [CompareChart], and written with [Chart.Render]
// or [Chart.Save]. CSV exports are [WriteResultsCSV], [WriteBudgetCSV] and
// [WriteComparisonCSV]; every text cell a spreadsheet could take for a
// formula is escaped. [WriteFile] writes any export to a path without ever
// leaving a half-written file, and refuses to replace an existing file
// unless told to.
//
// The package imports attribution's result types, gonum/plot and gocsv;
// it knows nothing of Fyne or the run store.
package report
