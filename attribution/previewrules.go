package attribution

import (
	"slices"
	"strings"
)

// PreviewRules are the reading rules an import with given options would
// use, decided from the preview's sample exactly as Import decides them,
// for the import dialog to show each one next to a control that changes
// it. An error field says what the import would stop on.
type PreviewRules struct {
	Layout      Layout
	LayoutError string
	Delimiter   string
	// Columns is the column chosen per field (field -> column name), and
	// Alternatives the other columns that fit a field by name.
	Columns      map[string]string
	Alternatives map[string][]string
	// Joins lists, per field read from two columns joined, the columns
	// (Columns names the first) and Joined describes it in words, e.g.
	// `"Session source" + " / " + "Session medium"`.
	Joins       map[string][]string
	Joined      map[string]string
	ColumnError string
	// TimestampFormat is the format of the first readable timestamp.
	TimestampFormat TimeFormat
	// DateOrder is the order of day/month dates, DateOrderAuto when the
	// sample has none; DateOrderSet says it came from the options.
	DateOrder    DateOrder
	DateOrderSet bool
	// DateNote says that the first rows leave the order open and the
	// import will decide it from the whole file.
	DateNote string
	// Numbers describes each number column's reading (column -> e.g.
	// `decimal ",", thousands "."`); only columns with more than digits.
	Numbers map[string]string
	// ConversionLabels are the labels of an event-type conversion column,
	// nil when the column is a yes/no flag.
	ConversionLabels []string
	// FormatError is why the import would stop on a format (date order,
	// decimal mark, currency), or "".
	FormatError string
	OptionError string
}

// Rules decides the reading rules for options o (layout, map, decimal,
// date format, labels, time zone) from the preview's sample.
func (p *Preview) Rules(o ImportOptions) PreviewRules {
	r := PreviewRules{Delimiter: p.Delimiter, Layout: o.Layout}
	if r.Layout == LayoutAuto {
		l, err := detectLayout(p.Header, o.Map)
		if err != nil {
			r.LayoutError = err.Error()
			return r
		}
		r.Layout = l
	}
	cm := matchHeader(p.Header, r.Layout, o.Map)
	r.Columns, r.Alternatives = map[string]string{}, cm.alternatives
	for f, i := range cm.cols {
		if i >= 0 {
			r.Columns[f] = ColumnLabel(p.Header, i)
		}
	}
	r.ColumnError = cm.problem
	if err := cm.conflictError(p.Header, FieldNames(r.Layout)); err != nil && r.ColumnError == "" {
		r.ColumnError = err.Error()
	}
	if r.Layout == LayoutTouches && r.ColumnError == "" {
		r.ColumnError = cm.joinDateTime(p.Header, o.Map, p.sample, p.firstLine, p.delim)
		if i := cm.cols[FieldTimestamp]; i >= 0 {
			r.Columns[FieldTimestamp] = ColumnLabel(p.Header, i) // the date, when joined
		}
	}
	for f, parts := range cm.joins {
		if r.Joins == nil {
			r.Joins, r.Joined = map[string][]string{}, map[string]string{}
		}
		r.Joins[f], r.Joined[f] = joinNames(p.Header, f, parts)
	}
	for _, f := range fieldsOf(r.Layout) {
		if f.required && cm.cols[f.name] < 0 {
			r.ColumnError = strings.TrimSpace(r.ColumnError + " Choose a column for " + f.name + ".")
		}
	}
	if r.ColumnError != "" {
		return r
	}
	plan := newReadPlan(p.Header, cm)
	f, err := newColumnFormats(o, r.Layout, plan.header, plan.cols, p.delim)
	if err != nil {
		r.OptionError = err.Error()
		return r
	}
	f.setPlan(plan)
	r.FormatError = f.inferSample(p.sample, p.firstLine, plan.header)
	if r.Layout == LayoutTouches {
		conv := p.Header[cm.cols[FieldConversion]]
		if o.ConversionLabel != "" || slices.Contains(eventColumns, normalizeHeader(conv)) {
			r.ConversionLabels = f.labelSet
		}
		r.DateOrder, r.DateOrderSet = f.order, f.ordered
		order := f.order
		if f.deferred && f.dateEv.orderRead.line > 0 {
			order = DayFirst
			if p.whole {
				r.FormatError = undecidedMessage(f.timeName, f.dateEv.orderRead)
			} else {
				r.DateNote = "every date in the first rows has day and month both 12 or less: the import decides the order from the whole file, and asks for it if the file does not settle it"
			}
		}
		for _, row := range p.Rows {
			cell := plan.joinedCell(row, f.timeCol)
			if _, tf, _, err := parseTime(trimSpace([]byte(cell)), order, f.ordered, nil); err == nil && !(f.deferred && strings.HasPrefix(string(tf), "DD/MM/YYYY")) {
				r.TimestampFormat = tf
				break
			}
		}
	}
	var s Summary
	f.describe(&s, &formatEvidence{}, plan.header)
	r.Numbers = s.NumberFormats
	return r
}
