package attribution

import (
	"fmt"
	"strings"
)

// ParseError reports a problem with one row or the header of an input
// file, with enough detail for the user to find and fix it.
type ParseError struct {
	File   string // file name as the user gave it
	Line   int    // 1-based line where the row starts; 0 when not about a row
	Column int    // 1-based column; 0 when the problem is the whole row
	Field  string // column name from the header, if known
	Value  string // the offending cell, shortened for display
	Reason string
}

// Error formats the problem as file:line: column "value": reason.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Column > 0 || e.Value != "" {
			fmt.Fprintf(&b, " %q", e.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	// A stray CR in a header or cell would move the cursor on a terminal
	// and hide the start of the message.
	return strings.ReplaceAll(b.String(), "\r", `\r`)
}

// shorten keeps error messages readable when a cell is huge.
func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
