package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// bin/floor/bin_at round numbers, datetimes and timespans down to a
// multiple of the bin size (from an optional origin).

func binType(args []Arg) (types.Type, error) {
	if len(args) == 0 {
		return types.Null, nil
	}
	t := args[0].T
	switch {
	case t == types.Int || t == types.Long:
		if args[1].T == types.Real || args[1].T == types.Decimal {
			return types.Real, nil
		}
		return types.Long, nil
	}
	return t, nil
}

// bin(value, roundTo) rounds down to a multiple of roundTo; a zero or
// negative bin size gives null.
func bin(_ *Context, a []types.Value) types.Value {
	return binAtPoint(a[0], a[1], types.Value{})
}

func binAt(_ *Context, a []types.Value) types.Value {
	return binAtPoint(a[0], a[1], a[2])
}

func binAtPoint(v, size, at types.Value) types.Value {
	if v.T == types.Dynamic {
		v = types.FromDynamic(v)
	}
	if v.IsNull() || size.IsNull() || at.Null {
		return types.NullOf(v.T)
	}
	switch v.T {
	case types.DateTime, types.TimeSpan:
		var step int64
		switch size.T {
		case types.TimeSpan:
			step = size.I
		default:
			f, ok := size.AsFloat()
			if !ok {
				return types.NullOf(v.T)
			}
			step = int64(f)
		}
		if step <= 0 {
			return types.NullOf(v.T)
		}
		origin := int64(0)
		if at.T == v.T {
			origin = at.I
		}
		r := origin + floorDiv(v.I-origin, step)*step
		if v.T == types.DateTime {
			return types.NewDateTimeTicks(r)
		}
		return types.NewTimeSpan(r)
	case types.Int, types.Long:
		if size.T == types.Int || size.T == types.Long {
			if size.I <= 0 {
				return types.NullOf(types.Long)
			}
			origin := int64(0)
			if o, ok := at.AsInt(); ok {
				origin = o
			}
			return types.NewLong(origin + floorDiv(v.I-origin, size.I)*size.I)
		}
	}
	x, ok1 := v.AsFloat()
	s, ok2 := size.AsFloat()
	if !ok1 || !ok2 || s <= 0 {
		return types.NullOf(types.Real)
	}
	origin, _ := at.AsFloat()
	r := origin + math.Floor((x-origin)/s)*s
	if v.T == types.Decimal {
		return types.NewDecimal(r)
	}
	return types.NewReal(r)
}

// bindBin specializes the common bin(TimeGenerated, 5m): a datetime or
// timespan column binned by a constant positive timespan.
func bindBin(args []Arg) (EvalFunc, error) {
	if len(args) == 2 && (args[0].T == types.DateTime || args[0].T == types.TimeSpan) &&
		args[1].Const && args[1].V.T == types.TimeSpan && !args[1].V.Null && args[1].V.I > 0 {
		step, t := args[1].V.I, args[0].T
		return func(_ *Context, a []types.Value) types.Value {
			v := a[0]
			if v.T != t || v.Null {
				return binAtPoint(v, a[1], types.Value{})
			}
			r := floorDiv(v.I, step) * step
			if t == types.DateTime {
				return types.NewDateTimeTicks(r)
			}
			return types.NewTimeSpan(r)
		}, nil
	}
	return bin, nil
}
