package parser

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/diag"
)

// tokKind is the lexical class of a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // names and keywords alike; the parser decides by context
	tInt              // 42, 0x1F
	tReal             // 1.5, 1e3
	tTimespan         // 5m, 1.5h, 100ms
	tString           // decoded string literal
	tGuid             // a bare guid such as 74be27de-1e4e-49d9-b579-fe0b331d3642
	tPunct            // operators and punctuation; text holds the symbol
	tIllegal          // a character or literal that cannot start a token
)

// token is one lexeme. text holds the identifier, number or symbol as
// written, or the decoded value of a string literal.
type token struct {
	kind tokKind
	pos  diag.Pos // first byte (after leading spaces and comments)
	end  diag.Pos // byte after the token
	text string
	msg  string // for tIllegal: what is wrong
}

// is reports whether t is the punctuation s.
func (t token) is(s string) bool { return t.kind == tPunct && t.text == s }

// isWord reports whether t is the identifier/keyword w (case-sensitive, as
// Kusto keywords are).
func (t token) isWord(w string) bool { return t.kind == tIdent && t.text == w }

// timespanUnits are the suffixes that turn a number into a timespan
// literal (case-sensitive, as in Kusto).
var timespanUnits = map[string]bool{
	"m": true, "min": true, "minute": true, "minutes": true,
	"s": true, "sec": true, "second": true, "seconds": true,
	"d": true, "day": true, "days": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"ms": true, "milli": true, "millis": true, "millisec": true, "millisecond": true, "milliseconds": true,
	"micro": true, "micros": true, "microsec": true, "microsecond": true, "microseconds": true,
	"nano": true, "nanos": true, "nanosec": true, "nanosecond": true, "nanoseconds": true,
	"tick": true, "ticks": true,
}

// scan returns the token starting at or after byte offset off in src,
// skipping spaces and // comments. It never fails: bad input yields tIllegal.
func scan(src string, off int) token {
	off = skipSpace(src, off)
	if off >= len(src) {
		return token{kind: tEOF, pos: diag.Pos(len(src)), end: diag.Pos(len(src))}
	}
	c := src[off]
	switch {
	case c == '\'' || c == '"':
		return scanString(src, off, off)
	case c == '@' && off+1 < len(src) && (src[off+1] == '\'' || src[off+1] == '"'):
		return scanVerbatim(src, off, off+1)
	case (c == 'h' || c == 'H') && off+1 < len(src) && (src[off+1] == '\'' || src[off+1] == '"'):
		return scanString(src, off, off+1)
	case (c == 'h' || c == 'H') && off+2 < len(src) && src[off+1] == '@' && (src[off+2] == '\'' || src[off+2] == '"'):
		return scanVerbatim(src, off, off+2)
	case c == '`' && strings.HasPrefix(src[off:], "```"):
		return scanFenced(src, off, "```")
	case c == '~' && strings.HasPrefix(src[off:], "~~~"):
		return scanFenced(src, off, "~~~")
	case isHex(c) && isRawGuid(src, off):
		return token{kind: tGuid, pos: diag.Pos(off), end: diag.Pos(off + 36), text: src[off : off+36]}
	case c >= '0' && c <= '9':
		return scanNumber(src, off)
	case isIdentStart(c) || c >= utf8.RuneSelf:
		return scanIdent(src, off)
	}
	return scanPunct(src, off)
}

// skipSpace skips white space and // comments.
func skipSpace(src string, off int) int {
	for off < len(src) {
		c := src[off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			off++
		case c == '/' && off+1 < len(src) && src[off+1] == '/':
			nl := strings.IndexByte(src[off:], '\n')
			if nl < 0 {
				return len(src)
			}
			off += nl + 1
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == '\u00a0' || r == '\ufeff' || r == '\u200b' || unicode.IsSpace(r) {
				off += n
				continue
			}
			return off
		default:
			return off
		}
	}
	return off
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func scanIdent(src string, off int) token {
	i := off
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if isIdentPart(c) || (i == off && c == '$') {
				i++
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += n
	}
	if i == off { // a non-letter rune
		_, n := utf8.DecodeRuneInString(src[off:])
		return token{kind: tIllegal, pos: diag.Pos(off), end: diag.Pos(off + n), text: src[off : off+n], msg: "Unexpected: " + src[off:off+n]}
	}
	return token{kind: tIdent, pos: diag.Pos(off), end: diag.Pos(i), text: src[off:i]}
}

// scanNumber reads a token that starts with a digit, trying the forms in
// Kusto's order: real, timespan, long (decimal or hex), then a name that
// starts with digits (5Minutebin). Each numeric form must not run into a
// name character.
func scanNumber(src string, off int) token {
	mk := func(k tokKind, n int) token {
		return token{kind: k, pos: diag.Pos(off), end: diag.Pos(off + n), text: src[off : off+n]}
	}
	if n := realLen(src, off); n > 0 {
		return mk(tReal, n)
	}
	if n := timespanLen(src, off); n > 0 {
		return mk(tTimespan, n)
	}
	if n := longLen(src, off); n > 0 {
		return mk(tInt, n)
	}
	i := digits(src, off)
	if i < len(src) && (isIdentStart(src[i]) && src[i] != '$' || src[i] >= utf8.RuneSelf) {
		return scanIdent(src, off)
	}
	return token{kind: tIllegal, pos: diag.Pos(off), end: diag.Pos(i), text: src[off:i], msg: "Unexpected: " + src[off:i]}
}

// identAt reports whether a name character is at src[i].
func identAt(src string, i int) bool {
	if i >= len(src) {
		return false
	}
	if src[i] < utf8.RuneSelf {
		return isIdentPart(src[i])
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// realLen returns the length of a real literal (1.5, 1., 1e3, 1.5e-3) at
// off, or 0.
func realLen(src string, off int) int {
	i := digits(src, off)
	if i == off {
		return 0
	}
	if i < len(src) && src[i] == '.' && (i+1 >= len(src) || src[i+1] != '.' || (i+2 < len(src) && src[i+2] == '.')) {
		i = digits(src, i+1)
		if e := exponentLen(src, i); e > 0 {
			i += e
		}
	} else {
		e := exponentLen(src, i)
		if e <= 0 {
			return 0
		}
		i += e
	}
	if identAt(src, i) {
		return 0
	}
	return i - off
}

// exponentLen returns the length of e[+-]digits at i, 0 if absent, -1 if
// malformed.
func exponentLen(src string, i int) int {
	if i >= len(src) || (src[i] != 'e' && src[i] != 'E') {
		return 0
	}
	j := i + 1
	if j < len(src) && (src[j] == '+' || src[j] == '-') {
		j++
	}
	k := digits(src, j)
	if k == j {
		return -1
	}
	return k - i
}

// timespanLen returns the length of a timespan literal (5m, 1.5h) at off, or 0.
func timespanLen(src string, off int) int {
	i := digits(src, off)
	if i == off {
		return 0
	}
	if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
		i = digits(src, i+1)
	}
	j := i
	for j < len(src) && isIdentPart(src[j]) {
		j++
	}
	if j == i || !timespanUnits[src[i:j]] || identAt(src, j) {
		return 0
	}
	return j - off
}

// longLen returns the length of a long literal (42, 0x1F) at off, or 0.
func longLen(src string, off int) int {
	i := off
	if src[i] == '0' && i+2 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') && isHex(src[i+2]) {
		i += 2
		for i < len(src) && isHex(src[i]) {
			i++
		}
	} else {
		i = digits(src, off)
	}
	if i == off || identAt(src, i) {
		return 0
	}
	return i - off
}

func digits(src string, i int) int {
	for i < len(src) && src[i] >= '0' && src[i] <= '9' {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanString reads a quoted string with backslash escapes; q is the index
// of the opening quote (after an optional h prefix at start).
func scanString(src string, start, q int) token {
	quote := src[q]
	var b strings.Builder
	i := q + 1
	plain := i // start of the current escape-free run
	for i < len(src) {
		c := src[i]
		switch {
		case c == quote:
			b.WriteString(src[plain:i])
			return token{kind: tString, pos: diag.Pos(start), end: diag.Pos(i + 1), text: b.String()}
		case c == '\n' || c == '\r':
			return missingQuote(quote, i)
		case c == '\\':
			b.WriteString(src[plain:i])
			if i+1 >= len(src) {
				return missingQuote(quote, i)
			}
			n, ok := unescape(&b, src, i+1)
			if !ok {
				// Kusto's lexer stops at an invalid escape and reports the missing quote there.
				return missingQuote(quote, i)
			}
			i = n
			plain = i
		default:
			i++
		}
	}
	return missingQuote(quote, len(src))
}

// missingQuote is the error token for a string literal that does not end
// (Kusto: `Missing: "` where the closing quote should be).
func missingQuote(quote byte, at int) token {
	return token{kind: tIllegal, pos: diag.Pos(at), end: diag.Pos(at), msg: "Missing: " + string(quote)}
}

// unescape writes the character escaped at src[i] (after the backslash)
// and returns the index after the escape. Only Kusto's escapes are valid:
// \\ \' \" \a \b \f \n \r \t \v \xHH \uHHHH \UHHHHHHHH and octal \NNN.
func unescape(b *strings.Builder, src string, i int) (int, bool) {
	switch c := src[i]; c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'a':
		b.WriteByte('\a')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'u', 'x', 'U':
		n := 4
		if c == 'x' {
			n = 2
		} else if c == 'U' {
			n = 8
		}
		if i+1+n > len(src) {
			return i, false
		}
		var r rune
		for _, h := range []byte(src[i+1 : i+1+n]) {
			if !isHex(h) {
				return i, false
			}
			r = r*16 + rune(hexVal(h))
		}
		b.WriteRune(r)
		return i + 1 + n, true
	default:
		if c < '0' || c > '7' {
			return i, false
		}
		// Octal: up to three digits (the first at most 3 when there are three).
		n, v := 1, int(c-'0')
		if i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '7' {
			n, v = 2, v*8+int(src[i+1]-'0')
			if c <= '3' && i+2 < len(src) && src[i+2] >= '0' && src[i+2] <= '7' {
				n, v = 3, v*8+int(src[i+2]-'0')
			}
		}
		b.WriteRune(rune(v))
		return i + n, true
	}
	return i + 1, true
}

// isRawGuid reports whether a bare guid (8-4-4-4-12 hex digits, not
// followed by a name character) starts at off.
func isRawGuid(src string, off int) bool {
	if off+36 > len(src) {
		return false
	}
	for k := 0; k < 36; k++ {
		c := src[off+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return off+36 == len(src) || !isIdentPart(src[off+36])
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// scanVerbatim reads @'...' or @"..." where a doubled quote is a quote.
func scanVerbatim(src string, start, q int) token {
	quote := src[q]
	var b strings.Builder
	i := q + 1
	for i < len(src) {
		c := src[i]
		if c == quote {
			if i+1 < len(src) && src[i+1] == quote {
				b.WriteByte(quote)
				i += 2
				continue
			}
			return token{kind: tString, pos: diag.Pos(start), end: diag.Pos(i + 1), text: b.String()}
		}
		if c == '\n' || c == '\r' {
			break
		}
		b.WriteByte(c)
		i++
	}
	return missingQuote(quote, i)
}

// scanFenced reads a multi-line ```...``` (or ~~~...~~~) string.
func scanFenced(src string, start int, fence string) token {
	body := start + len(fence)
	n := strings.Index(src[body:], fence)
	if n < 0 {
		return token{kind: tIllegal, pos: diag.Pos(len(src)), end: diag.Pos(len(src)), msg: "Missing: " + fence}
	}
	return token{kind: tString, pos: diag.Pos(start), end: diag.Pos(body + n + len(fence)), text: src[body : body+n]}
}

// puncts lists the multi-character symbols, longest first.
var puncts = []string{"..", "==", "!=", "<>", "<=", ">=", "=~", "!~", "=>"}

func scanPunct(src string, off int) token {
	for _, p := range puncts {
		if strings.HasPrefix(src[off:], p) {
			return token{kind: tPunct, pos: diag.Pos(off), end: diag.Pos(off + len(p)), text: p}
		}
	}
	c := src[off]
	if strings.IndexByte("|()[]{},;:=<>+-*/%.!~?@#", c) >= 0 {
		return token{kind: tPunct, pos: diag.Pos(off), end: diag.Pos(off + 1), text: src[off : off+1]}
	}
	_, n := utf8.DecodeRuneInString(src[off:])
	return token{kind: tIllegal, pos: diag.Pos(off), end: diag.Pos(off + n), text: src[off : off+n], msg: "Unexpected: " + src[off:off+n]}
}
