package exec

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// typedTable has every kind of key the typed grouper reads: a string column of few texts, a
// GUID column with nulls, a long with nulls, a datetime, a long of wide range, a string of
// 4500 texts (groups enough for the sorted fold, several rows each).
func typedTable(t *testing.T, n int) *Table {
	t.Helper()
	b := NewBuilder("T", []Column{{Name: "S", Type: types.String}, {Name: "G", Type: types.GUID},
		{Name: "N", Type: types.Long}, {Name: "T", Type: types.DateTime}, {Name: "W", Type: types.Long}, {Name: "U", Type: types.String}})
	base := int64(638_000_000_000_000_000)
	for i := 0; i < n; i++ {
		var g, num any
		if i%5 != 0 {
			g = types.Value{T: types.GUID, S: fmt.Sprintf("00000000-0000-0000-0000-%012d", i%6)}
		}
		if i%4 != 0 {
			num = int64(i*7%9 - 3)
		}
		row := []any{[]string{"a", "B", "", "a b", "été"}[(i*3+i/7)%5], g, num,
			types.NewDateTimeTicks(base + int64(i)*37*types.TicksPerMinute/10), int64(i%11) * 1_000_000_000_000, fmt.Sprintf("u%d", i%4500)}
		if err := b.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	return b.Table()
}

// binExpr is bin(col, step) as the analyzer marks it.
func binExpr(col int, typ types.Type, step int64) Expr {
	return Expr{T: typ, BinStep: step, BinCol: col, RowPure: true, Eval: func(_ *Env, tb *Table, i int) types.Value {
		v := tb.Vecs[col].Get(i)
		if v.IsNull() {
			return v
		}
		return types.Value{T: typ, I: floorDiv(v.I, step) * step}
	}}
}

// TestTypedGroupingEqualsReference groups by each kind of typed key (one and two keys), with
// one worker and with four (every table split), and checks each group's key, row count,
// distinct count, first three distinct texts and first four texts against a row-by-row
// reference over the values as the general grouper keys them.
func TestTypedGroupingEqualsReference(t *testing.T) {
	const n = 20000
	tbl := typedTable(t, n)
	s := ColumnExpr(0, types.String)
	keySets := map[string][]Expr{
		"S": {s}, "G": {ColumnExpr(1, types.GUID)}, "N": {ColumnExpr(2, types.Long)},
		"bin(T, 1h)": {binExpr(3, types.DateTime, 36_000_000_000)}, "W": {ColumnExpr(4, types.Long)},
		"S, N": {s, ColumnExpr(2, types.Long)}, "bin(T, 5m), S": {binExpr(3, types.DateTime, 3_000_000_000), s},
		"W, G": {ColumnExpr(4, types.Long), ColumnExpr(1, types.GUID)}, "bin(N, 2)": {binExpr(2, types.Long, 2)},
		"(no keys)":        {},
		"S, N, G":          {s, ColumnExpr(2, types.Long), ColumnExpr(1, types.GUID)},
		"S, G, N, W":       {s, ColumnExpr(1, types.GUID), ColumnExpr(2, types.Long), ColumnExpr(4, types.Long)},
		"U, W, bin(T, 1m)": {ColumnExpr(5, types.String), ColumnExpr(4, types.Long), binExpr(3, types.DateTime, 600_000_000)},
		"bin(T, 1m), U, S": {binExpr(3, types.DateTime, 600_000_000), ColumnExpr(5, types.String), s},
		"U":                {ColumnExpr(5, types.String)}, "U, bin(T, 1h)": {ColumnExpr(5, types.String), binExpr(3, types.DateTime, 36_000_000_000)},
		"bin(T, 1m)": {binExpr(3, types.DateTime, 600_000_000)}, "bin(T, 10m), S": {binExpr(3, types.DateTime, 6_000_000_000), s},
	}
	// countif's predicate S == "a", with a vectorised form as the analyzer gives it
	isA := Expr{T: types.Bool, RowPure: true, VecPure: true, Eval: func(_ *Env, tb *Table, i int) types.Value {
		return types.NewBool(tb.Vecs[0].S[i] == "a")
	}, Vec: func(_ *Env, tb *Table, in []int32) []int32 {
		out := in[:0]
		for _, i := range in {
			if tb.Vecs[0].S[i] == "a" {
				out = append(out, i)
			}
		}
		return out
	}}
	// computed keys, evaluated into vectors first
	upper := Expr{T: types.String, Eval: func(_ *Env, tb *Table, i int) types.Value {
		return types.NewString(strings.ToUpper(tb.Vecs[0].S[i]) + "!")
	}}
	double := Expr{T: types.Long, Eval: func(_ *Env, tb *Table, i int) types.Value {
		v := tb.Vecs[2].Get(i)
		if v.IsNull() {
			return v
		}
		return types.NewLong(v.I * 2)
	}}
	keySets["upper(S)"] = []Expr{upper}
	keySets["N*2, U"] = []Expr{double, ColumnExpr(5, types.String)}
	keySets["upper(S), bin(T, 1m), N*2"] = []Expr{upper, binExpr(3, types.DateTime, 600_000_000), double}
	for name, keys := range keySets {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/%d workers", name, workers), func(t *testing.T) {
				sum := &Summarize{In: fixedNode{tbl}, Keys: keys, Aggs: []*AggSpec{
					{Func: "count", Out: []types.Type{types.Long}},
					{Func: "countif", Args: []Expr{isA}, Out: []types.Type{types.Long}},
					{Func: "dcount", Args: []Expr{s}, Out: []types.Type{types.Long}},
					{Func: "make_set", Args: []Expr{s}, Consts: []types.Value{types.NewLong(3)}, Out: []types.Type{types.Dynamic}},
					{Func: "make_list", Args: []Expr{s}, Consts: []types.Value{types.NewLong(4)}, Out: []types.Type{types.Dynamic}},
				}}
				for _, k := range keys {
					sum.Cols = append(sum.Cols, Column{Name: "k", Type: k.T})
				}
				sum.Cols = append(sum.Cols, Column{Name: "c", Type: types.Long}, Column{Name: "ca", Type: types.Long}, Column{Name: "d", Type: types.Long},
					Column{Name: "s", Type: types.Dynamic}, Column{Name: "l", Type: types.Dynamic})
				env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
				env.Workers, env.ParallelMinRows = workers, 1
				out, err := sum.Run(env)
				if err != nil {
					t.Fatal(err)
				}
				type group struct {
					key   []types.Value
					count int64
					isA   int64
					seen  map[string]bool
					set   []any
					list  []any
				}
				var order []*group
				byKey := map[string]*group{}
				for i := 0; i < n; i++ {
					var kb []byte
					vals := make([]types.Value, len(keys))
					for k, e := range keys {
						vals[k] = e.Eval(env, tbl, i)
						kb = appendKey(kb, vals[k])
					}
					g := byKey[string(kb)]
					if g == nil {
						g = &group{key: vals, seen: map[string]bool{}, set: []any{}}
						byKey[string(kb)] = g
						order = append(order, g)
					}
					g.count++
					x := tbl.Vecs[0].S[i]
					if x == "a" {
						g.isA++
					}
					if !g.seen[x] && len(g.set) < 3 {
						g.set = append(g.set, x)
					}
					g.seen[x] = true
					if len(g.list) < 4 {
						g.list = append(g.list, x)
					}
				}
				if out.N != len(order) {
					t.Fatalf("%d groups, want %d", out.N, len(order))
				}
				for gi, g := range order {
					row := out.Row(gi)
					want := append(append([]types.Value{}, g.key...), types.NewLong(g.count), types.NewLong(g.isA), types.NewLong(int64(len(g.seen))),
						types.NewDynamic(g.set), types.NewDynamic(g.list))
					if !reflect.DeepEqual(row, want) {
						t.Fatalf("group %d:\n got  %v\n want %v", gi, row, want)
					}
				}
			})
		}
	}
}

// TestTypedGroupingFallsBack checks the keys the typed grouper does not read (three keys, a
// computed key, a string column with mostly distinct texts) still group.
func TestTypedGroupingFallsBack(t *testing.T) {
	b := NewBuilder("T", []Column{{Name: "S", Type: types.String}})
	for i := 0; i < 3000; i++ {
		if err := b.Append([]any{fmt.Sprintf("id-%d", i/2)}); err != nil {
			t.Fatal(err)
		}
	}
	tbl := b.Table()
	upper := Expr{T: types.String, Eval: func(_ *Env, tb *Table, i int) types.Value {
		return types.NewString(strings.ToUpper(tb.Vecs[0].S[i][:3]))
	}}
	for name, keys := range map[string][]Expr{
		"distinct texts": {ColumnExpr(0, types.String)}, "computed": {upper},
		"three keys": {ColumnExpr(0, types.String), upper, ColumnExpr(0, types.String)},
	} {
		sum := &Summarize{In: fixedNode{tbl}, Keys: keys, Aggs: []*AggSpec{{Func: "count", Out: []types.Type{types.Long}}}}
		for range keys {
			sum.Cols = append(sum.Cols, Column{Name: "k", Type: types.String})
		}
		sum.Cols = append(sum.Cols, Column{Name: "c", Type: types.Long})
		env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
		env.Workers, env.ParallelMinRows = 4, 1
		out, err := sum.Run(env)
		if err != nil {
			t.Fatal(err)
		}
		wantGroups := map[string]int{"distinct texts": 1500, "computed": 1, "three keys": 1500}[name]
		if out.N != wantGroups {
			t.Fatalf("%s: %d groups, want %d", name, out.N, wantGroups)
		}
		if c := out.Vecs[len(keys)].I[0]; c != int64(3000/wantGroups) {
			t.Fatalf("%s: first group counts %d", name, c)
		}
	}
}

// TestParallelFoldStopsAndReraises: the fold's workers stop at the run's checkpoints (a
// cancelled run ends with the cancellation error), and a worker's panic is raised again on
// the caller's goroutine (where the query facade turns it into the run's error).
func TestParallelFoldStopsAndReraises(t *testing.T) {
	tbl := typedTable(t, 20000)
	boom := Expr{T: types.Long, RowPure: true, Eval: func(_ *Env, tb *Table, i int) types.Value {
		if i == 15000 {
			panic("boom at row 15000")
		}
		return tb.Vecs[2].Get(i)
	}}
	for _, sorted := range []bool{false, true} {
		aggs := []*AggSpec{{Func: "sum", Args: []Expr{boom}, Out: []types.Type{types.Long}}}
		cols := []Column{{Name: "U", Type: types.String}, {Name: "sum", Type: types.Long}}
		if sorted { // a dcount makes the fold sort rows by group (4500 groups)
			aggs = append(aggs, &AggSpec{Func: "dcount", Args: []Expr{ColumnExpr(0, types.String)}, Out: []types.Type{types.Long}})
			cols = append(cols, Column{Name: "d", Type: types.Long})
		}
		sum := &Summarize{In: fixedNode{tbl}, Keys: []Expr{ColumnExpr(5, types.String)}, Aggs: aggs, Cols: cols}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		env := NewEnv(ctx, nil, nil, 0, 1, 0)
		env.Workers, env.ParallelMinRows = 4, 1
		if _, err := sum.Run(env); err == nil || err.Error() != govern.Cancelled().Error() {
			t.Fatalf("sorted %v: cancelled run: %v", sorted, err)
		}
		env = NewEnv(context.Background(), nil, nil, 0, 1, 0)
		env.Workers, env.ParallelMinRows = 4, 1
		func() {
			defer func() {
				if r := recover(); r != "boom at row 15000" {
					t.Fatalf("sorted %v: recovered %v", sorted, r)
				}
			}()
			_, _ = sum.Run(env)
			t.Fatalf("sorted %v: the worker's panic was lost", sorted)
		}()
	}
}
