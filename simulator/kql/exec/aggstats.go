package exec

import (
	"math"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Row-selecting and statistical aggregates: arg_min/arg_max, percentiles, moments, bitwise.

type argAgg struct {
	spec *AggSpec
	max  bool
	best [][]types.Value
}

func (a *argAgg) Add(env *Env, g int32, t *Table, i int) {
	a.best = grow(a.best, g)
	v := a.spec.Args[0].Eval(env, t, i)
	cur := a.best[g]
	if cur != nil {
		if v.IsNull() {
			return
		}
		if !cur[0].IsNull() {
			c := Compare(v, cur[0])
			if (a.max && c <= 0) || (!a.max && c >= 0) {
				return
			}
		}
	}
	row := make([]types.Value, 1+len(a.spec.Extra))
	row[0] = v
	for k, e := range a.spec.Extra {
		row[k+1] = e.Eval(env, t, i)
	}
	a.best[g] = row
}

func (a *argAgg) Result(g int32, out []types.Value) {
	a.best = grow(a.best, g)
	for k := range out {
		if a.best[g] == nil {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = a.best[g][k]
		}
	}
}

type percentileAgg struct {
	spec *AggSpec
	vals [][]types.Value
	wts  [][]int64
	n    int64 // values over all groups, for the run's memory budget
}

// StateBytes is the size of the values kept (a Value and a weight each).
func (a *percentileAgg) StateBytes() int64 { return 64 * a.n }

func (a *percentileAgg) weighted() bool { return strings.Contains(a.spec.Func, "w") }

func (a *percentileAgg) Add(env *Env, g int32, t *Table, i int) {
	a.vals = grow(a.vals, g)
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	if a.weighted() {
		a.wts = grow(a.wts, g)
		w, ok := a.spec.Args[1].Eval(env, t, i).AsInt()
		if !ok || w <= 0 {
			return
		}
		a.wts[g] = append(a.wts[g], w)
	}
	a.vals[g] = append(a.vals[g], v)
	a.n++
}

func (a *percentileAgg) Result(g int32, out []types.Value) {
	a.vals = grow(a.vals, g)
	a.wts = grow(a.wts, g)
	vals := a.vals[g]
	idx := make([]int, len(vals))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(x, y int) bool { return Compare(vals[idx[x]], vals[idx[y]]) < 0 })
	var total int64
	weights := a.wts[g]
	for k := range vals {
		if a.weighted() {
			total += weights[k]
		} else {
			total++
		}
	}
	pick := func(p float64) types.Value {
		if len(vals) == 0 {
			return types.NullOf(a.spec.Args[0].T)
		}
		// nearest-rank: the smallest value whose cumulative weight reaches p% of the total.
		rank := int64(math.Ceil(p / 100 * float64(total)))
		if rank < 1 {
			rank = 1
		}
		var cum int64
		for _, k := range idx {
			if a.weighted() {
				cum += weights[k]
			} else {
				cum++
			}
			if cum >= rank {
				return vals[k]
			}
		}
		return vals[idx[len(idx)-1]]
	}
	if strings.HasSuffix(a.spec.Func, "_array") {
		arr := make([]any, 0, len(a.spec.Consts))
		for _, c := range a.spec.Consts {
			p, _ := c.AsFloat()
			arr = append(arr, types.ToDynamicElem(pick(p)))
		}
		out[0] = types.NewDynamic(arr)
		return
	}
	for k := range out {
		p, _ := a.spec.Consts[k].AsFloat()
		v := pick(p)
		if v.IsNull() {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = v
		}
	}
}

type momentAgg struct {
	spec *AggSpec
	n    []float64
	sx   []float64
	sy   []float64
	sxx  []float64
	sxy  []float64
}

func (a *momentAgg) Add(env *Env, g int32, t *Table, i int) {
	a.n, a.sx, a.sy, a.sxx, a.sxy = grow(a.n, g), grow(a.sx, g), grow(a.sy, g), grow(a.sxx, g), grow(a.sxy, g)
	cov := strings.HasPrefix(a.spec.Func, "covariance")
	predAt := 1
	if cov {
		predAt = 2
	}
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, predAt, t, i) {
		return
	}
	x, ok := numOf(a.spec.Args[0].Eval(env, t, i))
	if !ok {
		return
	}
	y := x
	if cov {
		if y, ok = numOf(a.spec.Args[1].Eval(env, t, i)); !ok {
			return
		}
	}
	a.n[g]++
	a.sx[g] += x
	a.sy[g] += y
	a.sxx[g] += x * x
	a.sxy[g] += x * y
}

func numOf(v types.Value) (float64, bool) {
	if v.T == types.Dynamic && !v.IsNull() {
		return fromDyn(v.D).AsFloat()
	}
	return v.AsFloat()
}

func (a *momentAgg) Result(g int32, out []types.Value) {
	a.n, a.sx, a.sy, a.sxx, a.sxy = grow(a.n, g), grow(a.sx, g), grow(a.sy, g), grow(a.sxx, g), grow(a.sxy, g)
	n := a.n[g]
	pop := strings.HasSuffix(strings.TrimSuffix(a.spec.Func, "if"), "p")
	div := n - 1
	if pop {
		div = n
	}
	if n == 0 || div <= 0 {
		// variance/stdev (and their -if forms) default to 0 over no values; the other
		// moments are null then (Kusto's table of aggregate defaults).
		out[0] = types.NewReal(0)
		switch a.spec.Func {
		case "variance", "varianceif", "stdev", "stdevif":
		default:
			if n == 0 {
				out[0] = types.NullOf(types.Real)
			}
		}
		return
	}
	cov := (a.sxy[g] - a.sx[g]*a.sy[g]/n) / div
	if strings.HasPrefix(a.spec.Func, "stdev") {
		out[0] = types.NewReal(math.Sqrt(math.Max(cov, 0)))
		return
	}
	out[0] = types.NewReal(cov)
}

// bitAgg folds longs with a bitwise and/or/xor.
type bitAgg struct {
	spec *AggSpec
	v    []int64
	seen []bool
}

func (a *bitAgg) Add(env *Env, g int32, t *Table, i int) {
	a.v, a.seen = grow(a.v, g), grow(a.seen, g)
	x, ok := a.spec.Args[0].Eval(env, t, i).AsInt()
	if !ok {
		return
	}
	if !a.seen[g] {
		a.v[g], a.seen[g] = x, true
		return
	}
	switch a.spec.Func {
	case "binary_all_and":
		a.v[g] &= x
	case "binary_all_or":
		a.v[g] |= x
	default:
		a.v[g] ^= x
	}
}

func (a *bitAgg) Result(g int32, out []types.Value) {
	a.v, a.seen = grow(a.v, g), grow(a.seen, g)
	if !a.seen[g] {
		out[0] = types.NullOf(types.Long)
		return
	}
	out[0] = types.NewLong(a.v[g])
}
