package generate_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/scenarios/generate"
)

// BenchmarkGenerate measures the scenario at 200 and 2 000 users over 30 days, and 20 000 users
// over 3 days (30 days at 20 000 users is ~9 M rows, ~25 GB in memory: more than a shared test
// machine has; generation is per user-day, so time and memory scale linearly in users x days).
// It reports rows per second and the heap held by the result. Run the large case alone:
// -bench 'Generate/users=20000' -benchtime 1x.
func BenchmarkGenerate(b *testing.B) {
	s := loadScenario(b)
	for _, c := range []struct{ users, days int }{{200, 30}, {2000, 30}, {20000, 3}} {
		users := c.users
		b.Run(fmt.Sprintf("users=%d/days=%d", c.users, c.days), func(b *testing.B) {
			rows := 0
			var peak uint64
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				tel, err := generate.Generate(s, generate.Params{Users: users, Days: c.days})
				if err != nil {
					b.Fatal(err)
				}
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				if h := after.HeapAlloc - before.HeapAlloc; h > peak {
					peak = h
				}
				rows = tel.Rows()
			}
			// CPU seconds per run (user+system, all threads): comparable on a busy shared machine,
			// where wall time is not.
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "MiB-heap")
		})
	}
}

func cpuSeconds() float64 { return cputime.Process().Seconds() }
