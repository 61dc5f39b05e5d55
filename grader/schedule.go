package grader

import (
	"context"
	"runtime"
	"time"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// Options tune how a Grader shares the processor.
type Options struct {
	// CPU is the server's processor share (nil: grades compute at once). A grade computes as
	// interactive work: a learner waits for it, and with its rule queries' verdicts known it
	// is a few tens of milliseconds. Judging a rule query it has not seen takes a judging
	// permit first and a fresh interactive slot, which the CPU demotes to batch work, like any
	// query, once it has computed half a second (it then yields to the learners' queries at
	// the executor's checkpoints); the other grades of the class waiting for that verdict
	// hold nothing meanwhile.
	CPU *sched.CPU
	// Judges is how many grades judge rule queries at once (0: GOMAXPROCS-1, at least 1): a
	// judging builds a working set over a month of telemetry, so a class grading new queries at
	// the same moment would multiply the heap without finishing sooner. Grades whose verdicts
	// are known never wait for this.
	Judges int
}

// slot is the processor share one grade (or one background judging) computes on: it starts
// as its class, moves to a judging permit and a new slot for judging (escalate), and holds
// nothing while it waits for another grade's judging of the same query (pause/resume), so no
// holder of a slot ever waits for a holder of a permit.
type slot struct {
	cpu     *sched.CPU
	class   sched.Class
	permits chan struct{}
	base    context.Context // the caller's, holding no slot of cpu
	ctx     context.Context // the context the work runs with
	// external: the caller's context already holds a slot of cpu (a query inside a grade,
	// a test); the grade runs on it and never moves.
	external bool
	release  func()
	permit   bool // holds one of permits
	judging  bool // escalated: a permit and the slot taken after it
}

// newSlot acquires a slot of class for work run with ctx.
func newSlot(ctx context.Context, cpu *sched.CPU, class sched.Class, permits chan struct{}) (*slot, error) {
	s := &slot{cpu: cpu, class: class, permits: permits, base: ctx, ctx: ctx, release: func() {}}
	if cpu == nil {
		return s, nil
	}
	if _, held := sched.ClassOf(ctx); held {
		s.external = true
		return s, nil
	}
	return s, s.acquire(class)
}

func (s *slot) acquire(class sched.Class) error {
	defer phasesOf(s.base).add(phaseSlot, time.Now())
	ctx, done, err := s.cpu.Acquire(s.base, class)
	if err != nil {
		return err
	}
	s.ctx, s.release = ctx, done
	return nil
}

// pause gives the slot and the permit back (the work waits for something else).
func (s *slot) pause() {
	if s.external || s.cpu == nil {
		return
	}
	s.release()
	s.release = func() {}
	s.ctx = s.base
	if s.permit {
		<-s.permits
		s.permit = false
	}
}

// resume takes back what pause gave up: a permit and a slot when judging, else a slot.
func (s *slot) resume() error {
	if s.external || s.cpu == nil {
		return nil
	}
	if s.judging {
		s.judging = false
		return s.escalate()
	}
	return s.acquire(s.class)
}

// escalate moves the work to a judging permit and a new slot of its class: it gives its slot
// up first, waits for a permit, then for the slot. A judging is a long piece of interactive
// work, like a heavy query: the CPU demotes it to batch once it has computed
// sched.DefaultDemote, and the permits (GOMAXPROCS-1) leave a slot to the queries.
func (s *slot) escalate() error {
	if s.judging || s.external {
		return nil
	}
	s.pause()
	began := time.Now()
	select {
	case s.permits <- struct{}{}:
		phasesOf(s.base).add(phasePermit, began)
		s.permit = true
	case <-s.base.Done():
		return s.base.Err()
	}
	s.judging = true
	if s.cpu == nil {
		return nil
	}
	return s.acquire(s.class)
}

// endJudging gives the judging's permit and slot back and takes a fresh slot of the work's
// class for the rest of it: the judging's slot has computed long enough to be demoted, and
// the grade's other checks (a query over the workspace, the fired rules) would compute as
// batch work behind every learner's query (2-3 s in classload -think 0).
func (s *slot) endJudging() error {
	if !s.judging || s.external || s.cpu == nil {
		return nil // without a CPU the permit stays with the work until done, as before
	}
	s.pause()
	s.judging = false
	return s.acquire(s.class)
}

// firm is the context a grade's judging runs with first (judgeRuleQuery): the caller's,
// without the checkpoints of the slot it holds meanwhile. nil for background judgings (they
// yield to everything), for work without a CPU and for work on a caller's slot.
func (s *slot) firm() context.Context {
	if s.cpu == nil || s.external || s.class == sched.Background || !s.judging {
		return nil
	}
	return s.base
}

// done gives everything back.
func (s *slot) done() {
	if s.external {
		return
	}
	s.release()
	s.release = func() {}
	if s.permit {
		<-s.permits
		s.permit = false
	}
}

// judges is the default number of judging permits.
func judges(n int) int {
	if n > 0 {
		return n
	}
	return max(runtime.GOMAXPROCS(0)-1, 1)
}
