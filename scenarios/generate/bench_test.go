package generate_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/soclab/soclab/scenarios/generate"
)

// BenchmarkGenerate measures the default scenario (30 days) at 200, 2 000 and 20 000 users and
// reports rows per second and the peak heap (sampled after generation, with the result alive).
// 20 000 users takes a while: run it alone with -bench 'Generate/users=20000' -benchtime 1x.
func BenchmarkGenerate(b *testing.B) {
	s := loadScenario(b)
	for _, users := range []int{200, 2000, 20000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			rows := 0
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				tel, err := generate.Generate(s, generate.Params{Users: users})
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
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "MiB-heap")
		})
	}
}
