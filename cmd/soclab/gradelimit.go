package main

import (
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// limitGrading lets at most n grade requests work at once; the others wait their turn (or
// give up when their client does). Grading is CPU-bound and builds a working set per
// request (scenario data, every rule over every window), so a class grading at the same
// moment would otherwise multiply the heap by its size without finishing any sooner; the
// server passes GOMAXPROCS-1 (at least 1), keeping a core for queries and ARM requests.
//
// A grade computes on a batch slot of cpu (nil: none): learners' queries go first, the rule
// engine after it.
func limitGrading(next http.Handler, n int, cpu *sched.CPU) http.Handler {
	slots := make(chan struct{}, max(n, 1))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/") != "grade" {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return // the client left while waiting: nothing to answer
		}
		defer func() { <-slots }()
		ctx, done, err := cpu.Acquire(r.Context(), sched.Batch)
		if err != nil {
			return // the client left while waiting
		}
		defer done()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
