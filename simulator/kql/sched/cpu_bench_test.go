package sched

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// burn computes for about d of CPU (a fixed amount of arithmetic, calibrated once), calling
// ctx.Err every ~100 µs of it as the KQL executor does every few thousand rows.
func burn(ctx context.Context, d time.Duration, sink *uint64) {
	steps := int(d / (100 * time.Microsecond))
	x := *sink
	for s := 0; s < steps; s++ {
		for i := 0; i < itersPer100us(); i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		if ctx.Err() != nil {
			break
		}
	}
	*sink = x
}

var calibrate = sync.OnceValue(func() int {
	x, n := uint64(1), 1<<22
	began := time.Now()
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	perIter := time.Since(began) / time.Duration(n)
	sinkAll = x
	return max(int(100*time.Microsecond/max(perIter, 1)), 1)
})

var sinkAll uint64

func itersPer100us() int { return calibrate() }

// BenchmarkInteractiveUnderLoad is a class's burst in miniature: 4 rule-engine jobs
// (background, 300 ms of CPU each, in a loop) and 2 long queries (interactive at first,
// 2 s each) keep the processor busy while 40 short lab queries (3 ms of CPU each) arrive
// every 30 ms. Reports the short queries' p50 and p99 wait-to-answer (ms) with the CPU
// share and without it (the Go scheduler alone, as before sched.CPU). Wall times depend
// on the machine's load; the two variants run back to back on the same machine.
func BenchmarkInteractiveUnderLoad(b *testing.B) {
	for _, withCPU := range []bool{false, true} {
		b.Run(fmt.Sprintf("cpu=%v", withCPU), func(b *testing.B) {
			var p50, p99 float64
			for b.Loop() {
				var cpu *CPU
				if withCPU {
					cpu = NewCPU(CPUOptions{})
				}
				lat := burst(cpu)
				slices.Sort(lat)
				p50 += lat[len(lat)/2].Seconds() * 1000
				p99 += lat[len(lat)*99/100].Seconds() * 1000
			}
			b.ReportMetric(p50/float64(b.N), "p50_ms")
			b.ReportMetric(p99/float64(b.N), "p99_ms")
		})
	}
}

func burst(cpu *CPU) []time.Duration {
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	run := func(class Class, d time.Duration) {
		c, release, err := cpu.Acquire(ctx, class)
		if err != nil {
			return
		}
		var sink uint64
		burn(c, d, &sink)
		release()
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				run(Background, 300*time.Millisecond)
			}
		}()
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(Interactive, 2*time.Second)
		}()
	}
	lat := make([]time.Duration, 40)
	var qs sync.WaitGroup
	for i := range lat {
		time.Sleep(30 * time.Millisecond)
		qs.Add(1)
		go func() {
			defer qs.Done()
			began := time.Now()
			run(Interactive, 3*time.Millisecond)
			lat[i] = time.Since(began)
		}()
	}
	qs.Wait()
	stop()
	wg.Wait()
	return lat
}
