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
	read := predicateReads(f.Preds, len(u.Cols))
	for k, in := range u.Inputs {
		t, err := in.Run(env)
		if err != nil {
			return nil, nil, err
		}
		leg, later := u.asUnionSchema(k, t, read)
		sel, err := f.selectRows(env, leg)
		if err != nil {
			return nil, nil, err
		}
		if err := env.ChargeCells(len(sel), neededCols(u.Cols, need), ""); err != nil {
			return nil, nil, err
		}
		if later == nil {
			parts = append(parts, leg.GatherNeeded(env, sel, need))
			total += len(sel)
			continue
		}
		gather := make([]bool, len(u.Cols))
		for c := range gather {
			gather[c] = wanted(need, c) && !later[c]
		}
		part := leg.GatherNeeded(env, sel, gather)
		for c, col := range u.Cols {
			if later[c] && wanted(need, c) {
				part.Vecs[c] = u.constantColumn(k, c, col.Type, len(sel)) // only the kept rows
			}
		}
		parts = append(parts, part)
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

// asUnionSchema is input k's table t under the union's columns, sharing t's vectors. The
// columns constant in this input (the source column, the columns it lacks: all null) are
// built in full only when the filter reads them (read) or t is small; the others are
// placeholders, marked in later (nil: none), for the caller to make for the rows that pass
// (constantColumn).
func (u *Union) asUnionSchema(k int, t *Table, read []bool) (*Table, []bool) {
	out := &Table{Cols: u.Cols, Vecs: make([]*Vector, len(u.Cols)), N: t.N}
	var later []bool
	nulls := map[types.Type]*Vector{}
	for c, col := range u.Cols {
		switch {
		case (c == u.SourceCol || u.Maps[k][c] < 0) && !read[c] && t.N >= unionLaterRows:
			if later == nil {
				later = make([]bool, len(u.Cols))
			}
			out.Vecs[c], later[c] = &Vector{T: col.Type}, true
		case c == u.SourceCol:
			out.Vecs[c] = u.constantColumn(k, c, col.Type, t.N)
		case u.Maps[k][c] < 0:
			if nulls[col.Type] == nil {
				nulls[col.Type] = u.constantColumn(k, c, col.Type, t.N)
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
	return out, later
}

// unionLaterRows is the input size from which a constant column the filter does not read is
// made for the kept rows only (below it, building it in full costs less than the bookkeeping).
const unionLaterRows = 1024

// constantColumn is column c of input k for n rows: the input's name in the source column,
// null in a column the input lacks.
func (u *Union) constantColumn(k, c int, t types.Type, n int) *Vector {
	if c == u.SourceCol {
		return ConstVector(t, types.NewString(u.Names[k]), n)
	}
	return NullVector(t, n)
}

// predicateReads marks the columns (of width) that preds read; all of them when one
// predicate's reads are not known.
func predicateReads(preds []Expr, width int) []bool {
	read := make([]bool, width)
	for _, p := range preds {
		if !p.ReadsKnown {
			for c := range read {
				read[c] = true
			}
			return read
		}
		for _, c := range p.Reads {
			if c >= 0 && c < width {
				read[c] = true
			}
		}
	}
	return read
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
