package funcs

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// series_outliers(x [, kind, ignore_val, min_percentile, max_percentile]): Tukey's fence
// scores. With the fences lo and hi (the 25th/75th percentiles for "tukey", min_percentile
// and max_percentile — 10 and 90 by default — for "ctukey"), a point above hi scores
// (x-hi)/(hi-lo), below lo (x-lo)/(hi-lo), inside 0; nulls and ignore_val score 0. Scores
// beyond ±1.5 are the doc's mild anomalies, beyond ±3 strong ones.
func registerSeriesOutliers(add func(*Func)) {
	add(fixed("series_outliers", types.Dynamic, []kind{kDyn, kString, kNum, kNum, kNum}, 1, 5, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		if len(a) > 2 {
			if ign := types.FromDynamic(a[2]); !ign.IsNull() {
				if f, fine := ign.AsFloat(); fine {
					for i, x := range vals {
						if x == f {
							ok[i] = false
						}
					}
				}
			}
		}
		lo, hi := fencePercentiles(textArg(a, 1, "ctukey"), numArg(a, 3, 10), numArg(a, 4, 90))
		if lo < 0 {
			return nullDyn
		}
		return types.NewDynamic(floatsAny(outlierScores(vals, ok, lo, hi)))
	}))
}

// fencePercentiles returns the percentiles of an outlier method, or -1 for an unknown
// method or percentiles outside Kusto's [2, 98].
func fencePercentiles(method string, minP, maxP float64) (float64, float64) {
	switch method {
	case "tukey":
		return 25, 75
	case "ctukey":
		if minP < 2 || maxP > 98 || minP >= maxP {
			return -1, -1
		}
		return minP, maxP
	}
	return -1, -1
}

// outlierScores scores every point against the fences at percentiles loP and hiP of the
// present, finite points.
func outlierScores(vals []float64, ok []bool, loP, hiP float64) []float64 {
	sorted := validPoints(vals, ok)
	sort.Float64s(sorted)
	out := make([]float64, len(vals))
	if len(sorted) == 0 {
		return out
	}
	lo, hi := percentileLinear(sorted, loP), percentileLinear(sorted, hiP)
	iqr := hi - lo
	for i, x := range vals {
		if !ok[i] || math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		switch {
		case x > hi:
			out[i] = fenceScore(x-hi, iqr)
		case x < lo:
			out[i] = fenceScore(x-lo, iqr)
		}
	}
	return out
}

// maxFenceScore bounds the score of a point outside fences that coincide (a flat series with
// a spike): any finite distance is then infinitely many ranges away; a large finite score
// keeps the result valid JSON and above every threshold.
const maxFenceScore = 1e6

func fenceScore(d, iqr float64) float64 {
	if iqr <= 0 {
		return math.Copysign(maxFenceScore, d)
	}
	return math.Max(-maxFenceScore, math.Min(maxFenceScore, d/iqr))
}
