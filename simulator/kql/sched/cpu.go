package sched

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Class is how urgent a piece of work is: a lower class runs first.
type Class int

// The classes of work, most urgent first.
const (
	// Interactive is a learner waiting for an answer: a query through an API.
	Interactive Class = iota
	// Batch is a learner waiting for long work (a grade, the rule engine catching up the
	// tenant being graded), and interactive work that has run longer than CPUOptions.Demote
	// (a query that is not a lab query: it yields to those).
	Batch
	// Background is work nobody waits for (the rule engine's catch-up), and interactive work
	// that has run longer than ten times CPUOptions.Demote.
	Background
	numClasses
)

// String names the class.
func (c Class) String() string {
	switch c {
	case Interactive:
		return "interactive"
	case Batch:
		return "batch"
	case Background:
		return "background"
	}
	return "class?"
}

// CPUOptions tune a CPU.
type CPUOptions struct {
	// Slots is how many pieces of work compute at once (0: GOMAXPROCS).
	Slots int
	// Reserve is how many slots work acquired as Batch never takes (0: DefaultReserve; at
	// least one slot stays for it): batch work is a grade, which computes without
	// checkpoints, so it could otherwise hold every slot until it ends while lab queries
	// wait. Other work gives its slot up at its next checkpoint and may use every slot.
	Reserve int
	// Quantum is how long work computes before it checks whether more urgent work waits
	// (0: DefaultQuantum).
	Quantum time.Duration
	// Demote is how much slot time interactive work gets before it counts as batch work, and
	// ten times that before it counts as background work (0: DefaultDemote): a query that
	// computes for many seconds goes after grades and a waited-on rule engine. Slot time is
	// wall time: on a machine busy with other processes a query looks longer than it is.
	Demote time.Duration
	// Age is how long a waiter that started below interactive waits before it counts as one
	// class more urgent (0: DefaultAge), so background work is slowed by a busy class, never
	// stopped.
	Age time.Duration
	// MaxPause bounds how long work that gave its slot up waits to get one back before it
	// goes on regardless (0: DefaultMaxPause): a guard against work that holds a slot while
	// waiting for the paused work (none does today: the executor holds no shared lock at a
	// checkpoint). The work's own deadline ends a pause too.
	MaxPause time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// ProcessCPU reads the CPU time the process has used (nil: the process's own when Now is
	// nil; none with a test's clock). Slot time is wall time scaled by the process's recent
	// CPU per slot, so on a machine busy with other processes a query is demoted by what it
	// computed, not by how long it waited for the processor.
	ProcessCPU func() (time.Duration, bool)
}

// Defaults of CPUOptions.
const (
	DefaultReserve  = 1
	DefaultQuantum  = 20 * time.Millisecond
	DefaultDemote   = 500 * time.Millisecond
	DefaultAge      = 5 * time.Second
	DefaultMaxPause = time.Minute
)

// CPU shares the processor between classes of work cooperatively: work takes one of Slots
// slots to compute; when slots are short the most urgent waiting work gets the next one
// (older first within a class); and work paused at a checkpoint (its context's Err, which
// the KQL executor calls every few thousand rows) gives its slot to more urgent waiting
// work — interactive queries run before grading and the rule engine, and a query that has
// computed for a second waits behind the lab's short ones. The zero value is not usable
// (NewCPU); safe for concurrent use.
type CPU struct {
	opts    CPUOptions
	waiters atomic.Int32 // len(queue), read without the lock on the checkpoint fast path

	mu sync.Mutex
	// share is the CPU a busy slot got per second of wall time lately (1 on an idle
	// machine), sampled at most every shareEvery from ProcessCPU.
	share      float64
	sampledAt  time.Time
	sampledCPU time.Duration
	free       int
	low        int // slots held by work acquired as Batch, at most lowCap
	seq        uint64
	queue      []*cpuWaiter
}

// shareEvery is how often the CPU share is sampled.
const shareEvery = 200 * time.Millisecond

// shareLocked returns the recent CPU per slot per second of wall time, in [0.05, 1].
// Called with c.mu held.
func (c *CPU) shareLocked(now time.Time) float64 {
	if c.opts.ProcessCPU == nil || now.Sub(c.sampledAt) < shareEvery {
		return c.share
	}
	cpu, ok := c.opts.ProcessCPU()
	if !ok {
		return c.share
	}
	if !c.sampledAt.IsZero() {
		busy := max(c.opts.Slots-c.free, 1)
		rate := float64(cpu-c.sampledCPU) / float64(now.Sub(c.sampledAt)) / float64(busy)
		c.share = min(max(rate, 0.05), 1)
	}
	c.sampledAt, c.sampledCPU = now, cpu
	return c.share
}

// lowCap is how many slots work acquired as Batch may hold.
func (c *CPU) lowCap() int { return max(c.opts.Slots-c.opts.Reserve, 1) }

// ticket is one piece of work's claim on the CPU (shared by the contexts derived for it).
type ticket struct {
	cpu *CPU

	mu    sync.Mutex // held by the work's own checkpoints, against concurrent ones
	class Class
	// interactive is set for work that started as Interactive (only it is demoted).
	interactive bool
	since       time.Time     // when it last got its slot
	used        time.Duration // slot time before since
	// waited is the time it waited for a slot before its current wait (granted waits): work
	// that gives its slot up at a checkpoint keeps its age, so under a steady stream of
	// queries a grade or a catch-up, once aged, takes its turns with them instead of
	// starting its Age over after every quantum (20 ms of work per Age waited).
	waited  time.Duration
	holding bool
	// sticky is set for work acquired as Batch (it is assumed to have no checkpoints); low
	// while it holds a slot, which counts against lowCap.
	sticky, low bool
	pausing     bool
	done        bool
}

type cpuWaiter struct {
	t       *ticket
	seq     uint64
	since   time.Time
	ready   chan struct{}
	granted bool
}

// NewCPU returns a CPU with opts (zero fields take the defaults).
func NewCPU(opts CPUOptions) *CPU {
	if opts.Slots <= 0 {
		opts.Slots = runtime.GOMAXPROCS(0)
	}
	if opts.Reserve <= 0 {
		opts.Reserve = DefaultReserve
	}
	if opts.Quantum <= 0 {
		opts.Quantum = DefaultQuantum
	}
	if opts.Demote <= 0 {
		opts.Demote = DefaultDemote
	}
	if opts.Age <= 0 {
		opts.Age = DefaultAge
	}
	if opts.MaxPause <= 0 {
		opts.MaxPause = DefaultMaxPause
	}
	if opts.Now == nil {
		opts.Now = time.Now
		if opts.ProcessCPU == nil {
			opts.ProcessCPU = processCPU
		}
	}
	return &CPU{opts: opts, free: opts.Slots, share: 1}
}

type ticketKey struct{}

// Acquire waits for a slot for work of class and returns the context to run the work with
// (its Err is the work's checkpoint) and the function that gives the slot back once the
// work is done. Work already holding a slot of c in ctx (a query inside a grade) runs on
// that slot: ctx is returned as is. A nil CPU admits everything at once. The error is
// ctx's when the caller went away while waiting.
func (c *CPU) Acquire(ctx context.Context, class Class) (context.Context, func(), error) {
	if c == nil {
		return ctx, func() {}, nil
	}
	if t, ok := ctx.Value(ticketKey{}).(*ticket); ok && t.cpu == c {
		return ctx, func() {}, nil
	}
	t := &ticket{cpu: c, class: class, interactive: class == Interactive, sticky: class == Batch}
	c.mu.Lock()
	if c.free > 0 && len(c.queue) == 0 && (!t.sticky || c.low < c.lowCap()) {
		c.free--
		t.holding, t.since = true, c.opts.Now()
		if t.sticky {
			t.low = true
			c.low++
		}
		c.mu.Unlock()
	} else {
		w := c.enqueueLocked(t)
		c.dispatchLocked() // a slot freed while the queue was not empty
		c.mu.Unlock()
		select {
		case <-w.ready:
		case <-ctx.Done():
			if !c.abandon(w) {
				return nil, nil, ctx.Err()
			}
		}
	}
	var once sync.Once
	return &slotCtx{Context: ctx, t: t}, func() { once.Do(t.release) }, nil
}

// Rewrap returns ctx with the checkpoints of the slot held in parent (a context derived
// from Acquire's, e.g. with a timeout, keeps the slot's value but not its checkpoints).
func Rewrap(ctx context.Context) context.Context {
	if t, ok := ctx.Value(ticketKey{}).(*ticket); ok {
		if _, already := ctx.(*slotCtx); !already {
			return &slotCtx{Context: ctx, t: t}
		}
	}
	return ctx
}

// ClassOf is the class of the slot ctx holds (ok false when it holds none).
func ClassOf(ctx context.Context) (Class, bool) {
	t, ok := ctx.Value(ticketKey{}).(*ticket)
	if !ok {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.class, true
}

// slotCtx is the context of work holding a slot: Err is a checkpoint.
type slotCtx struct {
	context.Context
	t *ticket
}

func (s *slotCtx) Value(key any) any {
	if key == (ticketKey{}) {
		return s.t
	}
	return s.Context.Value(key)
}

// Err reports the parent's error; before that, it gives the slot to more urgent work that
// waits, once the work has computed a quantum, and waits to get one back.
func (s *slotCtx) Err() error {
	if err := s.Context.Err(); err != nil {
		return err
	}
	if s.t.cpu.waiters.Load() > 0 {
		s.t.checkpoint(s.Context)
	}
	return s.Context.Err()
}

// enqueueLocked adds t to the waiters. Called with c.mu held.
func (c *CPU) enqueueLocked(t *ticket) *cpuWaiter {
	c.seq++
	w := &cpuWaiter{t: t, seq: c.seq, since: c.opts.Now(), ready: make(chan struct{})}
	c.queue = append(c.queue, w)
	c.waiters.Store(int32(len(c.queue)))
	return w
}

// rank is a waiter's urgency at now: its class, one more urgent per Age waited (in all, over
// its pauses) for work that started below interactive (grades, the rule engine: slowed by a
// busy class, never stopped); a demoted query does not climb back over them.
func (c *CPU) rank(w *cpuWaiter, now time.Time) Class {
	if w.t.interactive {
		return w.t.class
	}
	r := w.t.class - Class((w.t.waited+now.Sub(w.since))/c.opts.Age)
	return max(r, Interactive)
}

// bestLocked returns the index of the most urgent waiter (-1: none); work acquired as Batch
// only when allowLow. Called with c.mu held.
func (c *CPU) bestLocked(now time.Time, allowLow bool) int {
	best, bestRank := -1, numClasses
	for i, w := range c.queue {
		if !allowLow && w.t.sticky {
			continue
		}
		if r := c.rank(w, now); r < bestRank || (r == bestRank && w.seq < c.queue[best].seq) {
			best, bestRank = i, r
		}
	}
	return best
}

// grantLocked gives a free slot to the waiter at i. Called with c.mu held.
func (c *CPU) grantLocked(i int, now time.Time) {
	w := c.queue[i]
	c.queue = append(c.queue[:i], c.queue[i+1:]...)
	c.waiters.Store(int32(len(c.queue)))
	w.granted = true
	w.t.mu.Lock()
	w.t.waited += now.Sub(w.since) // read by rank with c.mu held, as here
	w.t.holding, w.t.since = true, now
	if w.t.sticky {
		w.t.low = true
		c.low++
	}
	w.t.mu.Unlock()
	close(w.ready)
}

// dispatchLocked hands free slots to waiters, most urgent first. Called with c.mu held.
func (c *CPU) dispatchLocked() {
	now := c.opts.Now()
	for c.free > 0 && len(c.queue) > 0 {
		i := c.bestLocked(now, c.low < c.lowCap())
		if i < 0 {
			return // only batch work waits, and it holds its share
		}
		c.free--
		c.grantLocked(i, now)
	}
}

// abandon removes a waiter whose caller left; it reports whether the slot had been granted
// meanwhile (the caller then holds it).
func (c *CPU) abandon(w *cpuWaiter) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.granted {
		return true
	}
	for i, x := range c.queue {
		if x == w {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			c.waiters.Store(int32(len(c.queue)))
			break
		}
	}
	return false
}

// release gives the slot back for good.
func (t *ticket) release() {
	c := t.cpu
	c.mu.Lock()
	defer c.mu.Unlock()
	t.mu.Lock()
	holding := t.holding
	t.holding, t.done = false, true
	if t.low {
		t.low = false
		c.low--
	}
	t.mu.Unlock()
	if holding {
		c.free++
		c.dispatchLocked()
	}
}

// checkpoint pauses the work when it has computed a quantum and more urgent work waits (or
// work of its own class, for batch and background work that started so: they take turns).
func (t *ticket) checkpoint(parent context.Context) {
	c := t.cpu
	now := c.opts.Now()
	t.mu.Lock()
	due := t.holding && !t.pausing && !t.done && now.Sub(t.since) >= c.opts.Quantum
	t.mu.Unlock()
	if !due {
		return
	}
	c.mu.Lock()
	t.mu.Lock()
	if !t.holding || t.pausing || t.done { // changed meanwhile (a concurrent checkpoint)
		t.mu.Unlock()
		c.mu.Unlock()
		return
	}
	t.used += time.Duration(float64(now.Sub(t.since)) * c.shareLocked(now))
	t.since = now
	switch {
	case t.interactive && t.used >= 10*c.opts.Demote:
		t.class = Background
	case t.interactive && t.used >= c.opts.Demote:
		t.class = Batch
	}
	class, low := t.class, t.low
	t.mu.Unlock()
	lowAfter := c.low
	if low {
		lowAfter-- // its own slot is the one handed over
	}
	i := c.bestLocked(now, lowAfter < c.lowCap())
	if i < 0 {
		c.mu.Unlock()
		return
	}
	r := c.rank(c.queue[i], now)
	// Equals take turns only among batch and background work that started so (grades, rule
	// runs); a demoted query gives way to more urgent work only, not to a grade that would
	// hold the slot until it ends.
	if r > class || (r == class && (class == Interactive || t.interactive)) {
		c.mu.Unlock()
		return
	}
	// Hand the slot over and wait in line.
	t.mu.Lock()
	t.holding, t.pausing = false, true
	if t.low {
		t.low = false
		c.low--
	}
	t.mu.Unlock()
	c.grantLocked(i, now)
	w := c.enqueueLocked(t)
	c.mu.Unlock()

	timer := time.NewTimer(c.opts.MaxPause)
	defer timer.Stop()
	select {
	case <-w.ready:
	case <-parent.Done():
		c.abandon(w)
	case <-timer.C:
		c.abandon(w) // goes on without a slot until its next checkpoint finds one
	}
	t.mu.Lock()
	t.pausing = false
	t.mu.Unlock()
}

// CPUStats is a snapshot of a CPU: free slots, slots held by work acquired as Batch, and
// waiting work per class.
type CPUStats struct {
	Free, Low int
	Waiting   map[Class]int
}

// Stats returns the current counts.
func (c *CPU) Stats() CPUStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := CPUStats{Free: c.free, Low: c.low, Waiting: map[Class]int{}}
	for _, w := range c.queue {
		s.Waiting[w.t.class]++
	}
	return s
}
