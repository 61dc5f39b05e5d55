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
	if err != nil && (strings.IndexByte(text, '\'') >= 0 || strings.Contains(text, "dynamic(")) {
		if v2, err2 := parseStrictJSON(stripDynamicWrappers(singleToDoubleQuotes(text))); err2 == nil {
			return v2, nil
		}
	}
	return v, err
}

// stripDynamicWrappers removes nested `dynamic(` ... `)` wrappers outside
// strings, which Kusto allows inside dynamic literals
// (dynamic({'a': dynamic({})})). The input has double-quoted strings only.
func stripDynamicWrappers(s string) string {
	if !strings.Contains(s, "dynamic(") {
		return s
	}
	var b strings.Builder
	var open []bool // per '(' : is it a dynamic( wrapper
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			b.WriteString(s[i : j+1])
			i = j
		case strings.HasPrefix(s[i:], "dynamic("):
			open = append(open, true)
			i += len("dynamic(") - 1
		case c == '(':
			open = append(open, false)
			b.WriteByte(c)
		case c == ')' && len(open) > 0:
			wrapper := open[len(open)-1]
			open = open[:len(open)-1]
			if !wrapper {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// singleToDoubleQuotes rewrites 'single-quoted' JSON strings as
// "double-quoted" ones, leaving double-quoted strings alone.
func singleToDoubleQuotes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			b.WriteString(s[i : j+1])
			i = j
		case '\'':
			b.WriteByte('"')
			j := i + 1
			for ; j < len(s) && s[j] != '\''; j++ {
				switch {
				case s[j] == '\\' && j+1 < len(s):
					if s[j+1] == '\'' {
						b.WriteByte('\'')
					} else {
						b.WriteByte(s[j])
						b.WriteByte(s[j+1])
					}
					j++
				case s[j] == '"':
					b.WriteString(`\"`)
				default:
					b.WriteByte(s[j])
				}
			}
			b.WriteByte('"')
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

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
