package tracking

import (
	"fmt"
	"math"
	"strconv"
)

// ParamType is the type of a param's value.
type ParamType string

// Param types.
const (
	ParamText   ParamType = "text"
	ParamNumber ParamType = "number"
	ParamBool   ParamType = "bool"
)

// Param is a typed, immutable run parameter. Build one with TextParam,
// NumberParam or BoolParam; the zero Param has no key.
type Param struct {
	key  string
	typ  ParamType
	text string
	num  float64
}

// TextParam returns a text param.
func TextParam(key, value string) Param { return Param{key: key, typ: ParamText, text: value} }

// NumberParam returns a number param. Its text is the shortest decimal
// that reads back to v.
func NumberParam(key string, v float64) Param {
	return Param{key: key, typ: ParamNumber, text: strconv.FormatFloat(v, 'g', -1, 64), num: v}
}

// BoolParam returns a boolean param; its text is "true" or "false".
func BoolParam(key string, v bool) Param {
	p := Param{key: key, typ: ParamBool, text: strconv.FormatBool(v)}
	if v {
		p.num = 1
	}
	return p
}

// ParseParam rebuilds a param from its stored type and text.
func ParseParam(key string, typ ParamType, text string) (Param, error) {
	switch typ {
	case ParamText:
		return TextParam(key, text), nil
	case ParamNumber:
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Param{}, fmt.Errorf("param %q: number %q: %w", key, text, err)
		}
		return NumberParam(key, v), nil
	case ParamBool:
		v, err := strconv.ParseBool(text)
		if err != nil {
			return Param{}, fmt.Errorf("param %q: bool %q: %w", key, text, err)
		}
		return BoolParam(key, v), nil
	}
	return Param{}, fmt.Errorf("param %q: unknown type %q", key, typ)
}

// Key returns the param's name.
func (p Param) Key() string { return p.key }

// Type returns the param's type.
func (p Param) Type() ParamType { return p.typ }

// String returns the value as text: as given for text params, the
// shortest exact decimal for numbers, "true" or "false" for bools.
func (p Param) String() string { return p.text }

// Number returns the value of a number param (1 or 0 for a bool), and
// false for a text param.
func (p Param) Number() (float64, bool) {
	if p.typ == ParamText {
		return math.NaN(), false
	}
	return p.num, true
}

// Bool returns the value of a bool param, and false as ok otherwise.
func (p Param) Bool() (v, ok bool) { return p.num == 1, p.typ == ParamBool }

// Equal reports whether p and q have the same key, type and value.
func (p Param) Equal(q Param) bool { return p.key == q.key && p.typ == q.typ && p.text == q.text }
