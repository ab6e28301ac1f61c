package tracking

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxDepth bounds nesting of parentheses and "not", so that a hostile
// filter cannot exhaust the stack.
const maxDepth = 200

// Parse reads a filter (see the package documentation). An empty or
// blank filter returns nil, which matches every run. Errors are
// *FilterError.
func Parse(filter string) (Expr, error) {
	e, err := parse(filter)
	if err != nil {
		if fe, ok := err.(*FilterError); ok {
			fe.Filter = filter
		}
		return nil, err
	}
	return e, nil
}

func parse(filter string) (Expr, error) {
	toks, err := lex(filter)
	if err != nil {
		return nil, err
	}
	p := &parser{src: filter, toks: toks}
	if p.peek().kind == tokEOF {
		return nil, nil
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, p.errAt(t, `unmatched ")"`)
		}
		return nil, p.errAt(t, "expected and, or or the end of the filter, found %s", t.describe(p.src))
	}
	return e, nil
}

// OrderKey is one sort key of a search.
type OrderKey struct {
	Key  Key
	Desc bool
}

// String returns the key as ParseOrderBy reads it.
func (o OrderKey) String() string {
	if o.Desc {
		return o.Key.String() + " DESC"
	}
	return o.Key.String() + " ASC"
}

// ParseOrderBy reads a sort key: a key as in a filter, optionally followed
// by ASC or DESC (the default is ASC, except for start_time and end_time,
// which default to DESC).
func ParseOrderBy(s string) (OrderKey, error) {
	toks, err := lex(s)
	if err != nil {
		err.(*FilterError).Filter = s
		return OrderKey{}, err
	}
	p := &parser{src: s, toks: toks}
	k, err := p.key()
	if err != nil {
		err.(*FilterError).Filter = s
		return OrderKey{}, err
	}
	o := OrderKey{Key: k, Desc: k.Kind == KeyAttribute && (k.Name == AttrStartTime || k.Name == AttrEndTime)}
	if t := p.peek(); t.kind == tokIdent {
		switch strings.ToLower(t.text) {
		case "asc":
			o.Desc = false
			p.next()
		case "desc":
			o.Desc = true
			p.next()
		}
	}
	if t := p.peek(); t.kind != tokEOF {
		fe := p.errAt(t, "expected ASC, DESC or the end of the sort key, found %s", t.describe(s))
		fe.Filter = s
		return OrderKey{}, fe
	}
	return o, nil
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword reports whether t is the bare word kw, in any case.
func keyword(t token, kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

func (p *parser) errAt(t token, format string, args ...any) *FilterError {
	return &FilterError{Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) orExpr() (Expr, error) {
	x, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "or") {
		op := p.next()
		y, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: Or, OpPos: op.pos, X: x, Y: y}
	}
	return x, nil
}

func (p *parser) andExpr() (Expr, error) {
	x, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "and") {
		op := p.next()
		y, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: And, OpPos: op.pos, X: x, Y: y}
	}
	return x, nil
}

func (p *parser) notExpr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errAt(p.peek(), "the filter nests parentheses and not more than %d deep", maxDepth)
	}
	t := p.peek()
	if keyword(t, "not") {
		p.next()
		x, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &NotExpr{NotPos: t.pos, X: x}, nil
	}
	if t.kind == tokLParen {
		p.next()
		x, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		r := p.peek()
		if r.kind != tokRParen {
			return nil, p.errAt(r, `expected ")" to close the "(" at position %d, found %s`, t.pos+1, r.describe(p.src))
		}
		p.next()
		return &ParenExpr{Lparen: t.pos, Rparen: r.pos, X: x}, nil
	}
	return p.comparison()
}

// keyHint lists what may start a comparison.
const keyHint = "metrics.NAME, params.NAME, tags.NAME or an attribute (status, name, run_id, start_time, end_time, experiment, dataset, champion)"

// key reads metrics.NAME, params.NAME, tags.NAME, attributes.NAME or a
// bare attribute; NAME may be quoted right after the dot.
func (p *parser) key() (Key, error) {
	t := p.peek()
	if t.kind != tokIdent || isReserved(t.text) {
		if t.kind == tokString {
			return Key{}, p.errAt(t, "expected a key (%s), found the string %s: keys are not quoted, values are", keyHint, t.describe(p.src))
		}
		return Key{}, p.errAt(t, "expected a key (%s), found %s", keyHint, t.describe(p.src))
	}
	p.next()
	prefix, name, dotted := strings.Cut(t.text, ".")
	k := Key{Pos: t.pos, End: t.end}
	if !dotted {
		attr, ok := attributeName(prefix)
		if !ok {
			return Key{}, p.errAt(t, "unknown key %s: expected %s", t.describe(p.src), keyHint)
		}
		k.Kind, k.Name = KeyAttribute, attr
		return k, nil
	}
	switch strings.ToLower(prefix) {
	case "metrics", "metric":
		k.Kind = KeyMetric
	case "params", "param", "parameters", "parameter":
		k.Kind = KeyParam
	case "tags", "tag":
		k.Kind = KeyTag
	case "attributes", "attribute", "attr", "run":
		k.Kind = KeyAttribute
	default:
		return Key{}, p.errAt(t, "unknown key type %q in %s: expected %s", prefix, t.describe(p.src), keyHint)
	}
	if name == "" {
		// metrics.`quoted name` or metrics."quoted name", with no space.
		q := p.peek()
		if (q.kind == tokQuoted || q.kind == tokDQString) && q.pos == t.end {
			p.next()
			name, k.End = q.text, q.end
		} else {
			return Key{}, p.errAt(q, "expected a name after %q (quote names with spaces or other characters in backquotes: %s.`my key`)", t.text, prefix)
		}
		if name == "" {
			return Key{}, p.errAt(q, "empty key name after %q", t.text)
		}
	}
	if k.Kind == KeyAttribute {
		attr, ok := attributeName(name)
		if !ok {
			return Key{}, &FilterError{Pos: t.pos, Msg: fmt.Sprintf("unknown attribute %q: expected one of %s", name, strings.Join(attributes[:], ", "))}
		}
		name = attr
	}
	k.Name = name
	return k, nil
}

func attributeName(s string) (string, bool) {
	s = strings.ToLower(s)
	if slices.Contains(attributes[:], s) {
		return s, true
	}
	a, ok := attributeAliases[s]
	return a, ok
}

// isReserved reports whether a bare word is a keyword of the language.
func isReserved(word string) bool {
	switch strings.ToLower(word) {
	case "and", "or", "not", "in", "is", "null", "like", "ilike":
		return true
	}
	return false
}

const opHint = "=, !=, <, <=, >, >=, like, ilike, in, not in or is null"

func (p *parser) comparison() (Expr, error) {
	k, err := p.key()
	if err != nil {
		return nil, err
	}
	c := &Condition{Key: k}
	t := p.next()
	c.OpPos = t.pos
	switch {
	case t.kind == tokOp:
		c.Op = map[string]CompareOp{"=": Eq, "==": Eq, "!=": Ne, "<>": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}[t.text]
	case keyword(t, "like"):
		c.Op = Like
	case keyword(t, "ilike"):
		c.Op = ILike
	case keyword(t, "in"):
		c.Op = In
	case keyword(t, "not"):
		n := p.next()
		switch {
		case keyword(n, "like"):
			c.Op = NotLike
		case keyword(n, "ilike"):
			c.Op = NotILike
		case keyword(n, "in"):
			c.Op = NotIn
		default:
			return nil, p.errAt(n, "expected like, ilike or in after not, found %s", n.describe(p.src))
		}
	case keyword(t, "is"):
		n := p.next()
		c.Op = IsNull
		if keyword(n, "not") {
			c.Op = IsNotNull
			n = p.next()
		}
		if !keyword(n, "null") {
			return nil, p.errAt(n, "expected null or not null after is, found %s", n.describe(p.src))
		}
		c.EndPos = n.end
		return c, p.check(c)
	default:
		return nil, p.errAt(t, "expected a comparison operator (%s) after %s, found %s", opHint, k, t.describe(p.src))
	}
	if c.Op == In || c.Op == NotIn {
		if err := p.valueList(c); err != nil {
			return nil, err
		}
	} else {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.Values = []Value{v}
		c.EndPos = v.End
	}
	return c, p.check(c)
}

func (p *parser) valueList(c *Condition) error {
	l := p.next()
	if l.kind != tokLParen {
		return p.errAt(l, `expected "(" and a list of values after %s, found %s`, c.Op, l.describe(p.src))
	}
	if r := p.peek(); r.kind == tokRParen {
		return p.errAt(r, "expected at least one value in the %s list", c.Op)
	}
	for {
		v, err := p.value()
		if err != nil {
			return err
		}
		c.Values = append(c.Values, v)
		t := p.next()
		if t.kind == tokRParen {
			c.EndPos = t.end
			return nil
		}
		if t.kind != tokComma {
			return p.errAt(t, `expected "," or ")" in the %s list, found %s`, c.Op, t.describe(p.src))
		}
	}
}

func (p *parser) value() (Value, error) {
	t := p.next()
	v := Value{Pos: t.pos, End: t.end}
	switch {
	case t.kind == tokString || t.kind == tokDQString:
		v.Kind, v.Str = ValueString, t.text
	case t.kind == tokNumber:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(n, 0) {
			return v, p.errAt(t, "number %s is out of range", t.describe(p.src))
		}
		v.Kind, v.Num = ValueNumber, n
	case keyword(t, "true") || keyword(t, "false"):
		v.Kind, v.Bool = ValueBool, strings.EqualFold(t.text, "true")
	case keyword(t, "null"):
		return v, p.errAt(t, "use is null or is not null to test for a missing value")
	default:
		return v, p.errAt(t, "expected a value (a number, a quoted string, true or false), found %s", t.describe(p.src))
	}
	return v, nil
}

// check enforces the types each kind of key accepts.
func (p *parser) check(c *Condition) error {
	if c.Op == IsNull || c.Op == IsNotNull {
		return nil
	}
	bad := func(v Value, format string, args ...any) error {
		return &FilterError{Pos: v.Pos, Msg: fmt.Sprintf(format, args...)}
	}
	switch c.Key.Kind {
	case KeyMetric:
		if c.Op.pattern() {
			return &FilterError{Pos: c.OpPos, Msg: fmt.Sprintf("%s holds numbers: compare it with =, !=, <, <=, >, >=, in or is null, not %s", c.Key, c.Op)}
		}
		for _, v := range c.Values {
			if v.Kind != ValueNumber {
				return bad(v, "%s holds numbers: compare it with a number, not %s", c.Key, v)
			}
		}
	case KeyTag:
		for _, v := range c.Values {
			if v.Kind != ValueString {
				return bad(v, "%s holds text: quote the value, as in '%s'", c.Key, strings.Trim(v.String(), "'"))
			}
		}
	case KeyParam:
		for _, v := range c.Values {
			if c.Op.pattern() && v.Kind != ValueString {
				return bad(v, "%s needs a quoted pattern, as in '%%%s%%'", c.Op, v)
			}
			if v.Kind == ValueBool && c.Op != Eq && c.Op != Ne && c.Op != In && c.Op != NotIn {
				return &FilterError{Pos: c.OpPos, Msg: fmt.Sprintf("true and false compare with = or != only, not %s", c.Op)}
			}
		}
	case KeyAttribute:
		return p.checkAttribute(c)
	}
	return nil
}

func (p *parser) checkAttribute(c *Condition) error {
	for i := range c.Values {
		v := &c.Values[i]
		switch c.Key.Name {
		case AttrChampion:
			if v.Kind != ValueBool || (c.Op != Eq && c.Op != Ne && c.Op != In && c.Op != NotIn) {
				return &FilterError{Pos: v.Pos, Msg: "champion is true or false: write champion = true or champion = false"}
			}
		case AttrStartTime, AttrEndTime:
			if c.Op.pattern() {
				return &FilterError{Pos: c.OpPos, Msg: fmt.Sprintf("%s is a time: compare it with =, !=, <, <=, >, >= or in, not %s", c.Key, c.Op)}
			}
			switch v.Kind {
			case ValueString:
				t, err := ParseTime(v.Str)
				if err != nil {
					return &FilterError{Pos: v.Pos, Msg: fmt.Sprintf("%s: %v", c.Key, err)}
				}
				v.Kind, v.Num = ValueNumber, float64(t.UnixMilli())
			case ValueBool:
				return &FilterError{Pos: v.Pos, Msg: fmt.Sprintf("%s is a time: give milliseconds since 1970 or a quoted date such as '2024-05-01'", c.Key)}
			}
		default:
			if v.Kind != ValueString {
				return &FilterError{Pos: v.Pos, Msg: fmt.Sprintf("%s holds text: quote the value, as in '%s'", c.Key, strings.Trim(v.String(), "'"))}
			}
			if c.Key.Name == AttrStatus && !c.Op.pattern() {
				s := Status(strings.ToUpper(v.Str))
				if !s.Valid() {
					return &FilterError{Pos: v.Pos, Msg: fmt.Sprintf("unknown status %q: expected RUNNING, FINISHED, FAILED or KILLED", v.Str)}
				}
				v.Str = string(s)
			}
		}
	}
	return nil
}

// ParseTime reads a time as the filter language and the command line
// accept it: RFC 3339, "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (UTC).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use a date such as '2024-05-01', '2024-05-01 13:00:00', RFC 3339, or milliseconds since 1970", s)
}
