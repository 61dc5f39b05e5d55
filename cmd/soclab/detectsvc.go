package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	copilotapi "github.com/soclab/soclab/mockapis/copilot"
	"github.com/soclab/soclab/mockapis/enginecontrol"
	xdrapi "github.com/soclab/soclab/mockapis/xdr"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/stages"
	"github.com/soclab/soclab/simulator/xdr"
)

// detectionTick is how often the server enqueues every tenant for its engines (a real-time
// clock needs one virtual minute per real minute; an x60 attack one per second).
const detectionTick = 5 * time.Second

// withDetection puts the engine pipeline behind the control endpoints: a request that moves
// a clock or changes what the logs hold (clock, attack, faults, reset) is answered at once and
// enqueues its tenant's catch-up; GET engine shows the progress, POST engine/wait waits for
// it, a grade waits (bounded) before grading. background starts the workers, a ticker for
// running clocks and, right after startup, every tenant's catch-up (the server); without it
// (a one-shot command on the state file) only engine/wait and grade run the engines, in the
// request. A panic in any control handler is answered with a 500 and logged. Rule queries
// compute on cpu as background work (nil: at once).
func withDetection(le *logs.Engine, next http.Handler, background bool, cpu *sched.CPU) http.Handler {
	// The engines work as long as the world is open (the server's life).
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-le.World().Closed()
		cancel()
	}()
	h, _ := withEngines(ctx, le, next, background, os.Stderr, detect.Options{CPU: cpu})
	return h
}

// withEngines is withDetection with the log and the rule engine's options; the background
// work stops when ctx ends. It also returns the pipeline (nil when the engines could not be
// built).
func withEngines(ctx context.Context, le *logs.Engine, next http.Handler, background bool, logw io.Writer, rulesOpts detect.Options) (http.Handler, *pipeline.Pipeline) {
	logLine := func(line string) { fmt.Fprintln(logw, line) }
	defender := xdr.New(le)
	var p *pipeline.Pipeline // set below, before any rule runs
	if rulesOpts.Urgent == nil {
		rulesOpts.Urgent = func(tenantID string) bool { return p != nil && p.Waited(tenantID) }
	}
	var hold func(string) func()
	if rulesOpts.CPU != nil && rulesOpts.Held == nil {
		slots := newCatchUpSlots(rulesOpts.CPU)
		hold, rulesOpts.Held = slots.hold, slots.slot
	}
	named, err := stages.New(le, defender, rulesOpts)
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			control.WriteAnswer(w, nil, control.Fail(http.StatusInternalServerError, "RuleEngineUnavailable", "%v", err), func(error) *control.Error { return nil })
		}), nil
	}
	world := le.World()
	next = copilotapi.NewControl(copilot.New(le), xdrapi.NewControl(world, withXDRFaults(world, defender, next)))
	p = pipeline.New(pipeline.Options{Clock: world.Now, Tenants: tenantIDs(world), Log: logLine, Workers: engineWorkers(), Assist: engineWorkers(), Hold: hold}, named...)
	if background {
		p.Start(ctx)
		go func() {
			if err := p.EnqueueAll(); err != nil {
				logLine("soclab: " + err.Error())
			}
		}()
		go func() {
			t := time.NewTicker(detectionTick)
			defer t.Stop()
			p.RunTicker(ctx, t.C)
		}()
	}
	h := enginecontrol.NewHandler(world, p, withGradeWait(world, p, next, gradeWait), enginecontrol.Options{})
	return control.Recover(h, logLine), p
}

// engineWorkers is how many tenants catch up at once: half the cores, so requests (the
// learners' queries and control calls) keep the other half (measured: with 10 tenants
// catching up on 2 cores, clock advance takes 8 ms with one worker, 75 ms with two).
func engineWorkers() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// tenantIDs lists the world's tenants for the pipeline.
func tenantIDs(w *simulator.World) func() ([]string, error) {
	return func() ([]string, error) {
		ts, err := w.Tenants()
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(ts))
		for i, t := range ts {
			ids[i] = t.ID
		}
		return ids, nil
	}
}

// guardedBackground runs fn (an xN attack's clock driver) in a goroutine whose panic is
// logged instead of ending the server.
func guardedBackground(fn func()) {
	go func() {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(os.Stderr, "soclab: panic in a background task: %v\n%s", p, debug.Stack())
			}
		}()
		fn()
	}()
}
