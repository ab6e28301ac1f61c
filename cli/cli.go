// Package cli implements attrlab's command line: the same engine as the
// desktop app, for scripts and CI. Run is the entry point; it never calls
// os.Exit, so tests drive it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/attrlab/attrlab/attribution"
)

// Exit statuses, as DESIGN section 7 defines them.
const (
	ExitOK       = 0
	ExitUsage    = 1 // bad flags, unknown command, invalid option values
	ExitBadInput = 2 // the input data could not be read or is malformed
)

// Version is the app version reported by --version and stored with runs.
var Version = "0.1.0"

// Env is what a command may touch: its streams and, for tests, the
// working directory is implied by the paths given.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// usageError marks an error caused by how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// inputError marks an error in the user's input data or files.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

const topUsage = `attrlab: multi-touch attribution for journey data, on your own machine.

Usage:
  attrlab [--db PATH] [FILE]   open the desktop app (on that run store, with FILE in the import preview)
  attrlab attribute FILE ...   attribute conversions to channels with every model
  attrlab gen ...              write synthetic journey data
  attrlab import FILE ...      check a journey file and register it as a dataset
  attrlab datasets ...         list registered datasets; delete, restore
  attrlab runs ...             list and search logged runs; delete, restore, tag, note
  attrlab compare ID ID...     compare runs side by side
  attrlab export runs|mlflow   export runs as CSV or as an MLflow mlruns folder
  attrlab export chart|results a chart (PNG, SVG, PDF) or the results CSV of a run or file
  attrlab budget RUN_ID|FILE   CPA, ROAS and a budget shared in proportion to credit
  attrlab help COMMAND         help for a command

Exit status: 0 success, 1 usage error, 2 bad input data, 3 run store error.
`

type command struct {
	name, summary string
	run           func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"attribute", "attribute conversions to channels", runAttribute},
		{"gen", "write synthetic journey data", runGen},
		{"import", "register a dataset", runImport},
		{"datasets", "list, delete and restore datasets", runDatasets},
		{"runs", "list, search and edit runs", runRuns},
		{"compare", "compare runs", runCompare},
		{"export", "export runs", runExport},
		{"budget", "propose a budget from a model's credit", runBudget},
	}
}

// Run executes the command line args (without the program name) and
// returns the exit status.
func Run(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" && len(args) == 1 {
		fmt.Fprint(env.Stdout, topUsage)
		return ExitOK
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(env.Stdout, "attrlab", Version)
		return ExitOK
	}
	name, rest := args[0], args[1:]
	if name == "help" {
		name, rest = args[1], []string{"--help"}
	}
	for _, c := range commands() {
		if c.name == name {
			tightenGC(name)
			return exitStatus(env, c.run(ctx, env, rest))
		}
	}
	fmt.Fprintf(env.Stderr, "attrlab: unknown command %q\n\n%s", name, topUsage)
	return ExitUsage
}

// exitStatus prints err and maps it to an exit status.
func exitStatus(env Env, err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errHelpShown) {
		return ExitOK
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintln(env.Stderr, "attrlab:", msg)
	var ue *usageError
	var ie *inputError
	var pe *attribution.ParseError
	var se *storeError
	switch {
	case errors.As(err, &se):
		return ExitStore
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &ie), errors.As(err, &pe):
		return ExitBadInput
	}
	return ExitUsage
}
