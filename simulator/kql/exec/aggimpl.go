package exec

import (
	"hash/maphash"
	"strings"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// The aggregate implementations: per-group state in slices indexed by the group id.

type countAgg struct {
	spec *AggSpec
	n    []int64
	sel  []int32 // countif's batch scratch
}

// ascending reports whether rows are in increasing order (a filter's candidate rows must be).
func ascending(rows []int32) bool {
	for k := 1; k < len(rows); k++ {
		if rows[k] <= rows[k-1] {
			return false
		}
	}
	return true
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

// AddRows counts a batch without growing the state per row.
func (a *countAgg) AddRows(env *Env, gids []int32, rows []int32, t *Table) {
	a.n = grow(a.n, maxGroup(gids))
	if a.spec.Func == "countif" {
		if p := a.spec.Args[0]; p.Vec != nil && ascending(rows) {
			// the predicate's vectorised filter over the batch (codes, typed compares)
			a.sel = append(a.sel[:0], rows...)
			sel := p.Vec(env, t, a.sel)
			j := 0
			for k, r := range rows {
				if j < len(sel) && sel[j] == r {
					a.n[gids[k]]++
					j++
				}
			}
			return
		}
		for k, g := range gids {
			if predOK(env, a.spec.Args, 0, t, int(rows[k])) {
				a.n[g]++
			}
		}
		return
	}
	for _, g := range gids {
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

var aggSeed = maphash.MakeSeed()

// dcountAgg counts distinct values per group.
// StateBytes is the size of the seen-set (for the run's memory budget).
func (a *dcountAgg) StateBytes() int64 {
	return a.seen.bytes() + a.codes.bytes() + 8*int64(cap(a.count))
}

type dcountAgg struct {
	spec   *AggSpec
	seen   groupSet
	codes  codedArg // a dictionary-encoded argument column: exact (group, code) pairs
	count  []int64
	buf    []byte
	hashes []uint64 // AddRows scratch: value hashes and their rows in the batch
	rows   []int32
}

func (a *dcountAgg) Add(env *Env, g int32, t *Table, i int) {
	a.count = grow(a.count, g)
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	if a.seen.add(g, valueHash(v, &a.buf)) {
		a.count[g]++
	}
}

// AddRows hashes the batch's values, then inserts them in one tight loop. A
// dictionary-encoded argument column inserts its codes instead (no text is read).
func (a *dcountAgg) AddRows(env *Env, gids []int32, rows []int32, t *Table) {
	a.count = grow(a.count, maxGroup(gids))
	cond := strings.HasSuffix(a.spec.Func, "if")
	if d, v := a.codes.dict(env, a.spec, t); d != nil && !cond {
		for k, g := range gids {
			i := rows[k]
			if v.nulls != nil && v.IsNull(int(i)) {
				continue
			}
			if a.codes.seen.add(g, d.Codes[i]) {
				a.count[g]++
			}
		}
		return
	}
	a.hashes = a.hashes[:0]
	a.rows = a.rows[:0]
	for k := range gids {
		i := int(rows[k])
		if cond && !predOK(env, a.spec.Args, 1, t, i) {
			continue
		}
		v := a.spec.Args[0].Eval(env, t, i)
		if v.IsNull() {
			continue
		}
		a.hashes = append(a.hashes, valueHash(v, &a.buf))
		a.rows = append(a.rows, int32(k))
	}
	for j, h := range a.hashes {
		g := gids[a.rows[j]]
		if a.seen.add(g, h) {
			a.count[g]++
		}
	}
}

func (a *dcountAgg) Result(g int32, out []types.Value) {
	a.count = grow(a.count, g)
	out[0] = types.NewLong(a.count[g])
}

type bagAgg struct {
	spec  *AggSpec
	bags  []map[string]any
	bytes int64 // the bags' estimated size, for the run's memory budget
}

// StateBytes is the size of the bags built so far.
func (a *bagAgg) StateBytes() int64 { return a.bytes }

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
			a.bytes += 64 + int64(len(k)) + govern.DynamicBytes(e)
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
