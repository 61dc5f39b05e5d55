package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	copilotapi "github.com/soclab/soclab/mockapis/copilot"
	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/mockapis/hunting"
	identityapi "github.com/soclab/soclab/mockapis/identity"
	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/mockapis/server"
	xdrapi "github.com/soclab/soclab/mockapis/xdr"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// labScenario is the scenario soclab serves.
const labScenario = "alex-johnson"

// newLogEngine builds the log routing engine of a world for the lab's scenario; at most
// maxResident tenants keep their log views in memory (0: no cap).
func newLogEngine(w *simulator.World, maxResident int) (*logs.Engine, error) {
	return newLogEngineCached(w, maxResident, "")
}

// newLogEngineCached is newLogEngine with the shared telemetry cached in cacheDir ("": none).
func newLogEngineCached(w *simulator.World, maxResident int, cacheDir string) (*logs.Engine, error) {
	s, err := scenario.LoadBuiltin(labScenario)
	if err != nil {
		return nil, fmt.Errorf("load scenario %s: %w", labScenario, err)
	}
	return logs.New(w, s, logs.Options{MaxResidentTenants: maxResident, CacheDir: cacheDir,
		CacheLog: func(err error) { fmt.Fprintln(os.Stderr, "soclab: shared telemetry cache:", err) }})
}

// engineOnce builds one engine per server and shares it between the query APIs and the
// control endpoints; it warms the default tenant's telemetry in the background.
type engineOnce struct {
	mem  memoryOptions
	cpu  *sched.CPU // the server's processor share (tenants' views are prebuilt on it)
	once sync.Once
	e    *logs.Engine
	err  error
}

func (o *engineOnce) get(w *simulator.World) (*logs.Engine, error) {
	o.once.Do(func() {
		o.e, o.err = newLogEngineCached(w, o.mem.MaxResidentTenants, o.mem.TelemetryCache)
		followClass(w, o.mem, 5*time.Second)
		if o.err == nil {
			if t, err := w.TenantByName(simulator.DefaultTenantName); err == nil {
				go o.e.Warm(t.ID)
			}
			startViewPrebuild(o.e, o.cpu)
		}
	})
	return o.e, o.err
}

// withLogServices adds the query APIs (Log Analytics, Graph, Defender) and the attack, fault
// and kql control endpoints to s.
func withLogServices(s server.Services, mem memoryOptions) server.Services {
	// One processor share for the server: queries first, then grades, then the rule engine;
	// one fair admission for every query API (docs/kql-limits.md).
	cpu := sched.NewCPU(sched.CPUOptions{})
	eng := &engineOnce{mem: mem, cpu: cpu}
	gate := sched.New(sched.Options{CPU: cpu})
	failing := func(err error) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "soclab: log routing is unavailable: "+err.Error(), http.StatusInternalServerError)
		})
	}
	s.LogAnalytics = func(w *simulator.World, v auth.Verifier) http.Handler {
		e, err := eng.get(w)
		if err != nil {
			return failing(err)
		}
		return loganalytics.NewHandler(e, v, loganalytics.WithGate(gate))
	}
	s.Graph = func(w *simulator.World, v auth.Verifier) http.Handler {
		e, err := eng.get(w)
		if err != nil {
			return failing(err)
		}
		routes := append(hunting.GraphRoutes(e, hunting.WithGate(gate)), xdrapi.GraphRoutes(w)...)
		routes = append(routes, copilotapi.GraphRoutes(copilot.New(e))...)
		return graph.NewHandlerClock(v, graph.WorldClock(w), append(routes, identityapi.GraphRoutes(identity.NewService(e))...)...)
	}
	s.Defender = func(w *simulator.World, v auth.Verifier) http.Handler {
		e, err := eng.get(w)
		if err != nil {
			return failing(err)
		}
		return defender.NewHandler(v, append(hunting.DefenderRoutes(e, hunting.WithGate(gate)), xdrapi.DefenderRoutes(w)...)...)
	}
	control := s.Control
	s.Control = func(w *simulator.World) http.Handler {
		var next http.Handler = http.NotFoundHandler()
		if control != nil {
			next = control(w)
		}
		e, err := eng.get(w)
		if err != nil {
			return next
		}
		return withDetection(e, logcontrol.NewHandler(e, withGrader(e, next, cpu), logcontrol.Options{Background: guardedBackground, Gate: gate}), true, cpu)
	}
	return withPortal(s, eng, gate)
}
