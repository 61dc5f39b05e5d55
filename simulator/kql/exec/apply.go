package exec

import (
	"regexp"
	"strconv"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Bound is a placeholder source inside a per-row subquery (mv-apply): it returns the table
// its parent bound for the current row.
type Bound struct {
	Cols []Column
}

// Columns is the bound table's schema.
func (b *Bound) Columns() []Column { return b.Cols }

// Run returns the bound table.
func (b *Bound) Run(env *Env) (*Table, error) {
	env.mu.Lock()
	v, ok := env.cache[b]
	env.mu.Unlock()
	if !ok {
		return NewEmptyTable("", b.Cols), nil
	}
	return v.(*Table), nil
}

func (e *Env) bind(b *Bound, t *Table) {
	e.mu.Lock()
	e.cache[b] = t
	e.mu.Unlock()
}

// MvApply runs Sub once per input row, with Row bound to that single row.
type MvApply struct {
	In   Node
	Row  *Bound
	Sub  Node
	Cols []Column
	// from[c]: output column c comes from the subquery column from[c] (>= 0) or from the
	// input column -from[c]-1.
	from []int
}

// NewMvApply builds the operator: output columns are the input's (replaced by the subquery's
// column of the same name when it has one; dropped when expanded in place and not returned),
// then the subquery's other columns.
func NewMvApply(in Node, row *Bound, sub Node, expanded map[int]bool) *MvApply {
	m := &MvApply{In: in, Row: row, Sub: sub}
	inCols, subCols := in.Columns(), sub.Columns()
	used := map[string]bool{}
	for i, c := range inCols {
		if j := indexOf(subCols, c.Name); j >= 0 {
			m.Cols = append(m.Cols, subCols[j])
			m.from = append(m.from, j)
		} else if !expanded[i] {
			// a column expanded in place belongs to the subquery: kept only if it returns it
			m.Cols = append(m.Cols, c)
			m.from = append(m.from, -i-1)
		}
		used[c.Name] = true
	}
	for j, c := range subCols {
		if !used[c.Name] {
			m.Cols = append(m.Cols, c)
			m.from = append(m.from, j)
		}
	}
	return m
}

func indexOf(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Columns is the applied schema.
func (m *MvApply) Columns() []Column { return m.Cols }

// Run applies the subquery row by row.
func (m *MvApply) Run(env *Env) (*Table, error) {
	t, err := m.In.Run(env)
	if err != nil {
		return nil, err
	}
	out := NewBuilder("", m.Cols)
	row := make([]types.Value, len(m.Cols))
	for i := 0; i < t.N; i++ {
		if err := env.Check(); err != nil {
			return nil, err
		}
		sub := env.Fork()
		sub.bind(m.Row, t.Gather([]int32{int32(i)}))
		r, err := m.Sub.Run(sub)
		if err != nil {
			return nil, err
		}
		for k := 0; k < r.N; k++ {
			for c, f := range m.from {
				if f >= 0 {
					row[c] = r.Vecs[f].Get(k)
				} else {
					row[c] = t.Vecs[-f-1].Get(i)
				}
			}
			if err := out.AppendValues(row); err != nil {
				return nil, err
			}
		}
	}
	return out.Table(), nil
}

// Parse extracts columns from a string with a compiled pattern (parse, parse-where).
type Parse struct {
	In      Node
	Source  Expr
	Re      *regexp.Regexp
	Cols    []Column
	Pass    []int
	Targets []int // output column of each capture group
	Where   bool  // parse-where: drop rows that do not match
	// Relaxed (kind=relaxed): a value that does not convert to its column's type becomes null
	// instead of failing the whole match.
	Relaxed bool
}

// Columns is the input plus the extracted columns.
func (p *Parse) Columns() []Column { return p.Cols }

// Run matches every row.
func (p *Parse) Run(env *Env) (*Table, error) {
	t, err := p.In.Run(env)
	if err != nil {
		return nil, err
	}
	var keep []int32
	caps := make([][]types.Value, len(p.Targets))
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		s := types.FormatText(p.Source.Eval(env, t, i))
		m := p.Re.FindStringSubmatch(s)
		ok := m != nil
		vals := make([]types.Value, len(p.Targets))
		for k, c := range p.Targets {
			ct := p.Cols[c].Type
			g := p.Re.SubexpIndex("c" + strconv.Itoa(k))
			if !ok || g < 0 || g >= len(m) {
				vals[k] = types.NullOf(ct)
				continue
			}
			v := types.Convert(types.NewString(m[g]), ct)
			if v.IsNull() && ct != types.String && !p.Relaxed {
				ok = false
			}
			vals[k] = v
		}
		if !ok {
			for k, c := range p.Targets {
				vals[k] = types.NullOf(p.Cols[c].Type)
			}
			if p.Where {
				continue
			}
		}
		keep = append(keep, int32(i))
		for k := range vals {
			caps[k] = append(caps[k], vals[k])
		}
	}
	out := &Table{Cols: p.Cols, Vecs: make([]*Vector, len(p.Cols)), N: len(keep)}
	for c, src := range p.Pass {
		if src >= 0 {
			out.Vecs[c] = t.Vecs[src].Gather(keep)
		}
	}
	for k, c := range p.Targets {
		v := NewVector(p.Cols[c].Type, len(keep))
		for _, x := range caps[k] {
			v.Append(x)
		}
		out.Vecs[c] = v
	}
	return out, nil
}

// Extract adds columns computed from one string per row by Fn (parse-kv): Fn returns the
// text of each target column and whether it was found; found text is converted to the column's
// type (a failed conversion gives null).
type Extract struct {
	In      Node
	Source  Expr
	Cols    []Column
	Pass    []int
	Targets []int
	Fn      func(s string) ([]string, []bool)
}

// Columns is the input plus the extracted columns.
func (x *Extract) Columns() []Column { return x.Cols }

// Run extracts for every row.
func (x *Extract) Run(env *Env) (*Table, error) {
	t, err := x.In.Run(env)
	if err != nil {
		return nil, err
	}
	out := &Table{Cols: x.Cols, Vecs: make([]*Vector, len(x.Cols)), N: t.N}
	for c, src := range x.Pass {
		if src >= 0 {
			out.Vecs[c] = t.Vecs[src]
		}
	}
	vecs := make([]*Vector, len(x.Targets))
	for k, c := range x.Targets {
		vecs[k] = NewVector(x.Cols[c].Type, t.N)
		out.Vecs[c] = vecs[k]
	}
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		vals, found := x.Fn(types.FormatText(x.Source.Eval(env, t, i)))
		for k, c := range x.Targets {
			if !found[k] {
				vecs[k].AppendNull()
				continue
			}
			vecs[k].Append(types.Convert(types.NewString(vals[k]), x.Cols[c].Type))
		}
	}
	return out, nil
}

// Fork returns an environment for one run of a per-row or per-partition subquery: the same
// database, clock and limits, with its own caches (so toscalar and materialize inside the
// subquery see that row's data).
func (e *Env) Fork() *Env {
	return &Env{Ctx: e.Ctx, DB: e.DB, Tables: e.Tables, External: e.External, NowTick: e.NowTick, Rand: e.Rand, MaxRows: e.MaxRows,
		Funcs: e.Funcs, Mem: e.Mem, TimeBudget: e.TimeBudget, Workers: e.Workers, ParallelMinRows: e.ParallelMinRows, cache: map[any]any{}}
}

// PartitionValue is a scalar placeholder bound to the current partition's key (the
// `partition by Col { ... }` form reads the key by the column's name).
type PartitionValue struct {
	T types.Type
}

// Expr returns an expression reading the bound key.
func (p *PartitionValue) Expr() Expr {
	return Expr{T: p.T, Eval: func(env *Env, _ *Table, _ int) types.Value {
		env.mu.Lock()
		v, ok := env.cache[p]
		env.mu.Unlock()
		if !ok {
			return types.NullOf(p.T)
		}
		return v.(types.Value)
	}}
}

// Partition runs Sub once per distinct value of Key over that value's rows (bound to Rows)
// and concatenates the results.
type Partition struct {
	In    Node
	Key   Expr
	Rows  *Bound
	Value *PartitionValue
	Sub   Node
}

// Columns is the subquery's schema.
func (p *Partition) Columns() []Column { return p.Sub.Columns() }

// Run partitions and applies.
func (p *Partition) Run(env *Env) (*Table, error) {
	t, err := p.In.Run(env)
	if err != nil {
		return nil, err
	}
	g := NewGrouper()
	var keys []types.Value
	var members [][]int32
	val := make([]types.Value, 1)
	for i := 0; i < t.N; i++ {
		val[0] = p.Key.Eval(env, t, i)
		id, isNew := g.ID(val)
		if isNew {
			keys = append(keys, val[0])
			members = append(members, nil)
		}
		members[id] = append(members[id], int32(i))
	}
	if len(keys) > 64*1024 {
		return nil, runtimeErr("partition: too many partitions (%d)", len(keys))
	}
	out := NewBuilder("", p.Sub.Columns())
	for k := range keys {
		sub := env.Fork()
		sub.bind(p.Rows, t.Gather(members[k]))
		sub.mu.Lock()
		sub.cache[p.Value] = keys[k]
		sub.mu.Unlock()
		r, err := p.Sub.Run(sub)
		if err != nil {
			return nil, err
		}
		for i := 0; i < r.N; i++ {
			if err := out.AppendValues(r.Row(i)); err != nil {
				return nil, err
			}
		}
	}
	return out.Table(), nil
}

// RangeLookup joins each input row to the first lookup row whose range matches it (the
// ipv4_lookup plugin): Match(value, range) decides; unmatched input rows are dropped unless
// KeepUnmatched, then the lookup columns are null.
type RangeLookup struct {
	In, Lookup    Node
	Src, Range    int
	Match         func(env *Env, v, r types.Value) bool
	KeepUnmatched bool
	Cols          []Column
}

// Columns is the input's columns then the lookup table's.
func (r *RangeLookup) Columns() []Column { return r.Cols }

// Run scans the (small) lookup table for every input row.
func (r *RangeLookup) Run(env *Env) (*Table, error) {
	t, err := r.In.Run(env)
	if err != nil {
		return nil, err
	}
	lk, err := r.Lookup.Run(env)
	if err != nil {
		return nil, err
	}
	var li, ri []int32
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		v := t.Vecs[r.Src].Get(i)
		found := int32(-1)
		for j := 0; j < lk.N; j++ {
			if r.Match(env, v, lk.Vecs[r.Range].Get(j)) {
				found = int32(j)
				break
			}
		}
		if found < 0 && !r.KeepUnmatched {
			continue
		}
		li = append(li, int32(i))
		ri = append(ri, found)
	}
	out := &Table{Cols: r.Cols, N: len(li)}
	for _, v := range t.Vecs {
		out.Vecs = append(out.Vecs, v.Gather(li))
	}
	for _, v := range lk.Vecs {
		out.Vecs = append(out.Vecs, v.Gather(ri))
	}
	return out, env.Account(out)
}
