package attribution

import (
	"fmt"
	"strconv"
	"strings"
)

// Numbers as exports write them (DESIGN section 2.6): digits with an
// optional decimal mark, thousands grouped by ",", ".", a space or an
// apostrophe, and an optional currency symbol ($, €, £) before or after.
// Whether "," and "." are decimal marks or group separators is decided
// per column, never per cell: a cell like "1,234" is read only when the
// column settles what its comma does, and a column that writes numbers two
// ways is an error naming both lines. Hex floats, underscores, Inf and NaN
// are not numbers here.

// sepRole is what "," or "." does in a column's numbers.
type sepRole uint8

const (
	roleUnknown sepRole = iota
	roleDecimal
	roleGroup
)

// numberStyle is a column's decided reading of "," and ".".
type numberStyle struct {
	comma, dot sepRole
	forced     bool // set by ImportOptions.Decimal: cells must obey it
}

// Evidence bits: what one cell shows about its column's number style.
const (
	evDecDot         = 1 << iota // "." is a decimal mark: 1.5, 1,234.5, 0.123
	evDecComma                   // "," is a decimal mark: 1,5, 1.234,5
	evGrpDot                     // "." groups thousands: 1.234.567, 1.234,5
	evGrpComma                   // "," groups thousands: 1,234,567, 1,234.5
	evAmbDot                     // "1.234": read by the column's style
	evAmbComma                   // "1,234": read by the column's style
	numEvidenceKinds = 6
)

// Currency symbols recognised on numbers; the index is the evidence slot.
var currencySymbols = []string{"$", "€", "£"}

// styleForDecimal is the forced style of ImportOptions.Decimal ("." or
// ","), or ok false for "" (decide from the column).
func styleForDecimal(mark string) (numberStyle, bool, error) {
	switch mark {
	case "":
		return numberStyle{}, false, nil
	case ".":
		return numberStyle{comma: roleGroup, dot: roleDecimal, forced: true}, true, nil
	case ",":
		return numberStyle{comma: roleDecimal, dot: roleGroup, forced: true}, true, nil
	}
	return numberStyle{}, false, fmt.Errorf("decimal mark %q: use . or ,", mark)
}

// numCell is what parseNumberCell found in one cell.
type numCell struct {
	v        float64
	ev       uint8
	currency int // index into currencySymbols, or -1
	neg      bool
}

// isSpaceSep reports a group-separating space at b[i] and its length:
// ASCII space, no-break space or narrow no-break space.
func isSpaceSep(b []byte, i int) int {
	switch {
	case b[i] == ' ':
		return 1
	case b[i] == 0xC2 && i+1 < len(b) && b[i+1] == 0xA0:
		return 2
	case b[i] == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2] == 0xAF:
		return 3
	}
	return 0
}

func hasPrefixString(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

func hasSuffixString(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

func trimSpaceSeps(b []byte) []byte {
	for len(b) > 0 {
		if n := isSpaceSep(b, 0); n > 0 {
			b = b[n:]
			continue
		}
		break
	}
	for len(b) > 0 {
		trimmed := false
		for _, n := range []int{1, 2, 3} {
			if len(b) >= n && isSpaceSep(b, len(b)-n) == n {
				b = b[:len(b)-n]
				trimmed = true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	return b
}

// parseNumberCell reads one number cell under style st. reason is empty
// when the cell is a number; otherwise it says why not, for a cell error.
func parseNumberCell(cell []byte, st numberStyle) (numCell, string) {
	if st.dot == roleDecimal {
		if c, ok := plainDecimal(cell); ok {
			return c, ""
		}
	}
	c, reason := scanNumberCell(cell, st)
	if reason == "not a number" {
		reason = whyNotNumber(cell)
	}
	return c, reason
}

// plainDecimal is the fast path for the common cell, digits with one
// decimal point (12.5), when the column reads "." as the decimal mark.
func plainDecimal(cell []byte) (numCell, bool) {
	dot := -1
	for i, c := range cell {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && dot < 0:
			dot = i
		default:
			return numCell{}, false
		}
	}
	if dot < 0 || len(cell) < 2 || len(cell) > 40 {
		return numCell{}, false
	}
	v, err := strconv.ParseFloat(string(cell), 64)
	if err != nil {
		return numCell{}, false
	}
	c := numCell{v: v, currency: -1, ev: evDecDot}
	if frac := len(cell) - dot - 1; frac == 3 && dot >= 1 && dot <= 3 && cell[0] != '0' {
		c.ev = evAmbDot // 1.234: the column's style read it
	}
	return c, true
}

// whyNotNumber names the kinds of text strconv would take for a number
// but a spreadsheet export never means as one.
func whyNotNumber(cell []byte) string {
	s := strings.ToLower(strings.TrimLeft(string(cell), "+-"))
	switch {
	case s == "nan":
		return "not a number (NaN)"
	case s == "inf" || s == "infinity":
		return "not a finite number (Inf)"
	case strings.HasPrefix(s, "0x"):
		return "not a number: hexadecimal is not read, write the number in decimal"
	case strings.Contains(s, "_"):
		return "not a number: underscores are not read as digit separators"
	}
	return "not a number"
}

func scanNumberCell(cell []byte, st numberStyle) (numCell, string) {
	out := numCell{currency: -1}
	b := cell
	sign := func() {
		if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
			out.neg = out.neg || b[0] == '-'
			b = trimSpaceSeps(b[1:])
		}
	}
	sign()
	for i, sym := range currencySymbols {
		if hasPrefixString(b, sym) {
			b, out.currency = trimSpaceSeps(b[len(sym):]), i
			break
		}
		if hasSuffixString(b, sym) {
			b, out.currency = trimSpaceSeps(b[:len(b)-len(sym)]), i
			break
		}
	}
	sign()
	if len(b) == 0 {
		return out, "not a number"
	}
	// Split off an exponent: only plain digits and "." may precede it.
	mant, exp := b, []byte(nil)
	for i, c := range b {
		if c == 'e' || c == 'E' {
			mant, exp = b[:i], b[i+1:]
			if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
				exp = exp[1:]
			}
			if !allDigits(exp) || len(mant) == 0 {
				return out, "not a number"
			}
			exp = b[i:]
			break
		}
	}
	// Digit runs and the separators between them.
	var runs [24][2]int // start, end of each digit run in mant
	var seps [24]byte   // separator after run i: ',', '.', ' ' or '\''
	n := 0
	start := 0
	for i := 0; i <= len(mant); {
		if i < len(mant) && mant[i] >= '0' && mant[i] <= '9' {
			i++
			continue
		}
		if n == len(runs) {
			return out, "not a number"
		}
		runs[n] = [2]int{start, i}
		if i == len(mant) {
			n++
			break
		}
		var sep byte
		width := 1
		switch c := mant[i]; {
		case c == ',' || c == '.' || c == '\'':
			sep = c
		default:
			if width = isSpaceSep(mant, i); width == 0 {
				return out, "not a number"
			}
			sep = ' '
		}
		seps[n] = sep
		n++
		i += width
		start = i
	}
	runLen := func(k int) int { return runs[k][1] - runs[k][0] }
	intRuns, fracRun := n, -1 // runs before the decimal mark; the fraction's run
	groupSep := byte(0)
	ambiguous := false // read by the style: shows nothing about it
	if n > 1 {
		last := seps[n-2]
		lastCount := 0
		for k := 0; k < n-1; k++ {
			if seps[k] == last {
				lastCount++
			}
		}
		decimalCandidate := (last == ',' || last == '.') && lastCount == 1
		if decimalCandidate && n > 2 {
			// Other separators group; the last one is the decimal mark.
			groupSep = seps[0]
			for k := 0; k < n-2; k++ {
				if seps[k] != groupSep || groupSep == last {
					return out, "not a number: its separators are mixed up"
				}
			}
			intRuns, fracRun = n-1, n-1
		} else if decimalCandidate {
			a, f := runLen(0), runLen(1)
			if f == 3 && a >= 1 && a <= 3 && mant[runs[0][0]] != '0' && len(exp) == 0 {
				role := st.dot
				bit := uint8(evAmbDot)
				if last == ',' {
					role, bit = st.comma, evAmbComma
				}
				out.ev |= bit
				ambiguous = true
				switch role {
				case roleDecimal:
					intRuns, fracRun = 1, 1
				case roleGroup:
					groupSep = last
				default:
					// One reason for every such cell, so that skipped rows
					// group under it in the summary.
					return out, "could be a whole number or a fraction (1,234 or 1.234): say which with --decimal . or --decimal , (or the decimal mark picker)"
				}
			} else {
				intRuns, fracRun = 1, 1
			}
		} else {
			groupSep = last
			for k := 0; k < n-1; k++ {
				if seps[k] != last {
					return out, "not a number: its separators are mixed up"
				}
			}
		}
		if fracRun >= 0 && len(exp) > 0 && (last != '.' || groupSep != 0) {
			return out, "not a number: an exponent goes only with plain digits and a decimal point"
		}
		if fracRun >= 0 && !ambiguous {
			if last == '.' {
				out.ev |= evDecDot
			} else {
				out.ev |= evDecComma
			}
		}
		if groupSep != 0 {
			// Thousands groups: 1 to 3 digits, then groups of exactly 3.
			if runLen(0) < 1 || runLen(0) > 3 {
				return out, "not a number: thousands separators in odd places"
			}
			for k := 1; k < intRuns; k++ {
				if runLen(k) != 3 {
					return out, "not a number: thousands separators in odd places"
				}
			}
			if len(exp) > 0 {
				return out, "not a number"
			}
			switch {
			case ambiguous:
			case groupSep == '.':
				out.ev |= evGrpDot
			case groupSep == ',':
				out.ev |= evGrpComma
			}
		}
		if fracRun >= 0 && runLen(fracRun) == 0 && (intRuns == 0 || runLen(0) == 0) {
			return out, "not a number"
		}
		if fracRun >= 0 && n-1 > 1 && runLen(0) == 0 {
			return out, "not a number"
		}
		if st.forced {
			if msg := st.contradicts(out.ev); msg != "" {
				return out, msg
			}
		}
	} else if runLen(0) == 0 {
		return out, "not a number"
	}
	// Compose plain ASCII for strconv: digits, ".", exponent.
	var buf [96]byte
	k := 0
	for r := 0; r < intRuns; r++ {
		if k+runLen(r) > len(buf)-40 {
			return out, "not a number: too many digits"
		}
		k += copy(buf[k:], mant[runs[r][0]:runs[r][1]])
	}
	if fracRun >= 0 {
		buf[k] = '.'
		k++
		if k+runLen(fracRun)+len(exp) > len(buf) {
			return out, "not a number: too many digits"
		}
		k += copy(buf[k:], mant[runs[fracRun][0]:runs[fracRun][1]])
	}
	if k+len(exp) > len(buf) {
		return out, "not a number: too many digits"
	}
	k += copy(buf[k:], exp)
	if k == 0 || buf[0] == 'e' || buf[0] == 'E' {
		return out, "not a number"
	}
	if fracRun < 0 && len(exp) == 0 && k <= 15 {
		d, _ := digits(buf[:k])
		out.v = float64(d)
		return out, ""
	}
	v, err := strconv.ParseFloat(string(buf[:k]), 64)
	if err != nil {
		// Only range errors get here: the text is plain digits.
		out.v = v
		return out, "too large: expected a finite number"
	}
	out.v = v
	return out, ""
}

// contradicts says why a cell's evidence breaks a forced style, or "".
func (st numberStyle) contradicts(ev uint8) string {
	switch {
	case ev&evDecDot != 0 && st.dot != roleDecimal:
		return `uses "." as a decimal mark, but --decimal says ","`
	case ev&evDecComma != 0 && st.comma != roleDecimal:
		return `uses "," as a decimal mark, but --decimal says "."`
	case ev&evGrpDot != 0 && st.dot != roleGroup:
		return `groups thousands with ".", but --decimal says "." is the decimal mark`
	case ev&evGrpComma != 0 && st.comma != roleGroup:
		return `groups thousands with ",", but --decimal says "," is the decimal mark`
	}
	return ""
}

// evidenceAt is the first cell that showed one kind of evidence.
type evidenceAt struct {
	line  int
	value string
}

// numberEvidence is what a column's cells have shown so far, first line of
// each kind; chunks gather their own and the merge folds them in order.
type numberEvidence struct {
	kind     [numEvidenceKinds]evidenceAt
	currency [3]evidenceAt
}

func (e *numberEvidence) note(c numCell, line int, cell []byte) {
	for k := 0; k < numEvidenceKinds; k++ {
		if c.ev&(1<<k) != 0 && e.kind[k].line == 0 {
			e.kind[k] = evidenceAt{line, shorten(string(cell))}
		}
	}
	if c.currency >= 0 && e.currency[c.currency].line == 0 {
		e.currency[c.currency] = evidenceAt{line, shorten(string(cell))}
	}
}

// fold adds later evidence: earlier lines win.
func (e *numberEvidence) fold(later *numberEvidence) {
	for k := range e.kind {
		if e.kind[k].line == 0 {
			e.kind[k] = later.kind[k]
		}
	}
	for k := range e.currency {
		if e.currency[k].line == 0 {
			e.currency[k] = later.currency[k]
		}
	}
}

func (e *numberEvidence) has(bit int) bool {
	for k := 0; k < numEvidenceKinds; k++ {
		if bit == 1<<k {
			return e.kind[k].line > 0
		}
	}
	return false
}

func (e *numberEvidence) at(bit int) evidenceAt {
	for k := 0; k < numEvidenceKinds; k++ {
		if bit == 1<<k {
			return e.kind[k]
		}
	}
	return evidenceAt{}
}

// currencySymbol is the column's currency symbol, or "".
func (e *numberEvidence) currencySymbol() string {
	for k, c := range e.currency {
		if c.line > 0 {
			return currencySymbols[k]
		}
	}
	return ""
}

// decideStyle picks a column's style from its evidence: each of "," and
// "." takes the role its cells show. With no evidence at all, a comma or
// tab file reads "," as a thousands separator and "." as the decimal mark
// (what such files mean: a decimal comma would need quoting); a semicolon
// file settles neither, so an ambiguous cell there asks for --decimal.
func (e *numberEvidence) decideStyle(delim byte) numberStyle {
	var st numberStyle
	switch {
	case e.has(evGrpComma):
		st.comma = roleGroup
	case e.has(evDecComma):
		st.comma = roleDecimal
	}
	switch {
	case e.has(evGrpDot):
		st.dot = roleGroup
	case e.has(evDecDot):
		st.dot = roleDecimal
	}
	if delim != ';' && !e.has(evDecDot) && !e.has(evDecComma) && !e.has(evGrpDot) && !e.has(evGrpComma) {
		st.comma, st.dot = roleGroup, roleDecimal
	}
	if delim != ';' && st.dot == roleUnknown && !e.has(evDecComma) && !e.has(evGrpComma) {
		st.dot = roleDecimal
	}
	return st
}

// check returns why the evidence so far is inconsistent, or "": a column
// that writes numbers two ways, or an ambiguous cell whose reading the
// rest of the column does not back. column names the column.
func (e *numberEvidence) check(st numberStyle, column string) string {
	if e.currency[0].line+e.currency[1].line+e.currency[2].line > 0 {
		var seen []evidenceAt
		for _, c := range e.currency {
			if c.line > 0 {
				seen = append(seen, c)
			}
		}
		if len(seen) > 1 {
			return fmt.Sprintf("column %q mixes currencies (line %d %q and line %d %q): import one currency at a time", column, seen[0].line, seen[0].value, seen[1].line, seen[1].value)
		}
	}
	if st.forced {
		return ""
	}
	clash := func(a, b int, what string) string {
		x, y := e.at(a), e.at(b)
		if x.line == 0 || y.line == 0 {
			return ""
		}
		if y.line < x.line {
			x, y = y, x
		}
		return fmt.Sprintf("column %q writes numbers two ways (line %d %q and line %d %q: %s): set --decimal . or --decimal , (or the decimal mark picker) so every cell is read one way", column, x.line, x.value, y.line, y.value, what)
	}
	for _, c := range []struct {
		a, b int
		what string
	}{
		{evDecDot, evDecComma, `"." and "," both as decimal marks`},
		{evDecDot, evGrpDot, `"." both as decimal mark and thousands separator`},
		{evDecComma, evGrpComma, `"," both as decimal mark and thousands separator`},
		{evGrpDot, evGrpComma, `"." and "," both as thousands separators`},
	} {
		if msg := clash(c.a, c.b, c.what); msg != "" {
			return msg
		}
	}
	any := e.has(evDecDot) || e.has(evDecComma) || e.has(evGrpDot) || e.has(evGrpComma)
	amb := func(bit int, role sepRole, group, decimal int, other evidenceAt) string {
		a := e.at(bit)
		if a.line == 0 {
			return ""
		}
		ok := role == roleGroup && (e.has(group) || !any) || role == roleDecimal && (e.has(decimal) || bit == evAmbDot && !e.has(evDecComma) && !e.has(evGrpComma) && !e.has(evGrpDot))
		if ok {
			return ""
		}
		why := "no other number in the column settles it"
		if other.line > 0 {
			why = fmt.Sprintf("the column's other numbers do not settle it (line %d %q)", other.line, other.value)
		}
		return fmt.Sprintf("column %q: line %d %q could be a whole number or a fraction, and %s: set --decimal . or --decimal , (or the decimal mark picker)", column, a.line, a.value, why)
	}
	firstOther := func(bits ...int) evidenceAt {
		var best evidenceAt
		for _, b := range bits {
			if x := e.at(b); x.line > 0 && (best.line == 0 || x.line < best.line) {
				best = x
			}
		}
		return best
	}
	if msg := amb(evAmbComma, st.comma, evGrpComma, evDecComma, firstOther(evDecDot, evGrpDot, evDecComma)); msg != "" {
		return msg
	}
	return amb(evAmbDot, st.dot, evGrpDot, evDecDot, firstOther(evDecComma, evGrpComma, evGrpDot))
}

// describe says how the column reads numbers, for the summary, or "" when
// nothing but plain numbers was seen.
func (st numberStyle) describe(e *numberEvidence) string {
	var s string
	if st.forced || e.has(evDecComma) || e.has(evGrpComma) || e.has(evGrpDot) || e.has(evAmbComma) || e.has(evAmbDot) {
		switch {
		case st.comma == roleDecimal:
			s = `decimal ","`
			if st.dot == roleGroup {
				s += `, thousands "."`
			}
		case st.dot == roleDecimal:
			s = `decimal "."`
			if st.comma == roleGroup {
				s += `, thousands ","`
			}
		}
	}
	if c := e.currencySymbol(); c != "" {
		if s != "" {
			s += ", "
		}
		s += "currency " + c
	}
	return s
}
