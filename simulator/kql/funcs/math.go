package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

var n1 = []kind{kNum}

func realFunc(name string, f func(float64) float64) *Func {
	return fixed(name, types.Real, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := a[0].AsFloat()
		if !ok {
			return types.NullOf(types.Real)
		}
		return types.NewReal(f(x))
	})
}

func registerMath(add func(*Func)) {
	add(realFunc("sqrt", math.Sqrt))
	add(realFunc("exp", math.Exp))
	add(realFunc("exp2", math.Exp2))
	add(realFunc("exp10", func(x float64) float64 { return math.Pow(10, x) }))
	add(realFunc("log", math.Log))
	add(realFunc("log10", math.Log10))
	add(realFunc("log2", math.Log2))
	add(realFunc("cos", math.Cos))
	add(realFunc("sin", math.Sin))
	add(realFunc("tan", math.Tan))
	add(realFunc("acos", math.Acos))
	add(realFunc("asin", math.Asin))
	add(realFunc("atan", math.Atan))
	add(realFunc("degrees", func(x float64) float64 { return x * 180 / math.Pi }))
	add(realFunc("radians", func(x float64) float64 { return x * math.Pi / 180 }))
	add(fixed("pi", types.Real, nil, 0, 0, func(_ *Context, _ []types.Value) types.Value { return types.NewReal(math.Pi) }))
	add(fixed("atan2", types.Real, []kind{kNum, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		y, ok1 := a[0].AsFloat()
		x, ok2 := a[1].AsFloat()
		if !ok1 || !ok2 {
			return types.NullOf(types.Real)
		}
		return types.NewReal(math.Atan2(y, x))
	}))
	add(fixed("pow", types.Real, []kind{kNum, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok1 := a[0].AsFloat()
		y, ok2 := a[1].AsFloat()
		if !ok1 || !ok2 {
			return types.NullOf(types.Real)
		}
		return types.NewReal(math.Pow(x, y))
	}))
	add(&Func{Name: "abs", MinArgs: 1, MaxArgs: 1, params: []kind{kSummable}, retFn: sameAs(0, types.Real), eval: func(_ *Context, a []types.Value) types.Value {
		v := types.FromDynamic(a[0])
		if v.IsNull() {
			return v
		}
		switch v.T {
		case types.Int, types.Long, types.TimeSpan:
			if v.I < 0 {
				v.I = -v.I
			}
			return v
		case types.Real, types.Decimal:
			v.F = math.Abs(v.F)
			return v
		}
		return types.NullOf(v.T)
	}})
	add(&Func{Name: "sign", MinArgs: 1, MaxArgs: 1, params: n1, retFn: sameAs(0, types.Real), eval: func(_ *Context, a []types.Value) types.Value {
		v := types.FromDynamic(a[0])
		f, ok := v.AsFloat()
		if !ok {
			return types.NullOf(v.T)
		}
		s := 0.0
		if f > 0 {
			s = 1
		} else if f < 0 {
			s = -1
		}
		if v.T == types.Int || v.T == types.Long {
			return types.Value{T: v.T, I: int64(s)}
		}
		return types.Value{T: v.T, F: s}
	}})
	add(&Func{Name: "ceiling", MinArgs: 1, MaxArgs: 1, params: n1, retFn: sameAs(0, types.Real), eval: func(_ *Context, a []types.Value) types.Value {
		v := types.FromDynamic(a[0])
		if v.T == types.Real || v.T == types.Decimal {
			v.F = math.Ceil(v.F)
		}
		return v
	}})
	add(&Func{Name: "round", MinArgs: 1, MaxArgs: 2, params: []kind{kNum, kNum}, retFn: sameAs(0, types.Real), eval: round})
	add(fixed("isnan", types.Bool, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		f, ok := a[0].AsFloat()
		return types.NewBool(ok && math.IsNaN(f))
	}))
	add(fixed("isinf", types.Bool, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		f, ok := a[0].AsFloat()
		return types.NewBool(ok && math.IsInf(f, 0))
	}))
	add(fixed("isfinite", types.Bool, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		f, ok := a[0].AsFloat()
		return types.NewBool(ok && !math.IsInf(f, 0) && !math.IsNaN(f))
	}))
	add(fixed("tohex", types.String, []kind{kNum, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		i, ok := a[0].AsInt()
		if !ok || (a[0].T != types.Int && a[0].T != types.Long && a[0].T != types.Dynamic) {
			return types.NewString("")
		}
		var s string
		if a[0].T == types.Int {
			s = strconv.FormatUint(uint64(uint32(i)), 16)
		} else {
			s = strconv.FormatUint(uint64(i), 16)
		}
		if len(a) > 1 {
			if w, ok := a[1].AsInt(); ok && w > int64(len(s)) && w <= 64 {
				s = strings.Repeat("0", int(w)-len(s)) + s
			}
		}
		return types.NewString(s)
	}))
	add(&Func{Name: "max_of", MinArgs: 2, MaxArgs: 64, params: sAny, retFn: commonType, eval: func(_ *Context, a []types.Value) types.Value { return extreme(a, 1) }})
	add(&Func{Name: "min_of", MinArgs: 2, MaxArgs: 64, params: sAny, retFn: commonType, eval: func(_ *Context, a []types.Value) types.Value { return extreme(a, -1) }})
}

// round(number[, precision]) rounds half away from zero (.NET
// MidpointRounding.AwayFromZero, which Kusto uses).
func round(_ *Context, a []types.Value) types.Value {
	v := types.FromDynamic(a[0])
	prec := int64(0)
	if len(a) > 1 {
		var ok bool
		if prec, ok = a[1].AsInt(); !ok {
			return types.NullOf(v.T)
		}
	}
	if v.IsNull() {
		return v
	}
	switch v.T {
	case types.Int, types.Long:
		if prec >= 0 {
			return v
		}
		if prec < -18 { // rounding to more digits than a long has
			v.I = 0
			return v
		}
		p := int64(math.Pow10(int(-prec)))
		q := v.I / p
		if r := v.I % p; r*2 >= p {
			q++
		} else if r*2 <= -p {
			q--
		}
		v.I = q * p
		return v
	case types.Real, types.Decimal:
		p := math.Pow10(int(max(min(prec, 400), -400)))
		r := math.Round(v.F*p) / p
		if math.IsInf(v.F*p, 0) {
			r = v.F
		}
		v.F = r
		return v
	}
	return types.NullOf(v.T)
}

// commonType is the result type of max_of/min_of/coalesce/iff: the
// widest numeric type, else the first known type.
func commonType(args []Arg) (types.Type, error) {
	t := types.Null
	for _, a := range args {
		switch {
		case a.T == types.Null:
		case t == types.Null:
			t = a.T
		case t.IsNumeric() && a.T.IsNumeric():
			t = widestNum(t, a.T)
		}
	}
	return t, nil
}

func widestNum(a, b types.Type) types.Type {
	switch {
	case a == types.Real || b == types.Real:
		return types.Real
	case a == types.Decimal || b == types.Decimal:
		return types.Decimal
	case a == types.Long || b == types.Long:
		return types.Long
	}
	return types.Int
}

// extreme returns the max (dir 1) or min (dir -1), ignoring nulls.
func extreme(a []types.Value, dir int) types.Value {
	var best types.Value
	found := false
	for _, v := range a {
		v = types.FromDynamic(v)
		if v.IsNull() {
			continue
		}
		if !found {
			best, found = v, true
			continue
		}
		if c, ok := types.Compare(v, best); ok && c*dir > 0 {
			best = v
		}
	}
	if !found {
		return types.NullOf(a[0].T)
	}
	// Promote to the widest numeric type among the arguments.
	t := best.T
	for _, v := range a {
		if t.IsNumeric() && v.T.IsNumeric() {
			t = widestNum(t, v.T)
		}
	}
	if t != best.T {
		return types.Convert(best, t)
	}
	return best
}

// registerMoreMath adds erf, erfc, cot, gamma and loggamma.
func registerMoreMath(add func(*Func)) {
	add(realFunc("cot", func(x float64) float64 { return 1 / math.Tan(x) }))
	add(realFunc("gamma", math.Gamma))
	add(realFunc("loggamma", func(x float64) float64 { l, _ := math.Lgamma(x); return l }))
	add(realFunc("erf", math.Erf))
	add(realFunc("erfc", math.Erfc))
}
