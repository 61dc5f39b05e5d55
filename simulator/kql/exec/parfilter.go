package exec

import (
	"runtime"
	"sync"

	"github.com/soclab/soclab/simulator/kql/types"
)

// DefaultParallelMinRows is the table size from which a filter splits its rows across
// Env.Workers goroutines: below it the goroutines cost more than they save.
const DefaultParallelMinRows = 1 << 16

// parallelSelection runs a filter's predicates over contiguous chunks of t's rows on
// env.Workers goroutines and concatenates the chunks' selections in row order, so the result
// is the sequential one. It applies only when every predicate has a pure vectorised form
// (nothing read from env) or is row-pure (its per-row Eval reads only the row and constants:
// a dynamic member compared with a constant, say); ok is false otherwise.
func parallelSelection(env *Env, t *Table, preds []Expr) (sel []int32, ok bool) {
	workers := env.Workers
	minRows := env.ParallelMinRows
	if minRows <= 0 {
		minRows = DefaultParallelMinRows
	}
	if workers <= 1 || t.N < minRows || len(preds) == 0 {
		return nil, false
	}
	for _, p := range preds {
		if !vecPure(p) && !p.RowPure {
			return nil, false
		}
	}
	workers = min(workers, runtime.GOMAXPROCS(0)*2, t.N)
	chunks := make([][]int32, workers)
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := t.N*w/workers, t.N*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[w] = recover() }() // re-raised below, where Run recovers it
			chunks[w] = selectRange(env, env.Fork(), t, preds, lo, hi)
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	total := 0
	for _, c := range chunks {
		total += len(c)
	}
	sel = make([]int32, 0, total)
	for _, c := range chunks {
		sel = append(sel, c...)
	}
	return sel, true
}

// filterBlock is how many candidate rows a filter worker hands its predicates at once: the
// candidates' buffer is reused, so a worker holds 4 bytes per block row, not per chunk row.
const filterBlock = 1 << 14

// vecPure reports whether p has a vectorised form a worker may run with the shared env.
func vecPure(p Expr) bool { return p.Vec != nil && p.VecPure }

// selectRange returns the rows of [lo, hi) that pass every predicate, in order, a block of
// rows at a time. A cancelled run stops between blocks (the caller's Env.Check reports it).
// Row-pure predicates without a pure vectorised form are evaluated row by row with rowEnv,
// the worker's own fork of env.
func selectRange(env, rowEnv *Env, t *Table, preds []Expr, lo, hi int) []int32 {
	var out []int32
	buf := make([]int32, min(filterBlock, hi-lo))
	for start := lo; start < hi; start += filterBlock {
		if env.Check() != nil {
			return out
		}
		end := min(start+filterBlock, hi)
		rows := buf[:end-start]
		for i := range rows {
			rows[i] = int32(start + i)
		}
		for _, p := range preds {
			if vecPure(p) {
				rows = p.Vec(env, t, rows)
			} else {
				rows = keepRows(rowEnv, p, t, rows)
			}
			if len(rows) == 0 {
				break
			}
		}
		if out == nil {
			out = make([]int32, 0, len(rows)*((hi-lo+filterBlock-1)/filterBlock)+16) // the first block's share
		}
		out = append(out, rows...)
	}
	return out
}

// keepRows keeps, in place and in order, the rows for which p's Eval is true.
func keepRows(env *Env, p Expr, t *Table, rows []int32) []int32 {
	out := rows[:0]
	for _, i := range rows {
		if v := p.Eval(env, t, int(i)); v.T == types.Bool && !v.Null && v.I != 0 {
			out = append(out, i)
		}
	}
	return out
}
