package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

var errHelpShown = errors.New("help shown")

// newFlags returns a flag set that writes its usage to w and reports
// errors as usage errors rather than exiting.
func newFlags(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(w, usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.Usage()
				return nil, errHelpShown
			}
			return nil, usagef("%s: %v (see attrlab %s --help)", fs.Name(), err, fs.Name())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at "--" (consumed) or at the first positional.
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// pairsFlag collects repeated KEY=VALUE flags.
type pairsFlag struct {
	what  string
	pairs [][2]string
}

func (p *pairsFlag) String() string { return "" }

func (p *pairsFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q: expected %s", s, p.what)
	}
	p.pairs = append(p.pairs, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	return nil
}

// listFlag parses a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
