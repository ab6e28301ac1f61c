package tracking

import (
	"errors"
	"strings"
	"testing"
)

// parseTests lists filters that parse, with the canonical form String
// prints (which must parse back to itself).
var parseTests = []struct {
	name, filter, want string
}{
	{"empty", "", ""},
	{"blank", "  \t\n", ""},
	{"metric gt", "metrics.p_conv > 0.2", "metrics.p_conv > 0.2"},
	{"metric ge", "metrics.x >= 1", "metrics.x >= 1"},
	{"metric lt", "metrics.x < -1.5e3", "metrics.x < -1500"},
	{"metric le", "metrics.x <= .5", "metrics.x <= 0.5"},
	{"metric eq", "metrics.x = 3", "metrics.x = 3"},
	{"metric eq double", "metrics.x == 3", "metrics.x = 3"},
	{"metric ne", "metrics.x != 3", "metrics.x != 3"},
	{"metric ne sql", "metrics.x <> 3", "metrics.x != 3"},
	{"metric no spaces", "metrics.x>-1", "metrics.x > -1"},
	{"dotted metric", "metrics.share.markov.email > 0.2", "metrics.share.markov.email > 0.2"},
	{"dashed metric", "metrics.share.first-touch.paid_search >= 0.1", "metrics.share.first-touch.paid_search >= 0.1"},
	{"backquoted metric", "metrics.`share.markov.paid search` > 0", "metrics.`share.markov.paid search` > 0"},
	{"double-quoted metric", `metrics."my metric" > 0`, "metrics.`my metric` > 0"},
	{"singular prefix", "metric.x > 0 and param.y = 'a' and tag.z = 'b'", "metrics.x > 0 and params.y = 'a' and tags.z = 'b'"},
	{"param text", "params.model = 'markov'", "params.model = 'markov'"},
	{"param double-quoted value", `params.model = "markov"`, "params.model = 'markov'"},
	{"param number", "params.order > 1", "params.order > 1"},
	{"param bool", "params.cumulative = true", "params.cumulative = true"},
	{"param bool ne", "params.cumulative != FALSE", "params.cumulative != false"},
	{"param like", "params.models like '%markov%'", "params.models like '%markov%'"},
	{"param not like", "params.models not like '%markov%'", "params.models not like '%markov%'"},
	{"tag ilike", "tags.team ilike 'EM%'", "tags.team ilike 'EM%'"},
	{"tag not ilike", "tags.team NOT ILIKE 'em%'", "tags.team not ilike 'em%'"},
	{"in numbers", "params.order in (1, 2, 3)", "params.order in (1, 2, 3)"},
	{"in strings", "tags.team IN ('emea','apac')", "tags.team in ('emea', 'apac')"},
	{"not in", "status not in ('FAILED', 'KILLED')", "status not in ('FAILED', 'KILLED')"},
	{"is null", "tags.reviewed is null", "tags.reviewed is null"},
	{"is not null", "metrics.p_conv IS NOT NULL", "metrics.p_conv is not null"},
	{"and or precedence", "status = 'FINISHED' or name = 'a' and tags.t = 'b'", "status = 'FINISHED' or name = 'a' and tags.t = 'b'"},
	{"parens", "(status = 'FINISHED' or name = 'a') and tags.t = 'b'", "(status = 'FINISHED' or name = 'a') and tags.t = 'b'"},
	{"not", "not status = 'FAILED'", "not status = 'FAILED'"},
	{"not not parens", "not (not (metrics.x > 1))", "not (not (metrics.x > 1))"},
	{"status lower case", "status = 'finished'", "status = 'FINISHED'"},
	{"attribute prefix", "attributes.status = 'RUNNING'", "status = 'RUNNING'"},
	{"attribute alias", "attributes.run_name = 'x'", "name = 'x'"},
	{"run id", "run_id = 'abc'", "run_id = 'abc'"},
	{"experiment", "experiment = 'Default'", "experiment = 'Default'"},
	{"dataset like", "dataset like 'journeys%'", "dataset like 'journeys%'"},
	{"start time date", "start_time >= '2024-05-01'", "start_time >= 1714521600000"},
	{"start time ms", "start_time < 1714521600000", "start_time < 1714521600000"},
	{"end time rfc3339", "end_time <= '2024-05-01T01:00:00Z'", "end_time <= 1714525200000"},
	{"end time null", "end_time is null", "end_time is null"},
	{"quoted string escapes", `name = 'it''s \'quoted\' \\ ok'`, `name = 'it''s ''quoted'' \\ ok'`},
	{"hostile value", "name = '; DROP TABLE runs; --'", "name = '; DROP TABLE runs; --'"},
	{"keywords case", "metrics.x > 1 AND metrics.y < 2 OR NOT metrics.z = 0", "metrics.x > 1 and metrics.y < 2 or not metrics.z = 0"},
	{"keyword as key name", "metrics.and > 1", "metrics.and > 1"},
	{"key with backquote", "tags.`a``b\\\\c` = 'x'", "tags.`a``b\\\\c` = 'x'"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.filter)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.filter, err)
			}
			got := ""
			if e != nil {
				got = e.String()
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %s, want %s", tt.filter, got, tt.want)
			}
			if e == nil {
				return
			}
			again, err := Parse(got)
			if err != nil || again.String() != got {
				t.Fatalf("canonical form %q does not read back: %v, %v", got, again, err)
			}
		})
	}
}

func TestParseTree(t *testing.T) {
	const f = "metrics.x > 1 or not (params.order in (1, 2) and tags.t is null)"
	e, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	or, ok := e.(*BinaryExpr)
	if !ok || or.Op != Or || or.OpPos != strings.Index(f, "or") {
		t.Fatalf("root = %#v, want or at %d", e, strings.Index(f, "or"))
	}
	cond := or.X.(*Condition)
	if cond.Key != (Key{Kind: KeyMetric, Name: "x", Pos: 0, End: 9}) || cond.Op != Gt || cond.OpPos != 10 || cond.Values[0].Num != 1 || cond.End() != 13 {
		t.Errorf("left = %+v", cond)
	}
	not := or.Y.(*NotExpr)
	paren := not.X.(*ParenExpr)
	if not.Pos() != strings.Index(f, "not") || paren.Pos() != strings.Index(f, "(") || paren.End() != len(f) {
		t.Errorf("not/paren spans %d, %d-%d", not.Pos(), paren.Pos(), paren.End())
	}
	and := paren.X.(*BinaryExpr)
	in := and.X.(*Condition)
	if in.Key.Kind != KeyParam || in.Op != In || len(in.Values) != 2 || in.Values[1].Num != 2 || in.Values[1].Pos != strings.Index(f, "2)") {
		t.Errorf("in = %+v", in)
	}
	if isNull := and.Y.(*Condition); isNull.Key.Kind != KeyTag || isNull.Op != IsNull || isNull.End() != strings.Index(f, "null")+4 {
		t.Errorf("is null = %+v", isNull)
	}
}

// parseErrorTests lists bad filters: the 0-based byte position of the
// problem and a fragment of the message, which must say what was expected.
var parseErrorTests = []struct {
	name, filter string
	pos          int
	msg          string
}{
	{"unexpected char", "metrics.x > 1 $", 14, "unexpected character '$'"},
	{"bang", "metrics.x ! 1", 10, `did you mean "!="`},
	{"unterminated string", "name = 'abc", 7, "unterminated string: add the closing '"},
	{"unterminated quoted key", "metrics.`abc > 1", 8, "unterminated quoted key"},
	{"bad number", "metrics.x > 1e", 12, `bad number "1e"`},
	{"number into word", "metrics.x > 2x", 12, `bad number "2x"`},
	{"huge number", "metrics.x > 1e999", 12, "out of range"},
	{"missing key", "> 1", 0, "expected a key"},
	{"string as key", "'status' = 'x'", 0, "keys are not quoted"},
	{"keyword as key", "and = 1", 0, "expected a key"},
	{"unknown attribute", "colour = 'red'", 0, `unknown key "colour"`},
	{"unknown prefix", "foo.bar = 1", 0, `unknown key type "foo"`},
	{"unknown prefixed attribute", "attributes.colour = 'x'", 0, `unknown attribute "colour"`},
	{"missing metric name", "metrics. > 1", 9, `expected a name after "metrics."`},
	{"space before quoted name", "metrics. `x` > 1", 9, `expected a name after "metrics."`},
	{"empty quoted name", "metrics.`` > 1", 8, "empty key name"},
	{"missing operator", "metrics.x 1", 10, "expected a comparison operator"},
	{"missing operator at end", "metrics.x", 9, "found the end of the filter"},
	{"missing value", "metrics.x >", 11, "expected a value"},
	{"value is key", "metrics.x > metrics.y", 12, "expected a value"},
	{"equals null", "tags.t = null", 9, "use is null"},
	{"is without null", "tags.t is 'x'", 10, "expected null or not null after is"},
	{"is not without null", "tags.t is not 1", 14, "expected null or not null"},
	{"not without like", "tags.t not = 'x'", 11, "expected like, ilike or in after not"},
	{"in without paren", "tags.t in 'x'", 10, `expected "(" and a list of values after in`},
	{"empty in list", "tags.t in ()", 11, "at least one value"},
	{"in list separator", "tags.t in ('a' 'b')", 15, `expected "," or ")" in the in list`},
	{"in list unclosed", "tags.t in ('a',", 15, "expected a value"},
	{"unclosed paren", "(metrics.x > 1", 14, `expected ")" to close the "(" at position 1`},
	{"unmatched paren", "metrics.x > 1)", 13, `unmatched ")"`},
	{"trailing junk", "metrics.x > 1 metrics.y < 2", 14, "expected and, or or the end of the filter"},
	{"dangling and", "metrics.x > 1 and", 17, "expected a key"},
	{"dangling or", "metrics.x > 1 or ", 17, "expected a key"},
	{"dangling not", "not", 3, "expected a key"},
	{"metric like", "metrics.x like '1%'", 10, "holds numbers"},
	{"metric string", "metrics.x = 'high'", 12, "compare it with a number"},
	{"metric in strings", "metrics.x in (1, 'a')", 17, "compare it with a number"},
	{"metric bool", "metrics.x = true", 12, "compare it with a number"},
	{"tag number", "tags.team = 5", 12, "tags.team holds text: quote the value, as in '5'"},
	{"param like number", "params.order like 2", 18, "needs a quoted pattern"},
	{"param bool ordered", "params.flag > true", 12, "compare with = or != only"},
	{"status number", "status = 1", 9, "status holds text"},
	{"unknown status", "status = 'DONE'", 9, `unknown status "DONE"`},
	{"time like", "start_time like '2024%'", 11, "is a time"},
	{"bad time", "start_time > 'yesterday'", 13, `"yesterday" is not a time`},
	{"time bool", "end_time > true", 11, "is a time"},
	{"name number", "name = 3", 7, "name holds text"},
	{"too deep", strings.Repeat("(", 300) + "metrics.x > 1" + strings.Repeat(")", 300), 200, "nests parentheses"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.filter)
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) = %v, %v; want a *FilterError", tt.filter, e, err)
			}
			if fe.Pos != tt.pos || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("Parse(%q) error at %d: %q; want at %d containing %q\n%s", tt.filter, fe.Pos, fe.Msg, tt.pos, tt.msg, fe.Caret())
			}
			if fe.Filter != tt.filter {
				t.Errorf("error records filter %q, want %q", fe.Filter, tt.filter)
			}
			if !strings.HasPrefix(err.Error(), "bad filter at position ") {
				t.Errorf("Error() = %q", err)
			}
		})
	}
}

func TestFilterErrorCaret(t *testing.T) {
	_, err := Parse("tags.é = 5")
	var fe *FilterError
	if !errors.As(err, &fe) {
		t.Fatalf("want a *FilterError, got %v", err)
	}
	// 'é' is not a key character: the caret sits under it, counted in runes.
	want := "tags.é = 5\n     ^"
	if got := fe.Caret(); got != want {
		t.Errorf("Caret() =\n%s\nwant\n%s", got, want)
	}
}

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		in, want string
		err      string
	}{
		{"metrics.p_conv", "metrics.p_conv ASC", ""},
		{"metrics.p_conv desc", "metrics.p_conv DESC", ""},
		{"params.order ASC", "params.order ASC", ""},
		{"tags.`a b` DESC", "tags.`a b` DESC", ""},
		{"start_time", "start_time DESC", ""},
		{"start_time asc", "start_time ASC", ""},
		{"name", "name ASC", ""},
		{"attributes.run_name desc", "name DESC", ""},
		{"", "", "expected a key"},
		{"metrics.x sideways", "", "expected ASC, DESC"},
		{"colour", "", "unknown key"},
	}
	for _, tt := range tests {
		o, err := ParseOrderBy(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseOrderBy(%q) = %v, %v; want error containing %q", tt.in, o, err, tt.err)
			}
			continue
		}
		if err != nil || o.String() != tt.want {
			t.Errorf("ParseOrderBy(%q) = %v, %v; want %s", tt.in, o, err, tt.want)
		}
	}
}

// FuzzParse checks that Parse never panics, that errors point inside the
// filter, and that every parsed filter prints a canonical form that
// parses back to itself.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.filter)
	}
	for _, tt := range parseErrorTests {
		f.Add(tt.filter)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		e, err := Parse(filter)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q): error %T is not a *FilterError", filter, err)
			}
			if fe.Pos < 0 || fe.Pos > len(filter) {
				t.Fatalf("Parse(%q): error position %d outside the filter", filter, fe.Pos)
			}
			_ = fe.Caret()
			return
		}
		if e == nil {
			if strings.TrimSpace(filter) != "" {
				t.Fatalf("Parse(%q) = nil for a non-blank filter", filter)
			}
			return
		}
		if e.Pos() < 0 || e.End() > len(filter) || e.Pos() >= e.End() {
			t.Fatalf("Parse(%q): span %d-%d", filter, e.Pos(), e.End())
		}
		s := e.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) prints %q, which does not parse: %v", filter, s, err)
		}
		if again.String() != s {
			t.Fatalf("Parse(%q) prints %q, which reads back as %q", filter, s, again.String())
		}
	})
}
