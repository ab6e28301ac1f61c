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
	aliases  []string
	required bool
}

var pathFields = []fieldSpec{
	{FieldPath, []string{"channel_path", "journey"}, true},
	{FieldConversions, []string{"conversions", "conv"}, true},
	{FieldPathValue, []string{"value", "revenue"}, false},
	{FieldNulls, []string{"nulls", "non_conversions"}, false},
}

var touchFields = []fieldSpec{
	{FieldJourney, []string{"user_id", "uid", "customer_id", "cookie_id"}, true},
	{FieldTimestamp, []string{"time", "ts", "event_time", "date"}, true},
	{FieldChannel, []string{"source", "medium", "utm_source", "campaign"}, true},
	{FieldConversion, []string{"converted", "is_conversion", "interaction", "event"}, true},
	{FieldValue, []string{"value", "revenue"}, false},
	{FieldCost, []string{"spend"}, false},
}

// eventColumns are conversion aliases that hold an event type (a label
// marks conversions) rather than a 1/0 flag.
var eventColumns = []string{"interaction", "event"}

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

func normalizeHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.Fields(s), "_")
}

// DetectLayout guesses the layout from header names: a path column means a
// path table; a journey id, timestamp and channel mean a touch log.
func DetectLayout(header []string) (Layout, error) {
	if m, _ := matchColumns(header, LayoutPaths, nil); m[FieldPath] >= 0 {
		return LayoutPaths, nil
	}
	m, _ := matchColumns(header, LayoutTouches, nil)
	if m[FieldJourney] >= 0 && m[FieldTimestamp] >= 0 && m[FieldChannel] >= 0 {
		return LayoutTouches, nil
	}
	return "", fmt.Errorf("cannot tell what this file holds from its header (%s): a path table needs a path column (path, channel_path or journey); a touch log needs journey_id, timestamp and channel columns (or their aliases). Map the columns by hand", strings.Join(header, ", "))
}

// matchColumns maps each field of layout l to a column index (or -1), using
// manual overrides first (column name -> field name), then canonical names,
// then aliases in order. It returns the names of unused columns too.
func matchColumns(header []string, l Layout, manual map[string]string) (map[string]int, []string) {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normalizeHeader(h)
	}
	used := make([]bool, len(header))
	m := map[string]int{}
	specs := fieldsOf(l)
	for _, f := range specs {
		m[f.name] = -1
	}
	for col, field := range manual {
		for i, h := range norm {
			if h == normalizeHeader(col) && !used[i] {
				m[field] = i
				used[i] = true
			}
		}
	}
	for _, f := range specs {
		if m[f.name] >= 0 {
			continue
		}
		for _, name := range append([]string{f.name}, f.aliases...) {
			if i := slices.Index(norm, name); i >= 0 && !used[i] {
				m[f.name] = i
				used[i] = true
				break
			}
		}
	}
	var unused []string
	for i, u := range used {
		if !u {
			unused = append(unused, header[i])
		}
	}
	return m, unused
}
