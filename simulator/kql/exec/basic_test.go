package exec

import (
	"context"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// TestCountOfFilter checks that `where | count` counts the rows the filter returns, with
// and without a typed fast path, and when no row passes.
func TestCountOfFilter(t *testing.T) {
	b := NewBuilder("T", []Column{{Name: "X", Type: types.Long}})
	for i := 0; i < 10000; i++ {
		if err := b.Append([]any{int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	tbl := b.Table()
	below := func(limit int64) Expr {
		return Expr{T: types.Bool, Eval: func(_ *Env, tb *Table, i int) types.Value {
			return types.NewBool(tb.Vecs[0].I[i] < limit)
		}}
	}
	even := below(0)
	even.Eval = func(_ *Env, tb *Table, i int) types.Value { return types.NewBool(tb.Vecs[0].I[i]%2 == 0) }
	even.Vec = func(_ *Env, tb *Table, in []int32) []int32 {
		var out []int32
		for i := 0; i < tb.N; i++ {
			if tb.Vecs[0].I[i]%2 == 0 {
				out = append(out, int32(i))
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		preds []Expr
		want  int64
	}{
		{"row by row", []Expr{below(5000)}, 5000},
		{"fast path then row by row", []Expr{even, below(5000)}, 2500},
		{"none pass", []Expr{below(-1)}, 0},
		{"all pass", []Expr{below(20000)}, 10000},
	} {
		f := &Filter{In: fixedNode{tbl}, Preds: tc.preds}
		env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
		rows, err := f.Run(env)
		if err != nil {
			t.Fatal(err)
		}
		out, err := (&CountRows{In: f, Name: "Count"}).Run(env)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Vecs[0].I[0]; got != tc.want || int64(rows.N) != tc.want {
			t.Errorf("%s: count %d, filter rows %d, want %d", tc.name, got, rows.N, tc.want)
		}
	}
}
