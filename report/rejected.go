package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/attrlab/attrlab/attribution"
)

// RejectedReason is why a row was rejected, naming the field and its value
// when the error is about one.
func RejectedReason(row attribution.RejectedRow) string {
	if row.Err.Field != "" {
		return fmt.Sprintf("%s %q: %s", row.Err.Field, row.Err.Value, row.Err.Reason)
	}
	return row.Err.Reason
}

// WriteRejectedCSV writes rejected rows as a dead-letter CSV: a header of
// line, reason and the file's own header, then per row its line number,
// RejectedReason and its own cells.
func WriteRejectedCSV(w io.Writer, header []string, rows []attribution.RejectedRow) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"line", "reason"}, header...))
	for _, row := range rows {
		cw.Write(append([]string{strconv.Itoa(row.Err.Line), RejectedReason(row)}, row.Fields...))
	}
	cw.Flush()
	return cw.Error()
}
