package cli

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GUIArgs is what the desktop app is opened with: attrlab [--db PATH] [FILE].
type GUIArgs struct {
	// DB is the run store to open; "" means ATTRLAB_DB or the default.
	DB string
	// File is a journey file to show in the import preview ("" for none),
	// as a file manager or the .desktop entry passes it.
	File string
}

// ParseGUIArgs tells whether args (without the program name) open the
// desktop app rather than run a command: no arguments, --db PATH (or
// --db=PATH) and at most one file, which must look like one (a path that
// exists, or has a directory or an extension) so that a mistyped command
// is still reported as one. ok is false for a command line for Run. A
// wrong use of --db is a usage error.
func ParseGUIArgs(args []string) (g GUIArgs, ok bool, err error) {
	if len(args) > 0 && isCommandWord(args[0]) {
		return GUIArgs{}, false, nil
	}
	sawDB := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--db" || a == "-db":
			if i+1 >= len(args) || args[i+1] == "" {
				return GUIArgs{}, false, usagef("--db needs the path of a run store: attrlab --db PATH")
			}
			i++
			g.DB, sawDB = args[i], true
		case strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-db="):
			g.DB, sawDB = a[strings.IndexByte(a, '=')+1:], true
			if g.DB == "" {
				return GUIArgs{}, false, usagef("--db needs the path of a run store: attrlab --db PATH")
			}
		case strings.HasPrefix(a, "-") && a != "-":
			if !sawDB && g.File == "" {
				return GUIArgs{}, false, nil // a flag for Run (--help, --version, or a wrong one)
			}
			return GUIArgs{}, false, usagef("unknown flag %q: the app takes --db PATH and a journey file; commands take their own flags (attrlab help)", a)
		case isCommandWord(a):
			return GUIArgs{}, false, usagef("put the command first: attrlab %s --db PATH ...", a)
		default:
			file, isFile := fileArg(a)
			if !isFile {
				if !sawDB && g.File == "" {
					return GUIArgs{}, false, nil // Run reports the unknown command
				}
				return GUIArgs{}, false, usagef("%q is neither a file nor a command: the app takes --db PATH and a journey file", a)
			}
			if g.File != "" {
				return GUIArgs{}, false, usagef("the app opens one file at a time; got %q and %q", g.File, file)
			}
			g.File = file
		}
	}
	return g, true, nil
}

// isCommandWord tells whether a names a command (or help or version).
func isCommandWord(a string) bool {
	if a == "help" || a == "version" {
		return true
	}
	return slices.ContainsFunc(commands(), func(c command) bool { return c.name == a })
}

// fileArg reads a FILE argument: a path, or a file:// URI as some file
// managers pass. isFile says whether it looks like a file.
func fileArg(a string) (path string, isFile bool) {
	if strings.HasPrefix(a, "file://") {
		if u, err := url.Parse(a); err == nil && u.Path != "" {
			return u.Path, true
		}
	}
	if _, err := os.Stat(a); err == nil {
		return a, true
	}
	return a, strings.ContainsRune(a, filepath.Separator) || strings.ContainsRune(a, '/') || filepath.Ext(a) != ""
}
