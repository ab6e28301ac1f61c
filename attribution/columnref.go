package attribution

import (
	"fmt"
	"strconv"
	"strings"
)

// A --map choice names its column by name or, where the name does not
// name one column (two columns called "Source", an empty header cell, a
// name with "="), by its 1-based position: "#3". Every error and hint
// that tells the user what to map writes the form that works for the
// file (ColumnRef, MapArg).

// columnPosition reads a reference by position: "#N", or a ColumnLabel
// ("Source (#3)", "column #4"). It returns N-1, or -1 when key is not one.
func columnPosition(key string) int {
	key = strings.TrimSpace(key)
	if strings.HasSuffix(key, ")") {
		if i := strings.LastIndex(key, " (#"); i >= 0 {
			key = key[i+2 : len(key)-1]
		}
	}
	key = strings.TrimPrefix(key, "column ")
	if len(key) < 2 || key[0] != '#' || key[1] < '0' || key[1] > '9' {
		return -1
	}
	n, err := strconv.Atoi(key[1:])
	if err != nil || n < 1 {
		return -1
	}
	return n - 1
}

// ColumnIndex returns the 0-based index of the column key names in header
// (a name, "#N" or a ColumnLabel), or -1 when it names none or several.
func ColumnIndex(header []string, key string) int {
	i, _ := resolveColumn(header, key, "")
	return i
}

// resolveColumn finds the column key names in header: "#N" by position,
// else by name — the one cell written exactly so, or the one whose
// normalised name matches. It returns -1 and why when key names none or
// several; field, when set, completes the example in the reason.
func resolveColumn(header []string, key, field string) (int, string) {
	if n := columnPosition(key); n >= 0 {
		if n >= len(header) {
			return -1, fmt.Sprintf("the header has %d columns, so there is no column %s", len(header), strings.TrimSpace(key))
		}
		return n, ""
	}
	key = strings.TrimSpace(key)
	var exact, norm []int
	nk := normalizeHeader(key)
	for i, h := range header {
		if strings.TrimSpace(h) == key {
			exact = append(exact, i)
		}
		if nk != "" && normalizeHeader(h) == nk {
			norm = append(norm, i)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], ""
	case len(exact) == 0 && len(norm) == 1:
		return norm[0], ""
	case len(exact) == 0 && len(norm) == 0:
		return -1, fmt.Sprintf("the header has no column %q (columns: %s)", key, strings.Join(header, ", "))
	}
	same := exact
	if len(same) == 0 {
		same = norm
	}
	pos := make([]string, len(same))
	for k, i := range same {
		pos[k] = "#" + strconv.Itoa(i+1)
	}
	example := pos[0]
	if field != "" {
		example = "--map " + shellWord(pos[0]+"="+field)
	}
	return -1, fmt.Sprintf("the header has %d columns named %q (columns %s): name one by its position instead, e.g. %s", len(same), key, strings.Join(pos, ", "), example)
}

// ColumnRef returns how a --map choice names column i of header: its
// name when that names this column alone, else "#N" (its 1-based
// position), as for a name two columns share or an empty header cell.
func ColumnRef(header []string, i int) string {
	name := strings.TrimSpace(header[i])
	if name != "" && !strings.Contains(name, "=") && columnPosition(name) < 0 {
		if j, _ := resolveColumn(header, name, ""); j == i {
			return name
		}
	}
	return "#" + strconv.Itoa(i+1)
}

// MapArg returns the --map argument that maps column i of header to
// field, quoted for a POSIX shell when it needs to be: Source=channel,
// "Source / Medium=channel", "#3=channel".
func MapArg(header []string, i int, field string) string {
	return shellWord(ColumnRef(header, i) + "=" + field)
}

// shellWord quotes s for a POSIX shell (and PowerShell) unless every
// character is one no shell treats specially.
func shellWord(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.,/:=@+%", r)) {
			plain = false
			break
		}
	}
	switch {
	case plain:
		return s
	case !strings.ContainsAny(s, "\"$`\\!"):
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ColumnLabel names column i of header in messages and reports: its
// name, with its position when the name alone does not say which column
// it is: "Source (#3)", "column #4" for an empty header cell.
func ColumnLabel(header []string, i int) string {
	ref := ColumnRef(header, i)
	switch name := strings.TrimSpace(header[i]); {
	case ref == name:
		return header[i]
	case name == "":
		return "column " + ref
	default:
		return header[i] + " (" + ref + ")"
	}
}

// displayHeader is header with each cell as columnLabel writes it, for
// the names in errors and the summary; header itself when every name is
// plain (the usual case, at no cost).
func displayHeader(header []string) []string {
	var out []string
	for i, h := range header {
		if l := ColumnLabel(header, i); l != h {
			if out == nil {
				out = append([]string(nil), header...)
			}
			out[i] = l
		}
	}
	if out == nil {
		return header
	}
	return out
}
