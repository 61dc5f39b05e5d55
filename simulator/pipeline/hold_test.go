package pipeline

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestHoldSpansAWaitedCatchUp: Options.Hold is taken once before the first slice of a tenant
// someone waits on and given back after its last one (the catch-up's slices run inside it),
// also when another waited tenant is next; tenants nobody waits on never take it.
func TestHoldSpansAWaitedCatchUp(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers bool
		want    []string
	}{
		{"inline", false, []string{"hold b", "detect b +1h0m0s", "detect b +2h0m0s", "detect b +3h0m0s", "release b",
			"hold c", "detect c +1h0m0s", "detect c +2h0m0s", "release c", "detect a +1h0m0s"}},
		{"workers", true, []string{"detect a +1h0m0s", "hold b", "detect b +1h0m0s", "detect b +2h0m0s", "detect b +3h0m0s", "release b",
			"hold c", "detect c +1h0m0s", "detect c +2h0m0s", "release c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(map[string]time.Duration{"a": time.Hour, "b": 3 * time.Hour, "c": 2 * time.Hour})
			held := map[string]bool{}
			gate := make(chan struct{})
			s := newStage("detect", l)
			s.before = func(tenant string, to time.Time) {
				if tenant == "a" && tc.workers {
					<-gate
				}
				l.mu.Lock()
				h := held[tenant]
				l.mu.Unlock()
				if want := tenant != "a" || !tc.workers; h != want { // inline, a is waited on in its own Wait
					t.Errorf("slice of %s to %s: held %v", tenant, to.Sub(t0), h)
				}
			}
			o := fixed(l)
			o.Workers = 1
			o.Hold = func(id string) func() {
				l.record("hold " + id)
				l.mu.Lock()
				if held[id] {
					t.Errorf("%s held twice", id)
				}
				held[id] = true
				l.mu.Unlock()
				return func() {
					l.mu.Lock()
					held[id] = false
					l.mu.Unlock()
					l.record("release " + id)
				}
			}
			p := New(o, Named{"detect", s})
			if tc.workers {
				ctx, cancel := context.WithCancel(context.Background())
				defer func() { cancel(); p.Stop() }()
				p.Start(ctx)
				p.Enqueue("a")
				for !func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.tenants["a"].running }() {
					time.Sleep(time.Millisecond)
				}
			} else {
				p.Enqueue("a") // queued, nobody waits on it
			}
			done := make(chan error, 2)
			for _, id := range []string{"b", "c"} {
				if !tc.workers { // inline: the Wait runs the tenant's slices itself
					if _, err := p.Wait(context.Background(), id); err != nil {
						t.Fatal(err)
					}
					continue
				}
				go func() {
					_, err := p.Wait(context.Background(), id)
					done <- err
				}()
				for !p.Waited(id) {
					time.Sleep(time.Millisecond)
				}
			}
			if tc.workers {
				close(gate)
				for range 2 {
					if err := <-done; err != nil {
						t.Fatal(err)
					}
				}
			} else if _, err := p.Wait(context.Background(), "a"); err != nil {
				t.Fatal(err)
			}
			waitCaughtUp(t, p, "a")
			got := l.callLog()
			if !tc.workers {
				// a's slice ran in a's own Wait: it is waited on there, so it holds too.
				tc.want = append(tc.want[:len(tc.want)-1], "hold a", "detect a +1h0m0s", "release a")
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("calls\n got %q\nwant %q", got, tc.want)
			}
			for id, h := range held {
				if h {
					t.Errorf("%s still held", id)
				}
			}
		})
	}
}

// TestIdleHoldGivenBack: a hold kept for a tenant's next slice (it was next in the queue) is
// given back as soon as another tenant's slice starts first, so a slice never waits for a
// slot held by a tenant that is not running (every slot held so deadlocked the server).
func TestIdleHoldGivenBack(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": time.Hour, "b": time.Hour})
	o := fixed(l)
	var order []string
	o.Hold = func(id string) func() {
		order = append(order, "hold "+id)
		return func() { order = append(order, "release "+id) }
	}
	p := New(o, Named{"detect", newStage("detect", l)})
	p.mu.Lock()
	a := p.tenant("a")
	a.release = func() { order = append(order, "release a") } // kept after a's last slice
	a.queued = true
	p.queue = append(p.queue, "a")
	p.mu.Unlock()
	if _, err := p.Wait(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"release a", "hold b", "release b"}; !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
}
