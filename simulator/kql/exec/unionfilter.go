package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// unionSelection is Filter.selection over a union (`union A, B | where ...`, the lab's
// whole-history sign-in queries): each input is filtered where it is, seen through the
// union's schema without a copy (its own vectors, one shared null vector per type for the
// columns it lacks, the source column as a constant), and only the rows that pass are
// concatenated — instead of concatenating every input in full and filtering the copy. The
// rows, their order and their values are the union's followed by the filter's; only the
// columns later operators read are gathered (Filter.Need). The result is the filtered union
// with every row selected.
func (f *Filter) unionSelection(env *Env, u *Union) (*Table, []int32, error) {
	parts := make([]*Table, 0, len(u.Inputs))
	total := 0
	need := f.Need
	if len(need) != len(u.Cols) {
		need = nil // a schema known only at run time: every column
	}
	for k, in := range u.Inputs {
		t, err := in.Run(env)
		if err != nil {
			return nil, nil, err
		}
		leg := u.asUnionSchema(k, t)
		sel, err := f.selectRows(env, leg)
		if err != nil {
			return nil, nil, err
		}
		if err := env.ChargeCells(len(sel), neededCols(u.Cols, need), ""); err != nil {
			return nil, nil, err
		}
		parts = append(parts, leg.GatherNeeded(env, sel, need))
		total += len(sel)
	}
	out := &Table{Cols: u.Cols, Vecs: make([]*Vector, len(u.Cols)), N: total}
	for c, col := range u.Cols {
		if !wanted(need, c) {
			out.Vecs[c] = &Vector{T: col.Type} // nobody reads it (late materialisation)
			continue
		}
		v := NewVector(col.Type, total)
		for _, p := range parts {
			appendVector(v, p.Vecs[c])
		}
		out.Vecs[c] = v
	}
	return out, seq(total), env.Check()
}

// asUnionSchema is input k's table t under the union's columns, sharing t's vectors.
func (u *Union) asUnionSchema(k int, t *Table) *Table {
	out := &Table{Cols: u.Cols, Vecs: make([]*Vector, len(u.Cols)), N: t.N}
	nulls := map[types.Type]*Vector{}
	for c, col := range u.Cols {
		switch {
		case c == u.SourceCol:
			out.Vecs[c] = ConstVector(col.Type, types.NewString(u.Names[k]), t.N)
		case u.Maps[k][c] < 0:
			if nulls[col.Type] == nil {
				nulls[col.Type] = NullVector(col.Type, t.N)
			}
			out.Vecs[c] = nulls[col.Type]
		default:
			src := t.Vecs[u.Maps[k][c]]
			if src.T == col.Type {
				out.Vecs[c] = src
				continue
			}
			v := NewVector(col.Type, t.N)
			for i := 0; i < t.N; i++ {
				v.Append(src.Get(i))
			}
			out.Vecs[c] = v
		}
	}
	return out
}

// selectRows is the rows of t that pass every predicate (as selection does for its input).
func (f *Filter) selectRows(env *Env, t *Table) ([]int32, error) {
	if sel, ok := parallelSelection(env, t, f.Preds); ok {
		return sel, env.Check()
	}
	var sel []int32 // nil: all rows
	for _, p := range f.Preds {
		if err := env.Check(); err != nil {
			return nil, err
		}
		if p.Vec != nil {
			sel = p.Vec(env, t, sel)
		} else {
			var err error
			if sel, err = filterRows(env, p, t, sel); err != nil {
				return nil, err
			}
		}
		if sel == nil {
			sel = []int32{}
		}
		if len(sel) == 0 {
			break
		}
	}
	if sel == nil {
		sel = seq(t.N) // no predicate
	}
	return sel, nil
}
