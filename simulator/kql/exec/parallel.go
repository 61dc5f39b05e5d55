package exec

import (
	"runtime"
	"sync"
)

// parallelism returns how many goroutines an operator over n rows should use: 1 (run
// sequentially) below env.ParallelMinRows or when env allows one worker.
func parallelism(env *Env, n int) int {
	minRows := env.ParallelMinRows
	if minRows <= 0 {
		minRows = DefaultParallelMinRows
	}
	if env.Workers <= 1 || n < minRows || n < 2 {
		return 1
	}
	return min(env.Workers, runtime.GOMAXPROCS(0)*2, n)
}

// runChunks calls f(w, lo, hi) for the w-th of workers contiguous chunks of [0, n) on its own
// goroutine (on this one when workers is 1) and returns the first chunk's error in chunk
// order. A worker's panic is re-raised here, on the query's goroutine, where Run recovers it.
func runChunks(n, workers int, f func(w, lo, hi int) error) error {
	if workers <= 1 {
		return f(0, 0, n)
	}
	errs := make([]error, workers)
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[w] = recover() }()
			errs[w] = f(w, n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
