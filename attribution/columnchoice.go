package attribution

import (
	"fmt"
	"slices"
	"strings"
)

// chooseColumns decides which column (or joined columns) each field of
// layout reads, from the --map choices, the header vocabulary and, for a
// time of day without a date, the sample rows. Its errors say which
// --map to set, written as it works for this header.
func chooseColumns(opts ImportOptions, layout Layout, header []string, sample []byte, firstLine int, delim byte) (columnMatch, error) {
	fileErr := func(reason string) error { return &ParseError{File: opts.File, Line: 1, Reason: reason} }
	keys := make([]string, 0, len(opts.Map))
	for col := range opts.Map {
		keys = append(keys, col)
	}
	slices.Sort(keys)
	for _, col := range keys {
		if field := opts.Map[col]; !slices.Contains(FieldNames(layout), field) {
			return columnMatch{}, fmt.Errorf("--map %s: %q is not a field of a %s file (fields: %s)", shellWord(col+"="+field), field, layout, strings.Join(FieldNames(layout), ", "))
		}
	}
	cm := matchHeader(header, layout, opts.Map)
	if cm.problem != "" {
		return cm, fileErr(cm.problem)
	}
	if err := cm.conflictError(header, FieldNames(layout)); err != nil {
		return cm, fileErr(err.Error())
	}
	if layout == LayoutTouches {
		if msg := cm.joinDateTime(header, opts.Map, sample, firstLine, delim); msg != "" {
			return cm, &ParseError{File: opts.File, Reason: msg}
		}
	}
	if msg := cm.missingMessage(header, layout); msg != "" {
		return cm, fileErr(msg)
	}
	return cm, nil
}

// missingMessage says which required fields have no column, with the
// --map choices that would most plausibly give them one; "" when none
// is missing.
func (cm columnMatch) missingMessage(header []string, layout Layout) string {
	missing := requiredFields(layout, cm.cols)
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("a %s file needs the column(s) %s, and the header has only %s: rename the columns or map them by hand%s", layoutNoun(layout), strings.Join(missing, ", "), strings.Join(header, ", "), suggestMap(header, cm.cols, missing))
}

// fieldHints are words that make a column name a plausible choice for a
// field the vocabulary did not match (other tools' and languages' names).
var fieldHints = map[string][]string{
	FieldPath:        {"path", "paths", "journey", "journeys", "sequence", "pfad", "chemin", "ruta", "touchpoints", "channels"},
	FieldConversions: {"conversions", "conversion", "conv", "convs", "count", "total", "orders", "sales", "purchases", "leads", "anzahl", "conversiones"},
	FieldJourney:     {"id", "user", "users", "customer", "client", "contact", "visitor", "cookie", "person", "lead", "account", "member", "email", "mail", "kunde", "kunden", "nutzer", "cliente", "utilisateur", "uid", "cid"},
	FieldTimestamp:   {"time", "date", "datetime", "timestamp", "zeit", "datum", "zeitpunkt", "when", "at", "day", "ts", "fecha", "hora", "heure"},
	FieldChannel:     {"channel", "channels", "source", "medium", "campaign", "utm", "referrer", "touchpoint", "touch", "platform", "network", "quelle", "kanal", "herkunft", "canal", "fuente"},
	FieldConversion:  {"conversion", "converted", "conv", "convert", "purchase", "purchased", "order", "won", "goal", "event", "sale", "signup", "abschluss", "kauf", "gekauft", "venta"},
}

// suggestMap returns " e.g. --map A=f1 --map B=f2" mapping each missing
// field to the unmapped column whose name looks most like it (a word of
// fieldHints), or else to the first unmapped column, written so that the
// shell passes it as is.
func suggestMap(header []string, cols map[string]int, missing []string) string {
	taken := make([]bool, len(header))
	for _, i := range cols {
		if i >= 0 {
			taken[i] = true
		}
	}
	var args []string
	for _, field := range missing {
		best, bestScore := -1, 0
		for i, h := range header {
			if taken[i] {
				continue
			}
			score := 0
			for _, w := range strings.Split(normalizeHeader(h), "_") {
				if slices.Contains(fieldHints[field], w) {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			for i := range header {
				if !taken[i] {
					best = i
					break
				}
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		args = append(args, "--map "+MapArg(header, best, field))
	}
	if len(args) == 0 {
		return ""
	}
	return ", e.g. " + strings.Join(args, " ")
}
