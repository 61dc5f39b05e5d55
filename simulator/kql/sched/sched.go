package sched

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrThrottled is returned when a query could not start within MaxWait or its tenant's
// queue is full.
var ErrThrottled = errors.New("sched: too many concurrent queries for this tenant")

// Options bound the gate.
type Options struct {
	// PerTenant is how many queries of one tenant may run at once (Log Analytics: 5 per
	// user). 0: DefaultPerTenant.
	PerTenant int
	// Total is how many queries may run at once over all tenants. 0: DefaultTotal.
	Total int
	// MaxWait is how long a query may wait to start (Log Analytics: 3 minutes in its
	// concurrency queue). 0: DefaultMaxWait.
	MaxWait time.Duration
	// MaxQueue is how many queries of one tenant may wait (Log Analytics: 200). 0:
	// DefaultMaxQueue.
	MaxQueue int
	// CPU, when set, is the processor share admitted queries compute on (Admit): they run as
	// Interactive work, before grading and the rule engine. nil: none.
	CPU *CPU
}

// Defaults of Options.
const (
	DefaultPerTenant = 2
	DefaultTotal     = 8 // with Options.CPU computing 2 at a time, the rest wait in class order
	DefaultMaxWait   = 10 * time.Second
	DefaultMaxQueue  = 20
)

// Gate admits queries. It is safe for concurrent use; the zero value is not usable (New).
type Gate struct {
	opts Options

	mu      sync.Mutex
	running map[string]int
	active  int
	queues  map[string][]*waiter
	ring    []string // tenants with waiters, in round-robin order
	next    int      // the ring position served next
}

type waiter struct {
	tenant  string
	ready   chan struct{}
	granted bool
}

// New returns a gate with opts (zero fields take the defaults).
func New(opts Options) *Gate {
	if opts.PerTenant <= 0 {
		opts.PerTenant = DefaultPerTenant
	}
	if opts.Total <= 0 {
		opts.Total = DefaultTotal
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = DefaultMaxQueue
	}
	return &Gate{opts: opts, running: map[string]int{}, queues: map[string][]*waiter{}}
}

// Options returns the gate's bounds.
func (g *Gate) Options() Options { return g.opts }

// Acquire waits for a slot for tenant. It returns the function that gives the slot back
// (call it once the query is done), ErrThrottled after MaxWait or when the tenant's queue is
// full, or ctx's error when the caller goes away first.
func (g *Gate) Acquire(ctx context.Context, tenant string) (release func(), err error) {
	w := &waiter{tenant: tenant, ready: make(chan struct{})}
	g.mu.Lock()
	if len(g.queues[tenant]) >= g.opts.MaxQueue {
		g.mu.Unlock()
		return nil, ErrThrottled
	}
	if len(g.queues[tenant]) == 0 {
		g.ring = append(g.ring, tenant)
	}
	g.queues[tenant] = append(g.queues[tenant], w)
	g.dispatch()
	g.mu.Unlock()

	timer := time.NewTimer(g.opts.MaxWait)
	defer timer.Stop()
	select {
	case <-w.ready:
		return g.releaser(tenant), nil
	case <-timer.C:
		err = ErrThrottled
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted { // granted while we were giving up: keep it
		return g.releaser(tenant), nil
	}
	g.remove(w)
	return nil, err
}

// Admit is Acquire followed by a slot of the gate's CPU for interactive work: it returns
// the context to run the query with (its checkpoints let more urgent work go first) and the
// function that gives both back.
func (g *Gate) Admit(ctx context.Context, tenant string) (context.Context, func(), error) {
	release, err := g.Acquire(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	cctx, done, err := g.opts.CPU.Acquire(ctx, Interactive)
	if err != nil {
		release()
		return nil, nil, err
	}
	return cctx, func() { done(); release() }, nil
}

func (g *Gate) releaser(tenant string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.running[tenant]--
			if g.running[tenant] == 0 {
				delete(g.running, tenant)
			}
			g.active--
			g.dispatch()
			g.mu.Unlock()
		})
	}
}

// dispatch starts waiting queries while slots are free, one per tenant in turn. Called with
// g.mu held.
func (g *Gate) dispatch() {
	for g.active < g.opts.Total && len(g.ring) > 0 {
		started := false
		for k := 0; k < len(g.ring) && g.active < g.opts.Total; k++ {
			if g.next >= len(g.ring) {
				g.next = 0
			}
			tenant := g.ring[g.next]
			if g.running[tenant] >= g.opts.PerTenant {
				g.next++
				continue
			}
			q := g.queues[tenant]
			w := q[0]
			g.queues[tenant] = q[1:]
			w.granted = true
			g.running[tenant]++
			g.active++
			close(w.ready)
			started = true
			if len(g.queues[tenant]) == 0 {
				delete(g.queues, tenant)
				g.ring = append(g.ring[:g.next], g.ring[g.next+1:]...)
			} else {
				g.next++
			}
		}
		if !started {
			return // every waiting tenant is at its bound
		}
	}
}

// remove drops a waiter that gave up. Called with g.mu held.
func (g *Gate) remove(w *waiter) {
	q := g.queues[w.tenant]
	for i, x := range q {
		if x == w {
			q = append(q[:i], q[i+1:]...)
			break
		}
	}
	if len(q) > 0 {
		g.queues[w.tenant] = q
		return
	}
	delete(g.queues, w.tenant)
	for i, t := range g.ring {
		if t == w.tenant {
			g.ring = append(g.ring[:i], g.ring[i+1:]...)
			if g.next > i {
				g.next--
			}
			break
		}
	}
}

// Stats is a snapshot of the gate: running queries per tenant and waiting ones.
type Stats struct {
	Running map[string]int
	Waiting map[string]int
}

// Stats returns the current counts.
func (g *Gate) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := Stats{Running: map[string]int{}, Waiting: map[string]int{}}
	for t, n := range g.running {
		s.Running[t] = n
	}
	for t, q := range g.queues {
		s.Waiting[t] = len(q)
	}
	return s
}
