package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

var errHelpShown = errors.New("help shown")

// helpBuffer holds what the flag package prints (its error and the usage)
// until parseArgs knows whether the user asked for help: only then does it
// reach the real output, once. A mistyped flag prints just our error.
type helpBuffer struct {
	bytes.Buffer
	w io.Writer
}

// newFlags returns a flag set whose help text is usage plus the flags'
// defaults, written to w on -h or --help.
func newFlags(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	hb := &helpBuffer{w: w}
	fs.SetOutput(hb)
	fs.Usage = func() {
		hb.Reset() // drop the flag package's own error line
		fmt.Fprint(hb, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	hb, _ := fs.Output().(*helpBuffer)
	var pos []string
	for {
		err := fs.Parse(args)
		if hb != nil {
			if errors.Is(err, flag.ErrHelp) {
				hb.w.Write(hb.Bytes())
			}
			hb.Reset()
		}
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
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
