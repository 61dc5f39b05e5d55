package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
)

// BenchmarkClockAdvanceDuringCatchUp measures `soclab clock advance` (POST clock/advance)
// through the serve control chain while N tenants, each with the lab's three rules, catch up
// a day of rule runs in the background. Before the pipeline every such request waited for
// every tenant's catch-up; catchup-s reports how long that catch-up takes (what a request
// used to wait), ns/op what a request waits now.
func BenchmarkClockAdvanceDuringCatchUp(b *testing.B) {
	rules := map[string]string{}
	for _, name := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		body, err := os.ReadFile(filepath.Join("..", "..", "simulator", "detect", "testdata", name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		rules[name] = string(body)
	}
	for _, n := range []int{1, 10, 30} {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			l := openEngineLab(b, b.TempDir(), detect.Options{})
			defer l.close()
			names := []string{"contoso"}
			for i := 1; i < n; i++ {
				names = append(names, fmt.Sprintf("learner%02d", i))
				l.mustDo("POST", "tenants", fmt.Sprintf(`{"name":%q}`, names[i]))
			}
			for _, name := range names {
				l.mustDo("POST", "clock/freeze", fmt.Sprintf(`{"tenant":%q}`, name))
				l.putRules(name, rules)
				l.mustDo("POST", "engine/wait", fmt.Sprintf(`{"tenant":%q}`, name)) // telemetry generated, nothing due
			}
			began := time.Now()
			for _, name := range names {
				l.mustDo("POST", "clock/advance", fmt.Sprintf(`{"tenant":%q,"duration":"24h"}`, name))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.mustDo("POST", "clock/advance", fmt.Sprintf(`{"tenant":%q,"duration":"1m"}`, names[i%n]))
			}
			b.StopTimer()
			for _, name := range names {
				l.mustDo("POST", "engine/wait?timeout=10m", fmt.Sprintf(`{"tenant":%q}`, name))
			}
			b.ReportMetric(time.Since(began).Seconds(), "catchup-s")
		})
	}
}

// BenchmarkFirstAnswersAfterRestart measures a restart of the serve control chain on a state
// where N tenants' clocks are a day ahead of their rules (as after a learner's `clock advance
// 1d` and a crash): ns/op is the time from opening the state to the clock answer of every
// tenant, which no longer waits for their catch-up (it starts in the background).
func BenchmarkFirstAnswersAfterRestart(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "simulator", "detect", "testdata", "rule-post-compromise-cred-access.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10, 30} {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			state := b.TempDir()
			l := openEngineLab(b, state, detect.Options{})
			names := []string{"contoso"}
			for i := 1; i < n; i++ {
				names = append(names, fmt.Sprintf("learner%02d", i))
				l.mustDo("POST", "tenants", fmt.Sprintf(`{"name":%q}`, names[i]))
			}
			for _, name := range names {
				l.mustDo("POST", "clock/freeze", fmt.Sprintf(`{"tenant":%q}`, name))
				l.putRules(name, map[string]string{"nrt": string(body)})
			}
			l.close()
			w, err := simulator.Open(state, simulator.Options{})
			if err != nil {
				b.Fatal(err)
			}
			for _, name := range names {
				t, err := w.TenantByName(name)
				if err == nil {
					_, err = w.Advance(t.ID, 24*time.Hour)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			w.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l = openEngineLab(b, state, detect.Options{})
				for _, name := range names {
					l.mustDo("GET", "clock?tenant="+name, "")
				}
				b.StopTimer()
				l.close()
				b.StartTimer()
			}
		})
	}
}
