package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/attrlab/attrlab/attribution"
)

// registerReading adds the flags that say how cells are written: the
// conversion labels, decimal mark, date order and time zone (DESIGN
// section 2.6). Each is decided from the file when not given.
func (f *attributeFlags) registerReading(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.label, "conversion-label", "", prefix+"comma-separated values of an event-type column that mark a conversion, any case (default "+strings.Join(attribution.DefaultConversionLabels(), ",")+")")
	fs.StringVar(&f.decimal, "decimal", "", prefix+"decimal mark of the number columns: . or , (default: decide per column from its cells)")
	fs.StringVar(&f.dateFormat, "date-format", "", prefix+"order of dates written with slashes: dd/mm/yyyy or mm/dd/yyyy (default: decide from the column)")
	fs.StringVar(&f.timezone, "timezone", "", prefix+"IANA time zone of times written without one, e.g. Europe/Berlin (default UTC)")
	fs.StringVar(&f.delimiter, "delimiter", "", prefix+"field delimiter: comma, semicolon or tab (default: detect from the header line)")
}

// readingOptions checks the reading flags and sets them on o.
func (f *attributeFlags) readingOptions(o *attribution.ImportOptions) error {
	switch f.decimal {
	case "", ".", ",":
		o.Decimal = f.decimal
	case "comma":
		o.Decimal = ","
	case "point", "dot":
		o.Decimal = "."
	default:
		return usagef("--decimal %q: use . or ,", f.decimal)
	}
	order, err := attribution.ParseDateOrder(f.dateFormat)
	if err != nil {
		return usagef("--date-format: %v", err)
	}
	o.DateFormat = order
	o.Timezone = strings.TrimSpace(f.timezone)
	switch f.delimiter {
	case "", "comma", "semicolon", "tab":
		o.Delimiter = f.delimiter
	case ",":
		o.Delimiter = "comma"
	case ";":
		o.Delimiter = "semicolon"
	default:
		return usagef("--delimiter %q: use comma, semicolon or tab", f.delimiter)
	}
	return nil
}

// printReading writes how the import read the file's columns and cells:
// column choices, labels, formats, values ignored and the direct set.
func (r *report) printReading(w io.Writer) {
	s := r.Dataset.Summary
	// The columns chosen, when any was matched by another name than its
	// field's, in the layout's field order.
	var chosen []string
	renamed := false
	for _, f := range attribution.FieldNames(s.Layout) {
		if i, ok := s.Columns[f]; ok && i < len(s.Header) {
			col := fmt.Sprintf("%q", attribution.ColumnLabel(s.Header, i))
			if joined := attribution.JoinedDescription(s, f); joined != "" {
				col, renamed = joined, true
			}
			chosen = append(chosen, f+" = "+col)
			renamed = renamed || s.Header[i] != f
		}
	}
	if renamed {
		fmt.Fprintf(w, "  columns: %s\n", strings.Join(chosen, ", "))
	}
	fields := make([]string, 0, len(s.ColumnAlternatives))
	for f := range s.ColumnAlternatives {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		if i, ok := s.Columns[f]; ok && i < len(s.Header) {
			fmt.Fprintf(w, "  %s: column %q (also fits: %s; choose with --map)\n", f, attribution.ColumnLabel(s.Header, i), strings.Join(s.ColumnAlternatives[f], ", "))
		}
	}
	if len(s.ConversionLabels) > 0 {
		fmt.Fprintf(w, "  conversions: rows whose event is %s\n", strings.Join(s.ConversionLabels, ", "))
	}
	if s.DateOrder != "" {
		fmt.Fprintf(w, "  dates read as %s\n", s.DateOrder)
	}
	if s.Timezone != "" {
		fmt.Fprintf(w, "  times without a zone read in %s\n", s.Timezone)
	}
	cols := make([]string, 0, len(s.NumberFormats))
	for c := range s.NumberFormats {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		fmt.Fprintf(w, "  numbers in %q: %s\n", c, s.NumberFormats[c])
	}
	if s.ValuesIgnored > 0 {
		fmt.Fprintf(w, "  %d row(s) that are not conversions had a value, which was ignored (only conversions carry value)\n", s.ValuesIgnored)
	}
	for _, res := range r.Results {
		if res.Model != attribution.LastNonDirect || r.Direct == nil {
			continue
		}
		n := attribution.DirectTouches(r.Dataset.Paths, r.Direct)
		if n > 0 {
			fmt.Fprintf(w, "  %s touches treated as direct (%s)\n", human(n), strings.Join(r.Direct, ", "))
		} else if len(r.Direct) > 0 {
			fmt.Fprintf(w, "  no channel matched the direct set (%s): last-non-direct equals last-touch\n", strings.Join(r.Direct, ", "))
		}
	}
}
