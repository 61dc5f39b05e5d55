package pipeline

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// PanicError is a panic recovered from a stage: the slice fails with it and the process goes on.
type PanicError struct {
	Stage string
	Value any
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("stage %s panicked: %v", e.Stage, e.Value) }

// sliceResult is what one slice did.
type sliceResult struct {
	target, to   time.Time
	stageReached []time.Time // zero where the stage did not run
	stageErr     []error
	err          error
	// yielded: a stage gave the worker back before the slice's end (ErrYield).
	yielded bool
}

// run runs one slice of the tenant and records it: the tenant goes back to the end of the
// queue when the slice did not reach its clock or it was enqueued again meanwhile.
func (p *Pipeline) run(id string) {
	p.mu.Lock()
	t := p.tenant(id)
	t.queued, t.running = false, true
	startSeq, sliceLen := t.enq, t.slice
	hold := p.opts.Hold != nil && t.waiting > 0 && t.release == nil
	// A hold kept for another tenant's next slice is given back when this one runs first
	// (another waited tenant went ahead of it): held slots are never idle while a slice waits
	// for one, which would deadlock once every slot is held so.
	var idle []func()
	for _, o := range p.tenants {
		if o != t && o.release != nil && !o.running {
			idle = append(idle, o.release)
			o.release = nil
		}
	}
	p.changed()
	p.mu.Unlock()
	for _, release := range idle {
		release()
	}
	// The hold is taken only when the slice has something due: a waited tenant already caught
	// up (a grade's usual case) does not queue for a slot it would not use.
	takeHold := func() {
		if !hold {
			return
		}
		p.mu.Lock()
		p.holding++
		p.mu.Unlock()
		release := p.opts.Hold(id)
		p.mu.Lock()
		p.holding--
		t.release = release
		p.mu.Unlock()
	}

	began := time.Now()
	res := p.slice(id, sliceLen, takeHold)
	wall := time.Since(began)

	p.mu.Lock()
	var release func()
	defer func() {
		p.mu.Unlock()
		if release != nil {
			release()
		}
	}()
	t.running = false
	t.slices++
	t.lastWall = wall
	t.target = res.target
	for i := range p.stages {
		if !res.stageReached[i].IsZero() {
			t.stageReached[i] = res.stageReached[i]
		}
		if res.stageErr[i] != nil || !res.stageReached[i].IsZero() {
			t.stageErr[i] = res.stageErr[i]
		}
	}
	more := false
	if res.err != nil {
		t.err = res.err
		t.failed = startSeq
		t.failures++
		wait := min(RetryAfter<<min(t.failures-1, 16), MaxRetryAfter)
		t.retryAt = p.opts.Now().Add(wait)
		if msg := res.err.Error(); msg != t.logged || t.failures&(t.failures-1) == 0 {
			t.logged = msg
			p.log(fmt.Sprintf("pipeline: tenant %s: %v (%d failed in a row; the ticker retries in %s)", id, res.err, t.failures, wait))
			if pe, ok := asPanic(res.err); ok {
				p.log(fmt.Sprintf("pipeline: tenant %s: %s", id, pe.Stack))
			}
		}
	} else {
		t.err, t.failures, t.retryAt, t.logged = nil, 0, time.Time{}, ""
		switch {
		case res.yielded:
			more = true
		case res.to.Before(res.target):
			t.reached = res.to
			more = true
		default:
			t.reached = res.to
			t.done = startSeq
		}
		t.slice = adapt(t.slice, wall, p.opts)
	}
	if t.enq > startSeq {
		more = true
	}
	if more && !t.queued {
		t.queued = true
		p.queue = append(p.queue, id)
		p.promoteLocked(id) // still waited on: next, not after every other tenant
		p.work.Signal()
	}
	// The hold lasts while the catch-up is unfinished (the slice stopped short of the clock),
	// the tenant's next slice is the queue's next one, someone waits and no other slice waits
	// in Hold (the runners could all be blocked there, this hold idle). A slice that reached
	// the clock gives it back even when the tenant was enqueued again meanwhile (the ticker):
	// its waiter returns, and the hold would sit idle until a worker came back to the tenant.
	unfinished := res.err == nil && (res.yielded || res.to.Before(res.target))
	if t.release != nil && !(unfinished && more && t.waiting > 0 && len(p.queue) > 0 && p.queue[0] == id && p.holding == 0) {
		release, t.release = t.release, nil
	}
	p.changed()
}

// adapt sizes the next slice after one that took wall.
func adapt(slice, wall time.Duration, o Options) time.Duration {
	switch {
	case wall < o.Budget/2:
		slice *= 2
	case wall > o.Budget:
		slice /= 2
	}
	return min(max(slice, o.MinSlice), o.MaxSlice)
}

// slice catches the tenant up by at most sliceLen of virtual time: from the earliest
// progress of its stages towards its clock, every stage in order.
func (p *Pipeline) slice(id string, sliceLen time.Duration, takeHold func()) (res sliceResult) {
	res.stageReached = make([]time.Time, len(p.stages))
	res.stageErr = make([]error, len(p.stages))
	err := guard("clock", func() error {
		var err error
		res.target, err = p.opts.Clock(id)
		return err
	})
	if err != nil {
		res.err = fmt.Errorf("read the clock: %w", err)
		return res
	}
	from := res.target
	holdDue, holders := false, false // a stage using the hold has work due; some stage uses it
	for _, s := range p.stages {
		pr, ok := s.Stage.(Progresser)
		if !ok {
			continue
		}
		var at time.Time
		if err := guard(s.Name, func() error {
			var err error
			at, err = pr.Progress(id, res.target)
			return err
		}); err != nil {
			res.err = fmt.Errorf("stage %s: progress: %w", s.Name, err)
			return res
		}
		if at.Before(from) {
			from = at
		}
		if _, ok := s.Stage.(HoldUser); ok {
			holders = true
			holdDue = holdDue || at.Before(res.target)
		}
	}
	res.to = res.target
	if end := from.Add(sliceLen); end.Before(res.target) {
		res.to = end
	}
	if holdDue || (!holders && from.Before(res.target)) {
		takeHold()
	}
	for i, s := range p.stages {
		err := guard(s.Name, func() error { return s.Stage.Advance(id, res.to) })
		if errors.Is(err, ErrYield) {
			res.yielded = true
			return res
		}
		if err != nil {
			res.stageErr[i] = err
			res.err = fmt.Errorf("stage %s: %w", s.Name, err)
			return res
		}
		res.stageReached[i] = res.to
	}
	return res
}

// guard runs fn, turning a panic into a *PanicError.
func guard(stage string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Stage: stage, Value: r, Stack: debug.Stack()}
		}
	}()
	return fn()
}

func asPanic(err error) (*PanicError, bool) {
	var pe *PanicError
	ok := errors.As(err, &pe)
	return pe, ok
}
