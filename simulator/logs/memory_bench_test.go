package logs

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// BenchmarkTenantMemory is what one tenant's telemetry keeps resident at the default size
// (200 users × 30 days) after every workspace table has been viewed once: the live heap after
// a collection, per tenant, over a few tenants (MB/tenant). SOCLAB_HEAP_PROFILE=FILE writes a
// heap profile while the tenants are alive.
func BenchmarkTenantMemory(b *testing.B) {
	const tenants = 2
	for b.Loop() {
		real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		w, err := simulator.Open(b.TempDir(), simulator.Options{Now: func() time.Time { return real }})
		if err != nil {
			b.Fatal(err)
		}
		e, err := New(w, scenarioForBench(b), Options{})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range tenants {
			ten, err := w.TenantByName(simulator.DefaultTenantName)
			if i > 0 {
				ten, err = w.AddTenant("mem" + string(rune('a'+i)))
			}
			if err != nil {
				b.Fatal(err)
			}
			f := &fixture{t: &testing.T{}, world: w, engine: e, tenant: ten}
			cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
			if _, err := e.Launch(ten.ID, Speed{}); err != nil {
				b.Fatal(err)
			}
			ws, err := e.Workspace(ten.ID, cust)
			if err != nil {
				b.Fatal(err)
			}
			db, err := ws.Database(attackStart.Add(2 * time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			for _, name := range db.Names() {
				db.Table(name)
			}
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/tenants/(1<<20), "MB/tenant")
		if path := os.Getenv("SOCLAB_HEAP_PROFILE"); path != "" {
			out, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			pprof.WriteHeapProfile(out)
			out.Close()
		}
		runtime.KeepAlive(e)
		w.Close()
	}
}
