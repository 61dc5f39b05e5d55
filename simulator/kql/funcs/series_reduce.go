package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Reductions of series: sums, products, similarity, statistics, line fit.

func registerSeriesReduce(add func(*Func)) {
	d1 := []kind{kDyn}
	add(fixed("series_sum", types.Real, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullReal
		}
		s := 0.0
		for i, x := range vals {
			if ok[i] {
				s += x
			}
		}
		return types.NewReal(s)
	}))
	add(fixed("series_product", types.Real, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullReal
		}
		p := 1.0
		for i, x := range vals {
			if ok[i] {
				p *= x
			}
		}
		return types.NewReal(p)
	}))
	add(fixed("series_magnitude", types.Real, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullReal
		}
		s := 0.0
		for i, x := range vals {
			if ok[i] {
				s += x * x
			}
		}
		return types.NewReal(math.Sqrt(s))
	}))
	add(fixed("series_dot_product", types.Real, []kind{kAny, kAny}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		xs, ys, ok := seriesPair(a)
		if !ok {
			return nullReal
		}
		s := 0.0
		for i := range xs {
			s += xs[i] * ys[i]
		}
		return types.NewReal(s)
	}))
	add(fixed("series_cosine_similarity", types.Real, []kind{kDyn, kDyn, kNum, kNum}, 2, 4, func(_ *Context, a []types.Value) types.Value {
		xs, ys, ok := seriesPair(a[:2])
		if !ok {
			return nullReal
		}
		dot, nx, ny := 0.0, 0.0, 0.0
		for i := range xs {
			dot += xs[i] * ys[i]
			nx += xs[i] * xs[i]
			ny += ys[i] * ys[i]
		}
		if len(a) > 2 {
			if m, ok := num(a[2]); ok {
				nx = m * m
			}
		}
		if len(a) > 3 {
			if m, ok := num(a[3]); ok {
				ny = m * m
			}
		}
		return types.NewReal(dot / math.Sqrt(nx*ny))
	}))
	add(fixed("series_pearson_correlation", types.Real, []kind{kDyn, kDyn}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		xs, ys, ok := seriesPair(a)
		if !ok || len(xs) == 0 {
			return nullReal
		}
		n := float64(len(xs))
		var sx, sy, sxx, syy, sxy float64
		for i := range xs {
			sx += xs[i]
			sy += ys[i]
			sxx += xs[i] * xs[i]
			syy += ys[i] * ys[i]
			sxy += xs[i] * ys[i]
		}
		return types.NewReal((n*sxy - sx*sy) / math.Sqrt((n*sxx-sx*sx)*(n*syy-sy*sy)))
	}))
	add(fixed("series_stats_dynamic", types.Dynamic, []kind{kDyn, kBool}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		ignoreNonFinite := len(a) > 1 && types.FromDynamic(a[1]).T == types.Bool && a[1].Bool()
		return types.NewDynamic(seriesStats(vals, ok, ignoreNonFinite))
	}))
	add(fixed("series_fit_line_dynamic", types.Dynamic, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		return types.NewDynamic(fitLine(vals, ok))
	}))
}

// seriesPair reads two equally long numeric series (a scalar second
// argument is repeated); missing elements count as 0.
func seriesPair(a []types.Value) ([]float64, []float64, bool) {
	xs, xok, _, g1 := seriesOf(a[0])
	if !g1 {
		return nil, nil, false
	}
	ys, yok, _, g2 := seriesOrScalar(a[1], len(xs))
	if !g2 {
		return nil, nil, false
	}
	n := min(len(xs), len(ys))
	x, y := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		if xok[i] {
			x[i] = xs[i]
		}
		if yok[i] {
			y[i] = ys[i]
		}
	}
	return x, y, true
}

// seriesStats is series_stats_dynamic's bag (variance and stdev are the
// sample ones).
func seriesStats(vals []float64, ok []bool, ignoreNonFinite bool) map[string]any {
	minV, maxV := math.Inf(1), math.Inf(-1)
	minI, maxI := int64(-1), int64(-1)
	sum, n := 0.0, 0
	for i, x := range vals {
		if !ok[i] || (ignoreNonFinite && (math.IsInf(x, 0) || math.IsNaN(x))) {
			continue
		}
		if x < minV || minI < 0 {
			minV, minI = x, int64(i)
		}
		if x > maxV || maxI < 0 {
			maxV, maxI = x, int64(i)
		}
		sum += x
		n++
	}
	if n == 0 {
		return map[string]any{"min": nil, "min_idx": nil, "max": nil, "max_idx": nil, "avg": nil, "stdev": nil, "variance": nil, "sum": nil, "len": int64(len(vals))}
	}
	avg := sum / float64(n)
	ss := 0.0
	for i, x := range vals {
		if ok[i] && !(ignoreNonFinite && (math.IsInf(x, 0) || math.IsNaN(x))) {
			ss += (x - avg) * (x - avg)
		}
	}
	variance := 0.0
	if n > 1 {
		variance = ss / float64(n-1)
	}
	return map[string]any{"min": minV, "min_idx": minI, "max": maxV, "max_idx": maxI, "avg": avg,
		"stdev": math.Sqrt(variance), "variance": variance, "sum": sum, "len": int64(len(vals))}
}

// fitLine is series_fit_line_dynamic's bag: least squares over x = 1..n.
func fitLine(vals []float64, ok []bool) map[string]any {
	var xs, ys []float64
	for i, y := range vals {
		if ok[i] {
			xs = append(xs, float64(i+1))
			ys = append(ys, y)
		}
	}
	n := float64(len(xs))
	if n == 0 {
		return nil
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	slope := 0.0
	if d := n*sxx - sx*sx; d != 0 {
		slope = (n*sxy - sx*sy) / d
	}
	icpt := (sy - slope*sx) / n
	mean := sy / n
	var ssTot, ssRes float64
	fit := make([]any, len(vals))
	for i := range vals {
		fit[i] = slope*float64(i+1) + icpt
	}
	for i := range xs {
		f := slope*xs[i] + icpt
		ssRes += (ys[i] - f) * (ys[i] - f)
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	rsq := 1.0
	if ssTot != 0 {
		rsq = 1 - ssRes/ssTot
	}
	return map[string]any{"rsquare": rsq, "slope": slope, "variance": ssTot / n, "rvariance": ssRes / n,
		"interception": icpt, "line_fit": fit}
}
