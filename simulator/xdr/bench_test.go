package xdr

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// nrtBench is one of the detection benchmark's extra NRT rules (simulator/detect bench_test.go).
func nrtBench(i int) string {
	return fmt.Sprintf(`{"kind":"NRT","properties":{"displayName":"Bench NRT %d","severity":"Low","enabled":true,
		"query":"AzureDiagnostics | where ResourceProvider == \"MICROSOFT.KEYVAULT\" and OperationName == \"SecretGet\" and CallerIPAddress startswith \"10.%d.\" | project TimeGenerated, CallerIPAddress, identity_claim_upn_s",
		"suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":["CredentialAccess"],"techniques":["T1555"]}}`, i, i)
}

// BenchmarkDay is the detection benchmark's tenant-day (the lab's three rules and 49 NRT rules
// created at 07:00, attack launched, clock to 07:00 the next day) with the connector on: the rule
// engine, then Defender XDR (alerts, correlation, sync). It reports both engines' time per
// tenant-day and the cost of an Advance with nothing due (the 5 s ticker's common case).
func BenchmarkDay(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		onboard(f)
		connector(f)
		for _, r := range labRules {
			labRule(r)(f)
		}
		for i := range 49 {
			f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/alertRules/"+fmt.Sprintf("bench-nrt-%02d", i)+"?api-version="+previewAPI, nrtBench(i))
		}
		if err := f.logs.Warm(f.tenant.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var rules, defender, rulesCPU, defenderCPU time.Duration
		step := func(to time.Time) {
			if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
				b.Fatal(err)
			}
			t0, c0 := time.Now(), cpuTime()
			if _, err := f.rules.AdvanceToNow(f.tenant.ID); err != nil {
				b.Fatal(err)
			}
			t1, c1 := time.Now(), cpuTime()
			if err := f.engine.Advance(f.tenant.ID, to); err != nil {
				b.Fatal(err)
			}
			rules, defender = rules+t1.Sub(t0), defender+time.Since(t1)
			rulesCPU, defenderCPU = rulesCPU+c1-c0, defenderCPU+cpuTime()-c1
		}
		if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
			b.Fatal(err)
		}
		now, _ := f.world.Now(f.tenant.ID)
		step(now)
		step(time.Date(2025, 1, 16, 7, 0, 0, 0, time.UTC))
		// Idle ticks: 60 Advances five minutes apart with nothing new.
		t0, c0 := time.Now(), cpuTime()
		for i := 1; i <= 60; i++ {
			if err := f.engine.Advance(f.tenant.ID, time.Date(2025, 1, 16, 7, 0, 0, 0, time.UTC).Add(time.Duration(i)*5*time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
		idle, idleCPU := time.Since(t0)/60, (cpuTime()-c0)/60
		b.StopTimer()
		var incidents, alerts int
		f.view(func(tx *simulator.TenantTx) error {
			incs, err := Incidents(tx)
			incidents = len(incs)
			as, _ := Alerts(tx)
			alerts = len(as)
			return err
		})
		b.ReportMetric(rules.Seconds(), "s-rules/tenant-day")
		b.ReportMetric(defender.Seconds(), "s-xdr/tenant-day")
		b.ReportMetric((rules + defender).Seconds(), "s-total/tenant-day")
		b.ReportMetric(float64(idle.Microseconds())/1000, "ms/idle-advance")
		b.ReportMetric(rulesCPU.Seconds(), "s-cpu-rules/tenant-day")
		b.ReportMetric(defenderCPU.Seconds(), "s-cpu-xdr/tenant-day")
		b.ReportMetric(float64(idleCPU.Microseconds())/1000, "ms-cpu/idle-advance")
		b.ReportMetric(float64(alerts), "xdr-alerts")
		b.ReportMetric(float64(incidents), "xdr-incidents")
		b.StartTimer()
	}
}

// cpuTime is the process's user + system CPU time (the machine is shared: wall time alone says
// little about the engine's own cost).
func cpuTime() time.Duration { return cputime.Process() }
