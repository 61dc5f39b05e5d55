package diag

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a byte offset into the query text. NoPos marks an unknown position.
type Pos int

// NoPos is the position of things that have no place in the source.
const NoPos Pos = -1

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p >= 0 }

// Error codes; see the package documentation.
const (
	CodeSyntax       = "SYN0002"
	CodeTooComplex   = "SYN0001"
	CodeUnknownName  = "SEM0100"
	CodeBadArgument  = "SEM0101"
	CodeBadOperand   = "SEM0102"
	CodeInvalid      = "SEM0103"
	CodeRuntimeError = "RUN0001"
)

// Error is a query error with a code and the source range it refers to.
// Pos is the first byte of the offending text and End the byte after it
// (End == Pos for errors at a point, such as the end of input).
type Error struct {
	Code string
	Pos  Pos
	End  Pos
	Msg  string
}

// Errorf builds an Error with a formatted message.
func Errorf(code string, pos, end Pos, format string, args ...any) *Error {
	return &Error{Code: code, Pos: pos, End: end, Msg: fmt.Sprintf(format, args...)}
}

// Error returns the code, the byte offset and the message; use Format to get
// line, column and a caret snippet.
func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s: %s: %s (at offset %d)", e.Kind(), e.Code, e.Msg, int(e.Pos))
	}
	return fmt.Sprintf("%s: %s: %s", e.Kind(), e.Code, e.Msg)
}

// Kind names the error family: "Syntax error", "Semantic error" or "Query error".
func (e *Error) Kind() string {
	switch {
	case strings.HasPrefix(e.Code, "SYN"):
		return "Syntax error"
	case strings.HasPrefix(e.Code, "SEM"):
		return "Semantic error"
	}
	return "Query error"
}

// IsSyntax reports whether the error is a syntax error.
func (e *Error) IsSyntax() bool { return strings.HasPrefix(e.Code, "SYN") }

// LineCol returns the 1-based line and 1-based column (in characters) of p in
// src. Positions past the end are clamped to the end of src.
func LineCol(src string, p Pos) (line, col int) {
	off := int(p)
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	col = 1 + utf8.RuneCountInString(src[start:off])
	return line, col
}

// Token returns the source text the error points at, at most 40 bytes, or
// "" at the end of input (Log Analytics reports it as the error's token).
func (e *Error) Token(src string) string {
	if !e.Pos.IsValid() || int(e.Pos) >= len(src) {
		return ""
	}
	end := int(e.End)
	if end <= int(e.Pos) || end > len(src) {
		end = int(e.Pos) + 1
		for end < len(src) && !utf8.RuneStart(src[end]) {
			end++
		}
	}
	if end-int(e.Pos) > 40 {
		end = int(e.Pos) + 40
		for end > int(e.Pos) && !utf8.RuneStart(src[end]) {
			end--
		}
	}
	return src[e.Pos:end]
}

// Format renders the error Kusto-style with line and column and a caret
// under the offending position:
//
//	Syntax error: SYN0002: Missing expression at line 1, column 15
//	   1 | T | where x ==
//	     |               ^
//
// Columns in the header are 1-based characters. Errors without a position
// render as one line.
func (e *Error) Format(src string) string {
	if !e.Pos.IsValid() {
		return fmt.Sprintf("%s: %s: %s", e.Kind(), e.Code, e.Msg)
	}
	line, col := LineCol(src, e.Pos)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s at line %d, column %d\n", e.Kind(), e.Code, e.Msg, line, col)
	text := sourceLine(src, e.Pos)
	prefix := fmt.Sprintf("%4d | ", line)
	b.WriteString(prefix)
	b.WriteString(text)
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", len(prefix)-2))
	b.WriteString("| ")
	b.WriteString(caretPad(text, col-1))
	b.WriteString("^")
	return b.String()
}

// sourceLine returns the line that contains p, without its line break.
func sourceLine(src string, p Pos) string {
	off := int(p)
	if off > len(src) {
		off = len(src)
	}
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	return strings.TrimSuffix(src[start:end], "\r")
}

// caretPad returns the indentation for a caret under the n-th character of
// line, keeping tabs so the caret lines up in a terminal.
func caretPad(line string, n int) string {
	var b strings.Builder
	i := 0
	for _, r := range line {
		if i == n {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		i++
	}
	for ; i < n; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}
