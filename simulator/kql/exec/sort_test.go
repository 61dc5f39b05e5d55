package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// sortTable builds n rows with few distinct values per column (many ties): a long with nulls,
// a long without, a real with nulls and NaN, a string, a dynamic.
func sortTable(t *testing.T, n int) *Table {
	t.Helper()
	r := rand.New(rand.NewPCG(9, 9))
	b := NewBuilder("T", []Column{{Name: "LN", Type: types.Long}, {Name: "L", Type: types.Long}, {Name: "R", Type: types.Real},
		{Name: "S", Type: types.String}, {Name: "D", Type: types.Dynamic}})
	for i := 0; i < n; i++ {
		var ln, rl, d any = int64(r.IntN(5)), float64(r.IntN(4)) / 2, int64(r.IntN(3))
		if r.IntN(6) == 0 {
			ln = nil
		}
		switch r.IntN(8) {
		case 0:
			rl = nil
		case 1:
			rl = math.NaN()
		}
		if r.IntN(5) == 0 {
			d = fmt.Sprint("s", r.IntN(3))
		}
		if err := b.Append([]any{ln, int64(r.IntN(50)), rl, fmt.Sprint("v", r.IntN(7)), d}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Table()
}

// TestParallelSortIsStable sorts by one and several keys, both directions and null
// placements, whole and top-n, with 1 to 5 workers (every input split), and wants exactly the
// sequential stable sort's order (compareKeys over the values).
func TestParallelSortIsStable(t *testing.T) {
	for _, n := range []int{5000, 1000} { // string keys by dictionary ranks, and by text
		testSortIsStable(t, sortTable(t, n))
	}
}

func testSortIsStable(t *testing.T, tbl *Table) {
	keySets := [][]SortKey{
		{{X: ColumnExpr(1, types.Long)}},
		{{X: ColumnExpr(1, types.Long), Desc: true}},
		{{X: ColumnExpr(0, types.Long), NullsFirst: true}},
		{{X: ColumnExpr(0, types.Long), Desc: true}},
		{{X: ColumnExpr(3, types.String)}},
		{{X: ColumnExpr(3, types.String), Desc: true}},
		{{X: ColumnExpr(2, types.Real), Desc: true, NullsFirst: true}, {X: ColumnExpr(3, types.String)}},
		{{X: ColumnExpr(3, types.String), Desc: true}, {X: ColumnExpr(0, types.Long)}, {X: ColumnExpr(2, types.Real)}},
		{{X: ColumnExpr(4, types.Dynamic)}, {X: ColumnExpr(1, types.Long), Desc: true}},
	}
	for ks, keys := range keySets {
		vecs := make([]*Vector, len(keys))
		for k, sk := range keys {
			vecs[k] = tbl.Vecs[sk.X.Col]
		}
		want := seq(tbl.N)
		sort.SliceStable(want, func(x, y int) bool { return compareKeys(vecs, keys, want[x], want[y]) < 0 })
		for _, limit := range []int{-1, 0, 1, 7, 100, 4999, 6000} {
			w := cutRows(slices.Clone(want), limit)
			for _, workers := range []int{1, 2, 3, 5} {
				env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
				env.Workers, env.ParallelMinRows = workers, 1
				got, err := sortRows(env, vecs, keys, tbl.N, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, w) {
					t.Errorf("keys %d, limit %d, %d workers: %v..., want %v...", ks, limit, workers, head(got), head(w))
				}
			}
		}
	}
}
