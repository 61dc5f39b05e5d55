package grader

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/stages"
	"github.com/soclab/soclab/simulator/xdr"
)

// BenchmarkCatchUpAfterLaunch is the engines' catch-up of a learner's tenant right after the
// launch, what a grade waits for: a tenant with the workspace, the connector and the lab's three
// rules (created at 07:30) launches the attack (the clock jumps to 10:05), then the server's
// stages (containment, detect, xdr, automation) run up to its clock, one tenant at a time on one
// goroutine (a pipeline without workers: Wait runs the slices). The class's tenants are set up
// before the timer and each launched inside it; reported per tenant: CPU (user+system of the
// process) and wall time of the catch-up. The server's telemetry (200 users, 30 days).
func BenchmarkCatchUpAfterLaunch(b *testing.B) {
	s := newSOCWorldWith(b, logs.Options{Seed: 1})
	n := classTenants()
	named, err := stages.New(s.engine, xdr.New(s.engine), detect.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p := pipeline.New(pipeline.Options{Clock: s.world.Now, Workers: 1}, named...)
	// A first tenant generates the shared telemetry (once per process, not per learner).
	warm := s.tenant(b, "catchup-warm")
	warm.setupEdited(func(q string) string { return q }, rule1, rule2, rule3)
	if _, err := s.engine.Launch(warm.tenant.ID, logs.Speed{}); err != nil {
		b.Fatal(err)
	}
	if _, err := p.Wait(context.Background(), warm.tenant.ID); err != nil {
		b.Fatal(err)
	}
	round := 0
	var cpu, wall time.Duration
	tenants := 0
	for b.Loop() {
		b.StopTimer()
		round++
		var class []*socTenant
		for i := range n {
			c := s.tenant(b, fmt.Sprintf("catchup%d-%03d", round, i+1))
			c.setupEdited(func(q string) string { return q }, rule1, rule2, rule3)
			class = append(class, c)
		}
		b.StartTimer()
		for _, c := range class {
			if _, err := s.engine.Launch(c.tenant.ID, logs.Speed{}); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range class {
			cpu0 := cputime.Process()
			began := time.Now()
			if _, err := p.Wait(context.Background(), c.tenant.ID); err != nil {
				b.Fatal(err)
			}
			wall += time.Since(began)
			cpu1 := cputime.Process()
			cpu += cpu1 - cpu0
			tenants++
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(tenants), "cpu-ms/tenant")
	b.ReportMetric(float64(wall.Microseconds())/1000/float64(tenants), "wall-ms/tenant")
}
