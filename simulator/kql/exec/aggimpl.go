package exec

import (
	"hash/maphash"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// The aggregate implementations: per-group state in slices indexed by the group id.

type countAgg struct {
	spec *AggSpec
	n    []int64
}

func (a *countAgg) Add(env *Env, g int32, t *Table, i int) {
	a.n = grow(a.n, g)
	switch {
	case a.spec.Func == "countif":
		if predOK(env, a.spec.Args, 0, t, i) {
			a.n[g]++
		}
	default:
		// count(x) counts every row of the group, as count() does (the argument is
		// accepted for compatibility).
		a.n[g]++
	}
}

func (a *countAgg) Result(g int32, out []types.Value) {
	a.n = grow(a.n, g)
	out[0] = types.NewLong(a.n[g])
}

type sumAgg struct {
	spec *AggSpec
	i    []int64
	f    []float64
	seen []bool
}

func (a *sumAgg) Add(env *Env, g int32, t *Table, i int) {
	a.i, a.f, a.seen = grow(a.i, g), grow(a.f, g), grow(a.seen, g)
	if a.spec.Func == "sumif" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	a.seen[g] = true
	switch v.T {
	case types.Real, types.Decimal:
		a.f[g] += v.F
	case types.Dynamic:
		if f, ok := fromDyn(v.D).AsFloat(); ok {
			a.f[g] += f
		}
	default:
		a.i[g] += v.I
	}
}

func (a *sumAgg) Result(g int32, out []types.Value) {
	a.i, a.f, a.seen = grow(a.i, g), grow(a.f, g), grow(a.seen, g)
	t := a.spec.Out[0]
	// Kusto's default for sum/sumif over no (non-null) values is 0, not null.
	switch t {
	case types.Real, types.Decimal:
		out[0] = types.Value{T: t, F: a.f[g] + float64(a.i[g])}
	default:
		out[0] = types.Value{T: t, I: a.i[g]}
	}
}

type avgAgg struct {
	spec *AggSpec
	sum  []float64
	n    []int64
}

func (a *avgAgg) Add(env *Env, g int32, t *Table, i int) {
	a.sum, a.n = grow(a.sum, g), grow(a.n, g)
	if a.spec.Func == "avgif" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	f, ok := v.AsFloat()
	if !ok {
		if v.T == types.TimeSpan || v.T == types.DateTime {
			f, ok = float64(v.I), true
		} else if v.T == types.Dynamic {
			f, ok = fromDyn(v.D).AsFloat()
		}
	}
	if ok {
		a.sum[g] += f
		a.n[g]++
	}
}

func (a *avgAgg) Result(g int32, out []types.Value) {
	a.sum, a.n = grow(a.sum, g), grow(a.n, g)
	t := a.spec.Out[0]
	if a.n[g] == 0 {
		out[0] = types.NullOf(t)
		return
	}
	avg := a.sum[g] / float64(a.n[g])
	if t == types.TimeSpan || t == types.DateTime {
		out[0] = types.Value{T: t, I: int64(avg)}
		return
	}
	out[0] = types.Value{T: t, F: avg}
}

type minMaxAgg struct {
	spec *AggSpec
	max  bool
	v    []types.Value
}

func (a *minMaxAgg) Add(env *Env, g int32, t *Table, i int) {
	a.v = grow(a.v, g)
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() || (v.T == types.String && v.S == "") {
		return
	}
	cur := a.v[g]
	if cur.T == types.Null {
		a.v[g] = v
		return
	}
	c := Compare(v, cur)
	if (a.max && c > 0) || (!a.max && c < 0) {
		a.v[g] = v
	}
}

func (a *minMaxAgg) Result(g int32, out []types.Value) {
	a.v = grow(a.v, g)
	if a.v[g].T == types.Null {
		out[0] = types.NullOf(a.spec.Out[0])
		return
	}
	out[0] = a.v[g]
}

// hashSet is a set of 64-bit value hashes: a slice scanned linearly while small (most groups
// hold few distinct values), a map once it grows. Equal hashes count as equal values (with a
// 64-bit hash a collision is as unlikely as Kusto's own dcount estimate error is large).
type hashSet struct {
	small []uint64
	big   map[uint64]struct{}
}

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if s.big != nil {
		if _, ok := s.big[h]; ok {
			return false
		}
		s.big[h] = struct{}{}
		return true
	}
	for _, x := range s.small {
		if x == h {
			return false
		}
	}
	s.small = append(s.small, h)
	if len(s.small) > 32 {
		s.big = make(map[uint64]struct{}, 64)
		for _, x := range s.small {
			s.big[x] = struct{}{}
		}
		s.small = nil
	}
	return true
}

func (s *hashSet) len() int {
	if s.big != nil {
		return len(s.big)
	}
	return len(s.small)
}

var aggSeed = maphash.MakeSeed()

// dcountAgg counts distinct values per group.
type dcountAgg struct {
	spec *AggSpec
	sets []hashSet
	buf  []byte
}

func (a *dcountAgg) Add(env *Env, g int32, t *Table, i int) {
	a.sets = grow(a.sets, g)
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	a.buf = appendKey(a.buf[:0], v)
	a.sets[g].add(maphash.Bytes(aggSeed, a.buf))
}

func (a *dcountAgg) Result(g int32, out []types.Value) {
	a.sets = grow(a.sets, g)
	out[0] = types.NewLong(int64(a.sets[g].len()))
}

type listAgg struct {
	spec       *AggSpec
	set, nulls bool
	items      [][]any
	seen       []hashSet // make_set: hashes of the values already added per group
	buf        []byte
}

func (a *listAgg) limit() int {
	if len(a.spec.Consts) > 0 {
		if n, ok := a.spec.Consts[0].AsInt(); ok && n > 0 {
			return int(n)
		}
	}
	return 1048576
}

func (a *listAgg) Add(env *Env, g int32, t *Table, i int) {
	a.items = grow(a.items, g)
	if strings.HasSuffix(a.spec.Func, "_if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	if len(a.items[g]) >= a.limit() {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() && !a.nulls {
		return
	}
	if a.set {
		a.seen = grow(a.seen, g)
		// make_set of arrays adds their elements (Kusto flattens one level).
		if arr, ok := v.D.([]any); ok && v.T == types.Dynamic {
			for _, e := range arr {
				a.addSet(g, types.NewDynamic(e), e)
			}
			return
		}
		a.addSet(g, v, types.ToDynamicElem(v))
		return
	}
	// make_list keeps an array value as one element (only make_set flattens arrays).
	a.items[g] = append(a.items[g], types.ToDynamicElem(v))
}

func (a *listAgg) addSet(g int32, v types.Value, elem any) {
	if elem == nil || len(a.items[g]) >= a.limit() {
		return
	}
	a.buf = appendDynKey(a.buf[:0], elem)
	_ = v
	if !a.seen[g].add(maphash.Bytes(aggSeed, a.buf)) {
		return
	}
	a.items[g] = append(a.items[g], elem)
}

func (a *listAgg) Result(g int32, out []types.Value) {
	a.items = grow(a.items, g)
	items := a.items[g]
	if items == nil {
		items = []any{}
	}
	out[0] = types.NewDynamic(items)
}

type bagAgg struct {
	spec *AggSpec
	bags []map[string]any
}

func (a *bagAgg) Add(env *Env, g int32, t *Table, i int) {
	a.bags = grow(a.bags, g)
	if a.spec.Func == "make_bag_if" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	m, ok := v.D.(map[string]any)
	if v.T != types.Dynamic || !ok {
		return
	}
	if a.bags[g] == nil {
		a.bags[g] = map[string]any{}
	}
	for k, e := range m {
		if _, dup := a.bags[g][k]; !dup {
			a.bags[g][k] = e
		}
	}
}

func (a *bagAgg) Result(g int32, out []types.Value) {
	a.bags = grow(a.bags, g)
	b := a.bags[g]
	if b == nil {
		b = map[string]any{}
	}
	out[0] = types.NewDynamic(b)
}

type anyAgg struct {
	spec *AggSpec
	vals [][]types.Value
}

func (a *anyAgg) Add(env *Env, g int32, t *Table, i int) {
	a.vals = grow(a.vals, g)
	if a.vals[g] != nil {
		return
	}
	n := len(a.spec.Args)
	if strings.HasSuffix(a.spec.Func, "if") {
		if !predOK(env, a.spec.Args, n-1, t, i) {
			return
		}
		n--
	}
	vals := make([]types.Value, n)
	for k := 0; k < n; k++ {
		vals[k] = a.spec.Args[k].Eval(env, t, i)
	}
	a.vals[g] = vals
}

func (a *anyAgg) Result(g int32, out []types.Value) {
	a.vals = grow(a.vals, g)
	for k := range out {
		if a.vals[g] == nil {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = a.vals[g][k]
		}
	}
}
