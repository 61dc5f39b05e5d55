package detect

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/pipeline"
)

// TestUrgentRunsShareOneSlot: the runs of one Advance of a tenant someone waits on compute on
// one interactive slot, so a query that queued behind the Advance gets the slot when the
// Advance returns, not between two of its runs (run by run, the catch-up would queue behind
// every query again at each run); a tenant nobody waits on takes a slot per run.
func TestUrgentRunsShareOneSlot(t *testing.T) {
	for _, urgent := range []bool{true, false} {
		cpu := sched.NewCPU(sched.CPUOptions{Slots: 1})
		f := newFixtureWith(t, Options{CPU: cpu, Urgent: func(string) bool { return urgent }})
		for _, s := range []step{onboard, at("08:00"), rule("test", scheduled(attackSignins, ""))} {
			s(f)
		}
		f.kql("SigninLogs | take 1") // the tenant's views built: the runs are short, the budget applies
		to := clockAt(t, "10:00")
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			t.Fatal(err)
		}
		_, hold, err := cpu.Acquire(context.Background(), sched.Interactive) // the only slot, taken
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := f.engine.Advance(f.tenant.ID, to); err != nil && !errors.Is(err, pipeline.ErrYield) {
				t.Error(err)
			}
		}()
		waiting := func(n int) {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if s := cpu.Stats(); s.Waiting[sched.Interactive]+s.Waiting[sched.Background] == n {
					return
				}
			}
			t.Fatalf("urgent %v: %d waiters never queued: %+v", urgent, n, cpu.Stats())
		}
		waiting(1) // the Advance
		afterAdvance := make(chan bool, 1)
		go func() {
			_, release, err := cpu.Acquire(context.Background(), sched.Interactive)
			if err != nil {
				t.Error(err)
				return
			}
			// The Advance gives its slot back just before it returns; run by run it could not
			// return while the query holds the only slot.
			select {
			case <-done:
				afterAdvance <- true
			case <-time.After(2 * time.Second):
				afterAdvance <- false
			}
			release()
		}()
		waiting(2) // the query, behind it
		hold()
		if got := <-afterAdvance; got != urgent {
			t.Errorf("urgent %v: the query got the slot after the Advance returned: %v, want %v", urgent, got, urgent)
		}
		<-done
	}
}
