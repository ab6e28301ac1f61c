package attribution

import (
	"fmt"
	"slices"
	"strings"
)

// Layout is the shape of an input file.
type Layout string

// The two input layouts of DESIGN section 2.
const (
	LayoutAuto    Layout = ""
	LayoutPaths   Layout = "paths"
	LayoutTouches Layout = "touches"
)

// Field names: the canonical column names of each layout.
const (
	FieldPath        = "path"
	FieldConversions = "total_conversions"
	FieldPathValue   = "total_conversion_value"
	FieldNulls       = "total_null"

	FieldJourney    = "journey_id"
	FieldTimestamp  = "timestamp"
	FieldChannel    = "channel"
	FieldConversion = "conversion"
	FieldValue      = "conversion_value"
	FieldCost       = "cost"
)

type fieldSpec struct {
	name     string
	required bool
}

// The fields of each layout; the names that match them are in the header
// vocabulary (headers.go).
var pathFields = []fieldSpec{
	{FieldPath, true},
	{FieldConversions, true},
	{FieldPathValue, false},
	{FieldNulls, false},
}

var touchFields = []fieldSpec{
	{FieldJourney, true},
	{FieldTimestamp, true},
	{FieldChannel, true},
	{FieldConversion, true},
	{FieldValue, false},
	{FieldCost, false},
}

func fieldsOf(l Layout) []fieldSpec {
	if l == LayoutPaths {
		return pathFields
	}
	return touchFields
}

// FieldNames returns the canonical field names of a layout, for mapping
// columns by hand.
func FieldNames(l Layout) []string {
	var out []string
	for _, f := range fieldsOf(l) {
		out = append(out, f.name)
	}
	return out
}

// DetectLayout guesses the layout from header names: a path column means a
// path table; a journey id, timestamp and channel mean a touch log.
func DetectLayout(header []string) (Layout, error) {
	return detectLayout(header, nil)
}

// detectLayout is DetectLayout with the --map choices, which settle the
// layout when they name fields of only one.
func detectLayout(header []string, manual map[string]string) (Layout, error) {
	if l := layoutFromMap(manual); l != LayoutAuto {
		return l, nil
	}
	if m, _ := matchColumns(header, LayoutPaths, manual); m[FieldPath] >= 0 {
		return LayoutPaths, nil
	}
	m, _ := matchColumns(header, LayoutTouches, manual)
	if m[FieldJourney] >= 0 && m[FieldTimestamp] >= 0 && m[FieldChannel] >= 0 {
		return LayoutTouches, nil
	}
	var missing []string
	for _, f := range []string{FieldJourney, FieldTimestamp, FieldChannel} {
		if m[f] < 0 {
			missing = append(missing, f)
		}
	}
	return "", fmt.Errorf("cannot tell what this file holds from its header (%s): a path table needs a path column (path, channel path, conversion path, MCF channel grouping path …); a touch log needs a journey id (user id, contact id, client id …), a time (timestamp, event time, date …) and a channel (channel, source / medium, source …), and this header has no %s. Map the columns by hand%s", strings.Join(header, ", "), strings.Join(missing, ", "), layoutSuggestion(header, manual))
}

// layoutSuggestion is the --map example for a header whose layout cannot
// be told: a path table's missing fields when a column looks like a path,
// else a touch log's.
func layoutSuggestion(header []string, manual map[string]string) string {
	paths := matchHeader(header, LayoutPaths, manual)
	touches := matchHeader(header, LayoutTouches, manual)
	// A column that a touch log's field matched ("Journey ID") is not
	// taken for a path because of a word in its name.
	taken := append(valuesOf(paths.cols), valuesOf(touches.cols)...)
	for i, h := range header {
		for _, w := range strings.Split(normalizeHeader(h), "_") {
			if paths.cols[FieldPath] < 0 && slices.Contains(fieldHints[FieldPath], w) && !slices.Contains(taken, i) {
				return suggestMap(header, paths.cols, requiredFields(LayoutPaths, paths.cols))
			}
		}
	}
	return suggestMap(header, touches.cols, requiredFields(LayoutTouches, touches.cols))
}

// requiredFields are the required fields of layout l that cols leaves
// without a column.
func requiredFields(l Layout, cols map[string]int) []string {
	var out []string
	for _, f := range fieldsOf(l) {
		if f.required && cols[f.name] < 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// matchColumns maps each field of layout l to a column index (or -1), using
// manual overrides first (column name -> field name), then the header
// vocabulary tier by tier. It returns the names of unused columns too.
func matchColumns(header []string, l Layout, manual map[string]string) (map[string]int, []string) {
	cm := matchHeader(header, l, manual)
	return cm.cols, cm.unused
}
