package funcs

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Fills of missing values and filters (IIR, FIR, seasonal component).

func registerSeriesFill(add func(*Func)) {
	add(fixed("series_fill_forward", types.Dynamic, []kind{kDyn, kAny}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		return seriesFill(a, 1, func(out []any, missing []bool) {
			var last any
			for i := range out {
				if missing[i] {
					out[i] = last
				} else {
					last = out[i]
				}
			}
		})
	}))
	add(fixed("series_fill_backward", types.Dynamic, []kind{kDyn, kAny}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		return seriesFill(a, 1, func(out []any, missing []bool) {
			var next any
			for i := len(out) - 1; i >= 0; i-- {
				if missing[i] {
					out[i] = next
				} else {
					next = out[i]
				}
			}
		})
	}))
	add(fixed("series_fill_const", types.Dynamic, []kind{kDyn, kAny, kAny}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		c := types.ToDynamicElem(a[1])
		return seriesFill(a, 2, func(out []any, missing []bool) {
			for i := range out {
				if missing[i] {
					out[i] = c
				}
			}
		})
	}))
	add(fixed("series_fill_linear", types.Dynamic, []kind{kDyn, kAny, kBool, kAny}, 1, 4, func(_ *Context, a []types.Value) types.Value {
		fillEdges := len(a) < 3 || a[2].IsNull() || types.FromDynamic(a[2]).Bool()
		return seriesFill(a, 1, func(out []any, missing []bool) { fillLinear(out, missing, fillEdges) })
	}))
	add(fixed("series_iir", types.Dynamic, []kind{kDyn, kDyn, kDyn}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		xs, xok, _, g1 := seriesOf(a[0])
		b, _, _, g2 := seriesOf(a[1])
		den, _, _, g3 := seriesOf(a[2])
		if !g1 || !g2 || !g3 || len(den) == 0 || den[0] == 0 || len(b) == 0 {
			return nullDyn
		}
		y := make([]float64, len(xs))
		out := make([]any, len(xs))
		for n := range xs {
			s := 0.0
			for k := 0; k < len(b) && k <= n; k++ {
				if xok[n-k] {
					s += b[k] * xs[n-k]
				}
			}
			for k := 1; k < len(den) && k <= n; k++ {
				s -= den[k] * y[n-k]
			}
			y[n] = s / den[0]
			out[n] = y[n]
		}
		return types.NewDynamic(out)
	}))
	add(fixed("series_fir", types.Dynamic, []kind{kDyn, kDyn, kBool, kBool}, 2, 4, func(_ *Context, a []types.Value) types.Value {
		xs, xok, _, g1 := seriesOf(a[0])
		f, _, _, g2 := seriesOf(a[1])
		if !g1 || !g2 || len(f) == 0 {
			return nullDyn
		}
		normalize := len(a) < 3 || a[2].IsNull() || types.FromDynamic(a[2]).Bool()
		center := len(a) > 3 && !a[3].IsNull() && types.FromDynamic(a[3]).Bool()
		norm := 1.0
		if normalize {
			norm = 0
			for _, c := range f {
				norm += c
			}
		}
		shift := 0
		if center {
			shift = (len(f) - 1) / 2
		}
		out := make([]any, len(xs))
		for n := range xs {
			s := 0.0
			for k, c := range f {
				if i := n + shift - k; i >= 0 && i < len(xs) && xok[i] {
					s += c * xs[i]
				}
			}
			out[n] = s / norm
		}
		return types.NewDynamic(out)
	}))
	add(fixed("series_seasonal", types.Dynamic, []kind{kDyn, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		xs, ok, _, good := seriesOf(a[0])
		p, ok2 := intArg(a, 1, -1)
		if !good || !ok2 || p < -1 {
			return nullDyn
		}
		if p == -1 {
			// Autodetect, as the docs say: series_periods_detect with a 0.7 score threshold;
			// no period gives zeros.
			p = 0
			if ps, ss := detectPeriods(xs, ok, 4, float64(len(xs)/2), 1); ss[0] >= 0.7 {
				p = int64(ps[0])
			}
		}
		out := make([]any, len(xs))
		if p <= 1 {
			for i := range out {
				out[i] = 0.0
			}
			return types.NewDynamic(out)
		}
		period := int(min(p, int64(len(xs)))) // a longer period: every phase has one value
		for phase := 0; phase < period; phase++ {
			var vals []float64
			for i := phase; i < len(xs); i += period {
				if ok[i] {
					vals = append(vals, xs[i])
				}
			}
			m := median(vals)
			for i := phase; i < len(xs); i += period {
				out[i] = m
			}
		}
		return types.NewDynamic(out)
	}))
}

// seriesFill copies the array, marks missing elements (null, or equal
// to the placeholder argument at index ph) and lets fill replace them.
func seriesFill(a []types.Value, ph int, fill func(out []any, missing []bool)) types.Value {
	src, ok := arr(a[0])
	if !ok {
		return nullDyn
	}
	var placeholder *types.Value
	if len(a) > ph && !a[ph].IsNull() {
		v := types.FromDynamic(a[ph])
		placeholder = &v
	}
	out := make([]any, len(src))
	missing := make([]bool, len(src))
	for i, e := range src {
		out[i] = e
		switch {
		case e == nil:
			missing[i] = true
		case placeholder != nil:
			missing[i] = types.Equal(elem(e), *placeholder)
		}
		if f, isF := e.(float64); isF && math.IsNaN(f) && placeholder == nil {
			missing[i] = true
		}
	}
	fill(out, missing)
	return types.NewDynamic(out)
}

func fillLinear(out []any, missing []bool, fillEdges bool) {
	prev := -1
	for i := 0; i <= len(out); i++ {
		if i < len(out) && missing[i] {
			continue
		}
		if i-prev > 1 {
			switch {
			case prev >= 0 && i < len(out):
				x0, _ := elem(out[prev]).AsFloat()
				x1, _ := elem(out[i]).AsFloat()
				for j := prev + 1; j < i; j++ {
					out[j] = x0 + (x1-x0)*float64(j-prev)/float64(i-prev)
				}
			case fillEdges && prev >= 0:
				for j := prev + 1; j < i; j++ {
					out[j] = out[prev]
				}
			case fillEdges && i < len(out):
				for j := prev + 1; j < i; j++ {
					out[j] = out[i]
				}
			}
		}
		prev = i
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
