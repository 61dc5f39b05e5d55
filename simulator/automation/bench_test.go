package automation

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator/logs"
)

// BenchmarkLabDay: the automation work of the lab's attack day: the three lab rules' 18
// incidents (their create and update events) against the lab's automation rule plus 20 more
// rules with entity, tactic and Boolean conditions, and the playbook's six runs (each a query
// over the workspace). Setup (detection) is outside the timer; one iteration = one tenant-day.
func BenchmarkLabDay(b *testing.B) {
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b)
		f.onboard()
		f.at("07:30")
		for _, r := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
			f.labRule(r)
		}
		body := strings.NewReplacer("{{group}}", tier2Group, "{{sub}}", f.tenant.Subscription.ID, "{{tenant}}", f.tenant.ID).Replace(labAutomationRule)
		f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/automationRules/auto-rule-compromise-response?api-version="+previewAPI, body)
		for n := 0; n < 20; n++ {
			trigger := "Created"
			if n%2 == 1 {
				trigger = "Updated"
			}
			f.automationRule(fmt.Sprintf("r%02d", n), fmt.Sprintf(`{"displayName":"Rule %d","order":%d,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"%s",
			  "conditions":[{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[%s,%s]}},%s]},
			  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"bench-%d"}]}}]}`,
				n, n+2, trigger, prop("IPAddress", "StartsWith", "10.99."), prop("AccountName", "Equals", fmt.Sprintf("nobody%d", n)),
				prop("IncidentTactics", "Contains", "Exfiltration"), n))
		}
		if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
			b.Fatal(err)
		}
		to, _ := time.Parse(time.RFC3339, "2025-01-15T23:59:00Z")
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
		if _, err := f.detect.AdvanceToNow(f.tenant.ID); err != nil {
			b.Fatal(err)
		}
		before := cpuTime()
		b.StartTimer()
		if err := f.auto.Advance(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - before
	}
	// CPU time is the stable figure on a shared machine; wall time includes the fsyncs.
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration { return cputime.Process() }

// BenchmarkIdle: Advance with nothing pending (the 5 s ticker's usual call).
func BenchmarkIdle(b *testing.B) {
	f := newFixture(b)
	f.onboard()
	to, _ := time.Parse(time.RFC3339, "2025-01-15T08:00:00Z")
	f.at("08:00")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.auto.Advance(f.tenant.ID, to); err != nil {
			b.Fatal(err)
		}
	}
}
