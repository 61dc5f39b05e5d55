package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Env is the state of one run of a compiled plan: the database, the clock, the limits and the
// per-run caches (materialized tables, toscalar results). A plan is immutable and shared by
// concurrent runs; everything a run changes lives here.
type Env struct {
	Ctx    context.Context
	DB     func(name string) (*Table, bool)
	Tables func() []string
	// External reads the content behind an externaldata URI (nil: nothing is reachable).
	External func(ctx context.Context, uri string) ([]byte, error)
	NowTick  int64
	// TimeBudget is the query's time budget (compile and run), named in the timeout error.
	TimeBudget time.Duration
	Rand       *rand.Rand
	MaxRows    int
	// Funcs is what scalar functions see: the run's clock and random source.
	Funcs *funcs.Context
	// Stack is scratch space for function arguments (evaluation within one run is sequential).
	Stack []types.Value

	// Mem is the run's memory budget, shared with Funcs and every forked environment:
	// builders and operators charge it as they allocate (see package govern).
	Mem *govern.Budget

	// Workers is how many goroutines a filter may split a large table across, and a summarize
	// its groups (0 or 1: sequential); ParallelMinRows is the table size from which they do
	// (0: DefaultParallelMinRows).
	Workers         int
	ParallelMinRows int

	mu    sync.Mutex
	cache map[any]any
}

// SetMemoryLimit gives the run a budget of limit bytes (<= 0: accounting only).
func (e *Env) SetMemoryLimit(limit int64) {
	e.Mem = govern.NewBudget(limit)
	e.Funcs.Budget = e.Mem
}

// Meter returns a batching meter over the run's budget for one builder; op names the
// operator in the error ("" for scalar work: the run's low-memory error).
func (e *Env) Meter(op string) *govern.Meter { return &govern.Meter{B: e.Mem, Op: op} }

// Account charges an operator's finished output to the run's budget: for operators whose
// output is bounded by inputs already charged (gathers share their strings), so only the new
// vectors' cells and dynamic trees are counted.
func (e *Env) Account(t *Table) error {
	if t == nil {
		return nil
	}
	return e.Mem.Charge(TableBytes(t), "")
}

// RowCells is the size of one row's cells for columns cols (see cellBytes).
func RowCells(cols []Column) int64 {
	var n int64
	for _, c := range cols {
		n += cellBytes(c.Type)
	}
	return n
}

// ChargeCells charges rows rows of new cells of columns cols (a gather or a concatenation:
// the cells are new, the strings and trees they point to are shared) before they are made.
func (e *Env) ChargeCells(rows int, cols []Column, op string) error {
	return e.Mem.Charge(int64(rows)*RowCells(cols), op)
}

// TableBytes estimates the memory a table's vectors hold: 8 bytes per fixed-size cell, a
// header per string plus its text, and dynamic trees by their walked size.
func TableBytes(t *Table) int64 {
	var n int64
	for _, v := range t.Vecs {
		n += 8 * int64(len(v.I)+len(v.F))
		for _, s := range v.S {
			n += 16 + int64(len(s))
		}
		for _, d := range v.D {
			n += 16 + govern.DynamicBytes(d)
		}
	}
	return n
}

// NewEnv prepares a run.
func NewEnv(ctx context.Context, db func(string) (*Table, bool), names func() []string, now int64, seed int64, maxRows int) *Env {
	if ctx == nil {
		ctx = context.Background()
	}
	e := &Env{Ctx: ctx, DB: db, Tables: names, NowTick: now, Rand: rand.New(rand.NewPCG(uint64(seed), 0x5eed)),
		MaxRows: maxRows, cache: map[any]any{}, Funcs: funcs.NewContext(types.TicksToTime(now), uint64(seed))}
	e.SetMemoryLimit(0)
	return e
}

// Cached returns the value computed once per run for key.
func (e *Env) Cached(key any, compute func() (any, error)) (any, error) {
	e.mu.Lock()
	v, ok := e.cache[key]
	e.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.cache[key] = v
	e.mu.Unlock()
	return v, nil
}

// Check is called by operators every few thousand rows: it stops a cancelled run (the
// caller went away: Kusto's cancellation; the time budget ran out: its timeout).
func (e *Env) Check() error {
	switch err := e.Ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return govern.Timeout(e.timeoutText())
	default:
		return govern.Cancelled()
	}
}

// timeoutText is the run's time budget for its error message (0 when only the context had a deadline).
func (e *Env) timeoutText() fmt.Stringer {
	if e.TimeBudget > 0 {
		return e.TimeBudget
	}
	return time.Duration(0)
}

// CheckRows fails a run whose intermediate result exceeds the row limit.
func (e *Env) CheckRows(n int) error {
	if e.MaxRows > 0 && n > e.MaxRows {
		return diag.Errorf(diag.CodeRuntimeError, diag.NoPos, diag.NoPos,
			"Query result set has exceeded the internal record count limit %d", e.MaxRows)
	}
	return nil
}

// Expr is a compiled scalar expression: its static type and its evaluation for row i of t.
type Expr struct {
	T    types.Type
	Eval func(env *Env, t *Table, i int) types.Value
	// Const, when non-nil, is the value of a constant expression (folded at compile time).
	Const *types.Value
	// Vec, when non-nil, is a typed fast path for a boolean expression used as a filter: it
	// returns the rows of t where the expression is true, among the candidate rows in (all
	// rows when in is nil). It may reuse in's storage.
	Vec func(env *Env, t *Table, in []int32) []int32
	// VecPure marks a Vec that reads only t's columns and constants (and env only through
	// methods safe for concurrent use: FilterDict), so it may run concurrently over disjoint
	// candidate rows.
	VecPure bool
	// RowNumber marks row_number() without a restart: its value at row i is RowStart + i.
	RowNumber bool
	RowStart  int64
	// RunConst marks an expression without row dependence whose value may change per run
	// (now(), ago(1h), a let-bound toscalar): evaluate it once with Eval(env, nil, 0).
	RunConst bool
	// IsCol is set for a plain column reference; Col is then its index in the row's table.
	IsCol bool
	Col   int
	// ReadsKnown marks an expression whose row columns are exactly Reads (indexes into the
	// row's table): late materialisation (Prune) leaves the other columns ungathered. An
	// expression without it may read any column.
	ReadsKnown bool
	Reads      []int
	// BinStep > 0 marks bin(column BinCol, BinStep) of a long, datetime or timespan column by a
	// positive constant: floor(x / BinStep) * BinStep, null for a null x (summarize reads the
	// column instead of calling Eval per row).
	BinStep int64
	BinCol  int
	// RowPure marks an expression whose Eval reads only the row's table and constants (no
	// caches, clock or random source of env), so a worker may call it with its own Env.
	RowPure bool
}

// ConstExpr returns an expression that always yields v.
func ConstExpr(v types.Value) Expr {
	c := v
	return Expr{T: v.T, Const: &c, RowPure: true, Eval: func(*Env, *Table, int) types.Value { return c }}
}

// ColumnExpr reads column idx of the row's table.
func ColumnExpr(idx int, t types.Type) Expr {
	return Expr{T: t, IsCol: true, Col: idx, ReadsKnown: true, Reads: []int{idx}, RowPure: true, Eval: func(_ *Env, tb *Table, i int) types.Value { return tb.Vecs[idx].Get(i) }}
}

// Node is an operator of a compiled plan: it produces a table from its inputs.
type Node interface {
	// Columns is the output schema known at compile time.
	Columns() []Column
	// Run computes the output for one run.
	Run(env *Env) (*Table, error)
}

// runtimeErr wraps an error from evaluation.
func runtimeErr(format string, args ...any) error {
	return diag.Errorf(diag.CodeRuntimeError, diag.NoPos, diag.NoPos, format, args...)
}

var _ = fmt.Sprintf
