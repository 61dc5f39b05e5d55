package sched

import (
	"context"
	"testing"
	"time"
)

// TestTenantCarry: a tenant's recent compute beyond the allowance counts against its next
// query, which starts demoted; other tenants are not affected, and the carry decays.
func TestTenantCarry(t *testing.T) {
	type step struct {
		tenant string
		run    time.Duration // slot time the query computes
		after  time.Duration // clock moved after it
	}
	cases := []struct {
		name  string
		steps []step
		next  string        // the tenant whose next query is admitted
		carry time.Duration // its carried slot time
		class Class         // the class it starts in
	}{
		{"a fresh tenant starts interactive", nil, "a", 0, Interactive},
		{"lab-sized queries stay under the allowance", []step{{"a", 50 * time.Millisecond, 0}, {"a", 50 * time.Millisecond, 0}, {"a", 900 * time.Millisecond, 0}}, "a", 0, Interactive},
		{"past the allowance by more than Demote: batch", []step{{"a", 3 * time.Second, 0}}, "a", time.Second, Batch},
		{"a heavy tenant goes to the background", []step{{"a", 8 * time.Second, 0}}, "a", 6 * time.Second, Background},
		{"two heavy queries add up, decayed while the second ran", []step{{"a", 4 * time.Second, 0}, {"a", 2 * time.Second, 0}}, "a", 3482202253 * time.Nanosecond, Batch},
		{"another tenant is not affected", []step{{"a", 8 * time.Second, 0}}, "b", 0, Interactive},
		{"halved every half-life", []step{{"a", 10 * time.Second, 10 * time.Second}}, "a", 3 * time.Second, Batch},
		{"decayed away", []step{{"a", 10 * time.Second, time.Minute}}, "a", 0, Interactive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(0, 0)}
			cpu := NewCPU(CPUOptions{Slots: 2, Demote: 500 * time.Millisecond, Now: clock.Now})
			g := New(Options{CPU: cpu})
			for _, s := range c.steps {
				_, done, err := g.Admit(context.Background(), s.tenant)
				if err != nil {
					t.Fatal(err)
				}
				clock.Add(s.run)
				done()
				clock.Add(s.after)
			}
			if got := g.Carried(c.next); got != c.carry {
				t.Errorf("carried %v, want %v", got, c.carry)
			}
			ctx, done, err := g.Admit(context.Background(), c.next)
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			if got, ok := ClassOf(ctx); !ok || got != c.class {
				t.Errorf("class %v (%v), want %v", got, ok, c.class)
			}
		})
	}
}

// TestCarriedWorkYields: a query that starts demoted by its tenant's carry gives its slot to
// another tenant's lab query at its next checkpoint.
func TestCarriedWorkYields(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	cpu := NewCPU(CPUOptions{Slots: 1, Demote: 500 * time.Millisecond, Now: clock.Now})
	g := New(Options{CPU: cpu})
	_, done, err := g.Admit(context.Background(), "heavy")
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(20 * time.Second)
	done()
	heavy, doneHeavy, err := g.Admit(context.Background(), "heavy")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		_, d, err := g.Admit(context.Background(), "learner")
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	for cpu.Stats().Waiting[Interactive] == 0 {
		time.Sleep(time.Millisecond)
	}
	clock.Add(DefaultQuantum)
	paused := make(chan struct{})
	go func() {
		heavy.Err() // a checkpoint: the learner's query is more urgent
		close(paused)
	}()
	d := <-got
	d()
	<-paused
	doneHeavy()
}
