package types

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A dynamic value's D field holds one of: nil (JSON null), bool, int64
// (JSON integers that fit), float64 (other JSON numbers), string, []any, or
// map[string]any, recursively. Datetimes, timespans and guids put into a
// dynamic value (pack(), make_list()...) are stored as their text form, as
// Kusto serializes them. Property bags are printed with keys sorted, so
// output is deterministic; Kusto's result comparison ignores key order.

// ParseJSON parses JSON text into the dynamic representation, keeping
// integers as int64. Like Kusto's dynamic literals it also accepts
// single-quoted strings ({'a': 'b'}).
func ParseJSON(text string) (any, error) {
	v, err := parseStrictJSON(text)
	if err != nil {
		if norm, ok := normalizeDynamicLiteral(text); ok {
			if v2, err2 := parseStrictJSON(norm); err2 == nil {
				return v2, nil
			}
		}
	}
	return v, err
}

// normalizeDynamicLiteral rewrites the KQL forms Kusto accepts inside
// dynamic literals into JSON: // comments, 'single-quoted', @"verbatim"
// and h"obfuscated" strings, nested dynamic(...) wrappers and trailing
// commas. ok is false when nothing needed rewriting.
func normalizeDynamicLiteral(s string) (string, bool) {
	var b strings.Builder
	changed := false
	var wrappers []bool // per open paren: is it a dynamic( wrapper
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
			changed = true
		case c == '"' || c == '\'' ||
			((c == '@' || c == 'h' || c == 'H') && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\'')) ||
			((c == 'h' || c == 'H') && i+2 < len(s) && s[i+1] == '@' && (s[i+2] == '"' || s[i+2] == '\'')):
			text, next, ok := scanKQLString(s, i)
			if !ok {
				return "", false
			}
			if c != '"' || text != s[i+1:next-1] {
				changed = true
			}
			b.WriteString(appendJSONStringTo(text))
			i = next - 1
		case strings.HasPrefix(s[i:], "dynamic("):
			wrappers = append(wrappers, true)
			i += len("dynamic(") - 1
			changed = true
		case c == '(':
			wrappers = append(wrappers, false)
			b.WriteByte(c)
		case c == ')' && len(wrappers) > 0:
			w := wrappers[len(wrappers)-1]
			wrappers = wrappers[:len(wrappers)-1]
			if !w {
				b.WriteByte(c)
			}
		case c == ']' || c == '}':
			// Drop a trailing comma before the closing bracket.
			out := strings.TrimRight(b.String(), " \t\r\n")
			if strings.HasSuffix(out, ",") {
				b.Reset()
				b.WriteString(out[:len(out)-1])
				changed = true
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), changed
}

// scanKQLString reads the KQL string literal starting at s[i] and returns
// its value and the index after it.
func scanKQLString(s string, i int) (string, int, bool) {
	verbatim := false
	for i < len(s) && (s[i] == 'h' || s[i] == 'H' || s[i] == '@') {
		verbatim = verbatim || s[i] == '@'
		i++
	}
	q := s[i]
	i++
	var b strings.Builder
	for i < len(s) {
		c := s[i]
		switch {
		case c == q:
			if verbatim && i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			return b.String(), i + 1, true
		case c == '\\' && !verbatim && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if i+4 < len(s) {
					if n, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
						b.WriteRune(rune(n))
						i += 4
						break
					}
				}
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
		i++
	}
	return "", i, false
}

func appendJSONStringTo(s string) string { return string(appendJSONString(nil, s)) }

func parseStrictJSON(text string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	// Trailing non-space text after the value is an error too.
	if _, err := dec.Token(); err == nil {
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return normalizeNumbers(v), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	}
	return v
}

// DynamicJSON renders a dynamic tree as compact JSON (keys sorted, no HTML
// escaping, reals in shortest form, NaN/Infinity as JSON strings).
func DynamicJSON(d any) string {
	return string(AppendDynamicJSON(nil, d))
}

// AppendDynamicJSON appends the compact JSON of d to b.
func AppendDynamicJSON(b []byte, d any) []byte {
	switch x := d.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendJSONString(b, FormatReal(x))
		}
		return append(b, FormatReal(x)...)
	case string:
		return appendJSONString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendDynamicJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = AppendDynamicJSON(b, x[k])
		}
		return append(b, '}')
	case Value:
		return AppendDynamicJSON(b, ToDynamicElem(x))
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// ToDynamicElem converts a scalar to the element it becomes inside a
// dynamic array or bag (pack_array, bag_pack, make_list...): null → nil,
// numbers and bools as themselves, datetimes/timespans/guids as text,
// dynamic as its tree.
func ToDynamicElem(v Value) any {
	if v.IsNull() {
		if v.T == String {
			return ""
		}
		return nil
	}
	switch v.T {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real, Decimal:
		return v.F
	case String, GUID:
		return v.S
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		return v.D
	}
	return nil
}

// FromDynamicElem wraps a dynamic element as a dynamic Value (nil → dynamic null).
func FromDynamicElem(d any) Value { return NewDynamic(d) }

// DynamicTypeName returns what gettype()/typeof-at-runtime reports for a
// dynamic element: "array", "dictionary", "string", "long", "real",
// "bool", "null".
func DynamicTypeName(d any) string {
	switch d.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64, int:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "dictionary"
	}
	return "null"
}

// Member returns d.name (a property of a bag); missing → dynamic null.
func Member(v Value, name string) Value {
	if v.T != Dynamic || v.Null {
		return NullOf(Dynamic)
	}
	m, ok := v.D.(map[string]any)
	if !ok {
		return NullOf(Dynamic)
	}
	return NewDynamic(m[name])
}

// Index returns d[i] of an array; negative i counts from the end (-1 is
// the last element); out of range → dynamic null.
func Index(v Value, i int64) Value {
	if v.T != Dynamic || v.Null {
		return NullOf(Dynamic)
	}
	a, ok := v.D.([]any)
	if !ok {
		return NullOf(Dynamic)
	}
	if i < 0 {
		i += int64(len(a))
	}
	if i < 0 || i >= int64(len(a)) {
		return NullOf(Dynamic)
	}
	return NewDynamic(a[i])
}

// Subscript implements d[key] where key is a string (bag member) or an
// integer (array index), as Kusto's bracket access does.
func Subscript(v Value, key Value) Value {
	switch key.T {
	case String:
		return Member(v, key.S)
	case Int, Long:
		if key.Null {
			return NullOf(Dynamic)
		}
		return Index(v, key.I)
	case Dynamic:
		switch k := key.D.(type) {
		case string:
			return Member(v, k)
		case int64:
			return Index(v, k)
		}
	}
	return NullOf(Dynamic)
}
