package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/attrlab/attrlab/synth"
)

const genUsage = `Usage: attrlab gen [flags]

Writes seeded synthetic journey data: a touch log or a path table whose
channels differ in how much they really drive conversion. The same seed
writes the same bytes. --out is never replaced without --force.

Flags:
`

func runGen(ctx context.Context, env Env, args []string) error {
	var o synth.Options
	var layout, out string
	var seed int64
	var force bool
	fs := newFlags("gen", genUsage, env.Stdout)
	fs.IntVar(&o.Journeys, "journeys", 10000, "journeys to simulate")
	fs.IntVar(&o.Paths, "paths", 0, "path table: write exactly this many distinct paths (instead of --journeys)")
	fs.IntVar(&o.Rows, "rows", 0, "touch log: write exactly this many rows (instead of --journeys)")
	fs.IntVar(&o.Channels, "channels", 8, "number of channels")
	fs.Int64Var(&seed, "seed", 1, "random seed")
	fs.StringVar(&layout, "layout", "touches", "paths or touches")
	fs.StringVar(&out, "out", "-", "output file (- for standard output)")
	fs.BoolVar(&force, "force", false, "replace --out if it exists")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("gen takes no arguments, got %q", pos[0])
	}
	switch {
	case o.Channels < 1:
		return usagef("--channels must be at least 1")
	case o.Journeys < 0 || o.Paths < 0 || o.Rows < 0:
		return usagef("--journeys, --paths and --rows must not be negative")
	case layout == "paths" && o.Rows > 0:
		return usagef("--rows is for touch logs; use --paths for a path table")
	case layout == "touches" && o.Paths > 0:
		return usagef("--paths is for path tables; use --rows for a touch log")
	case layout != "paths" && layout != "touches":
		return usagef("--layout %q: use paths or touches", layout)
	}
	o.Seed = uint64(seed)
	write := func(w io.Writer) error {
		if layout == "paths" {
			return synth.WritePaths(w, o)
		}
		return synth.WriteTouches(w, o)
	}
	if out == "-" {
		if err := write(env.Stdout); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		return nil
	}
	return writeOutFunc("--out", out, force, write)
}
