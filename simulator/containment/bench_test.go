package containment_test

import (
	"testing"

	"github.com/soclab/soclab/simulator/logs"
)

// BenchmarkAdvanceNothingDue is the ticker's cost for a tenant whose return is not due yet
// (launched, clock 10:05): one read transaction.
func BenchmarkAdvanceNothingDue(b *testing.B) {
	f := newFixture(b)
	f.launch(f.tenant)
	to := clockAt(b, "10:05")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.engine.Advance(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdvanceAllDone is the cost once the whole return is played.
func BenchmarkAdvanceAllDone(b *testing.B) {
	f := newFixture(b)
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:10")
	to := clockAt(b, "14:10")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.engine.Advance(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlayReturn decides and writes the whole return (12 verdicts, 13 items, ~30 rows)
// in one Advance; the reset and relaunch between runs are not timed.
func BenchmarkPlayReturn(b *testing.B) {
	f := newFixture(b)
	to := clockAt(b, "14:10")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := f.world.Reset(f.tenant.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
			b.Fatal(err)
		}
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := f.engine.Advance(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
	}
}
