package exec

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// fixedNode is a plan node returning a prepared table.
type fixedNode struct{ t *Table }

func (n fixedNode) Columns() []Column        { return n.t.Cols }
func (n fixedNode) Run(*Env) (*Table, error) { return n.t, nil }

// TestSummarizeBatchesKeepRowOrder checks the batched summarize over several batches against
// a row-by-row computation: make_set and make_list keep the first values in row order up to
// their limits, dcount counts exactly.
func TestSummarizeBatchesKeepRowOrder(t *testing.T) {
	const n = 5000
	b := NewBuilder("T", []Column{{Name: "G", Type: types.Long}, {Name: "V", Type: types.String}})
	for i := 0; i < n; i++ {
		if err := b.Append([]any{int64(i % 7), fmt.Sprintf("v%d", (i*31)%50)}); err != nil {
			t.Fatal(err)
		}
	}
	tbl := b.Table()
	val := ColumnExpr(1, types.String)
	s := &Summarize{
		In:   fixedNode{tbl},
		Keys: []Expr{ColumnExpr(0, types.Long)},
		Aggs: []*AggSpec{
			{Func: "make_set", Args: []Expr{val}, Consts: []types.Value{types.NewLong(4)}, Out: []types.Type{types.Dynamic}},
			{Func: "dcount", Args: []Expr{val}, Out: []types.Type{types.Long}},
			{Func: "make_list", Args: []Expr{val}, Consts: []types.Value{types.NewLong(3)}, Out: []types.Type{types.Dynamic}},
		},
		Cols: []Column{{Name: "G", Type: types.Long}, {Name: "s", Type: types.Dynamic}, {Name: "d", Type: types.Long}, {Name: "l", Type: types.Dynamic}},
	}
	env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
	out, err := s.Run(env)
	if err != nil {
		t.Fatal(err)
	}
	if out.N != 7 {
		t.Fatalf("%d groups, want 7", out.N)
	}
	for g := 0; g < 7; g++ {
		var set, list []any
		seen := map[string]bool{}
		for i := g; i < n; i += 7 {
			v := fmt.Sprintf("v%d", (i*31)%50)
			if !seen[v] && len(set) < 4 {
				set = append(set, v)
			}
			seen[v] = true
			if len(list) < 3 {
				list = append(list, v)
			}
		}
		if key := out.Vecs[0].Get(g).I; key != int64(g) {
			t.Fatalf("group %d has key %d", g, key)
		}
		if got := out.Vecs[1].Get(g).D; !reflect.DeepEqual(got, set) {
			t.Errorf("group %d make_set = %v, want %v", g, got, set)
		}
		if got := out.Vecs[2].Get(g).I; got != int64(len(seen)) {
			t.Errorf("group %d dcount = %d, want %d", g, got, len(seen))
		}
		if got := out.Vecs[3].Get(g).D; !reflect.DeepEqual(got, list) {
			t.Errorf("group %d make_list = %v, want %v", g, got, list)
		}
	}
}
