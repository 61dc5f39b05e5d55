package exec

import (
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

// Run reads the keys (a column key as it is, an expression evaluated once into a vector),
// orders the row indexes by the keys with ties in row order (Kusto's sort is stable), and
// gathers the columns later operators read. Large inputs sort in chunks on env.Workers
// goroutines, then merge (sortRows): the order is the sequential one.
func (s *Sort) Run(env *Env) (*Table, error) {
	t, err := s.In.Run(env)
	if err != nil {
		return nil, err
	}
	limit := -1
	if s.Limit != nil {
		n, ok := s.Limit.Eval(env, nil, 0).AsInt()
		if !ok {
			return nil, runtimeErr("top: the row count is not a number")
		}
		limit = int(min(max(n, 0), int64(t.N)))
	}
	// Evaluated key vectors, the index (and its merge buffer; top's heaps of limit rows per
	// chunk) and the gathered output: charged before they are made.
	var keyBytes int64
	for _, sk := range s.Keys {
		if !sk.X.IsCol {
			keyBytes += 16
		}
	}
	idxRows, outRows := t.N, t.N
	if limit >= 0 {
		outRows = limit
		if w := parallelism(env, t.N); limit < t.N/w/4 { // sortRows' heap path
			idxRows = 2 * limit * w
		}
	}
	if err := env.Mem.Charge(int64(t.N)*keyBytes+8*int64(idxRows)+int64(outRows)*RowCells(neededCols(t.Cols, s.Need)), "Sort"); err != nil {
		return nil, err
	}
	keys := make([]*Vector, len(s.Keys))
	for k, sk := range s.Keys {
		if keys[k], err = keyVector(env, sk.X, t, ""); err != nil {
			return nil, err
		}
	}
	idx, err := sortRows(env, keys, s.Keys, t.N, limit)
	if err != nil {
		return nil, err
	}
	return t.GatherNeeded(env, idx, s.Need), nil
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
