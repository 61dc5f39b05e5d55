package sched

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// waitFor polls until cond holds (the gate's state changes in other goroutines).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 2000; i++ {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("condition not reached")
}

// TestFairOrder queues fake work from several tenants, then frees slots one at a time: the
// order in which queued work starts is round-robin across tenants, bounded per tenant.
func TestFairOrder(t *testing.T) {
	cases := []struct {
		name      string
		opts      Options
		running   string // started first, holding every slot
		queued    string // then queued in this order, one letter per query
		wantOrder string // the order queued work starts as slots free one by one
	}{
		{"one tenant's burst does not starve others", Options{PerTenant: 2, Total: 2}, "AA", "AAAABBC", "ABCABAA"},
		{"per-tenant bound holds with free slots", Options{PerTenant: 1, Total: 3}, "A", "AAB", "BAA"},
		{"two tenants alternate", Options{PerTenant: 4, Total: 1}, "A", "AAABBB", "ABABAB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := New(Options{PerTenant: c.opts.PerTenant, Total: c.opts.Total, MaxWait: time.Minute})
			var releases []func()
			for _, r := range c.running {
				rel, err := g.Acquire(context.Background(), string(r))
				if err != nil {
					t.Fatal(err)
				}
				releases = append(releases, rel)
			}
			started := make(chan string, len(c.queued))
			relOf := make(chan func(), len(c.queued))
			for i, q := range c.queued {
				tenant := string(q)
				go func() {
					rel, err := g.Acquire(context.Background(), tenant)
					if err != nil {
						t.Error(err)
						return
					}
					relOf <- rel
					started <- tenant
				}()
				waitFor(t, func() bool { // queued in order
					s := g.Stats()
					n := 0
					for _, w := range s.Waiting {
						n += w
					}
					for _, r := range s.Running {
						n += r
					}
					return n == len(c.running)+i+1
				})
			}
			var order strings.Builder
			pending := releases
			for order.Len() < len(c.wantOrder) {
				if len(pending) == 0 {
					t.Fatalf("nothing to release; started %q", order.String())
				}
				pending[0]()
				pending = pending[1:]
				select {
				case s := <-started:
					order.WriteString(s)
					pending = append(pending, <-relOf)
				case <-time.After(200 * time.Millisecond):
					// This release started nothing (the tenant whose turn it is already
					// runs its bound): release the next one.
					if len(pending) == 0 {
						t.Fatalf("no start after the last release; started %q", order.String())
					}
				}
				for len(started) > 0 { // a release may start more than one (free slots)
					order.WriteString(<-started)
					pending = append(pending, <-relOf)
				}
			}
			if order.String() != c.wantOrder {
				t.Errorf("start order %q, want %q", order.String(), c.wantOrder)
			}
			for _, rel := range pending {
				rel()
			}
		})
	}
}

// TestThrottleAndCancel: a query that cannot start within MaxWait, or whose tenant's queue is
// full, is refused with ErrThrottled; a caller that goes away leaves the queue; other tenants
// are not affected by a throttled one.
func TestThrottleAndCancel(t *testing.T) {
	g := New(Options{PerTenant: 1, Total: 2, MaxWait: 30 * time.Millisecond, MaxQueue: 1})
	relA, err := g.Acquire(context.Background(), "A")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Acquire(context.Background(), "A"); !errors.Is(err, ErrThrottled) {
		t.Fatalf("over the per-tenant bound past MaxWait: %v, want ErrThrottled", err)
	}
	relB, err := g.Acquire(context.Background(), "B")
	if err != nil {
		t.Fatalf("another tenant is not throttled: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := g.Acquire(ctx, "A"); done <- err }()
	waitFor(t, func() bool { return g.Stats().Waiting["A"] == 1 })
	if _, err := g.Acquire(context.Background(), "A"); !errors.Is(err, ErrThrottled) {
		t.Fatalf("queue full: %v, want ErrThrottled", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	if s := g.Stats(); s.Waiting["A"] != 0 || s.Running["A"] != 1 {
		t.Fatalf("after cancel: %+v", s)
	}
	relA()
	relA() // a second release is a no-op
	relB()
	if s := g.Stats(); len(s.Running) != 0 || len(s.Waiting) != 0 {
		t.Fatalf("after releases: %+v", s)
	}
}
