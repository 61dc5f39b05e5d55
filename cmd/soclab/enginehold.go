package main

import (
	"context"
	"runtime"
	"sync"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// catchUpSlots holds one interactive CPU slot per tenant someone waits on (a grade) for the
// whole run of its catch-up slices (pipeline.Options.Hold), and lends it to the rule engine's
// runs (detect.Options.Held). Without it, each slice of a waited tenant took a slot anew and
// queued behind every learner's query again: with 30 learners querying, a catch-up of a few
// slices waited for a few full queues.
type catchUpSlots struct {
	cpu *sched.CPU
	// holds bounds the slots held at once (GOMAXPROCS: the pipeline's worker and an assisting
	// waiter may both hold one). One at a time (GOMAXPROCS-1 on 2 cores) made the waited
	// catch-ups go one by one: grade p50 6.3 s against 2.5 s (classload -think 0, load 4-5),
	// the lab queries' p99 no better.
	holds chan struct{}

	mu   sync.Mutex
	held map[string]context.Context
}

func newCatchUpSlots(cpu *sched.CPU) *catchUpSlots {
	return &catchUpSlots{cpu: cpu, holds: make(chan struct{}, runtime.GOMAXPROCS(0)), held: map[string]context.Context{}}
}

// hold takes an interactive slot for the tenant (waiting for one) until release.
func (s *catchUpSlots) hold(tenantID string) (release func()) {
	s.holds <- struct{}{}
	ctx, done, err := s.cpu.Acquire(context.Background(), sched.Interactive)
	if err != nil { // a background context never ends: cannot happen
		<-s.holds
		return func() {}
	}
	s.mu.Lock()
	s.held[tenantID] = ctx
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.held, tenantID)
		s.mu.Unlock()
		done()
		<-s.holds
	}
}

// slot returns the slot held for the tenant, if any.
func (s *catchUpSlots) slot(tenantID string) (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, ok := s.held[tenantID]
	return ctx, ok
}
