package govern

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/types"
)

func TestBudget(t *testing.T) {
	b := NewBudget(100)
	if err := b.Charge(60, "Summarize"); err != nil {
		t.Fatal(err)
	}
	err := b.Charge(50, "Summarize")
	if LimitCode(err) != CodeRunaway || err.(*diag.Error).Msg != "Query execution has exceeded the allowed limits (80DA0001): The Summarize operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY)." {
		t.Fatalf("over the budget: %v", err)
	}
	if b.Used() != 60 {
		t.Fatalf("a refused charge takes nothing: used %d", b.Used())
	}
	if err := b.Fits(41, ""); LimitCode(err) != CodeLowMemory {
		t.Fatalf("Fits past the budget: %v", err)
	}
	if err := b.Fits(40, ""); err != nil {
		t.Fatalf("Fits within the budget: %v", err)
	}
	b.Release(60)
	if b.Used() != 0 || b.Peak() != 60 {
		t.Fatalf("used %d peak %d", b.Used(), b.Peak())
	}
	var none *Budget
	if none.Charge(1<<60, "") != nil || none.Fits(1<<60, "") != nil || none.Used() != 0 {
		t.Fatal("a nil budget has no limit")
	}
	unlimited := NewBudget(0)
	if unlimited.Charge(1<<40, "") != nil || unlimited.Used() != 1<<40 {
		t.Fatal("a zero budget only counts")
	}
}

func TestMeterChargesInChunks(t *testing.T) {
	b := NewBudget(3 * ChunkBytes)
	m := &Meter{B: b, Op: "HashJoin"}
	for i := 0; i < 1000; i++ {
		if err := m.Add(100); err != nil {
			t.Fatal(err)
		}
	}
	if b.Used() != 0 {
		t.Fatalf("below a chunk nothing is charged yet: %d", b.Used())
	}
	if err := m.Flush(); err != nil || b.Used() != 100000 {
		t.Fatalf("flush: %v, used %d", err, b.Used())
	}
	err := m.Add(4 * ChunkBytes)
	if LimitCode(err) != CodeRunaway {
		t.Fatalf("a chunk past the budget: %v", err)
	}
	m.ReleaseAll()
	if b.Used() != 0 {
		t.Fatalf("ReleaseAll: used %d", b.Used())
	}
}

func TestSizes(t *testing.T) {
	cases := []struct {
		v    types.Value
		want int64
	}{
		{types.NewLong(5), 8},
		{types.NewString("abcd"), 20},
		{types.NewDynamic(nil), 16},
		{types.NewDynamic([]any{int64(1), "ab"}), 16 + 24 + 2*16 + 8 + 18},
		{types.NewDynamic(map[string]any{"k": true}), 16 + 48 + 24 + 16 + 1 + 16},
	}
	for _, c := range cases {
		if got := ValueBytes(c.v); got != c.want {
			t.Errorf("ValueBytes(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	big := make([]any, 1000)
	for i := range big {
		big[i] = int64(i)
	}
	if got := DynamicBytes(big); got != 24+1000*16+1000*8 {
		t.Errorf("array of 1000 numbers: %d", got)
	}
}

func TestLimitErrors(t *testing.T) {
	cases := []struct {
		err  error
		code string
	}{
		{LowMemory(), CodeLowMemory},
		{OperatorBudget("Sort"), CodeRunaway},
		{StringTooLarge(), CodeRunaway},
		{ResultRecords(500000), CodeResultTooLarge},
		{ResultSize(64 << 20), CodeResultTooLarge},
		{Timeout(time.Minute), CodeTimeout},
		{Cancelled(), CodeCancelled},
		{fmt.Errorf("rule X: %w", LowMemory()), CodeLowMemory},
		{diag.Errorf(diag.CodeSyntax, 0, 1, "bad"), ""},
		{errors.New("plain"), ""},
		{nil, ""},
	}
	for _, c := range cases {
		if LimitCode(c.err) != c.code || IsLimit(c.err) != (c.code != "") {
			t.Errorf("%v: code %q, IsLimit %v; want %q", c.err, LimitCode(c.err), IsLimit(c.err), c.code)
		}
	}
	if got := StringTooLarge().Msg; got != "Query execution has exceeded the allowed limits (80DA0001): Partial query failure: Runaway query (E_RUNAWAY_QUERY). (message: 'Single string size shouldn't exceed the limit of 2GB (see http://aka.ms/kustoquerylimits)')" {
		t.Errorf("StringTooLarge: %s", got)
	}
}

func TestContextError(t *testing.T) {
	if ContextError(context.Background()) != nil {
		t.Fatal("a live context is no error")
	}
	ctx, cancel := WithTimeBudget(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	err := ContextError(ctx)
	if LimitCode(err) != CodeTimeout || err.(*diag.Error).Msg != "Query execution has exceeded the allowed limits: the request execution timed out after 1ns (Request_ExecutionTimeout)." {
		t.Fatalf("deadline: %v", err)
	}
	c2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if LimitCode(ContextError(c2)) != CodeCancelled {
		t.Fatal("cancelled")
	}
}
