package kql

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// The Log Analytics answer is written from the result's vectors straight into one buffer,
// byte for byte what encoding/json made of the rows as values (LogAnalytics, kept for
// callers that want the values): it made a [][]any of boxed cells and a string of JSON text
// per dynamic cell, then escaped that text again, for every answer — a tenth of what a class's
// queries allocated. TestLogAnalyticsWriterEqualsEncodingJSON and FuzzJSONEncoders hold the
// two to the same bytes.

// laFlush is how much of an answer is buffered before it is written on.
const laFlush = 64 << 10

// writeLogAnalytics writes the tables and the partial error as
// {"tables":[{"name":…,"columns":[…],"rows":[[…],…]},…],"error":…} and a newline.
func writeLogAnalytics(w io.Writer, tables []*Table, partial *PartialError) error {
	b := make([]byte, 0, 4096)
	var scratch []byte
	var err error
	flush := func() {
		if len(b) >= laFlush && err == nil {
			_, err = w.Write(b)
			b = b[:0]
		}
	}
	b = append(b, `{"tables":[`...)
	for k, t := range tables {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendJSONText(b, t.Name)
		b = append(b, `,"columns":[`...)
		for c, col := range t.Cols {
			if c > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendJSONText(b, col.Name)
			b = append(b, `,"type":`...)
			b = appendJSONText(b, col.Type.String())
			b = append(b, '}')
		}
		b = append(b, `],"rows":[`...)
		for i := 0; i < t.N; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for c, v := range t.Vecs {
				if c > 0 {
					b = append(b, ',')
				}
				b, scratch = appendLACell(b, scratch, v, i)
			}
			b = append(b, ']')
			flush()
		}
		b = append(b, "]}"...)
	}
	b = append(b, ']')
	if partial != nil {
		pe, merr := marshalNoHTML(partial)
		if merr != nil {
			return merr
		}
		b = append(b, `,"error":`...)
		b = append(b, pe...)
	}
	b = append(b, "}\n"...)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// appendLACell appends row i of v as Rows(true) and encoding/json render it; scratch is a
// reusable buffer for a dynamic value's JSON text.
func appendLACell(b, scratch []byte, v *exec.Vector, i int) ([]byte, []byte) {
	switch v.T {
	case types.String:
		return appendJSONText(b, v.S[i]), scratch // a string is never null ("")
	case types.GUID:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		return appendJSONText(b, v.S[i]), scratch
	case types.Bool:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		return strconv.AppendBool(b, v.I[i] != 0), scratch
	case types.Int, types.Long:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		return strconv.AppendInt(b, v.I[i], 10), scratch
	case types.Real, types.Decimal:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		f := v.F[i]
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return appendJSONText(b, types.FormatReal(f)), scratch
		}
		return appendJSONFloat(b, f), scratch
	case types.DateTime:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		return appendJSONText(b, types.FormatDateTimeShort(v.I[i])), scratch
	case types.TimeSpan:
		if v.IsNull(i) {
			return append(b, "null"...), scratch
		}
		return appendJSONText(b, types.FormatTimeSpan(v.I[i])), scratch
	case types.Dynamic:
		d := v.D[i]
		if d == nil {
			return append(b, "null"...), scratch
		}
		scratch = types.AppendDynamicJSON(scratch[:0], d)
		return appendJSONText(b, scratch), scratch
	}
	// Anything else as Rows does it: the value, then encoding/json.
	j, err := marshalNoHTML(types.ToJSON(v.Get(i)))
	if err != nil {
		return append(b, "null"...), scratch
	}
	return append(b, j...), scratch
}

// marshalNoHTML is json.Marshal without HTML escaping (as writeJSON encodes), no newline.
func marshalNoHTML(v any) ([]byte, error) {
	var buf sliceWriter
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf[:len(buf)-1], nil
}

type sliceWriter []byte

func (s *sliceWriter) Write(p []byte) (int, error) {
	*s = append(*s, p...)
	return len(p), nil
}

// appendJSONFloat appends a finite float64 as encoding/json does: the shortest
// representation, in exponent form below 1e-6 or from 1e21 on, "e-07" written "e-7".
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const jsonHex = "0123456789abcdef"

// appendJSONText appends s as a JSON string as encoding/json does without HTML escaping:
// `"` and `\` escaped, control characters as \b \f \n \r \t or \u00XX, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONText[S string | []byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
