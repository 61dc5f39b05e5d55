package exec

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// MvItem is one expanded expression: its values go to output column Out, converted to Type
// (dynamic unless `to typeof(T)`).
type MvItem struct {
	X    Expr
	Out  int
	Type types.Type
}

// MvExpand expands dynamic arrays and bags into rows (mv-expand). Output columns: Pass[c] >= 0
// copies input column Pass[c] for every produced row; the items fill their Out columns;
// IndexCol >= 0 receives the element index (with_itemindex).
type MvExpand struct {
	In       Node
	Cols     []Column
	Pass     []int
	Items    []MvItem
	BagArray bool // kind=array: bag properties become [key, value]
	IndexCol int
	Limit    int64
}

// Columns is the expanded schema.
func (m *MvExpand) Columns() []Column { return m.Cols }

// elements returns the elements one value expands to.
func (m *MvExpand) elements(v types.Value) []any {
	if v.IsNull() {
		return nil
	}
	if v.T != types.Dynamic {
		return []any{types.ToDynamicElem(v)}
	}
	switch d := v.D.(type) {
	case []any:
		return d
	case map[string]any:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			if m.BagArray {
				out[i] = []any{k, d[k]}
			} else {
				out[i] = map[string]any{k: d[k]}
			}
		}
		return out
	}
	return []any{v.D}
}

// Run expands.
func (m *MvExpand) Run(env *Env) (*Table, error) {
	t, err := m.In.Run(env)
	if err != nil {
		return nil, err
	}
	return m.expand(env, t)
}

func (m *MvExpand) expand(env *Env, t *Table) (*Table, error) {
	var src []int32
	var pos []int64
	itemVals := make([][]types.Value, len(m.Items))
	elems := make([][]any, len(m.Items))
	meter := env.Meter("")
	perRow := int64(12 + 56*len(m.Items) + 16*len(m.Cols))
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
			if err := env.CheckRows(len(src)); err != nil {
				return nil, err
			}
		}
		n := 0
		for k, it := range m.Items {
			elems[k] = m.elements(it.X.Eval(env, t, i))
			n = max(n, len(elems[k]))
		}
		if m.Limit > 0 && int64(n) > m.Limit {
			n = int(m.Limit)
		}
		// Charged before the rows are added: row index and position, a scratch value per
		// item and the output cells of every column.
		if err := meter.Add(int64(n) * perRow); err != nil {
			return nil, err
		}
		for j := 0; j < n; j++ {
			src = append(src, int32(i))
			pos = append(pos, int64(j))
			for k, it := range m.Items {
				var v types.Value
				if j < len(elems[k]) {
					v = types.NewDynamic(elems[k][j])
					if it.Type != types.Dynamic {
						v = castDyn(elems[k][j], it.Type)
					}
				} else {
					v = types.NullOf(it.Type)
				}
				itemVals[k] = append(itemVals[k], v)
			}
		}
	}
	out := &Table{Cols: m.Cols, Vecs: make([]*Vector, len(m.Cols)), N: len(src)}
	for c, p := range m.Pass {
		if p >= 0 {
			out.Vecs[c] = t.Vecs[p].Gather(src)
		}
	}
	for k, it := range m.Items {
		v := NewVector(m.Cols[it.Out].Type, len(src))
		for _, x := range itemVals[k] {
			v.Append(x)
		}
		out.Vecs[it.Out] = v
	}
	if m.IndexCol >= 0 {
		v := NewVector(types.Long, len(pos))
		v.I = append(v.I, pos...)
		v.n = len(pos)
		out.Vecs[m.IndexCol] = v
	}
	return out, meter.Flush()
}

// castDyn applies `to typeof(T)`: a cast, not a parse, except that Kusto's dynamic holds
// datetimes and timespans as text, so those are parsed.
func castDyn(d any, t types.Type) types.Value {
	if d == nil {
		return types.NullOf(t)
	}
	return types.Convert(types.NewDynamic(d), t)
}
