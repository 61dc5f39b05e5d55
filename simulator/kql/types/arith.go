package types

import (
	"math"
)

// Op is an arithmetic operator.
type Op uint8

// Arithmetic operators.
const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpMod
)

var opNames = [...]string{OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%"}

// String returns the operator's symbol.
func (o Op) String() string { return opNames[o] }

// ArithType returns the result type of `left op right` following Kusto's
// signatures (Kusto.Language Operators.cs, and real Kusto widening int to
// long, microsoft/Kusto-Query-Language issue #68), or an error message in
// Kusto's words when the operator is not defined for the operand types.
//
//	number op number   → the widest of long/real/decimal (int op int → long)
//	timespan ± timespan → timespan     datetime − datetime → timespan
//	datetime ± timespan → datetime     timespan + datetime → datetime
//	timespan * number → timespan       timespan / timespan → real
//	timespan / number → timespan       timespan % timespan → timespan
//	dynamic op x → dynamic-unwrapped at run time (typed dynamic here)
func ArithType(op Op, left, right Type) (Type, string) {
	if left == Null || right == Null {
		if left == Null && right == Null {
			return Null, ""
		}
		if left == Null {
			left = right
		} else {
			right = left
		}
	}
	if left == Dynamic || right == Dynamic {
		return Dynamic, ""
	}
	if left.IsNumeric() && right.IsNumeric() {
		return widest(left, right), ""
	}
	switch op {
	case OpAdd:
		switch {
		case left == TimeSpan && right == TimeSpan:
			return TimeSpan, ""
		case (left == DateTime && right == TimeSpan) || (left == TimeSpan && right == DateTime):
			return DateTime, ""
		}
	case OpSub:
		switch {
		case left == TimeSpan && right == TimeSpan, left == DateTime && right == DateTime:
			return TimeSpan, ""
		case left == DateTime && right == TimeSpan:
			return DateTime, ""
		}
	case OpMul:
		switch {
		case left == TimeSpan && (right.IsNumeric() || right == TimeSpan), right == TimeSpan && left.IsNumeric():
			return TimeSpan, ""
		}
	case OpDiv:
		switch {
		case left == TimeSpan && right == TimeSpan,
			left == DateTime && (right == TimeSpan || right == DateTime):
			return Real, ""
		case left == TimeSpan && right.IsNumeric():
			return TimeSpan, ""
		}
	case OpMod:
		switch {
		case left == TimeSpan && (right == TimeSpan || right.IsNumeric()):
			return TimeSpan, ""
		case left == DateTime && (right == TimeSpan || right == DateTime):
			return TimeSpan, ""
		}
	}
	return Null, "The operator '" + op.String() + "' is not defined for the operand types " + left.String() + " and " + right.String() + "."
}

func widest(a, b Type) Type {
	switch {
	case a == Real || b == Real:
		return Real
	case a == Decimal || b == Decimal:
		return Decimal
	}
	return Long
}

// Arith evaluates `a op b`. Nulls propagate; integer division or modulo by
// zero is null; real division by zero gives ±Infinity or NaN as in .NET.
func Arith(op Op, a, b Value) Value {
	if a.T == Dynamic {
		a = FromDynamic(a)
	}
	if b.T == Dynamic {
		b = FromDynamic(b)
	}
	t, msg := ArithType(op, a.T, b.T)
	if msg != "" || t == Dynamic {
		return NullOf(t)
	}
	if a.IsNull() || b.IsNull() {
		return NullOf(t)
	}
	switch t {
	case Long:
		return intArith(op, a.I, b.I)
	case Real, Decimal:
		if (a.T == TimeSpan || a.T == DateTime) && (b.T == TimeSpan || b.T == DateTime) {
			// timespan / timespan, datetime / timespan: datetimes count
			// .NET ticks since 0001-01-01 here, as in Kusto.
			if netTicks(b) == 0 {
				return NullOf(Real)
			}
			return NewReal(float64(netTicks(a)) / float64(netTicks(b)))
		}
		x, _ := a.AsFloat()
		y, _ := b.AsFloat()
		r := floatArith(op, x, y)
		if t == Decimal {
			return NewDecimal(r)
		}
		return NewReal(r)
	case TimeSpan, DateTime:
		return timeArith(op, t, a, b)
	}
	return NullOf(t)
}

func intArith(op Op, x, y int64) Value {
	switch op {
	case OpAdd:
		return NewLong(x + y)
	case OpSub:
		return NewLong(x - y)
	case OpMul:
		return NewLong(x * y)
	case OpDiv:
		if y == 0 || (x == math.MinInt64 && y == -1) {
			return NullOf(Long)
		}
		return NewLong(x / y)
	case OpMod:
		if y == 0 {
			return NullOf(Long)
		}
		// Kusto's modulo is never negative: -14 % 12 and -14 % -12 are both
		// 10 (Kusto docs, "Numerical operators").
		if y == math.MinInt64 {
			if x < 0 && x != math.MinInt64 {
				return NewLong(x - math.MinInt64)
			}
			return NewLong(x % y)
		}
		if y < 0 {
			y = -y
		}
		r := x % y
		if r < 0 {
			r += y
		}
		return NewLong(r)
	}
	return NullOf(Long)
}

func floatArith(op Op, x, y float64) float64 {
	switch op {
	case OpAdd:
		return x + y
	case OpSub:
		return x - y
	case OpMul:
		return x * y
	case OpDiv:
		return x / y
	case OpMod:
		return math.Mod(x, y)
	}
	return math.NaN()
}

func timeArith(op Op, t Type, a, b Value) Value {
	switch {
	case a.T.IsNumeric() || b.T.IsNumeric():
		// timespan * number, number * timespan, timespan / number, timespan % number.
		span, num := a, b
		if a.T.IsNumeric() {
			span, num = b, a
		}
		f, _ := num.AsFloat()
		var r float64
		switch op {
		case OpMul:
			r = float64(span.I) * f
		case OpDiv:
			if f == 0 {
				return NullOf(t)
			}
			r = float64(span.I) / f
		case OpMod:
			if f == 0 {
				return NullOf(t)
			}
			r = math.Mod(float64(span.I), f)
		}
		if math.IsNaN(r) || math.IsInf(r, 0) || math.Abs(r) > math.MaxInt64 {
			return NullOf(t)
		}
		return NewTimeSpan(int64(r))
	}
	switch op {
	case OpAdd:
		if t == DateTime {
			return NewDateTimeTicks(a.I + b.I)
		}
		return NewTimeSpan(a.I + b.I)
	case OpSub:
		if t == DateTime {
			return NewDateTimeTicks(a.I - b.I)
		}
		return NewTimeSpan(a.I - b.I)
	case OpMul:
		return NewTimeSpan(a.I * b.I)
	case OpMod:
		if netTicks(b) == 0 {
			return NullOf(TimeSpan)
		}
		r := netTicks(a) % netTicks(b)
		if r < 0 {
			r += abs64(netTicks(b))
		}
		return NewTimeSpan(r)
	}
	return NullOf(t)
}

// netTicks is a datetime's .NET tick count (since 0001-01-01), a
// timespan's ticks as they are.
func netTicks(v Value) int64 {
	if v.T == DateTime {
		return v.I - MinDateTimeTicks
	}
	return v.I
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Negate implements unary minus for numbers and timespans.
func Negate(v Value) Value {
	if v.T == Dynamic {
		v = FromDynamic(v)
	}
	if v.IsNull() {
		return v
	}
	switch v.T {
	case Int, Long:
		return NewLong(-v.I)
	case Real, Decimal:
		v.F = -v.F
		return v
	case TimeSpan:
		return NewTimeSpan(-v.I)
	}
	return NullOf(v.T)
}
