package exec

import "github.com/soclab/soclab/simulator/kql/types"

// Late materialisation. A plan's operators gather whole rows: a filter keeps its survivors'
// every column, a join builds both sides' columns, a sort reorders every column. Prune tells
// each Filter, Join, Sort, Project and Union which of its output columns the operators above
// it read; the others are left as empty placeholder vectors (same name and type, no rows)
// that nothing reads. Schemas never change, and the plan's root keeps every column.
//
// What an operator reads comes from its expressions' Reads (recorded by the analyzer while it
// compiles them; an expression without ReadsKnown may read anything, so its input keeps every
// column), and from the operator itself (a join's output columns map to its inputs' columns,
// a project's passthroughs and a union's maps to theirs). Operators Prune does not know
// (materialize, plugins, ...) keep every column of their inputs, and nodes below them are not
// visited.
// Prune copies the nodes it changes: a plan node shared by two parents is never narrowed for
// one of them.

// Prune returns root with late materialisation: its result is the same table.
func Prune(root Node) Node { return prune(root, nil) }

// prune rewrites n for a parent reading the columns need marks (nil: every column).
func prune(n Node, need []bool) Node {
	if need != nil && len(need) != len(n.Columns()) {
		need = nil // a parent that sees another schema: keep every column
	}
	switch x := n.(type) {
	case *Filter:
		c := *x
		c.Need = narrowed(need)
		in := widen(need, len(c.Columns()))
		for _, p := range c.Preds {
			in = addReads(in, p)
		}
		c.In = prune(c.In, in)
		return &c
	case *CountRows:
		c := *x
		c.In = prune(c.In, make([]bool, len(c.In.Columns())))
		return &c
	case *Take:
		if s, ok := x.In.(*Sort); ok && s.Limit == nil && x.N.Const != nil && !x.N.Const.IsNull() && (x.N.Const.T == types.Long || x.N.Const.T == types.Int) {
			// sort | take n is top n: the same rows (the sort is stable), without ordering
			// the rest.
			top := *s
			top.Limit = &x.N
			return prune(&top, need)
		}
		c := *x
		c.In = prune(c.In, need)
		return &c
	case *Sort:
		c := *x
		c.Need = narrowed(need)
		in := widen(need, len(c.Columns()))
		for _, k := range c.Keys {
			in = addReads(in, k.X)
		}
		c.In = prune(c.In, in)
		return &c
	case *Project:
		return pruneProject(x, need)
	case *Join:
		return pruneJoin(x, need)
	case *Union:
		c := *x
		c.Need = narrowed(need)
		c.Inputs = make([]Node, len(x.Inputs))
		for k, in := range x.Inputs {
			inNeed := make([]bool, len(in.Columns()))
			for o := range c.Cols {
				if o != c.SourceCol && wanted(need, o) && c.Maps[k][o] >= 0 {
					inNeed = mark(inNeed, c.Maps[k][o])
				}
			}
			c.Inputs[k] = prune(in, inNeed)
		}
		return &c
	case *Summarize:
		c := *x
		in := make([]bool, len(c.In.Columns()))
		for _, k := range c.Keys {
			in = addReads(in, k)
		}
		for _, a := range c.Aggs {
			for _, e := range a.Args {
				in = addReads(in, e)
			}
			for _, e := range a.Extra {
				in = addReads(in, e)
			}
		}
		c.In = prune(c.In, in)
		return &c
	}
	return n
}

// pruneProject computes only the needed outputs and asks its input for what they read.
func pruneProject(p *Project, need []bool) Node {
	c := *p
	c.Need = narrowed(need)
	in := make([]bool, len(c.In.Columns()))
	for o := range c.Cols {
		if need != nil && !need[o] {
			continue
		}
		if c.Pass[o] >= 0 {
			in = mark(in, c.Pass[o])
			continue
		}
		in = addReads(in, c.Exprs[o])
	}
	c.In = prune(c.In, in)
	return &c
}

// pruneJoin gathers only the needed output columns and asks each side for them and its keys.
func pruneJoin(j *Join, need []bool) Node {
	c := *j
	c.Need = narrowed(need)
	left := make([]bool, len(c.Left.Columns()))
	right := make([]bool, len(c.Right.Columns()))
	for o, col := range c.LeftOut {
		if need == nil || need[o] {
			left = mark(left, col)
		}
	}
	for o, col := range c.RightOut {
		if need == nil || need[len(c.LeftOut)+o] {
			right = mark(right, col)
		}
	}
	for _, k := range c.LeftKeys {
		left = addReads(left, k)
	}
	for _, k := range c.RightKeys {
		right = addReads(right, k)
	}
	c.Left, c.Right = prune(c.Left, left), prune(c.Right, right)
	return &c
}

// addReads marks the columns e reads in need; an expression that may read anything makes
// need nil (every column). Reads beyond need's length come from a nested subquery's own
// table and are not columns of this row.
func addReads(need []bool, e Expr) []bool {
	if need == nil {
		return nil
	}
	if !e.ReadsKnown {
		return nil
	}
	for _, c := range e.Reads {
		if c >= 0 && c < len(need) {
			need[c] = true
		}
	}
	return need
}

// mark marks column c in need (nil stays nil: every column is read anyway); a column beyond
// the schema the plan knows makes it nil.
func mark(need []bool, c int) []bool {
	if need == nil || c < 0 || c >= len(need) {
		return nil
	}
	need[c] = true
	return need
}

// widen returns a fresh copy of need for n columns (nil stays nil: every column).
func widen(need []bool, n int) []bool {
	if need == nil || len(need) != n {
		return nil
	}
	return append([]bool(nil), need...)
}

// narrowed is need, or nil when it marks every column (the operator's plain path).
func narrowed(need []bool) []bool {
	for _, b := range need {
		if !b {
			return need
		}
	}
	return nil
}

// wanted reports whether column c is read (need nil: every column is).
func wanted(need []bool, c int) bool { return need == nil || need[c] }

// placeholder is the vector of a column nobody reads: its type, no rows.
func placeholder(v *Vector) *Vector { return &Vector{T: v.T} }

// GatherNeeded is Gather for the columns need marks (nil: all); the others are placeholders.
// A large gather of several columns gathers them on env's workers, one column each at a time.
func (t *Table) GatherNeeded(env *Env, idx []int32, need []bool) *Table {
	if need != nil && len(need) != len(t.Vecs) { // a schema known only at run time: all
		need = nil
	}
	if a, ok := runOf(idx); ok || len(idx) == 0 {
		return t.gatherRun(a, a+len(idx), need) // one run of rows: views (gatherview.go)
	}
	out := &Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*Vector, len(t.Vecs)), N: len(idx)}
	var cols []int
	for i, v := range t.Vecs {
		if wanted(need, i) {
			cols = append(cols, i)
		} else {
			out.Vecs[i] = placeholder(v)
		}
	}
	srcs := make([]*Vector, len(cols))
	for k, c := range cols {
		srcs[k] = t.Vecs[c]
	}
	for k, v := range gatherColumns(env, len(idx), srcs, func(int) []int32 { return idx }) {
		out.Vecs[cols[k]] = v
	}
	return out
}

// gatherColumns gathers srcs[k] at rows idxOf(k) for every k; a large gather of several
// columns runs on env's workers (nil env: sequentially), whole columns each: Vector.Gather
// reads its source and fills a new vector, so the columns share nothing they write.
func gatherColumns(env *Env, rows int, srcs []*Vector, idxOf func(k int) []int32) []*Vector {
	out := make([]*Vector, len(srcs))
	workers := 1
	if env != nil && len(srcs) > 1 {
		workers = min(parallelism(env, rows), len(srcs))
	}
	_ = runChunks(len(srcs), workers, func(_, lo, hi int) error {
		for k := lo; k < hi; k++ {
			out[k] = srcs[k].Gather(idxOf(k))
		}
		return nil
	})
	return out
}

// neededCols is the columns of cols that need marks (for charging gathered cells).
func neededCols(cols []Column, need []bool) []Column {
	if need == nil || len(need) != len(cols) {
		return cols
	}
	out := make([]Column, 0, len(cols))
	for i, c := range cols {
		if need[i] {
			out = append(out, c)
		}
	}
	return out
}
