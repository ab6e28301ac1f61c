package tracking

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies the filter language's tokens.
type tokenKind int

const (
	tokEOF      tokenKind = iota
	tokIdent              // a bare word: keyword, attribute or dotted key
	tokQuoted             // `backquoted` key part
	tokString             // 'single-quoted' string
	tokDQString           // "double-quoted": a key part or a string value
	tokNumber
	tokOp // = == != <> < <= > >=
	tokLParen
	tokRParen
	tokComma
)

// token is one lexeme: its kind, its decoded text and its byte span.
type token struct {
	kind     tokenKind
	text     string // decoded: quotes removed, escapes undone
	pos, end int    // byte offsets of the raw lexeme in the filter
}

// describe names a token for error messages.
func (t token) describe(src string) string {
	if t.kind == tokEOF {
		return "the end of the filter"
	}
	raw := src[t.pos:t.end]
	if len(raw) > 40 {
		raw = raw[:40] + "…"
	}
	return strconv.Quote(raw)
}

// isIdentStart and isIdentChar define bare words: a letter or '_', then
// letters, digits and _ . - : /. The language has no arithmetic, so '-'
// inside a word (first-touch) is never a minus sign.
func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':' || c == '/'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lex splits src into tokens, ending with tokEOF.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i >= len(src) {
			return append(toks, token{kind: tokEOF, pos: len(src), end: len(src)}), nil
		}
		start := i
		c := src[i]
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			toks = append(toks, token{tokIdent, src[start:i], start, i})
		case isDigit(c) || (c == '.' || c == '-' || c == '+') && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '.'):
			tok, err := lexNumber(src, start)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = tok.end
		case c == '\'' || c == '"' || c == '`':
			text, end, err := lexQuoted(src, start)
			if err != nil {
				return nil, err
			}
			kind := map[byte]tokenKind{'\'': tokString, '"': tokDQString, '`': tokQuoted}[c]
			toks = append(toks, token{kind, text, start, end})
			i = end
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i, i + 1})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i, i + 1})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i, i + 1})
			i++
		case c == '=' || c == '<' || c == '>' || c == '!':
			op := string(c)
			if i+1 < len(src) {
				if two := src[i : i+2]; two == "==" || two == "!=" || two == "<>" || two == "<=" || two == ">=" {
					op = two
				}
			}
			if op == "!" {
				return nil, &FilterError{Pos: i, Msg: `unexpected "!": did you mean "!="?`}
			}
			i += len(op)
			toks = append(toks, token{tokOp, op, start, i})
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &FilterError{Pos: i, Msg: fmt.Sprintf("unexpected character %q: quote keys that contain it with backquotes, and string values with single quotes", r)}
		}
	}
}

// lexNumber reads a decimal number with optional sign, fraction and
// exponent starting at src[start].
func lexNumber(src string, start int) (token, error) {
	i := start
	if src[i] == '-' || src[i] == '+' {
		i++
	}
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	// A number runs into a word (2x, 1.2.3): report the whole lexeme.
	end := i
	for end < len(src) && isIdentChar(src[end]) {
		end++
	}
	raw := src[start:end]
	_, err := strconv.ParseFloat(raw, 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && end == i {
		return token{}, &FilterError{Pos: start, Msg: fmt.Sprintf("number %q is out of range", raw)}
	}
	if err != nil || end != i {
		return token{}, &FilterError{Pos: start, Msg: fmt.Sprintf("bad number %q", raw)}
	}
	return token{tokNumber, raw, start, end}, nil
}

// lexQuoted reads a string quoted by src[start]; a doubled quote stands
// for itself, as in SQL, and a backslash escapes the next character, as
// in MLflow.
func lexQuoted(src string, start int) (text string, end int, err error) {
	q := src[start]
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			b.WriteByte(src[i])
		case c == q && i+1 < len(src) && src[i+1] == q:
			i++
			b.WriteByte(q)
		case c == q:
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, &FilterError{Pos: start, Msg: fmt.Sprintf("unterminated %s: add the closing %c", quoteNoun(q), q)}
}

func quoteNoun(q byte) string {
	if q == '`' {
		return "quoted key"
	}
	return "string"
}
