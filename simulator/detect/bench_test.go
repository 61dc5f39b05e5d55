package detect

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// nrtBench is one of the benchmark's extra NRT rules: a one-table Key Vault watch.
func nrtBench(i int) string {
	return fmt.Sprintf(`{"kind":"NRT","properties":{"displayName":"Bench NRT %d","severity":"Low","enabled":true,
		"query":"AzureDiagnostics | where ResourceProvider == \"MICROSOFT.KEYVAULT\" and OperationName == \"SecretGet\" and CallerIPAddress startswith \"10.%d.\" | project TimeGenerated, CallerIPAddress, identity_claim_upn_s",
		"suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":["CredentialAccess"],"techniques":["T1555"]}}`, i, i)
}

// benchDay measures 24 hours of virtual time on n tenants, each with the lab's three rules
// and 50 NRT rules created at 07:00 and the attack launched: the clock goes to 07:00 the next
// day and the engine runs everything due. Telemetry generation and rule creation are setup.
func benchDay(b *testing.B, n int) {
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		tenants := []simulator.Tenant{f.tenant}
		for i := 1; i < n; i++ {
			t, err := f.world.AddTenant(fmt.Sprintf("learner%03d", i))
			if err != nil {
				b.Fatal(err)
			}
			tenants = append(tenants, t)
		}
		for _, t := range tenants {
			f.use(t)
			onboard(f)
			for _, r := range labRules {
				labRule(r)(f)
			}
			for i := range 50 {
				if i == 49 { // the workspace limit is 50 NRT rules, the lab's rule 2 is one of them
					break
				}
				rule(fmt.Sprintf("bench-nrt-%02d", i), nrtBench(i))(f)
			}
			if err := f.logs.Warm(t.ID); err != nil {
				b.Fatal(err)
			}
		}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		runs := 0
		for _, t := range tenants {
			f.use(t)
			if _, err := f.logs.Launch(t.ID, logs.Speed{}); err != nil {
				b.Fatal(err)
			}
			s, err := f.engine.AdvanceToNow(t.ID)
			if err != nil {
				b.Fatal(err)
			}
			runs += s.Runs
			if _, err := f.world.SetTime(t.ID, time.Date(2025, 1, 16, 7, 0, 0, 0, time.UTC)); err != nil {
				b.Fatal(err)
			}
			if s, err = f.engine.AdvanceToNow(t.ID); err != nil {
				b.Fatal(err)
			}
			runs += s.Runs
		}
		elapsed := time.Since(start)
		b.StopTimer()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(elapsed.Seconds()/float64(n), "s/tenant-day")
		b.ReportMetric(float64(runs)/float64(n), "runs/tenant-day")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/(1<<20), "MB-alloc/tenant-day")
		b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MB-heap")
		b.StartTimer()
	}
}

func BenchmarkDay1Tenant(b *testing.B)    { benchDay(b, 1) }
func BenchmarkDay100Tenants(b *testing.B) { benchDay(b, 100) }
