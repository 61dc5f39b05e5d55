package logs

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator"
)

// BenchmarkClassLaunch is what a class launching the attack at the same moment waits for in
// this package, on a fresh engine (nothing generated yet): each of 30 tenants launches and
// reads the tables of the lab's three rules (SigninLogs, AzureDiagnostics, AuditLogs,
// AzureActivity) at the launch clock. The telemetry is generated once for all of them; each
// tenant adds its ids and views. Reports the slowest and the median tenant's wait and the
// process's CPU seconds (stable on a shared machine, where waits are not), for 1 and 30
// tenants (the rule engine's own work after a launch is not included).
func BenchmarkClassLaunch(b *testing.B) {
	for _, n := range []int{1, 30} {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) { classLaunch(b, n) })
	}
}

// cpuSeconds is the CPU time the process used so far.
func cpuSeconds() float64 { return cputime.Process().Seconds() }

func classLaunch(b *testing.B, tenants int) {
	for b.Loop() {
		b.StopTimer()
		real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		w, err := simulator.Open(b.TempDir(), simulator.Options{Now: func() time.Time { return real }})
		if err != nil {
			b.Fatal(err)
		}
		e, err := New(w, scenarioForBench(b), Options{})
		if err != nil {
			b.Fatal(err)
		}
		var fx []*fixture
		var ws []string
		for i := range tenants {
			ten, err := w.AddTenant(fmt.Sprintf("class%02d", i))
			if err != nil {
				b.Fatal(err)
			}
			f := &fixture{t: &testing.T{}, world: w, engine: e, tenant: ten}
			ws = append(ws, f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified"))
			fx = append(fx, f)
		}
		b.StartTimer()
		waits := make([]time.Duration, tenants)
		var wg sync.WaitGroup
		start, cpu := time.Now(), cpuSeconds()
		for i, f := range fx {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.Launch(f.tenant.ID, Speed{}); err != nil {
					b.Error(err)
					return
				}
				x, err := e.Workspace(f.tenant.ID, ws[i])
				if err != nil {
					b.Error(err)
					return
				}
				now, _ := x.Now()
				db, err := x.Database(now)
				if err != nil {
					b.Error(err)
					return
				}
				for _, name := range []string{"SigninLogs", "AzureDiagnostics", "AuditLogs", "AzureActivity"} {
					db.Table(name)
				}
				waits[i] = time.Since(start)
			}()
		}
		wg.Wait()
		b.StopTimer()
		b.ReportMetric(cpuSeconds()-cpu, "cpu_s")
		slices.Sort(waits)
		b.ReportMetric(waits[len(waits)-1].Seconds(), "s_slowest")
		b.ReportMetric(waits[len(waits)/2].Seconds(), "s_median")
		w.Close()
		b.StartTimer()
	}
}
