package types

import (
	"math"
	"strconv"
	"strings"
)

// Convert converts v to type t with the rules of Kusto's to<type>()
// functions (tostring, tolong, toint, toreal, tobool, todatetime,
// totimespan, toguid, todecimal, todynamic). A value that cannot be
// converted becomes null of t (a string never becomes null: tostring(null)
// is "").
func Convert(v Value, t Type) Value {
	switch t {
	case String:
		return NewString(FormatText(v))
	case Long:
		if i, ok := toInt64(v); ok {
			return NewLong(i)
		}
	case Int:
		if i, ok := toInt64(v); ok && i >= -1<<31 && i < 1<<31 {
			return NewInt(i) // out of int32 range is null, not wrapped
		}
	case Real:
		if f, ok := toFloat(v); ok {
			return NewReal(f)
		}
	case Decimal:
		if f, ok := toFloat(v); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return NewDecimal(f)
		}
	case Bool:
		if b, ok := toBool(v); ok {
			return NewBool(b)
		}
	case DateTime:
		return toDateTime(v)
	case TimeSpan:
		return toTimeSpan(v)
	case GUID:
		if s, ok := textOf(v); ok {
			if g, ok := ParseGUID(s); ok {
				return NewGUID(g)
			}
		}
	case Dynamic:
		return ToDynamic(v)
	}
	return NullOf(t)
}

// textOf returns the text of a string, or of a dynamic string, guid.
func textOf(v Value) (string, bool) {
	if v.IsNull() {
		return "", false
	}
	switch v.T {
	case String, GUID:
		return v.S, true
	case Dynamic:
		s, ok := v.D.(string)
		return s, ok
	}
	return "", false
}

// toInt64 follows tolong(): numbers truncate toward zero, bools are 0/1,
// strings parse as integers (a string with a fraction or exponent parses
// as a real and truncates), timespans/datetimes give their ticks.
func toInt64(v Value) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case Bool, Int, Long, DateTime, TimeSpan:
		return v.I, true
	case Real, Decimal:
		return floatToInt(v.F)
	case String:
		return parseIntText(v.S)
	case Dynamic:
		switch d := v.D.(type) {
		case int64:
			return d, true
		case float64:
			return floatToInt(d)
		case bool:
			if d {
				return 1, true
			}
			return 0, true
		case string:
			return parseIntText(d)
		}
	}
	return 0, false
}

func floatToInt(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

func parseIntText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, true
	}
	if f, ok := parseRealText(s); ok {
		return floatToInt(f)
	}
	return 0, false
}

// parseRealText parses a real as Kusto's toreal() does, including the
// spellings NaN, Infinity/inf and -Infinity.
func parseRealText(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "infinity", "+infinity", "inf":
		return math.Inf(1), true
	case "-infinity", "-inf":
		return math.Inf(-1), true
	}
	// Reject Go-only syntaxes (hex floats, underscores).
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func toFloat(v Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case Bool, Int, Long, DateTime, TimeSpan:
		return float64(v.I), true
	case Real, Decimal:
		return v.F, true
	case String:
		return parseRealText(v.S)
	case Dynamic:
		switch d := v.D.(type) {
		case int64:
			return float64(d), true
		case float64:
			return d, true
		case bool:
			if d {
				return 1, true
			}
			return 0, true
		case string:
			return parseRealText(d)
		}
	}
	return 0, false
}

// toBool follows tobool(): "true"/"false" in any case, numbers (non-zero
// is true); other strings are null.
func toBool(v Value) (bool, bool) {
	if v.IsNull() {
		return false, false
	}
	switch v.T {
	case Bool, Int, Long:
		return v.I != 0, true
	case Real, Decimal:
		if math.IsNaN(v.F) {
			return false, false
		}
		return v.F != 0, true
	case String:
		return parseBoolText(v.S)
	case Dynamic:
		switch d := v.D.(type) {
		case bool:
			return d, true
		case int64:
			return d != 0, true
		case float64:
			return d != 0, true
		case string:
			return parseBoolText(d)
		}
	}
	return false, false
}

func parseBoolText(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func toDateTime(v Value) Value {
	if v.IsNull() {
		return NullOf(DateTime)
	}
	switch v.T {
	case DateTime:
		return v
	case String:
		if t, ok := ParseDateTime(v.S); ok {
			return NewDateTimeTicks(t)
		}
	case Dynamic:
		if s, ok := v.D.(string); ok {
			if t, ok := ParseDateTime(s); ok {
				return NewDateTimeTicks(t)
			}
		}
	}
	return NullOf(DateTime)
}

// toTimeSpan follows totimespan(): strings in literal or clock form; a
// number is a count of ticks.
func toTimeSpan(v Value) Value {
	if v.IsNull() {
		return NullOf(TimeSpan)
	}
	switch v.T {
	case TimeSpan:
		return v
	case Int, Long:
		return NewTimeSpan(v.I)
	case Real, Decimal:
		if i, ok := floatToInt(v.F); ok {
			return NewTimeSpan(i)
		}
	case String:
		if t, ok := ParseTimeSpan(v.S); ok {
			return NewTimeSpan(t)
		}
	case Dynamic:
		switch d := v.D.(type) {
		case string:
			if t, ok := ParseTimeSpan(d); ok {
				return NewTimeSpan(t)
			}
		case int64:
			return NewTimeSpan(d)
		}
	}
	return NullOf(TimeSpan)
}

// ToDynamic follows todynamic()/parse_json(): a string holding JSON
// becomes that JSON tree; a string that is not valid JSON becomes a
// dynamic string; other scalars become the matching dynamic element.
func ToDynamic(v Value) Value {
	if v.IsNull() {
		return NullOf(Dynamic)
	}
	switch v.T {
	case Dynamic:
		return v
	case String:
		if v.S == "" {
			return NullOf(Dynamic)
		}
		d, err := ParseJSON(v.S)
		if err != nil {
			return NewDynamic(v.S)
		}
		return NewDynamic(d)
	}
	return NewDynamic(ToDynamicElem(v))
}

// FromDynamic converts a dynamic element to the scalar type it naturally
// has (long, real, bool, string); arrays and bags stay dynamic. Used when
// a dynamic value is compared with or combined with a typed scalar.
func FromDynamic(v Value) Value {
	if v.T != Dynamic {
		return v
	}
	switch d := v.D.(type) {
	case bool:
		return NewBool(d)
	case int64:
		return NewLong(d)
	case float64:
		return NewReal(d)
	case string:
		return NewString(d)
	}
	return v
}
