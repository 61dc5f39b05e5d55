package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// series_* functions on numeric dynamic arrays: element-wise math and
// comparisons, reductions, fills and filters.

// seriesOf reads a dynamic array as numbers; a non-numeric element is
// NaN in vals and false in ok.
func seriesOf(v types.Value) (vals []float64, ok []bool, isInt []bool, good bool) {
	arrv, isArr := arr(v)
	if !isArr {
		return nil, nil, nil, false
	}
	vals = make([]float64, len(arrv))
	ok = make([]bool, len(arrv))
	isInt = make([]bool, len(arrv))
	for i, e := range arrv {
		ev := elem(e)
		f, fine := ev.AsFloat()
		if !fine || ev.T == types.Bool {
			vals[i] = math.NaN()
			continue
		}
		vals[i], ok[i], isInt[i] = f, true, ev.T == types.Long || ev.T == types.Int
	}
	return vals, ok, isInt, true
}

// seriesOrScalar reads an argument that may be a series or a number
// (a number is repeated to length n).
func seriesOrScalar(v types.Value, n int) ([]float64, []bool, []bool, bool) {
	if vals, ok, isInt, good := seriesOf(v); good {
		return vals, ok, isInt, true
	}
	s := types.FromDynamic(v)
	f, fine := s.AsFloat()
	if !fine || s.T == types.Bool {
		return nil, nil, nil, false
	}
	vals, ok, isInt := make([]float64, n), make([]bool, n), make([]bool, n)
	for i := range vals {
		vals[i], ok[i], isInt[i] = f, true, s.T == types.Long || s.T == types.Int
	}
	return vals, ok, isInt, true
}

func seriesUnary(name string, f func(float64) float64) *Func {
	return fixed(name, types.Dynamic, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		out := make([]any, len(vals))
		for i, x := range vals {
			if ok[i] {
				out[i] = f(x)
			}
		}
		return types.NewDynamic(out)
	})
}

// seriesBinary applies f element by element; intOp, when set, keeps two
// integers integral. The result is as long as the longer input; missing
// elements give null.
func seriesBinary(name string, f func(x, y float64) any, intOp func(x, y int64) any) *Func {
	return fixed(name, types.Dynamic, []kind{kAny, kAny}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		n := 0
		if x, ok := arr(a[0]); ok {
			n = len(x)
		}
		if y, ok := arr(a[1]); ok && len(y) > n {
			n = len(y)
		}
		xs, xok, xint, g1 := seriesOrScalar(a[0], n)
		ys, yok, yint, g2 := seriesOrScalar(a[1], n)
		if !g1 || !g2 {
			return nullDyn
		}
		out := make([]any, n)
		for i := 0; i < n; i++ {
			if i >= len(xs) || i >= len(ys) || !xok[i] || !yok[i] {
				continue
			}
			if intOp != nil && xint[i] && yint[i] {
				out[i] = intOp(int64(xs[i]), int64(ys[i]))
			} else {
				out[i] = f(xs[i], ys[i])
			}
		}
		return types.NewDynamic(out)
	})
}

func registerSeries(add func(*Func)) {
	for name, f := range map[string]func(float64) float64{
		"series_acos": math.Acos, "series_asin": math.Asin, "series_atan": math.Atan,
		"series_cos": math.Cos, "series_sin": math.Sin, "series_tan": math.Tan,
		"series_exp": math.Exp, "series_log": math.Log, "series_ceiling": math.Ceil,
		"series_floor": math.Floor,
	} {
		add(seriesUnary(name, f))
	}
	add(fixed("series_abs", types.Dynamic, []kind{kDyn}, 1, 1, seriesKeepInt(func(x float64) float64 { return math.Abs(x) })))
	add(fixed("series_sign", types.Dynamic, []kind{kDyn}, 1, 1, seriesKeepInt(func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	})))
	add(seriesBinary("series_add", func(x, y float64) any { return x + y }, func(x, y int64) any { return x + y }))
	add(seriesBinary("series_subtract", func(x, y float64) any { return x - y }, func(x, y int64) any { return x - y }))
	add(seriesBinary("series_multiply", func(x, y float64) any { return x * y }, func(x, y int64) any { return x * y }))
	add(seriesBinary("series_divide", func(x, y float64) any { return x / y }, nil))
	add(seriesBinary("series_pow", func(x, y float64) any { return math.Pow(x, y) }, nil))
	add(seriesBinary("series_equals", func(x, y float64) any { return x == y }, nil))
	add(seriesBinary("series_not_equals", func(x, y float64) any { return x != y }, nil))
	add(seriesBinary("series_greater", func(x, y float64) any { return x > y }, nil))
	add(seriesBinary("series_greater_equals", func(x, y float64) any { return x >= y }, nil))
	add(seriesBinary("series_less", func(x, y float64) any { return x < y }, nil))
	add(seriesBinary("series_less_equals", func(x, y float64) any { return x <= y }, nil))
	registerSeriesReduce(add)
	registerSeriesFill(add)
}

// seriesKeepInt maps every number with f, keeping integers integral.
func seriesKeepInt(f func(float64) float64) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		vals, ok, isInt, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		out := make([]any, len(vals))
		for i, x := range vals {
			switch {
			case !ok[i]:
			case isInt[i]:
				out[i] = int64(f(x))
			default:
				out[i] = f(x)
			}
		}
		return types.NewDynamic(out)
	}
}
