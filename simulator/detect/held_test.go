package detect

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/pipeline"
)

// TestRunsComputeOnTheHeldSlot: with Options.Held giving the slot held for the tenant's
// catch-up, the runs compute on it (the CPU's only slot, held: a run taking a slot of its own
// would wait forever) and the same Advance without it waits for a slot.
func TestRunsComputeOnTheHeldSlot(t *testing.T) {
	for _, held := range []bool{true, false} {
		cpu := sched.NewCPU(sched.CPUOptions{Slots: 1})
		var slot context.Context // the held slot, once taken
		opts := Options{CPU: cpu, Urgent: func(string) bool { return true }}
		if held {
			opts.Held = func(string) (context.Context, bool) { return slot, slot != nil }
		}
		f := newFixtureWith(t, opts)
		for _, s := range []step{onboard, at("08:00"), rule("test", scheduled(attackSignins, ""))} {
			s(f)
		}
		f.kql("SigninLogs | take 1") // the tenant's views built
		before := f.kql("SentinelHealth | count")
		to := clockAt(t, "10:00")
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			t.Fatal(err)
		}
		ctx, release, err := cpu.Acquire(context.Background(), sched.Interactive) // the only slot
		if err != nil {
			t.Fatal(err)
		}
		slot = ctx
		done := make(chan error, 1)
		go func() {
			err := f.engine.Advance(f.tenant.ID, to)
			if errors.Is(err, pipeline.ErrYield) {
				err = nil
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !held {
				t.Errorf("without a held slot the Advance ran while the only slot was taken (err %v)", err)
			} else if err != nil {
				t.Fatal(err)
			}
		case <-time.After(3 * time.Second):
			if held {
				t.Fatalf("the Advance did not run on the held slot: %+v", cpu.Stats())
			}
		}
		release()
		if !held {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		if got := f.kql("SentinelHealth | count"); slices.Equal(got, before) {
			t.Errorf("held %v: no run recorded (health rows %q before and after)", held, got)
		}
	}
}
