package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// series_decompose, series_decompose_anomalies and series_decompose_forecast, as the docs
// describe them:
//
//  1. seasonal: with a period p (given, or detected with series_periods_detect over
//     [4, n/2] when Seasonality is -1 and the best score reaches Seasonality_threshold, 0.6
//     by default), each point's value is the median of the learning points in its phase;
//     without one, 0;
//  2. trend, over the deseasonalized learning points: their average ("avg"), their
//     least-squares line extended over the whole series ("linefit"), or 0 ("none");
//  3. baseline = seasonal + trend, residual = x - baseline.
//
// The learning points are all but the last Test_points. Anomalies score the residual with
// series_outliers (ctukey or tukey) and flag scores beyond ±Threshold (1.5) as +1/-1.
// The forecast is the baseline with Points test points (trend "linefit" by default).
func registerSeriesDecompose(add func(*Func)) {
	decOuts := outputs("baseline", types.Dynamic, "seasonal", types.Dynamic, "trend", types.Dynamic, "residual", types.Dynamic)
	add(tupleFunc("series_decompose", decOuts, []kind{kDyn, kNum, kString, kNum, kNum}, 1, 5, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		d, fine := decompose(vals, ok, decomposeArgs{
			season: numArg(a, 1, -1), trend: textArg(a, 2, "avg"), test: numArg(a, 3, 0), threshold: numArg(a, 4, 0.6)})
		if !fine {
			return nil
		}
		return []any{floatsAny(d.baseline), floatsAny(d.seasonal), floatsAny(d.trend), residualAny(d.residual, ok)}
	}))
	adOuts := outputs("ad_flag", types.Dynamic, "ad_score", types.Dynamic, "baseline", types.Dynamic)
	add(tupleFunc("series_decompose_anomalies", adOuts, []kind{kDyn, kNum, kNum, kString, kNum, kString, kNum}, 1, 7, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		threshold := numArg(a, 1, 1.5)
		d, fine := decompose(vals, ok, decomposeArgs{
			season: numArg(a, 2, -1), trend: textArg(a, 3, "avg"), test: numArg(a, 4, 0), threshold: numArg(a, 6, 0.6)})
		lo, hi := fencePercentiles(textArg(a, 5, "ctukey"), 10, 90)
		if !fine || lo < 0 {
			return nil
		}
		scores := outlierScores(d.residual, ok, lo, hi)
		flags := make([]any, len(scores))
		for i, s := range scores {
			switch {
			case s > threshold:
				flags[i] = int64(1)
			case s < -threshold:
				flags[i] = int64(-1)
			default:
				flags[i] = int64(0)
			}
		}
		return []any{flags, floatsAny(scores), floatsAny(d.baseline)}
	}))
	add(fixed("series_decompose_forecast", types.Dynamic, []kind{kDyn, kNum, kNum, kString, kNum}, 2, 5, func(_ *Context, a []types.Value) types.Value {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nullDyn
		}
		d, fine := decompose(vals, ok, decomposeArgs{
			season: numArg(a, 2, -1), trend: textArg(a, 3, "linefit"), test: numArg(a, 1, 0), threshold: numArg(a, 4, 0.6)})
		if !fine {
			return nullDyn
		}
		return types.NewDynamic(floatsAny(d.baseline))
	}))
}

// decomposeArgs are series_decompose's optional arguments.
type decomposeArgs struct {
	season    float64 // -1 detect, 0 none, else the period in bins
	trend     string  // avg, linefit, none
	test      float64 // points at the end left out of learning
	threshold float64 // seasonality score threshold for detection
}

type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose splits a series (see registerSeriesDecompose); fine is false for invalid
// arguments (an unknown trend, a negative period or test point count).
func decompose(vals []float64, ok []bool, args decomposeArgs) (decomposition, bool) {
	n := len(vals)
	if !(args.test >= 0 && args.test <= float64(n)) || !(args.season >= -1) || !(args.threshold == args.threshold) {
		return decomposition{}, false
	}
	test := int(args.test)
	if args.season > float64(n) {
		args.season = float64(n) // a longer period: every phase has one point
	}
	if args.trend != "avg" && args.trend != "linefit" && args.trend != "none" {
		return decomposition{}, false
	}
	learn := n - test
	present := func(i int) bool { return ok[i] && !math.IsNaN(vals[i]) && !math.IsInf(vals[i], 0) }
	period := 0
	switch {
	case args.season < -1 || (args.season > -1 && args.season < 0):
		return decomposition{}, false
	case args.season == -1:
		ps, ss := detectPeriods(vals[:learn], ok[:learn], 4, float64(learn/2), 1)
		if ss[0] >= args.threshold && ss[0] > 0 {
			period = int(ps[0])
		}
	default:
		period = int(args.season)
	}
	d := decomposition{baseline: make([]float64, n), seasonal: make([]float64, n), trend: make([]float64, n), residual: make([]float64, n)}
	if period > 1 {
		for phase := 0; phase < period && phase < n; phase++ {
			var pts []float64
			for i := phase; i < learn; i += period {
				if present(i) {
					pts = append(pts, vals[i])
				}
			}
			m := 0.0
			if len(pts) > 0 {
				m = median(pts)
			}
			for i := phase; i < n; i += period {
				d.seasonal[i] = m
			}
		}
	}
	var xs, ys []float64
	for i := 0; i < learn; i++ {
		if present(i) {
			xs = append(xs, float64(i))
			ys = append(ys, vals[i]-d.seasonal[i])
		}
	}
	switch args.trend {
	case "avg":
		avg := 0.0
		for _, y := range ys {
			avg += y
		}
		if len(ys) > 0 {
			avg /= float64(len(ys))
		}
		for i := range d.trend {
			d.trend[i] = avg
		}
	case "linefit":
		slope, icpt, _, _ := lineFit(xs, ys)
		for i := range d.trend {
			d.trend[i] = slope*float64(i) + icpt
		}
	}
	for i := range vals {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		if present(i) {
			d.residual[i] = vals[i] - d.baseline[i]
		}
	}
	return d, true
}

// residualAny gives the residual series with nulls where the input had none.
func residualAny(res []float64, ok []bool) []any {
	out := make([]any, len(res))
	for i, r := range res {
		if ok[i] {
			out[i] = finiteOrNil(r)
		}
	}
	return out
}
