package funcs

import "github.com/soclab/soclab/simulator/kql/types"

// series_stats(x [, ignore_nonfinite]): min, min_idx, max, max_idx, avg, stdev, variance of a
// series as seven columns (series_stats_dynamic gives the same values, plus sum and len, in a
// bag). Variance and stdev are the sample ones, as in Kusto's example.
func registerSeriesStats(add func(*Func)) {
	outs := outputs("min", types.Real, "min_idx", types.Long, "max", types.Real, "max_idx", types.Long,
		"avg", types.Real, "stdev", types.Real, "variance", types.Real)
	add(tupleFunc("series_stats", outs, []kind{kDyn, kBool}, 1, 2, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		ignoreNonFinite := len(a) > 1 && types.FromDynamic(a[1]).T == types.Bool && types.FromDynamic(a[1]).Bool()
		s := seriesStats(vals, ok, ignoreNonFinite)
		out := make([]any, len(outs))
		for i, o := range outs {
			out[i] = s[o.Suffix]
		}
		return out
	}))
}
