package exec

import (
	"context"
	"reflect"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// FuzzTypedGroupingEqualsGeneral builds a table from the input (a string column of few texts,
// a long column with nulls and a wide range, a datetime) and checks that summarizing it by the
// typed grouper, on one worker and on three, gives exactly the general grouper's table.
func FuzzTypedGroupingEqualsGeneral(f *testing.F) {
	f.Add([]byte("abcabcabd"), uint8(0))
	f.Add([]byte{0, 1, 2, 255, 254, 0, 0, 7, 7, 7, 128}, uint8(1))
	f.Add([]byte("the quick brown fox jumps over the lazy dog"), uint8(2))
	f.Add([]byte{}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, shape uint8) {
		if len(data) > 4096 {
			return
		}
		b := NewBuilder("T", []Column{{Name: "S", Type: types.String}, {Name: "N", Type: types.Long},
			{Name: "T", Type: types.DateTime}})
		for i, x := range data {
			var n any
			if x%5 != 0 {
				n = int64(x%9) - 4
				if x > 200 {
					n = int64(x) << 40 // a wide range
				}
			}
			row := []any{string(rune('a' + x%7)), n, types.NewDateTimeTicks(int64(i) * int64(x) * 1_000_000)}
			if err := b.Append(row); err != nil {
				t.Fatal(err)
			}
		}
		tbl := b.Table()
		s, n := ColumnExpr(0, types.String), ColumnExpr(1, types.Long)
		keySets := [][]Expr{{s}, {n}, {s, n}, {binExpr(2, types.DateTime, 600_000_000), s}, {n, s, binExpr(1, types.Long, 3)}}
		keys := keySets[int(shape)%len(keySets)]
		sum := &Summarize{In: fixedNode{tbl}, Keys: keys, Aggs: []*AggSpec{
			{Func: "count", Out: []types.Type{types.Long}},
			{Func: "dcount", Args: []Expr{s}, Out: []types.Type{types.Long}},
			{Func: "make_set", Args: []Expr{s}, Consts: []types.Value{types.NewLong(2)}, Out: []types.Type{types.Dynamic}},
			{Func: "make_list", Args: []Expr{n}, Consts: []types.Value{types.NewLong(3)}, Out: []types.Type{types.Dynamic}},
			{Func: "arg_max", Args: []Expr{n}, Extra: []Expr{s}, Out: []types.Type{types.Long, types.String}},
		}}
		for _, k := range keys {
			sum.Cols = append(sum.Cols, Column{Name: "k", Type: k.T})
		}
		sum.Cols = append(sum.Cols, Column{Name: "c", Type: types.Long}, Column{Name: "d", Type: types.Long},
			Column{Name: "s", Type: types.Dynamic}, Column{Name: "l", Type: types.Dynamic},
			Column{Name: "m", Type: types.Long}, Column{Name: "ms", Type: types.String})
		env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
		want, err := sum.runGeneral(env, tbl)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
			env.Workers, env.ParallelMinRows = workers, 1
			got, err := sum.Run(env)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != want.N {
				t.Fatalf("%d workers: %d groups, want %d", workers, got.N, want.N)
			}
			for g := 0; g < want.N; g++ {
				if !reflect.DeepEqual(got.Row(g), want.Row(g)) {
					t.Fatalf("%d workers, group %d:\n got  %v\n want %v", workers, g, got.Row(g), want.Row(g))
				}
			}
		}
	})
}
