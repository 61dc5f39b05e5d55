package main

import (
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

// withXDRFaults applies the Defender-side effect of a sync fault (the Sentinel integration's
// severity filter, sync off) as soon as a faults request succeeds, as kv-diagnostics-missing
// acts on ARM at the moment it is toggled: `soclab xdr settings show` right after `soclab fault
// on xdr-sync-severity-filter` shows the cause, without waiting for the engine pipeline.
func withXDRFaults(w *simulator.World, defender *xdr.Engine, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(strings.TrimPrefix(r.URL.Path, "/_soclab/"), "faults/") {
			next.ServeHTTP(rw, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status >= 300 {
			return
		}
		ids, err := tenantIDs(w)()
		if err != nil {
			return
		}
		for _, id := range ids {
			defender.ApplyFaults(id) // the pipeline applies it again (and reports errors) on its next pass
		}
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
