package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// Pivot is `evaluate pivot(PivotColumn [, Aggregate] [, By...])` once the pivot values are
// known: one output row per distinct By tuple, the By columns, then one column per pivot
// value (named by its text) holding Agg over the rows of the tuple with that value.
type Pivot struct {
	In     Node
	Pivot  Expr
	By     []int // input columns
	Agg    *AggSpec
	Values []string // pivot values in output order
}

// Columns is the By columns then one column per value.
func (p *Pivot) Columns() []Column {
	in := p.In.Columns()
	cols := make([]Column, 0, len(p.By)+len(p.Values))
	taken := map[string]bool{}
	for _, b := range p.By {
		c := in[b]
		c.Hidden = false
		cols = append(cols, c)
		taken[c.Name] = true
	}
	for _, v := range p.Values {
		name := v
		for k := 1; taken[name]; k++ {
			name = v + "_" + itoaExec(k)
		}
		taken[name] = true
		cols = append(cols, Column{Name: name, Type: p.Agg.Out[0]})
	}
	return cols
}

func itoaExec(k int) string {
	if k < 10 {
		return string(rune('0' + k))
	}
	return itoaExec(k/10) + string(rune('0'+k%10))
}

// Run aggregates each (tuple, value) cell.
func (p *Pivot) Run(env *Env) (*Table, error) {
	t, err := p.In.Run(env)
	if err != nil {
		return nil, err
	}
	valueIdx := make(map[string]int, len(p.Values))
	for k, v := range p.Values {
		valueIdx[v] = k
	}
	nv := len(p.Values)
	groups := map[string]int{}
	var firstRow []int
	agg := p.Agg.New()
	var key []byte
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		key = key[:0]
		for _, b := range p.By {
			key = types.AppendKey(key, t.Vecs[b].Get(i))
		}
		g, ok := groups[string(key)]
		if !ok {
			g = len(firstRow)
			groups[string(key)] = g
			firstRow = append(firstRow, i)
		}
		vi, ok := valueIdx[types.FormatText(p.Pivot.Eval(env, t, i))]
		if !ok {
			continue
		}
		agg.Add(env, int32(g*nv+vi), t, i)
	}
	cols := p.Columns()
	b := NewBuilder("", cols)
	row := make([]types.Value, len(cols))
	out := make([]types.Value, len(p.Agg.Out))
	for g, r := range firstRow {
		for k, c := range p.By {
			row[k] = t.Vecs[c].Get(r)
		}
		for vi := range p.Values {
			cell := int32(g*nv + vi)
			agg.Result(cell, out)
			row[len(p.By)+vi] = types.Convert(out[0], cols[len(p.By)+vi].Type)
		}
		if err := b.AppendValues(row); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}
