package main

import (
	"context"
	"net/http"
	"strings"
)

// hostileQueries are the queries that hurt the server before query governance.
func hostileQueries() []string {
	return []string{
		`print x = strlen(strrep(strrep(strrep(strrep("a", 1024), 1024), 1024), 1024))`,
		`range x from 1 to 300 step 1 | extend a = range(x, x + 1000000, 1) | summarize sum(array_length(a))`,
		"SigninLogs" + strings.Repeat(" | where true", 50000), // ~650 KB
	}
}

// runHostile loops over the hostile queries on its own tenant until done is closed or max
// requests were sent.
func runHostile(ctx context.Context, c *http.Client, rec *recorder, h *learner, lt *labText, maxReq int, done chan struct{}) {
	if err := h.signIn(ctx, c, rec); err != nil {
		return
	}
	if err := h.setUp(ctx, c, rec, lt); err != nil {
		return
	}
	qs := hostileQueries()
	for i := 0; i < maxReq; i++ {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		default:
		}
		kind := []string{"hostile-strrep", "hostile-range", "hostile-long"}[i%len(qs)]
		h.query(ctx, c, rec, kind, qs[i%len(qs)])
	}
}
