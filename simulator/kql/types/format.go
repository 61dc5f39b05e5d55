package types

import (
	"math"
	"strconv"
)

// FormatText renders v as Kusto's tostring() does and as table/CSV output
// shows it: null as "", datetimes as ISO 8601 with seven fraction digits
// (2025-01-15T08:30:00.0000000Z), timespans as [-][d.]hh:mm:ss[.fffffff],
// reals in shortest round-trip form (NaN, Infinity, -Infinity), bools as
// true/false, guids lower case, dynamic strings unquoted and other dynamic
// values as compact JSON.
func FormatText(v Value) string {
	if v.IsNull() {
		return ""
	}
	switch v.T {
	case Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real, Decimal:
		return FormatReal(v.F)
	case String, GUID:
		return v.S
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		return DynamicJSON(v.D)
	}
	return ""
}

// FormatReal renders a float as Kusto does: shortest round-trip digits,
// "NaN", "Infinity", "-Infinity".
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	a := math.Abs(f)
	if a != 0 && (a < 1e-5 || a >= 1e15) {
		// .NET "R" switches to exponent form with a sign and at least 2 digits: 1E+15.
		s := strconv.FormatFloat(f, 'E', -1, 64)
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// FormatDateTime renders ticks since the Unix epoch as Kusto prints a
// datetime: yyyy-MM-ddTHH:mm:ss.fffffffZ.
func FormatDateTime(ticks int64) string {
	var buf [28]byte
	return string(appendDateTime(buf[:0], ticks, true))
}

// FormatDateTimeShort renders a datetime like FormatDateTime but trims a
// zero fraction and trailing zeros (2025-01-15T08:30:00Z,
// 2025-01-15T08:30:00.5Z), the form the Log Analytics query API returns.
func FormatDateTimeShort(ticks int64) string {
	var buf [28]byte
	return string(appendDateTime(buf[:0], ticks, false))
}

func appendDateTime(b []byte, ticks int64, fullFraction bool) []byte {
	t := TicksToTime(ticks)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendPad(b, int64(y), 4)
	b = append(b, '-')
	b = appendPad(b, int64(mo), 2)
	b = append(b, '-')
	b = appendPad(b, int64(d), 2)
	b = append(b, 'T')
	b = appendPad(b, int64(h), 2)
	b = append(b, ':')
	b = appendPad(b, int64(mi), 2)
	b = append(b, ':')
	b = appendPad(b, int64(s), 2)
	frac := int64(t.Nanosecond() / 100)
	b = appendFraction(b, frac, fullFraction)
	return append(b, 'Z')
}

// appendFraction writes ".fffffff" (7 digits) or, when not full, the
// fraction without trailing zeros and nothing when it is zero.
func appendFraction(b []byte, frac int64, full bool) []byte {
	if !full && frac == 0 {
		return b
	}
	start := len(b)
	b = append(b, '.')
	b = appendPad(b, frac, 7)
	if !full {
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		if len(b) == start+1 {
			b = b[:start]
		}
	}
	return b
}

func appendPad(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// FormatTimeSpan renders ticks as Kusto prints a timespan:
// [-][d.]hh:mm:ss[.fffffff] (1.00:00:00, -12:00:00, 00:00:00.1230000).
func FormatTimeSpan(ticks int64) string {
	var b []byte
	neg := ticks < 0
	u := uint64(ticks)
	if neg {
		u = uint64(-ticks) // math.MinInt64 wraps to itself, still correct as uint64
		b = append(b, '-')
	}
	tps := uint64(TicksPerSecond)
	frac := int64(u % tps)
	secs := u / tps
	days := secs / 86400
	secs %= 86400
	if days > 0 {
		b = strconv.AppendUint(b, days, 10)
		b = append(b, '.')
	}
	b = appendPad(b, int64(secs/3600), 2)
	b = append(b, ':')
	b = appendPad(b, int64(secs/60%60), 2)
	b = append(b, ':')
	b = appendPad(b, int64(secs%60), 2)
	if frac != 0 {
		b = appendFraction(b, frac, true)
	}
	return string(b)
}

// ToJSON returns v as a value for encoding/json in query results (the
// Log Analytics / `soclab kql --output json` form): null → nil, bool,
// int64, float64 (NaN/±Inf as the strings "NaN", "Infinity",
// "-Infinity"), strings, datetimes as ISO 8601 with Z (fraction trimmed),
// timespans in Kusto's text form, guids as strings, dynamic as its JSON tree.
func ToJSON(v Value) any {
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
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return FormatReal(v.F)
		}
		return v.F
	case String, GUID:
		return v.S
	case DateTime:
		return FormatDateTimeShort(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		return jsonSafe(v.D)
	}
	return nil
}

// jsonSafe replaces NaN/Inf floats inside a dynamic tree (which
// encoding/json rejects) by their Kusto string forms; it copies the tree
// only when it holds such a float.
func jsonSafe(d any) any {
	if !hasNonFinite(d) {
		return d
	}
	switch x := d.(type) {
	case float64:
		return FormatReal(x)
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = jsonSafe(e)
		}
		return c
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = jsonSafe(e)
		}
		return c
	}
	return d
}

func hasNonFinite(d any) bool {
	switch x := d.(type) {
	case float64:
		return math.IsNaN(x) || math.IsInf(x, 0)
	case []any:
		for _, e := range x {
			if hasNonFinite(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasNonFinite(e) {
				return true
			}
		}
	}
	return false
}
