package funcs

import "github.com/soclab/soclab/simulator/kql/types"

// series_fit_line and series_fit_2lines as columns, and series_fit_2lines_dynamic as a bag
// (series_fit_line_dynamic is in series_reduce.go). Lines are fitted over x = 1..n, as
// series_fit_line_dynamic does; missing elements are left out of the fit.
func registerSeriesFit(add func(*Func)) {
	lineOuts := outputs("rsquare", types.Real, "slope", types.Real, "variance", types.Real,
		"rvariance", types.Real, "interception", types.Real, "line_fit", types.Dynamic)
	add(tupleFunc("series_fit_line", lineOuts, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		m := fitLine(vals, ok)
		if m == nil {
			return nil
		}
		out := make([]any, len(lineOuts))
		for i, o := range lineOuts {
			out[i] = m[o.Suffix]
		}
		return out
	}))
	twoOuts := outputs("rsquare", types.Real, "split_idx", types.Long, "variance", types.Real,
		"rvariance", types.Real, "line_fit", types.Dynamic,
		"right_rsquare", types.Real, "right_slope", types.Real, "right_interception", types.Real,
		"right_variance", types.Real, "right_rvariance", types.Real,
		"left_rsquare", types.Real, "left_slope", types.Real, "left_interception", types.Real,
		"left_variance", types.Real, "left_rvariance", types.Real)
	add(tupleFunc("series_fit_2lines", twoOuts, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		f := fitTwoLines(vals, ok)
		if f == nil {
			return nil
		}
		l, r := f["left"].(map[string]any), f["right"].(map[string]any)
		return []any{f["rsquare"], f["split_idx"], f["variance"], f["rvariance"], f["line_fit"],
			r["rsquare"], r["slope"], r["interception"], r["variance"], r["rvariance"],
			l["rsquare"], l["slope"], l["interception"], l["variance"], l["rvariance"]}
	}))
	add(fixed("series_fit_2lines_dynamic", types.Dynamic, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		f := fitTwoLines(vals, ok)
		if f == nil {
			return nullDyn
		}
		return types.NewDynamic(f)
	}))
}

// segment is one line of a two-line fit over the present points of [from, to).
type segment struct {
	slope, icpt, ssRes, ssTot float64
	n                         int
}

func fitSegment(vals []float64, ok []bool, from, to int) segment {
	var xs, ys []float64
	for i := from; i < to; i++ {
		if ok[i] {
			xs = append(xs, float64(i+1))
			ys = append(ys, vals[i])
		}
	}
	s := segment{n: len(xs)}
	s.slope, s.icpt, s.ssRes, s.ssTot = lineFit(xs, ys)
	return s
}

func (s segment) bag() map[string]any {
	rsq := 1.0
	if s.ssTot != 0 {
		rsq = 1 - s.ssRes/s.ssTot
	}
	n := float64(max(s.n, 1))
	return map[string]any{"rsquare": rsq, "slope": s.slope, "interception": s.icpt,
		"variance": s.ssTot / n, "rvariance": s.ssRes / n}
}

// fitTwoLines tries every split: the left line over [0, k), the right over [k, n), each with
// at least two points; the best split has the least total residual (the largest total
// r-square). split_idx is k, the first index of the right segment.
func fitTwoLines(vals []float64, ok []bool) map[string]any {
	n := len(vals)
	var all []float64
	for i := range vals {
		if ok[i] {
			all = append(all, vals[i])
		}
	}
	if len(all) < 4 {
		return nil
	}
	mean := 0.0
	for _, v := range all {
		mean += v
	}
	mean /= float64(len(all))
	ssTot := 0.0
	for _, v := range all {
		ssTot += (v - mean) * (v - mean)
	}
	best, bestRes := -1, 0.0
	var bl, br segment
	for k := 2; k <= n-2; k++ {
		l, r := fitSegment(vals, ok, 0, k), fitSegment(vals, ok, k, n)
		if l.n < 2 || r.n < 2 {
			continue
		}
		if res := l.ssRes + r.ssRes; best < 0 || res < bestRes {
			best, bestRes, bl, br = k, res, l, r
		}
	}
	if best < 0 {
		return nil
	}
	fit := make([]any, n)
	for i := range fit {
		s := bl
		if i >= best {
			s = br
		}
		fit[i] = s.slope*float64(i+1) + s.icpt
	}
	rsq := 1.0
	if ssTot != 0 {
		rsq = 1 - bestRes/ssTot
	}
	cnt := float64(len(all))
	return map[string]any{"rsquare": rsq, "split_idx": int64(best), "variance": ssTot / cnt,
		"rvariance": bestRes / cnt, "line_fit": fit, "right": br.bag(), "left": bl.bag()}
}
