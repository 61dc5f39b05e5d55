package odata

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// tokenKind classifies a filter token.
type tokenKind int

const (
	tEOF tokenKind = iota
	tIdent
	tString
	tNumber
	tDate
	tGUID
	tLParen
	tRParen
	tComma
	tColon
	tSlash
)

// token is one lexeme of a $filter expression; pos is its byte offset.
type token struct {
	kind tokenKind
	text string
	pos  int
	num  float64
	date time.Time
}

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// maxFilterLength bounds the text a filter may have (Graph refuses long URLs far earlier).
const maxFilterLength = 8192

// lex splits src into tokens.
func lex(src string) ([]token, error) {
	if len(src) > maxFilterLength {
		return nil, errorf("The $filter expression is too long (%d characters; at most %d).", len(src), maxFilterLength)
	}
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, text: ",", pos: i})
			i++
		case c == ':':
			toks = append(toks, token{kind: tColon, text: ":", pos: i})
			i++
		case c == '/':
			toks = append(toks, token{kind: tSlash, text: "/", pos: i})
			i++
		case c == '\'':
			s, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, text: s, pos: i})
			i = n
		default:
			if m := guidPattern.FindString(src[i:]); m != "" && !identChar(at(src, i+len(m))) {
				toks = append(toks, token{kind: tGUID, text: strings.ToLower(m), pos: i})
				i += len(m)
				continue
			}
			if isDigit(c) || (c == '-' && isDigit(at(src, i+1))) {
				t, n, err := lexNumberOrDate(src, i)
				if err != nil {
					return nil, err
				}
				toks = append(toks, t)
				i = n
				continue
			}
			if identStart(c) {
				j := i + 1
				for j < len(src) && identChar(src[j]) {
					j++
				}
				toks = append(toks, token{kind: tIdent, text: src[i:j], pos: i})
				i = j
				continue
			}
			return nil, errorf("Syntax error: character '%c' is not valid at position %d in '%s'.", c, i, src)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

// lexString reads a single-quoted literal starting at src[i]; ” is an escaped quote.
func lexString(src string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		if src[j] == '\'' {
			if at(src, j+1) == '\'' {
				b.WriteByte('\'')
				j += 2
				continue
			}
			return b.String(), j + 1, nil
		}
		b.WriteByte(src[j])
		j++
	}
	return "", 0, errorf("There is an unterminated string literal at position %d in '%s'.", i, src)
}

// lexNumberOrDate reads a number or an unquoted date-time starting at src[i].
func lexNumberOrDate(src string, i int) (token, int, error) {
	j := i + 1
	for j < len(src) && (isDigit(src[j]) || strings.IndexByte(".:-+TZtzeE", src[j]) >= 0) {
		j++
	}
	text := src[i:j]
	if strings.ContainsAny(text, "T:") || strings.Count(text, "-") >= 2 {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if d, err := time.Parse(layout, text); err == nil {
				return token{kind: tDate, text: text, pos: i, date: d.UTC()}, j, nil
			}
		}
		return token{}, 0, errorf("Syntax error: '%s' at position %d is not a valid date-time literal.", text, i)
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return token{}, 0, errorf("Syntax error: '%s' at position %d is not a valid number.", text, i)
	}
	return token{kind: tNumber, text: text, pos: i, num: n}, j, nil
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func identStart(c byte) bool {
	return c == '_' || c == '@' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func identChar(c byte) bool {
	return identStart(c) || isDigit(c) || c == '.' || c == '#' || c == '-'
}

// Error is a refused query option, written by the caller as a 400 in its service's envelope.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(format string, args ...any) *Error {
	return &Error{Code: "BadRequest", Message: fmt.Sprintf(format, args...)}
}
