package types

import (
	"math"
	"time"
)

// Value is one Kusto scalar. It is a plain struct so that columns of scalars
// and per-row evaluation never allocate; only strings and dynamic values
// point to heap data.
//
// Field use by type:
//
//	Bool      I = 0 or 1
//	Int, Long I (an int is kept in range of int32 by its producers)
//	Real      F
//	Decimal   F (float64: this engine does not model 128-bit decimals)
//	String    S (Kusto strings are never null: the null string is "")
//	DateTime  I = 100 ns ticks since 1970-01-01T00:00:00Z (may be negative)
//	TimeSpan  I = 100 ns ticks
//	GUID      S = the canonical lower-case form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
//	Dynamic   D = nil (JSON null), bool, int64, float64, string, []any or
//	          map[string]any; see dynamic.go
//
// Null is true for a null of a typed column (`long(null)`, a failed
// `toint("x")`, `dynamic(null)`). The zero Value is an untyped null.
type Value struct {
	T    Type
	Null bool
	I    int64
	F    float64
	S    string
	D    any
}

// Ticks per unit of time (Kusto's tick is 100 ns).
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour
)

// MinDateTimeTicks and MaxDateTimeTicks bound Kusto's datetime range,
// 0001-01-01 to 9999-12-31T23:59:59.9999999, as ticks since the Unix epoch.
const (
	MinDateTimeTicks int64 = -621355968000000000
	MaxDateTimeTicks int64 = 2534023007999999999
)

// NullOf returns the null value of type t.
func NullOf(t Type) Value {
	if t == String {
		return Value{T: String}
	}
	return Value{T: t, Null: true}
}

// NewBool returns a bool value.
func NewBool(b bool) Value {
	if b {
		return Value{T: Bool, I: 1}
	}
	return Value{T: Bool}
}

// NewInt returns an int (32-bit in Kusto) value.
func NewInt(i int64) Value { return Value{T: Int, I: int64(int32(i))} }

// NewLong returns a long value.
func NewLong(i int64) Value { return Value{T: Long, I: i} }

// NewReal returns a real value.
func NewReal(f float64) Value { return Value{T: Real, F: f} }

// NewDecimal returns a decimal value (held as float64).
func NewDecimal(f float64) Value { return Value{T: Decimal, F: f} }

// NewString returns a string value.
func NewString(s string) Value { return Value{T: String, S: s} }

// NewDateTimeTicks returns a datetime from 100 ns ticks since the Unix epoch;
// out of Kusto's range it is null.
func NewDateTimeTicks(ticks int64) Value {
	if ticks < MinDateTimeTicks || ticks > MaxDateTimeTicks {
		return NullOf(DateTime)
	}
	return Value{T: DateTime, I: ticks}
}

// NewDateTime returns a datetime from a time.Time (truncated to 100 ns).
func NewDateTime(t time.Time) Value {
	return NewDateTimeTicks(TimeToTicks(t))
}

// NewTimeSpan returns a timespan of the given 100 ns ticks.
func NewTimeSpan(ticks int64) Value { return Value{T: TimeSpan, I: ticks} }

// NewDuration returns a timespan from a Go duration (truncated to 100 ns).
func NewDuration(d time.Duration) Value { return Value{T: TimeSpan, I: int64(d) / 100} }

// NewGUID returns a guid value from its canonical string (lower-cased by
// the caller, see ParseGUID).
func NewGUID(canonical string) Value { return Value{T: GUID, S: canonical} }

// NewDynamic returns a dynamic value holding d (see dynamic.go for the
// allowed Go types). A nil d is dynamic(null).
func NewDynamic(d any) Value {
	if d == nil {
		return Value{T: Dynamic, Null: true}
	}
	return Value{T: Dynamic, D: d}
}

// IsNull reports whether v is null in Kusto's sense: a typed or untyped
// null. An empty string is not null (isnull("") is false; use IsEmpty).
func (v Value) IsNull() bool { return v.Null || v.T == Null }

// IsEmpty reports Kusto's isempty(): null, or an empty string, or the
// empty string form of a dynamic string.
func (v Value) IsEmpty() bool {
	if v.IsNull() {
		return true
	}
	switch v.T {
	case String:
		return v.S == ""
	case Dynamic:
		s, ok := v.D.(string)
		return ok && s == ""
	}
	return false
}

// Bool returns the value of a non-null bool.
func (v Value) Bool() bool { return v.I != 0 }

// Time returns a datetime value as a UTC time.Time.
func (v Value) Time() time.Time { return TicksToTime(v.I) }

// TimeToTicks converts t to 100 ns ticks since the Unix epoch.
func TimeToTicks(t time.Time) int64 {
	return t.Unix()*TicksPerSecond + int64(t.Nanosecond())/100
}

// TicksToTime converts 100 ns ticks since the Unix epoch to a UTC time.
func TicksToTime(ticks int64) time.Time {
	sec := ticks / TicksPerSecond
	rem := ticks % TicksPerSecond
	if rem < 0 {
		sec--
		rem += TicksPerSecond
	}
	return time.Unix(sec, rem*100).UTC()
}

// AsFloat returns a numeric value (int, long, real, decimal, bool) as a
// float64; ok is false for null and non-numeric values.
func (v Value) AsFloat() (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case Int, Long, Bool:
		return float64(v.I), true
	case Real, Decimal:
		return v.F, true
	}
	return 0, false
}

// AsInt returns an integer value (int, long, bool) as int64, or a real
// truncated toward zero; ok is false for null, NaN/inf and non-numbers.
func (v Value) AsInt() (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case Int, Long, Bool:
		return v.I, true
	case Real, Decimal:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return 0, false
		}
		return int64(v.F), true
	}
	return 0, false
}
