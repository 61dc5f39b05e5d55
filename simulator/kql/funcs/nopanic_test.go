package funcs

import (
	"math"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// TestNoPanicOnAnyArguments calls every function with every combination
// of awkward arguments (nulls of each type, empty and huge values, wrong
// types) up to three arguments: a query must never crash the process.
// Only assert() may panic, and only with a *RuntimeError.
func TestNoPanicOnAnyArguments(t *testing.T) {
	samples := []types.Value{
		{}, types.NullOf(types.Long), types.NullOf(types.DateTime), types.NullOf(types.Dynamic),
		types.NewString(""), types.NewString("a.b,c 10.0.0.1 ü"), types.NewString("(unclosed"), types.NewString("-1"),
		types.NewLong(0), types.NewLong(-1), types.NewLong(math.MaxInt64), types.NewLong(math.MinInt64), types.NewInt(7),
		types.NewReal(math.NaN()), types.NewReal(math.Inf(-1)), types.NewReal(2.5), types.NewBool(true),
		types.NewDateTimeTicks(types.MaxDateTimeTicks), types.NewDateTimeTicks(types.MinDateTimeTicks),
		types.NewTimeSpan(math.MinInt64), types.NewTimeSpan(types.TicksPerHour),
		types.NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"),
		types.NewDynamic([]any{}), types.NewDynamic([]any{nil, int64(1), "x", []any{2.5}}),
		types.NewDynamic(map[string]any{"a": map[string]any{"b": nil}}), types.NewDynamic("s"),
	}
	ctx := NewContext(time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), 1)
	reg := Builtins()
	calls := 0
	for _, name := range reg.Names() {
		if name == "range" {
			continue // its 2^20-element results are checked once below
		}
		f, _ := reg.Lookup(name)
		start := time.Now()
		maxN := f.MaxArgs
		if maxN == Variadic || maxN > 3 {
			maxN = 3
		}
		for n := f.MinArgs; n <= maxN; n++ {
			idx := make([]int, n)
			for {
				args := make([]types.Value, n)
				for i, k := range idx {
					args[i] = samples[k]
				}
				callNoPanic(t, f, ctx, args)
				calls++
				// next combination (odometer)
				limit := len(samples)
				i := n - 1
				for i >= 0 {
					idx[i]++
					if idx[i] < limit {
						break
					}
					idx[i] = 0
					i--
				}
				if i < 0 {
					break
				}
			}
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Logf("%s took %v", name, d)
		}
	}
	t.Logf("%d calls", calls)
	rng, _ := reg.Lookup("range")
	if got := rng.eval(ctx, []types.Value{types.NewLong(0), types.NewLong(math.MaxInt64)}); len(got.D.([]any)) != 1<<20 {
		t.Errorf("range(0, max) has %d elements, want 2^20", len(got.D.([]any)))
	}
}

func callNoPanic(t *testing.T, f *Func, ctx *Context, args []types.Value) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(*RuntimeError); ok && f.Name == "assert" {
				return
			}
			if err, ok := r.(error); ok && govern.IsLimit(err) {
				return // a result too large to allocate: Kusto's limit error, by design
			}
			t.Fatalf("%s%v panicked: %v", f.Name, args, r)
		}
	}()
	fa := make([]Arg, len(args))
	for i, a := range args {
		fa[i] = Arg{T: a.T, Const: true, V: a}
	}
	if _, err := f.ResultType(fa); err != nil {
		// Also evaluate unchecked: the executor never does, but the
		// evaluator must still not crash.
		f.eval(ctx, args)
		return
	}
	ev, err := f.Bind(fa)
	if err != nil {
		return
	}
	ev(ctx, args)
}
