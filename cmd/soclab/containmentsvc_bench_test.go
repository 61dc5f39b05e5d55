package main

import (
	"github.com/soclab/soclab/simulator/stages"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/logs"
)

// BenchmarkReturnWithDirectory decides and writes the whole return (12 verdicts by the identity
// plane, ~40 rows) in one Advance; the reset and relaunch between runs are not timed.
func BenchmarkReturnWithDirectory(b *testing.B) {
	l := newReturnLab(b)
	cont, err := stages.Containment(l.logs)
	if err != nil {
		b.Fatal(err)
	}
	to := time.Date(2025, 1, 15, 14, 10, 0, 0, time.UTC)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := l.world.Reset(l.tenant.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := l.logs.Launch(l.tenant.ID, logs.Speed{}); err != nil {
			b.Fatal(err)
		}
		if _, err := l.world.SetTime(l.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := cont.Advance(l.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
	}
}
