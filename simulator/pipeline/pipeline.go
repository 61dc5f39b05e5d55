package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Stage is one clock-driven engine. Advance catches the tenant up from the stage's own stored
// progress to lab time to; it is idempotent and cheap when there is nothing to do.
type Stage interface {
	Advance(tenantID string, to time.Time) error
}

// ErrYield is returned by a stage's Advance that stopped early to give its worker back (a
// long catch-up): the slice ends there without an error, later stages do not run for it, and
// the tenant goes to the end of the queue; its next slice starts from the stages' progress.
var ErrYield = errors.New("pipeline: the stage yielded before reaching the slice's end")

// Progresser is implemented by a stage that can tell how far it has got: Progress returns the
// instant up to which everything the stage has to do for the tenant is done, at most to (to
// when nothing is due). The pipeline starts a tenant's slices at the earliest progress of its
// stages; without any Progresser a catch-up is one slice.
type Progresser interface {
	Progress(tenantID string, to time.Time) (time.Time, error)
}

// HoldUser is implemented by a stage whose work computes on the slot Options.Hold takes (the
// rule engine): the hold is then taken only when such a stage has work due in the slice (its
// Progress before the clock), not when only another stage has. Without any HoldUser, any due
// work takes it.
type HoldUser interface {
	UsesHold()
}

// Named is a stage with the name its status is reported under.
type Named struct {
	Name  string
	Stage Stage
}

// Options tune a Pipeline.
type Options struct {
	// Clock returns the tenant's lab time: the instant a catch-up runs to. Required.
	Clock func(tenantID string) (time.Time, error)
	// Tenants lists the tenants EnqueueAll enqueues. Required for EnqueueAll.
	Tenants func() ([]string, error)
	// Workers is how many slices run at once (0: 2). A tenant is never in two slices at once.
	Workers int
	// Slice is the first slice of virtual time of a tenant (0: 1h); MinSlice and MaxSlice
	// bound how it adapts (0: 1m and 24h).
	Slice, MinSlice, MaxSlice time.Duration
	// Budget is the wall time a slice aims at (0: 250ms): a slice taking less than half of
	// it doubles the tenant's next slice, one taking more halves it.
	Budget time.Duration
	// Log receives failed slices and recovered panics (nil: discarded); a tenant failing
	// again with the same error is logged on its 2nd, 4th, 8th... failure only.
	Log func(line string)
	// Now is the real clock of the retry back-off (nil: time.Now).
	Now func() time.Time
	// Assist is how many Wait callers may at once run their own tenant's slices in their
	// goroutine when it is next in the queue and no worker has taken it (0: none, the workers
	// alone): a worker held by a long slice of another tenant (a hostile rule's run) does not
	// hold back the tenants someone waits on.
	Assist int
	// Hold, when set, is called before the first slice of a run of slices of a tenant someone
	// waits on, and the function it returns once that run ends: the tenant caught up, no
	// longer waited on, or another tenant next in the queue. The server takes one interactive
	// CPU slot there for the whole catch-up a learner waits for (a grade), instead of queueing
	// behind every learner's query again at each slice. It may block until it has the slot.
	Hold func(tenantID string) (release func())
}

// Back-off of a failing tenant: EnqueueAll (the ticker) skips it until RetryAfter·2^(n-1)
// (at most MaxRetryAfter) after its n-th failure in a row; an explicit Enqueue or Wait (a
// learner's request) retries at once.
const (
	RetryAfter    = 5 * time.Second
	MaxRetryAfter = 5 * time.Minute
)

// Pipeline runs its stages for enqueued tenants, in slices, round-robin. Safe for
// concurrent use.
type Pipeline struct {
	opts   Options
	stages []Named

	mu      sync.Mutex
	work    *sync.Cond // signalled when the queue grows or the pipeline stops
	notify  chan struct{}
	seq     uint64
	queue   []string
	tenants map[string]*tenant
	started bool
	stopped bool
	wg      sync.WaitGroup
	// assisting counts the Wait callers running their tenant's slice (at most Options.Assist).
	assisting int
	// holding counts the slices waiting in Options.Hold: a hold is not kept idle meanwhile.
	holding int
}

// tenant is the pipeline's record of one tenant. Sequence numbers order enqueues: enq is the
// latest, done the latest whose pass reached the clock, failed the latest whose pass failed.
type tenant struct {
	id                string
	enq, done, failed uint64
	queued, running   bool
	slice             time.Duration
	target, reached   time.Time
	slices            int
	lastWall          time.Duration
	err               error
	stageReached      []time.Time
	stageErr          []error
	// failures counts the failed slices in a row; the ticker leaves the tenant alone until
	// retryAt. logged is the last error written to the log.
	failures int
	retryAt  time.Time
	logged   string
	// waiting counts the Wait calls in progress: someone (a grade, `soclab engine wait`)
	// waits on this tenant, so its slices go before the background catch-up of the others.
	// waitSeq orders the tenants waited on by when their waits began (the seq of the first
	// Wait in progress): the earliest is caught up first, not every waited tenant a slice in
	// turn, which would end all their catch-ups together at the end.
	waiting int
	waitSeq uint64
	// release gives back what Options.Hold took for the tenant's run of slices (nil: none).
	release func()
}

// New builds a pipeline over stages, run in the order given. Call Start to run it in the
// background; without Start, Wait runs the slices in the caller's goroutine.
func New(opts Options, stages ...Named) *Pipeline {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Slice <= 0 {
		opts.Slice = time.Hour
	}
	if opts.MinSlice <= 0 {
		opts.MinSlice = time.Minute
	}
	if opts.MaxSlice <= 0 {
		opts.MaxSlice = 24 * time.Hour
	}
	if opts.Budget <= 0 {
		opts.Budget = 250 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pipeline{opts: opts, stages: stages, notify: make(chan struct{}), tenants: map[string]*tenant{}}
	p.work = sync.NewCond(&p.mu)
	return p
}

// Stages names the pipeline's stages in order.
func (p *Pipeline) Stages() []string {
	names := make([]string, len(p.stages))
	for i, s := range p.stages {
		names[i] = s.Name
	}
	return names
}

// Start runs the workers until ctx ends (a slice under way finishes first; Stop waits for it).
func (p *Pipeline) Start(ctx context.Context) {
	p.mu.Lock()
	if p.started {
		p.mu.Unlock()
		return
	}
	p.started = true
	p.mu.Unlock()
	for i := 0; i < p.opts.Workers; i++ {
		p.wg.Add(1)
		go p.worker()
	}
	go func() {
		<-ctx.Done()
		p.mu.Lock()
		p.stopped = true
		p.work.Broadcast()
		p.mu.Unlock()
	}()
}

// Stop waits until the workers have ended (after Start's ctx is done).
func (p *Pipeline) Stop() { p.wg.Wait() }

// Enqueue asks for the tenant to be caught up to its clock and returns the request's sequence
// number. A tenant already queued keeps its place; one in a slice is queued again after it.
func (p *Pipeline) Enqueue(tenantID string) uint64 {
	seq, _ := p.enqueue(tenantID, false)
	return seq
}

// enqueue is Enqueue; from the ticker it leaves a failing tenant alone until its retry time.
func (p *Pipeline) enqueue(tenantID string, ticker bool) (uint64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tenant(tenantID)
	if ticker && p.opts.Now().Before(t.retryAt) {
		return t.enq, false
	}
	p.seq++
	t.enq = p.seq
	if !t.queued && !t.running {
		t.queued = true
		p.queue = append(p.queue, tenantID)
		p.work.Signal()
	}
	p.changed()
	return p.seq, true
}

// EnqueueAll enqueues every tenant (the server's ticker for running clocks, and startup),
// except those failing whose retry time has not come.
func (p *Pipeline) EnqueueAll() error {
	if p.opts.Tenants == nil {
		return errors.New("pipeline: no tenant list")
	}
	ids, err := p.opts.Tenants()
	if err != nil {
		return fmt.Errorf("pipeline: list tenants: %w", err)
	}
	for _, id := range ids {
		p.enqueue(id, true)
	}
	return nil
}

// RunTicker enqueues every tenant at each tick until ctx ends, so running clocks get their
// catch-up without anyone asking.
func (p *Pipeline) RunTicker(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			if err := p.EnqueueAll(); err != nil {
				p.log(err.Error())
			}
		}
	}
}

// ErrFailed is returned by Wait when a pass over the tenant failed; Status.Error says why.
var ErrFailed = errors.New("the engines failed to catch up")

// Wait enqueues the tenant and returns when a pass that started after this call has caught
// it up to its clock, when such a pass fails (ErrFailed), or when ctx ends (ctx's error, with
// the progress so far). Without Start, the slices run in the caller's goroutine; with it, a
// tenant still queued runs in the caller's goroutine too when fewer than Options.Assist
// callers do so (a slice under way is not cut short by ctx).
func (p *Pipeline) Wait(ctx context.Context, tenantID string) (Status, error) {
	seq := p.Enqueue(tenantID)
	p.mu.Lock()
	if t := p.tenant(tenantID); t.waiting == 0 {
		t.waitSeq = seq
	}
	p.tenant(tenantID).waiting++
	p.promoteLocked(tenantID)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.tenant(tenantID).waiting--
		p.mu.Unlock()
	}()
	for {
		p.mu.Lock()
		t := p.tenant(tenantID)
		st := p.status(t)
		switch {
		case t.done >= seq:
			p.mu.Unlock()
			return st, nil
		case t.failed >= seq:
			p.mu.Unlock()
			return st, fmt.Errorf("%w: %s", ErrFailed, st.Error)
		}
		inline := !p.started
		assist := p.started && !p.stopped && p.assisting < p.opts.Assist && p.claimLocked(tenantID)
		if assist {
			p.assisting++
		}
		ch := p.notify
		p.mu.Unlock()
		if assist {
			p.run(tenantID) // claimed: out of the queue, no worker can take it meanwhile
			p.mu.Lock()
			p.assisting--
			p.mu.Unlock()
			continue
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if inline && p.step(tenantID) {
			continue
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return p.Status(tenantID), ctx.Err()
		}
	}
}

// claimLocked takes the tenant out of the queue for a slice run by its waiter when it is next
// in the queue (the tenants waited on are caught up in the order their waits began, by the
// workers and the waiters alike); false otherwise, or when a worker runs it or took it and
// is about to. Caller holds p.mu.
func (p *Pipeline) claimLocked(id string) bool {
	if t := p.tenants[id]; t == nil || t.running || len(p.queue) == 0 || p.queue[0] != id {
		return false
	}
	p.queue = p.queue[1:]
	return true
}

// Waited reports whether someone waits on the tenant's catch-up (a Wait in progress): its
// stages may then treat its work as urgent.
func (p *Pipeline) Waited(tenantID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.tenants[tenantID]
	return ok && t.waiting > 0
}

// promoteLocked moves a queued tenant that someone waits on ahead of the tenants nobody
// waits on and of those waited on since later (behind those waited on since earlier).
// Caller holds p.mu.
func (p *Pipeline) promoteLocked(id string) {
	t := p.tenants[id]
	if t == nil || t.waiting == 0 {
		return
	}
	at := -1
	for i, q := range p.queue {
		if q == id {
			at = i
			break
		}
	}
	if at < 0 {
		return
	}
	front := 0
	for front < at {
		if q := p.tenants[p.queue[front]]; q.waiting == 0 || q.waitSeq > t.waitSeq {
			break
		}
		front++
	}
	copy(p.queue[front+1:at+1], p.queue[front:at])
	p.queue[front] = id
}

// tenant returns the record of id, creating it (caller holds p.mu).
func (p *Pipeline) tenant(id string) *tenant {
	t, ok := p.tenants[id]
	if !ok {
		t = &tenant{id: id, slice: p.opts.Slice, stageReached: make([]time.Time, len(p.stages)), stageErr: make([]error, len(p.stages))}
		p.tenants[id] = t
	}
	return t
}

// changed wakes every Wait (caller holds p.mu).
func (p *Pipeline) changed() {
	close(p.notify)
	p.notify = make(chan struct{})
}

func (p *Pipeline) log(line string) {
	if p.opts.Log != nil {
		p.opts.Log(line)
	}
}

// worker runs slices of queued tenants until the pipeline stops.
func (p *Pipeline) worker() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.stopped {
			p.work.Wait()
		}
		if p.stopped {
			p.mu.Unlock()
			return
		}
		id := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		p.run(id)
	}
}

// step runs one slice of the tenant in the caller's goroutine (Wait without workers); it
// takes the tenant out of the queue first. False when another caller's slice runs it.
func (p *Pipeline) step(id string) bool {
	p.mu.Lock()
	for i, q := range p.queue {
		if q == id {
			p.queue = append(p.queue[:i], p.queue[i+1:]...)
			break
		}
	}
	t := p.tenant(id)
	if t.running {
		p.mu.Unlock()
		return false
	}
	t.queued = true
	p.mu.Unlock()
	p.run(id)
	return true
}
