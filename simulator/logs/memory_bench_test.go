package logs

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// BenchmarkTenantMemory is what tenants keep resident at the default size (200 users × 30
// days) after each has created the lab workspace, written to ARM (its own AzureActivity
// rows), launched the attack and viewed every workspace table once: the live heap after a
// collection for 1, 10 and 30 tenants (MB total), the shared telemetry (MB shared: the heap
// after the first tenant) and what each further tenant adds (MB/tenant).
// SOCLAB_HEAP_PROFILE=FILE writes a heap profile while the tenants are alive.
func BenchmarkTenantMemory(b *testing.B) {
	for _, tenants := range []int{1, 10, 30} {
		b.Run(fmt.Sprintf("tenants=%d", tenants), func(b *testing.B) {
			for b.Loop() {
				tenantMemory(b, tenants)
			}
		})
	}
}

func tenantMemory(b *testing.B, tenants int) {
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(b.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	e, err := New(w, scenarioForBench(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	before := heap()
	first := 0.0
	for i := range tenants {
		ten, err := w.TenantByName(simulator.DefaultTenantName)
		if i > 0 {
			ten, err = w.AddTenant(fmt.Sprintf("mem%02d", i))
		}
		if err != nil {
			b.Fatal(err)
		}
		f := &fixture{t: &testing.T{}, world: w, engine: e, tenant: ten}
		cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
		f.createKVSetting(cust)
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
		if i == 0 {
			first = heap() - before
		}
	}
	total := heap() - before
	b.ReportMetric(total, "MB_total")
	b.ReportMetric(first, "MB_first")
	if tenants > 1 {
		b.ReportMetric((total-first)/float64(tenants-1), "MB/tenant")
	}
	if path := os.Getenv("SOCLAB_HEAP_PROFILE"); path != "" {
		out, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		pprof.WriteHeapProfile(out)
		out.Close()
	}
	runtime.KeepAlive(e)
}
