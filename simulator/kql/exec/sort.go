package exec

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// SortKey is one sort expression with its direction and null placement.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders the rows (sort/order by; top when Limit is set).
type Sort struct {
	In    Node
	Keys  []SortKey
	Limit *Expr
	// Cols caches In.Columns() (nil: ask In).
	Cols []Column
	// Need marks the output columns later operators read (nil: all; see Prune): the others
	// are not gathered.
	Need []bool
}

// Columns is the input schema.
func (s *Sort) Columns() []Column {
	if s.Cols != nil {
		return s.Cols
	}
	return s.In.Columns()
}

// Run evaluates the keys once into vectors, then sorts row indexes stably.
func (s *Sort) Run(env *Env) (*Table, error) {
	t, err := s.In.Run(env)
	if err != nil {
		return nil, err
	}
	// Key vectors, the index and the gathered output: charged before they are made.
	if err := env.Mem.Charge(int64(t.N)*(4+16*int64(len(s.Keys))+RowCells(neededCols(t.Cols, s.Need))), "Sort"); err != nil {
		return nil, err
	}
	keys := make([]*Vector, len(s.Keys))
	for k, sk := range s.Keys {
		v := NewVector(sk.X.T, t.N)
		for i := 0; i < t.N; i++ {
			if i%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return nil, err
				}
			}
			v.Append(sk.X.Eval(env, t, i))
		}
		keys[k] = v
	}
	idx := seq(t.N)
	less := func(a, b int32) int {
		for k, sk := range s.Keys {
			c := compareRows(keys[k], int(a), int(b), sk)
			if c != 0 {
				return c
			}
		}
		return 0
	}
	sort.SliceStable(idx, func(x, y int) bool { return less(idx[x], idx[y]) < 0 })
	if s.Limit != nil {
		n, ok := s.Limit.Eval(env, nil, 0).AsInt()
		if !ok {
			return nil, runtimeErr("top: the row count is not a number")
		}
		if n < 0 {
			n = 0
		}
		if int(n) < len(idx) {
			idx = idx[:n]
		}
	}
	return t.GatherNeeded(idx, s.Need), nil
}

// compareRows orders rows a and b of one key vector: nulls (and, for strings, empty strings
// are not nulls) placed per the key, then values ascending or descending.
func compareRows(v *Vector, a, b int, sk SortKey) int {
	na, nb := v.IsNull(a), v.IsNull(b)
	if na || nb {
		if na && nb {
			return 0
		}
		if na == sk.NullsFirst {
			return -1
		}
		return 1
	}
	var c int
	switch storageOf(v.T) {
	case storeInt:
		c = types.CompareInt(v.I[a], v.I[b])
	case storeFloat:
		c = types.CompareFloat(v.F[a], v.F[b])
	case storeString:
		c = cmpString(v.S[a], v.S[b])
	default:
		c = Compare(v.Get(a), v.Get(b))
	}
	if sk.Desc {
		return -c
	}
	return c
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var _ = types.Null
