package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/attrlab/attrlab/tracking"
	"modernc.org/sqlite"
)

// query accumulates SQL text and its parameters. Only fixed SQL fragments
// are written into the text; every value and every key a user typed goes
// through arg.
type query struct {
	b    strings.Builder
	args []any
	err  error // the first filter that cannot be compiled
}

// maxPattern is SQLite's default limit on the length of a LIKE or GLOB
// pattern (SQLITE_MAX_LIKE_PATTERN_LENGTH).
const maxPattern = 50000

func (q *query) sql(s ...string) {
	for _, x := range s {
		q.b.WriteString(x)
	}
}

func (q *query) arg(v any) {
	q.b.WriteByte('?')
	q.args = append(q.args, v)
}

// compileFilter writes e as a boolean SQL expression over runs r and
// experiments e. A chain of ands or ors (a or b or c ...) is written as a
// balanced tree, so that a filter of a thousand terms stays within
// SQLite's expression depth (1,000).
func compileFilter(q *query, e tracking.Expr) {
	switch e := e.(type) {
	case *tracking.BinaryExpr:
		compileChain(q, e.Op, chain(e.Op, e, nil))
	case *tracking.NotExpr:
		q.sql("NOT (")
		compileFilter(q, e.X)
		q.sql(")")
	case *tracking.ParenExpr:
		compileFilter(q, e.X)
	case *tracking.Condition:
		compileCondition(q, e)
	default:
		panic(fmt.Sprintf("storage: unknown filter node %T", e))
	}
}

// chain appends the operands of a chain of op (looking through
// parentheses, since and and or are associative) to out.
func chain(op tracking.BoolOp, e tracking.Expr, out []tracking.Expr) []tracking.Expr {
	for {
		p, ok := e.(*tracking.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	if b, ok := e.(*tracking.BinaryExpr); ok && b.Op == op {
		return chain(op, b.Y, chain(op, b.X, out))
	}
	return append(out, e)
}

// compileChain writes operands joined by op, halving the list at each
// level of parentheses.
func compileChain(q *query, op tracking.BoolOp, operands []tracking.Expr) {
	if len(operands) == 1 {
		compileFilter(q, operands[0])
		return
	}
	mid := len(operands) / 2
	q.sql("(")
	compileChain(q, op, operands[:mid])
	if op == tracking.And {
		q.sql(" AND ")
	} else {
		q.sql(" OR ")
	}
	compileChain(q, op, operands[mid:])
	q.sql(")")
}

// negated maps each negative operator to its positive form.
var negated = map[tracking.CompareOp]tracking.CompareOp{
	tracking.Ne: tracking.Eq, tracking.NotLike: tracking.Like, tracking.NotILike: tracking.ILike, tracking.NotIn: tracking.In,
}

func compileCondition(q *query, c *tracking.Condition) {
	k := c.Key
	if k.Kind == tracking.KeyAttribute {
		compileAttribute(q, c)
		return
	}
	var table, keyCol string
	switch k.Kind {
	case tracking.KeyMetric:
		table, keyCol = "latest_metrics", "x.key = (SELECT id FROM metric_keys WHERE key = "
	case tracking.KeyParam:
		table, keyCol = "params", "x.key = ("
	case tracking.KeyTag:
		table, keyCol = "tags", "x.key = ("
	}
	// A comparison needs the key: a run without it does not match, even
	// a negative comparison. Only "is null" matches runs without it.
	if c.Op == tracking.IsNull {
		q.sql("NOT ")
	}
	q.sql("EXISTS (SELECT 1 FROM ", table, " x WHERE x.run = r.seq AND ", keyCol)
	q.arg(k.Name)
	q.sql(")")
	if c.Op == tracking.IsNull || c.Op == tracking.IsNotNull {
		q.sql(")")
		return
	}
	q.sql(" AND ")
	op, neg := c.Op, false
	if pos, ok := negated[op]; ok {
		op, neg = pos, true
	}
	// A param compared with numbers (or bools) only is compared as one:
	// params.order != 2 does not match a text param.
	if k.Kind == tracking.KeyParam {
		switch valueKinds(c.Values) {
		case tracking.ValueNumber:
			q.sql("x.type = 'number' AND ")
		case tracking.ValueBool:
			q.sql("x.type = 'bool' AND ")
		}
	}
	if neg {
		q.sql("NOT ")
	}
	q.sql("(")
	if op == tracking.In {
		compileIn(q, k.Kind, c.Values)
	} else {
		compileValue(q, k.Kind, op, c.Values[0])
	}
	q.sql("))")
}

// compileIn writes an in list as SQL IN lists, one per kind of value (a
// param compares numbers and bools with its number column, text with its
// text), joined by OR: one expression however long the list.
func compileIn(q *query, kind tracking.KeyKind, vs []tracking.Value) {
	groups := map[tracking.ValueKind][]any{}
	var order []tracking.ValueKind
	for _, v := range vs {
		var lit any = v.Str
		switch v.Kind {
		case tracking.ValueNumber:
			lit = v.Num
		case tracking.ValueBool:
			if kind == tracking.KeyParam {
				lit = 0.0
				if v.Bool {
					lit = 1.0
				}
			}
		}
		if _, ok := groups[v.Kind]; !ok {
			order = append(order, v.Kind)
		}
		groups[v.Kind] = append(groups[v.Kind], lit)
	}
	for i, vk := range order {
		if i > 0 {
			q.sql(" OR ")
		}
		q.sql("(")
		col := "x.value"
		if kind == tracking.KeyParam {
			switch vk {
			case tracking.ValueNumber:
				q.sql("x.type = 'number' AND ")
				col = "x.num"
			case tracking.ValueBool:
				q.sql("x.type = 'bool' AND ")
				col = "x.num"
			}
		}
		inValues(q, col, groups[vk])
		q.sql(")")
	}
}

// inValues writes col IN (?, ?, ...).
func inValues(q *query, col string, lits []any) {
	q.sql(col, " IN (")
	for i, v := range lits {
		if i > 0 {
			q.sql(", ")
		}
		q.arg(v)
	}
	q.sql(")")
}

// valueKinds returns the kind all values share, or -1 if they differ.
func valueKinds(vs []tracking.Value) tracking.ValueKind {
	k := vs[0].Kind
	for _, v := range vs[1:] {
		if v.Kind != k {
			return -1
		}
	}
	return k
}

// compileValue compares column x.value (x.num for a number or a bool
// compared with a param) with one literal, for a positive operator.
func compileValue(q *query, kind tracking.KeyKind, op tracking.CompareOp, v tracking.Value) {
	switch {
	case kind == tracking.KeyParam && v.Kind == tracking.ValueNumber:
		q.sql("x.type = 'number' AND ")
		predicate(q, "x.num", op, v.Num)
	case kind == tracking.KeyParam && v.Kind == tracking.ValueBool:
		b := 0.0
		if v.Bool {
			b = 1
		}
		q.sql("x.type = 'bool' AND ")
		predicate(q, "x.num", op, b)
	case v.Kind == tracking.ValueNumber:
		predicate(q, "x.value", op, v.Num)
	default:
		predicate(q, "x.value", op, v.Str)
	}
}

// predicate writes col OP ? for a positive operator.
func predicate(q *query, col string, op tracking.CompareOp, v any) {
	switch op {
	case tracking.Like, tracking.ILike:
		pat := v.(string)
		if !strings.ContainsAny(pat, "%_") {
			// No wildcard: an equality, which has no length limit.
			if op == tracking.Like {
				q.sql(col, " = ")
				q.arg(pat)
			} else {
				q.sql(foldFunc+"(", col, ") = "+foldFunc+"(")
				q.arg(pat)
				q.sql(")")
			}
			return
		}
		if len(pat) > maxPattern/2 && q.err == nil {
			q.err = fmt.Errorf("a like pattern may be at most %d bytes, this one has %d", maxPattern/2, len(pat))
		}
		if op == tracking.Like {
			// SQL's LIKE is case-sensitive; SQLite's is not, but GLOB is.
			q.sql(col, " GLOB ")
			q.arg(likeToGlob(pat))
		} else {
			// SQLite's LIKE folds ASCII letters only: fold both sides
			// first, so that ilike 'kampagne ü%' finds "Kampagne Ü".
			q.sql(foldFunc+"(", col, ") LIKE "+foldFunc+"(")
			q.arg(pat)
			q.sql(")")
		}
		return
	}
	q.sql(col, " ", map[tracking.CompareOp]string{
		tracking.Eq: "=", tracking.Lt: "<", tracking.Le: "<=", tracking.Gt: ">", tracking.Ge: ">=",
	}[op], " ")
	q.arg(v)
}

// likeToGlob turns a LIKE pattern into the GLOB pattern that matches the
// same strings, case-sensitively: % and _ become * and ?, and GLOB's own
// special characters are bracketed.
func likeToGlob(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case '%':
			b.WriteByte('*')
		case '_':
			b.WriteByte('?')
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// attributeColumn is the SQL expression of an attribute over runs r and
// experiments e.
var attributeColumn = map[string]string{
	tracking.AttrStatus:     "r.status",
	tracking.AttrName:       "r.name",
	tracking.AttrRunID:      "r.id",
	tracking.AttrStartTime:  "r.start_ms",
	tracking.AttrEndTime:    "r.end_ms",
	tracking.AttrExperiment: "e.name",
	tracking.AttrDataset:    "r.dataset",
	tracking.AttrChampion:   championColumn,
}

func compileAttribute(q *query, c *tracking.Condition) {
	col := attributeColumn[c.Key.Name]
	switch c.Op {
	case tracking.IsNull:
		q.sql(col, " IS NULL")
		return
	case tracking.IsNotNull:
		q.sql(col, " IS NOT NULL")
		return
	}
	op, neg := c.Op, false
	if pos, ok := negated[op]; ok {
		op, neg = pos, true
	}
	if neg {
		// A NULL column (a running run's end_time, a run without dataset)
		// matches no comparison, negated or not.
		q.sql(col, " IS NOT NULL AND NOT ")
	}
	q.sql("(")
	one := func(op tracking.CompareOp, v tracking.Value) {
		var lit any = v.Str
		if v.Kind == tracking.ValueNumber {
			lit = v.Num
		}
		if v.Kind == tracking.ValueBool {
			lit = boolNum(v.Bool)
		}
		if c.Key.Name == tracking.AttrDataset {
			// A dataset matches by name or by fingerprint.
			q.sql("EXISTS (SELECT 1 FROM datasets d WHERE d.fingerprint = r.dataset AND (")
			predicate(q, "d.name", op, lit)
			q.sql(" OR ")
			predicate(q, "d.fingerprint", op, lit)
			q.sql("))")
			return
		}
		predicate(q, col, op, lit)
	}
	if op == tracking.In {
		var lits []any
		for _, v := range c.Values {
			var lit any = v.Str
			if v.Kind == tracking.ValueNumber {
				lit = v.Num
			}
			lits = append(lits, lit)
		}
		if c.Key.Name == tracking.AttrDataset {
			q.sql("EXISTS (SELECT 1 FROM datasets d WHERE d.fingerprint = r.dataset AND (")
			inValues(q, "d.name", lits)
			q.sql(" OR ")
			inValues(q, "d.fingerprint", lits)
			q.sql("))")
		} else {
			inValues(q, col, lits)
		}
	} else {
		one(op, c.Values[0])
	}
	q.sql(")")
}

// SearchRuns returns one page of the runs matching s, with their params,
// latest metrics and tags. A bad filter or sort key is a
// *tracking.FilterError.
func (s *Store) SearchRuns(ctx context.Context, srch tracking.Search) (*tracking.RunPage, error) {
	page, err := s.searchRuns(ctx, srch)
	if err != nil {
		return nil, fmt.Errorf("search runs: %w", err)
	}
	return page, nil
}

func (s *Store) searchRuns(ctx context.Context, srch tracking.Search) (*tracking.RunPage, error) {
	expr, err := tracking.Parse(srch.Filter)
	if err != nil {
		return nil, err
	}
	var order []tracking.OrderKey
	for _, o := range srch.OrderBy {
		k, err := tracking.ParseOrderBy(o)
		if err != nil {
			return nil, err
		}
		order = append(order, k)
	}
	limit, offset := srch.Limit, max(srch.Offset, 0)
	if limit <= 0 {
		limit = tracking.DefaultPageSize
	}
	var where query
	switch srch.View {
	case tracking.ActiveOnly:
		where.sql("r.deleted = 0")
	case tracking.DeletedOnly:
		where.sql("r.deleted = 1")
	default:
		where.sql("1")
	}
	if len(srch.Experiments) > 0 {
		where.sql(" AND e.name IN (")
		for i, name := range srch.Experiments {
			if i > 0 {
				where.sql(", ")
			}
			where.arg(name)
		}
		where.sql(")")
	}
	if expr != nil {
		where.sql(" AND ")
		compileFilter(&where, expr)
		if where.err != nil {
			return nil, &tracking.FilterError{Filter: srch.Filter, Pos: expr.Pos(), Msg: where.err.Error()}
		}
		if n := len(where.args); n > maxFilterValues {
			return nil, &tracking.FilterError{Filter: srch.Filter, Pos: expr.Pos(),
				Msg: fmt.Sprintf("the filter has %d keys and values; the run store takes at most %d in one search (SQLite's limit of %d variables): split it into smaller searches", n, maxFilterValues, maxVariables)}
		}
	}
	var seqs []int64
	if len(order) == 1 && order[0].Key.Kind == tracking.KeyMetric {
		seqs, err = s.pageByMetric(ctx, &where, order[0], limit+1, offset)
	} else {
		seqs, err = s.pageGeneral(ctx, &where, order, limit+1, offset)
	}
	if err != nil {
		if msg, ok := sqliteLimit(err); ok && expr != nil {
			return nil, &tracking.FilterError{Filter: srch.Filter, Pos: expr.Pos(), Msg: "the filter is too large for the run store (" + msg + "): split it into smaller searches"}
		}
		return nil, err
	}
	page := &tracking.RunPage{More: len(seqs) > limit}
	if page.More {
		seqs = seqs[:limit]
	}
	page.Runs, err = s.loadRuns(ctx, seqs, srch.MetricKeys)
	return page, err
}

// maxVariables is SQLite's limit on the parameters of one statement
// (SQLITE_MAX_VARIABLE_NUMBER); maxFilterValues leaves room for the
// search's own (experiments, ordering, paging).
const (
	maxVariables    = 32766
	maxFilterValues = maxVariables - 100
)

// sqliteLimit reports whether err is SQLite refusing a statement for its
// size, with SQLite's words.
func sqliteLimit(err error) (string, bool) {
	msg := err.Error()
	for _, s := range []string{"too many SQL variables", "Expression tree is too large", "too many terms", "too complex", "string or blob too big"} {
		if strings.Contains(msg, s) {
			return s, true
		}
	}
	return "", false
}

const runsFrom = " FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE "

// newestFirst is the final tie-break of every ordering.
const newestFirst = "r.start_ms DESC, r.seq DESC"

// pageGeneral orders by any keys, with correlated subqueries for params,
// metrics and tags; runs lacking a key sort after those that have it.
func (s *Store) pageGeneral(ctx context.Context, where *query, order []tracking.OrderKey, limit, offset int) ([]int64, error) {
	var q query
	q.sql("SELECT r.seq", runsFrom, where.b.String())
	q.args = append(q.args, where.args...)
	q.sql(" ORDER BY ")
	for _, o := range order {
		expr := func() {
			switch o.Key.Kind {
			case tracking.KeyAttribute:
				q.sql(attributeColumn[o.Key.Name])
			case tracking.KeyMetric:
				q.sql("(SELECT x.value FROM latest_metrics x WHERE x.run = r.seq AND x.key = (SELECT id FROM metric_keys WHERE key = ")
				q.arg(o.Key.Name)
				q.sql("))")
			case tracking.KeyParam:
				// Numbers (and bools) sort numerically, before text.
				q.sql("(SELECT CASE WHEN x.type = 'text' THEN x.value ELSE x.num END FROM params x WHERE x.run = r.seq AND x.key = ")
				q.arg(o.Key.Name)
				q.sql(")")
			case tracking.KeyTag:
				q.sql("(SELECT x.value FROM tags x WHERE x.run = r.seq AND x.key = ")
				q.arg(o.Key.Name)
				q.sql(")")
			}
		}
		expr()
		q.sql(" IS NULL, ")
		expr()
		if o.Desc {
			q.sql(" DESC, ")
		} else {
			q.sql(" ASC, ")
		}
	}
	q.sql(newestFirst, " LIMIT ")
	q.arg(limit)
	q.sql(" OFFSET ")
	q.arg(offset)
	return s.seqs(ctx, &q)
}

// pageByMetric orders by one metric, walking the (key, value) index so
// that the first page costs what it returns rather than the whole table:
// first the runs that have the metric (not NaN), by value, then the others,
// newest first.
func (s *Store) pageByMetric(ctx context.Context, where *query, o tracking.OrderKey, limit, offset int) ([]int64, error) {
	dir := " ASC"
	if o.Desc {
		dir = " DESC"
	}
	withKey := func(sel string) *query {
		// CROSS JOIN makes latest_metrics the outer loop, so SQLite walks
		// its index in value order and stops at the page's end.
		var q query
		q.sql(sel, " FROM latest_metrics o CROSS JOIN runs r JOIN experiments e ON e.id = r.experiment_id",
			" WHERE o.key = (SELECT id FROM metric_keys WHERE key = ")
		q.arg(o.Key.Name)
		q.sql(") AND o.value IS NOT NULL AND r.seq = o.run AND ", where.b.String())
		q.args = append(q.args, where.args...)
		return &q
	}
	q := withKey("SELECT r.seq")
	q.sql(" ORDER BY o.value", dir, ", o.run", dir, " LIMIT ")
	q.arg(limit)
	q.sql(" OFFSET ")
	q.arg(offset)
	first, err := s.seqs(ctx, q)
	if err != nil || len(first) == limit {
		return first, err
	}
	// The page runs past the runs with the metric: count them to know how
	// far into the rest it starts.
	have := offset + len(first)
	if len(first) == 0 {
		c := withKey("SELECT count(*)")
		if err := s.r.QueryRowContext(ctx, c.b.String(), c.args...).Scan(&have); err != nil {
			return nil, err
		}
	}
	var rest query
	rest.sql("SELECT r.seq", runsFrom, "NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run = r.seq AND x.value IS NOT NULL AND x.key = (SELECT id FROM metric_keys WHERE key = ")
	rest.arg(o.Key.Name)
	rest.sql(")) AND ", where.b.String())
	rest.args = append(rest.args, where.args...)
	rest.sql(" ORDER BY ", newestFirst, " LIMIT ")
	rest.arg(limit - len(first))
	rest.sql(" OFFSET ")
	rest.arg(max(0, offset-have))
	more, err := s.seqs(ctx, &rest)
	return append(first, more...), err
}

func (s *Store) seqs(ctx context.Context, q *query) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, q.b.String(), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		out = append(out, seq)
	}
	return out, rows.Err()
}

// foldFunc is the SQL function ilike compares through: Unicode lower case
// (SQLite's own lower() and LIKE fold ASCII only).
const foldFunc = "attrlab_fold"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(foldFunc, 1, func(ctx *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil
	})
}
