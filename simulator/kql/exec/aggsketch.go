package exec

import (
	"math"
	"slices"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Kusto's hll() and tdigest() return opaque dynamic sketches that only hll_merge /
// dcount_hll and tdigest_merge / percentile_tdigest / rank_tdigest read. soclab's tables are
// small, so the sketches are exact: an hll is ["hll", sorted distinct value hashes], a tdigest
// ["tdigest", type name, [value, weight, ...] sorted by value].

const (
	hllTag     = "hll"
	tdigestTag = "tdigest"
)

// hllAgg is hll(x [, accuracy]), hll_if(x, pred [, accuracy]) and hll_merge(sketch).
type hllAgg struct {
	spec  *AggSpec
	sets  []map[uint64]bool
	elems int64 // entries over all groups, for the run's memory budget
}

// StateBytes is the size of the per-group hash sets.
func (a *hllAgg) StateBytes() int64 { return 40 * a.elems }

func (a *hllAgg) Add(env *Env, g int32, t *Table, i int) {
	a.sets = grow(a.sets, g)
	if a.spec.Func == "hll_if" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if a.sets[g] == nil {
		a.sets[g] = map[uint64]bool{}
	}
	if a.spec.Func == "hll_merge" {
		for _, h := range HLLHashes(v) {
			if !a.sets[g][h] {
				a.elems++
				a.sets[g][h] = true
			}
		}
		return
	}
	if !v.IsNull() {
		if h := types.Hash(v); !a.sets[g][h] {
			a.elems++
			a.sets[g][h] = true
		}
	}
}

func (a *hllAgg) Result(g int32, out []types.Value) {
	a.sets = grow(a.sets, g)
	out[0] = NewHLL(a.sets[g])
}

// NewHLL is the sketch of a set of value hashes.
func NewHLL(set map[uint64]bool) types.Value {
	hs := make([]uint64, 0, len(set))
	for h := range set {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	arr := make([]any, len(hs))
	for k, h := range hs {
		arr[k] = int64(h)
	}
	return types.NewDynamic([]any{hllTag, arr})
}

// HLLHashes reads an hll sketch (nil for anything else).
func HLLHashes(v types.Value) []uint64 {
	s, ok := v.D.([]any)
	if v.T != types.Dynamic || !ok || len(s) != 2 || s[0] != hllTag {
		return nil
	}
	arr, _ := s[1].([]any)
	out := make([]uint64, 0, len(arr))
	for _, x := range arr {
		if n, ok := x.(int64); ok {
			out = append(out, uint64(n))
		}
	}
	return out
}

// tdigestAgg is tdigest(x [, weight]) and tdigest_merge / merge_tdigest(sketch).
type tdigestAgg struct {
	spec  *AggSpec
	pts   [][]TDigestPoint
	tname string
	n     int64 // points over all groups, for the run's memory budget
}

// StateBytes is the size of the points kept.
func (a *tdigestAgg) StateBytes() int64 { return 16 * a.n }

// TDigestPoint is one value of a tdigest sketch with its weight.
type TDigestPoint struct{ V, W float64 }

func (a *tdigestAgg) Add(env *Env, g int32, t *Table, i int) {
	a.pts = grow(a.pts, g)
	v := a.spec.Args[0].Eval(env, t, i)
	if a.spec.Func != "tdigest" {
		tn, pts := TDigestPoints(v)
		if tn != "" {
			a.tname = tn
		}
		a.pts[g] = append(a.pts[g], pts...)
		a.n += int64(len(pts))
		return
	}
	f, ok := sketchNumber(v)
	if !ok {
		return
	}
	a.tname = v.T.String()
	w := 1.0
	if len(a.spec.Args) > 1 {
		if x, ok := a.spec.Args[1].Eval(env, t, i).AsFloat(); ok {
			w = x
		}
	}
	a.pts[g] = append(a.pts[g], TDigestPoint{f, w})
	a.n++
}

func (a *tdigestAgg) Result(g int32, out []types.Value) {
	a.pts = grow(a.pts, g)
	out[0] = NewTDigest(a.tname, a.pts[g])
}

// sketchNumber reads a number, datetime or timespan as float64 (ticks for the latter).
func sketchNumber(v types.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	if v.T == types.DateTime || v.T == types.TimeSpan {
		return float64(v.I), true
	}
	return v.AsFloat()
}

// NewTDigest is the sketch of weighted values whose type is named tname.
func NewTDigest(tname string, pts []TDigestPoint) types.Value {
	pts = slices.Clone(pts)
	slices.SortStableFunc(pts, func(x, y TDigestPoint) int {
		switch {
		case x.V < y.V:
			return -1
		case x.V > y.V:
			return 1
		}
		return 0
	})
	arr := make([]any, 0, 2*len(pts))
	for _, p := range pts {
		arr = append(arr, p.V, p.W)
	}
	return types.NewDynamic([]any{tdigestTag, tname, arr})
}

// TDigestPoints reads a tdigest sketch: the type name of its values and its points in value
// order ("" and nil for anything else).
func TDigestPoints(v types.Value) (string, []TDigestPoint) {
	s, ok := v.D.([]any)
	if v.T != types.Dynamic || !ok || len(s) != 3 || s[0] != tdigestTag {
		return "", nil
	}
	tn, _ := s[1].(string)
	arr, _ := s[2].([]any)
	var pts []TDigestPoint
	for k := 0; k+1 < len(arr); k += 2 {
		pts = append(pts, TDigestPoint{toF(arr[k]), toF(arr[k+1])})
	}
	return tn, pts
}

func toF(x any) float64 {
	switch n := x.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return math.NaN()
}
