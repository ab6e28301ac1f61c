package tracking

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Expr is a node of a parsed filter: *BinaryExpr, *NotExpr, *ParenExpr or
// *Condition. Pos and End are byte offsets into the filter text.
type Expr interface {
	Pos() int
	End() int
	String() string
	exprNode()
}

// BoolOp joins two filter expressions.
type BoolOp int

// Boolean operators.
const (
	And BoolOp = iota
	Or
)

func (op BoolOp) String() string {
	if op == And {
		return "and"
	}
	return "or"
}

// BinaryExpr is X and Y, or X or Y.
type BinaryExpr struct {
	Op    BoolOp
	OpPos int
	X, Y  Expr
}

// NotExpr is not X.
type NotExpr struct {
	NotPos int
	X      Expr
}

// ParenExpr is (X).
type ParenExpr struct {
	Lparen, Rparen int
	X              Expr
}

// CompareOp is a comparison operator.
type CompareOp int

// Comparison operators. In and NotIn take a list of values; IsNull and
// IsNotNull take none; the others take one.
const (
	Eq CompareOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
	Like
	NotLike
	ILike
	NotILike
	In
	NotIn
	IsNull
	IsNotNull
)

var compareOpText = [...]string{"=", "!=", "<", "<=", ">", ">=", "like", "not like", "ilike", "not ilike", "in", "not in", "is null", "is not null"}

func (op CompareOp) String() string { return compareOpText[op] }

// ordered reports whether op is one of = != < <= > >=.
func (op CompareOp) ordered() bool { return op <= Ge }

// pattern reports whether op is a like or ilike, negated or not.
func (op CompareOp) pattern() bool { return op >= Like && op <= NotILike }

// KeyKind says what a key names.
type KeyKind int

// Key kinds.
const (
	KeyAttribute KeyKind = iota
	KeyMetric
	KeyParam
	KeyTag
)

var keyKindPrefix = [...]string{"attributes", "metrics", "params", "tags"}

// Attributes a filter or an order key may name.
const (
	AttrStatus     = "status"
	AttrName       = "name"
	AttrRunID      = "run_id"
	AttrStartTime  = "start_time"
	AttrEndTime    = "end_time"
	AttrExperiment = "experiment"
	AttrDataset    = "dataset"
	// AttrChampion is true for the run promoted last in its experiment.
	AttrChampion = "champion"
)

// attributes lists the attributes, in the order help texts show them.
var attributes = [...]string{AttrStatus, AttrName, AttrRunID, AttrStartTime, AttrEndTime, AttrExperiment, AttrDataset, AttrChampion}

// attributeAliases maps MLflow's and other accepted spellings to attributes.
var attributeAliases = map[string]string{
	"run_name": AttrName, "run_uuid": AttrRunID, "id": AttrRunID,
	"experiment_name": AttrExperiment, "dataset_name": AttrDataset,
}

// Key is the left side of a comparison: metrics.NAME, params.NAME,
// tags.NAME or an attribute.
type Key struct {
	Kind     KeyKind
	Name     string
	Pos, End int
}

// String returns the key in a form Parse reads back.
func (k Key) String() string {
	if k.Kind == KeyAttribute {
		return k.Name
	}
	return keyKindPrefix[k.Kind] + "." + quoteKeyName(k.Name)
}

// quoteKeyName backquotes a key name that is not a bare word.
func quoteKeyName(name string) string {
	bare := name != "" && isIdentStart(name[0])
	for i := 0; bare && i < len(name); i++ {
		bare = isIdentChar(name[i])
	}
	if bare {
		return name
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "`", "``") + "`"
}

// ValueKind is the type of a literal.
type ValueKind int

// Literal kinds.
const (
	ValueString ValueKind = iota
	ValueNumber
	ValueBool
)

// Value is a literal on the right side of a comparison. For start_time
// and end_time a date string is read into Num as milliseconds since the
// epoch and Kind is ValueNumber.
type Value struct {
	Kind     ValueKind
	Str      string
	Num      float64
	Bool     bool
	Pos, End int
}

// String returns the literal in a form Parse reads back.
func (v Value) String() string {
	switch v.Kind {
	case ValueNumber:
		return formatNumber(v.Num)
	case ValueBool:
		return strconv.FormatBool(v.Bool)
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(v.Str, `\`, `\\`), "'", "''") + "'"
}

// Condition is KEY OP VALUE, KEY [not] in (VALUES), or KEY is [not] null.
type Condition struct {
	Key    Key
	Op     CompareOp
	OpPos  int
	Values []Value
	EndPos int
}

func (*BinaryExpr) exprNode() {}
func (*NotExpr) exprNode()    {}
func (*ParenExpr) exprNode()  {}
func (*Condition) exprNode()  {}

// Pos returns the offset of the expression's first byte.
func (e *BinaryExpr) Pos() int { return e.X.Pos() }

// End returns the offset just past the expression.
func (e *BinaryExpr) End() int { return e.Y.End() }

// Pos returns the offset of "not".
func (e *NotExpr) Pos() int { return e.NotPos }

// End returns the offset just past the expression.
func (e *NotExpr) End() int { return e.X.End() }

// Pos returns the offset of "(".
func (e *ParenExpr) Pos() int { return e.Lparen }

// End returns the offset just past ")".
func (e *ParenExpr) End() int { return e.Rparen + 1 }

// Pos returns the offset of the key.
func (e *Condition) Pos() int { return e.Key.Pos }

// End returns the offset just past the comparison.
func (e *Condition) End() int { return e.EndPos }

func (e *BinaryExpr) String() string { return e.X.String() + " " + e.Op.String() + " " + e.Y.String() }
func (e *NotExpr) String() string    { return "not " + e.X.String() }
func (e *ParenExpr) String() string  { return "(" + e.X.String() + ")" }

func (e *Condition) String() string {
	switch e.Op {
	case IsNull, IsNotNull:
		return e.Key.String() + " " + e.Op.String()
	case In, NotIn:
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = v.String()
		}
		return fmt.Sprintf("%s %s (%s)", e.Key, e.Op, strings.Join(vals, ", "))
	}
	return fmt.Sprintf("%s %s %s", e.Key, e.Op, e.Values[0])
}

// FilterError is a filter that does not parse: Pos is the byte offset of
// the problem and Msg says what was expected there.
type FilterError struct {
	Filter string
	Pos    int
	Msg    string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("bad filter at position %d: %s", e.Pos+1, e.Msg)
}

// Caret returns the filter with a caret under the offending position, for
// a terminal or a monospaced label.
func (e *FilterError) Caret() string {
	col := len([]rune(e.Filter[:min(e.Pos, len(e.Filter))]))
	return e.Filter + "\n" + strings.Repeat(" ", col) + "^"
}

// formatNumber prints v exactly: whole numbers in plain digits (as times
// in milliseconds read best), others in the shortest form.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
