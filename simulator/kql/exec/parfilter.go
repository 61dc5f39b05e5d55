package exec

import (
	"runtime"
	"sync"
)

// DefaultParallelMinRows is the table size from which a filter splits its rows across
// Env.Workers goroutines: below it the goroutines cost more than they save.
const DefaultParallelMinRows = 1 << 16

// parallelSelection runs a filter's predicates over contiguous chunks of t's rows on
// env.Workers goroutines and concatenates the chunks' selections in row order, so the result
// is the sequential one. It applies only when every predicate has a pure vectorised form
// (no per-row Eval, nothing read from env); ok is false otherwise.
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
		if p.Vec == nil || !p.VecPure {
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
			rows := make([]int32, hi-lo)
			for i := range rows {
				rows[i] = int32(lo + i)
			}
			for _, p := range preds {
				rows = p.Vec(env, t, rows)
				if len(rows) == 0 {
					break
				}
			}
			chunks[w] = rows
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
