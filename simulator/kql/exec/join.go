package exec

import (
	"hash/maphash"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Join kinds as Kusto names them.
const (
	JoinInnerUnique = "innerunique"
	JoinInner       = "inner"
	JoinLeftOuter   = "leftouter"
	JoinRightOuter  = "rightouter"
	JoinFullOuter   = "fullouter"
	JoinLeftSemi    = "leftsemi"
	JoinLeftAnti    = "leftanti"
	JoinRightSemi   = "rightsemi"
	JoinRightAnti   = "rightanti"
)

// Join is a hash join on equal keys. Output columns are chosen by LeftOut/RightOut: the
// indexes of the left and right input columns to emit, in order (left ones first).
type Join struct {
	Left, Right         Node
	Kind                string
	LeftKeys, RightKeys []Expr
	// Where is an extra predicate over the joined row (the `join ... where` form), or nil.
	Cols     []Column
	LeftOut  []int
	RightOut []int
	// Lookup drops nothing on the left and keeps one right row per key (the lookup operator
	// keeps all matches, like leftouter; see Kusto docs), true for lookup.
	Lookup bool
	// Need marks the output columns later operators read (nil: all; see Prune): the others
	// are not gathered.
	Need []bool
}

// Columns is the joined schema.
func (j *Join) Columns() []Column { return j.Cols }

func keyVals(env *Env, keys []Expr, t *Table, i int, buf []types.Value) ([]types.Value, bool) {
	buf = buf[:0]
	for _, k := range keys {
		v := k.Eval(env, t, i)
		if v.IsNull() {
			return buf, false
		}
		buf = append(buf, v)
	}
	return buf, true
}

// Run builds a hash table over the right side and probes it with the left rows, then gathers
// the output columns later operators read (none for `join ... | count`).
func (j *Join) Run(env *Env) (*Table, error) {
	lt, err := j.Left.Run(env)
	if err != nil {
		return nil, err
	}
	rt, err := j.Right.Run(env)
	if err != nil {
		return nil, err
	}
	countOnly := j.Need != nil
	for _, w := range j.Need {
		countOnly = countOnly && !w
	}
	pairs, err := j.typedPairs(env, lt, rt, countOnly)
	if err != nil {
		return nil, err
	}
	if pairs == nil {
		if pairs, err = j.genericPairs(env, lt, rt); err != nil {
			return nil, err
		}
	}
	if countOnly {
		out := &Table{Cols: j.Cols, Vecs: make([]*Vector, 0, len(j.Cols)), N: pairs.n}
		for _, c := range j.LeftOut {
			out.Vecs = append(out.Vecs, placeholder(lt.Vecs[c]))
		}
		for _, c := range j.RightOut {
			out.Vecs = append(out.Vecs, placeholder(rt.Vecs[c]))
		}
		return out, nil
	}
	li, ri := pairs.li, pairs.ri
	if err := env.Mem.Charge(int64(max(len(li), len(ri)))*RowCells(neededCols(j.Cols, j.Need)), "HashJoin"); err != nil {
		return nil, err
	}
	out := &Table{Cols: j.Cols, Vecs: make([]*Vector, len(j.Cols))}
	var srcs []*Vector
	var outCol []int
	var left []bool
	for o := range j.Cols {
		src, side := rt.Vecs, false
		c := 0
		if o < len(j.LeftOut) {
			src, side, c = lt.Vecs, true, j.LeftOut[o]
		} else {
			c = j.RightOut[o-len(j.LeftOut)]
		}
		if !wanted(j.Need, o) {
			out.Vecs[o] = placeholder(src[c])
			continue
		}
		srcs, outCol, left = append(srcs, src[c]), append(outCol, o), append(left, side)
	}
	vecs := gatherColumns(env, max(len(li), len(ri)), srcs, func(k int) []int32 {
		if left[k] {
			return li
		}
		return ri
	})
	for k, v := range vecs {
		out.Vecs[outCol[k]] = v
	}
	if len(j.LeftOut) > 0 {
		out.N = len(li)
	} else {
		out.N = len(ri)
	}
	return out, nil
}

// typedPairs joins on one key column per side of the same string or int64-backed type with
// the typed hash join; nil when the keys are not of that shape.
func (j *Join) typedPairs(env *Env, lt, rt *Table, countOnly bool) (*joinPairs, error) {
	if len(j.LeftKeys) != 1 || len(j.RightKeys) != 1 || j.LeftKeys[0].T != j.RightKeys[0].T {
		return nil, nil
	}
	t := j.LeftKeys[0].T
	if t != types.String && storageOf(t) != storeInt {
		return nil, nil
	}
	lv, err := keyVector(env, j.LeftKeys[0], lt, "HashJoin")
	if err != nil {
		return nil, err
	}
	rv, err := keyVector(env, j.RightKeys[0], rt, "HashJoin")
	if err != nil {
		return nil, err
	}
	if t == types.String {
		if lc, rc, ok, err := dictCodes(env, lv, rv); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return hashJoin(env, j.Kind, lc, rc, lt.N, rt.N, countOnly)
		}
		seed := maphash.MakeSeed()
		return hashJoin(env, j.Kind, strKeys{lv.S, seed}, strKeys{rv.S, seed}, lt.N, rt.N, countOnly)
	}
	lk, rk := intKeys{v: lv.I}, intKeys{v: rv.I}
	if lv.nulls != nil {
		lk.nulls = lv
	}
	if rv.nulls != nil {
		rk.nulls = rv
	}
	return hashJoin(env, j.Kind, lk, rk, lt.N, rt.N, countOnly)
}

// keyVector is key k of every row of t: the column itself for a column key, else the
// expression evaluated row by row (charged to op first, unless op is "": the caller did).
func keyVector(env *Env, k Expr, t *Table, op string) (*Vector, error) {
	if k.IsCol && t.Vecs[k.Col].T == k.T && t.Vecs[k.Col].Len() == t.N {
		return t.Vecs[k.Col], nil
	}
	if op != "" {
		if err := env.ChargeCells(t.N, []Column{{Type: k.T}}, op); err != nil {
			return nil, err
		}
	}
	v := NewVector(k.T, t.N)
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		v.Append(k.Eval(env, t, i))
	}
	return v, nil
}

// genericPairs joins on any keys (several, mixed types, dynamic, real): the keys' values are
// grouped by a Grouper into dense ids with chains of right rows per id.
func (j *Join) genericPairs(env *Env, lt, rt *Table) (*joinPairs, error) {
	g := NewGrouper()
	meter := env.Meter("HashJoin")
	if err := env.Mem.Charge(int64(rt.N)*48+int64(lt.N)*16, "HashJoin"); err != nil {
		return nil, err
	}
	var head []int32
	next := make([]int32, rt.N)
	buf := make([]types.Value, 0, len(j.RightKeys))
	for i := rt.N - 1; i >= 0; i-- { // backwards, so chains list rows in input order
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		next[i] = -1
		vals, ok := keyVals(env, j.RightKeys, rt, i, buf)
		if !ok {
			continue
		}
		id, isNew := g.ID(vals)
		if isNew {
			head = append(head, -1)
		}
		next[i] = head[id]
		head[id] = int32(i)
	}
	var li, ri []int32
	rightMatched := make([]bool, rt.N)
	var leftSeen *Grouper
	if j.Kind == JoinInnerUnique {
		leftSeen = NewGrouper()
	}
	for i := 0; i < lt.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
			if err := env.CheckRows(len(li)); err != nil {
				return nil, err
			}
		}
		first := int32(-1)
		vals, ok := keyVals(env, j.LeftKeys, lt, i, buf)
		if ok {
			if id, found := g.Lookup(vals); found {
				first = head[id]
			}
			if leftSeen != nil {
				if _, isNew := leftSeen.ID(vals); !isNew {
					continue
				}
			}
		} else if leftSeen != nil {
			continue
		}
		switch j.Kind {
		case JoinLeftSemi:
			if first >= 0 {
				li = append(li, int32(i))
			}
		case JoinLeftAnti:
			if first < 0 {
				li = append(li, int32(i))
			}
		case JoinRightSemi, JoinRightAnti:
			for r := first; r >= 0; r = next[r] {
				rightMatched[r] = true
			}
		default:
			for r := first; r >= 0; r = next[r] {
				li = append(li, int32(i))
				ri = append(ri, r)
				rightMatched[r] = true
				if len(li)%checkEvery == 0 {
					if err := env.CheckRows(len(li)); err != nil {
						return nil, err
					}
					if err := meter.Add(8 * checkEvery); err != nil {
						return nil, err
					}
				}
			}
			if first < 0 && (j.Kind == JoinLeftOuter || j.Kind == JoinFullOuter) {
				li = append(li, int32(i))
				ri = append(ri, -1)
			}
		}
	}
	switch j.Kind {
	case JoinRightSemi, JoinRightAnti:
		for r := 0; r < rt.N; r++ {
			if rightMatched[r] == (j.Kind == JoinRightSemi) {
				ri = append(ri, int32(r))
			}
		}
	case JoinRightOuter, JoinFullOuter:
		for r := 0; r < rt.N; r++ {
			if !rightMatched[r] {
				li = append(li, -1)
				ri = append(ri, int32(r))
			}
		}
	}
	return &joinPairs{li: li, ri: ri, n: max(len(li), len(ri))}, nil
}

// Union concatenates inputs; Maps[k][c] is the input column feeding output column c (or -1
// for nulls). SourceCol >= 0 names the output column that receives Names[k] (withsource=).
type Union struct {
	Inputs    []Node
	Maps      [][]int
	Cols      []Column
	SourceCol int
	Names     []string
	// Need marks the output columns later operators read (nil: all; see Prune): the others
	// are not concatenated.
	Need []bool
}

// Columns is the union schema.
func (u *Union) Columns() []Column { return u.Cols }

// Run concatenates.
func (u *Union) Run(env *Env) (*Table, error) {
	tabs := make([]*Table, len(u.Inputs))
	total := 0
	for k, in := range u.Inputs {
		t, err := in.Run(env)
		if err != nil {
			return nil, err
		}
		tabs[k] = t
		total += t.N
	}
	// The concatenated cells are new memory (texts and trees are shared): charged first.
	if err := env.ChargeCells(total, neededCols(u.Cols, u.Need), ""); err != nil {
		return nil, err
	}
	out := &Table{Cols: u.Cols, Vecs: make([]*Vector, len(u.Cols)), N: total}
	for c, col := range u.Cols {
		if !wanted(u.Need, c) {
			out.Vecs[c] = &Vector{T: col.Type}
			continue
		}
		v := NewVector(col.Type, total)
		for k, t := range tabs {
			switch {
			case c == u.SourceCol:
				name := types.NewString(u.Names[k])
				for i := 0; i < t.N; i++ {
					v.Append(name)
				}
			case u.Maps[k][c] < 0:
				for i := 0; i < t.N; i++ {
					v.AppendNull()
				}
			default:
				src := t.Vecs[u.Maps[k][c]]
				if src.T == col.Type {
					appendVector(v, src)
				} else {
					for i := 0; i < t.N; i++ {
						v.Append(src.Get(i))
					}
				}
			}
		}
		out.Vecs[c] = v
	}
	return out, nil
}

// appendVector appends all of src (same type) to v.
func appendVector(v, src *Vector) {
	base := v.n
	switch storageOf(v.T) {
	case storeInt:
		v.I = append(v.I, src.I...)
	case storeFloat:
		v.F = append(v.F, src.F...)
	case storeString:
		v.S = append(v.S, src.S...)
	default:
		v.D = append(v.D, src.D...)
	}
	v.n += src.n
	if src.nulls != nil {
		for i := 0; i < src.n; i++ {
			if src.IsNull(i) {
				v.setNull(base + i)
			}
		}
	}
}
