package funcs

import (
	"math"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// numArg reads optional numeric argument i (def when absent or null).
func numArg(a []types.Value, i int, def float64) float64 {
	if i >= len(a) {
		return def
	}
	v := types.FromDynamic(a[i])
	if f, ok := v.AsFloat(); ok && !v.IsNull() && v.T != types.Bool {
		return f
	}
	return def
}

// textArg reads optional string argument i, lower-cased (def when absent or empty).
func textArg(a []types.Value, i int, def string) string {
	if i >= len(a) {
		return def
	}
	v := types.FromDynamic(a[i])
	if v.T != types.String || v.S == "" {
		return def
	}
	return strings.ToLower(v.S)
}

// validPoints returns the values of a series that are present and finite.
func validPoints(vals []float64, ok []bool) []float64 {
	out := make([]float64, 0, len(vals))
	for i, x := range vals {
		if ok[i] && !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// percentileLinear is the p-th percentile (0-100) of sorted values with linear interpolation
// between the closest ranks.
func percentileLinear(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// lineFit is a least-squares line over the points (xs[i], ys[i]): slope, interception, the
// residual sum of squares and the total sum of squares.
func lineFit(xs, ys []float64) (slope, icpt, ssRes, ssTot float64) {
	n := float64(len(xs))
	if n == 0 {
		return 0, 0, 0, 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	if d := n*sxx - sx*sx; d != 0 {
		slope = (n*sxy - sx*sy) / d
	}
	icpt = (sy - slope*sx) / n
	mean := sy / n
	for i := range xs {
		f := slope*xs[i] + icpt
		ssRes += (ys[i] - f) * (ys[i] - f)
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	return slope, icpt, ssRes, ssTot
}
