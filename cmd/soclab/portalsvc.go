package main

import (
	"log"
	"net/http"
	"os"
	"sync"

	"github.com/soclab/soclab/mockapis/portal"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/kql/sched"
)

// withPortal adds the web portal (security.microsoft.com and the port's plain paths) and its
// control endpoint /_soclab/portal/link to s: one Portal per server, over the same log engine
// and query gate as the APIs.
func withPortal(s server.Services, eng *engineOnce, gate *sched.Gate) server.Services {
	var once sync.Once
	var p *portal.Portal
	var perr error
	get := func(w *simulator.World) (*portal.Portal, error) {
		once.Do(func() {
			e, err := eng.get(w)
			if err != nil {
				perr = err
				return
			}
			p, perr = portal.New(portal.Config{World: w, Logs: e, Copilot: copilot.New(e), Identity: identity.NewService(e), Gate: gate,
				Log: log.New(os.Stderr, "soclab: ", log.LstdFlags)})
		})
		return p, perr
	}
	s.Portal = func(w *simulator.World) http.Handler {
		p, err := get(w)
		if err != nil {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				http.Error(rw, "soclab: the portal is unavailable: "+err.Error(), http.StatusInternalServerError)
			})
		}
		return p
	}
	control := s.Control
	s.Control = func(w *simulator.World) http.Handler {
		var next http.Handler = http.NotFoundHandler()
		if control != nil {
			next = control(w)
		}
		p, err := get(w)
		if err != nil {
			return next
		}
		return p.Control(next)
	}
	return s
}
