package grader

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/stages"
	"github.com/soclab/soclab/simulator/xdr"
)

// classTenants is how many learners BenchmarkClassGrades grades at once (SOCLAB_CLASS_TENANTS
// overrides it: setting up a tenant plays Tasks 1-2 and the attack through the engines).
func classTenants() int {
	if n, err := strconv.Atoi(os.Getenv("SOCLAB_CLASS_TENANTS")); err == nil && n > 0 {
		return n
	}
	return 30
}

// BenchmarkClassGrades grades a class at once, as `soclab serve` does when every learner runs
// `soclab grade` at the same moment: N tenants with the workspace, the connector and the three
// rules, the attack launched and the engines caught up, over the server's telemetry (200 users,
// 30 days); every grade of every task starts at the same instant and computes as the server's
// grades do (Options.CPU: one sched.CPU of GOMAXPROCS slots, the default judging permits). Reported per grade: CPU
// (the process's user+system time over the class / N) and wall time from the common start to
// the report (p50, p99).
//
//	same:     the lab's rules in every tenant, no verdict remembered (one class's first grade)
//	distinct: each learner's queries written differently (a comment of its own): every tenant
//	          judges its own three queries
//	regrade:  the same class graded again, nothing changed
func BenchmarkClassGrades(b *testing.B) {
	s := newSOCWorldWith(b, logs.Options{Seed: 1})
	n := classTenants()
	var class []*socTenant
	for i := range n {
		c := s.tenant(b, fmt.Sprintf("learner%03d", i+1))
		c.setupEdited(func(query string) string {
			if i%2 == 1 { // half the class writes the queries in its own way
				query += "\n// learner " + strconv.Itoa(i)
			}
			return query
		}, rule1, rule2, rule3)
		c.launch()
		class = append(class, c)
	}
	for _, mode := range []string{"same", "distinct", "regrade"} {
		b.Run(mode, func(b *testing.B) {
			var walls []time.Duration
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				graded := class
				switch mode {
				case "same":
					graded = evenOnes(class)
					s.grader.verdicts = newVerdictCache(maxCachedVerdicts)
				case "distinct":
					s.grader.verdicts = newVerdictCache(maxCachedVerdicts)
				case "regrade":
					gradeClass(b, s, class) // remembered once, then graded again
				}
				b.StartTimer()
				w, c := gradeClass(b, s, graded)
				walls = append(walls, w...)
				cpu += c / time.Duration(len(graded))
			}
			slices.Sort(walls)
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/grade")
			b.ReportMetric(float64(walls[len(walls)/2].Milliseconds()), "p50-ms")
			b.ReportMetric(float64(walls[(len(walls)*99)/100].Milliseconds()), "p99-ms")
		})
	}
}

// evenOnes are the tenants that kept the lab's query texts.
func evenOnes(class []*socTenant) []*socTenant {
	var out []*socTenant
	for i, c := range class {
		if i%2 == 0 {
			out = append(out, c)
		}
	}
	return out
}

// gradeClass grades every tenant at once as the server does and returns each grade's wall time
// from the common start and the CPU the class took.
func gradeClass(b *testing.B, s *socWorld, class []*socTenant) ([]time.Duration, time.Duration) {
	s.grader.opts.CPU = sched.NewCPU(sched.CPUOptions{})
	cpu0 := cputime.Process()
	start := time.Now()
	walls := make([]time.Duration, len(class))
	var wg sync.WaitGroup
	for i, c := range class {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.grader.Grade(context.Background(), c.tenant.ID, nil); err != nil {
				b.Error(err)
			}
			walls[i] = time.Since(start)
		}()
	}
	wg.Wait()
	cpu1 := cputime.Process()
	return walls, cpu1 - cpu0
}

// BenchmarkClassGradesAfterLaunch is the class's first grade right after everyone launched the
// attack: N tenants with the three rules launch together, then every grade starts at once and
// waits, as the server's does, for the engines to catch its tenant up (a started pipeline of
// one worker over the server's stages, detect's runs on the same sched.CPU as the grades),
// then grades every task. Reported per grade: CPU (catch-up and grade) and wall p50/p99.
//
//	assist:   a waiter runs its tenant's slices when it is next and the worker is busy
//	          (pipeline.Options.Assist = GOMAXPROCS/2, as the server)
//	worker:   the one worker alone (Assist 0)
//	hold:     assist, and a waited tenant's catch-up holds one interactive slot across its
//	          slices (pipeline.Options.Hold, detect.Options.Held), as the server
func BenchmarkClassGradesAfterLaunch(b *testing.B) {
	s := newSOCWorldWith(b, logs.Options{Seed: 1})
	n := classTenants()
	s.grader.judgeData()
	for _, mode := range []string{"assist", "worker", "hold"} {
		b.Run(mode, func(b *testing.B) {
			var walls []time.Duration
			var cpu time.Duration
			round := 0
			for b.Loop() {
				b.StopTimer()
				round++
				var class []*socTenant
				for i := range n {
					c := s.tenant(b, fmt.Sprintf("%s%d-%03d", mode, round, i+1))
					c.setupEdited(func(q string) string { return q }, rule1, rule2, rule3)
					if _, err := s.engine.Launch(c.tenant.ID, logs.Speed{}); err != nil {
						b.Fatal(err)
					}
					class = append(class, c)
				}
				b.StartTimer()
				w, c := catchUpAndGrade(b, s, class, mode)
				walls = append(walls, w...)
				cpu += c / time.Duration(len(class))
			}
			slices.Sort(walls)
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/grade")
			b.ReportMetric(float64(walls[len(walls)/2].Milliseconds()), "p50-ms")
			b.ReportMetric(float64(walls[(len(walls)*99)/100].Milliseconds()), "p99-ms")
		})
	}
}

// catchUpAndGrade runs the server's grade path for every tenant at once: pipeline.Wait (a
// started pipeline with one worker), then Grade, all on one sched.CPU.
func catchUpAndGrade(b *testing.B, s *socWorld, class []*socTenant, mode string) ([]time.Duration, time.Duration) {
	cpu := sched.NewCPU(sched.CPUOptions{})
	s.grader.opts.CPU = cpu
	var p *pipeline.Pipeline
	dopts := detect.Options{CPU: cpu, Urgent: func(id string) bool { return p.Waited(id) }}
	o := pipeline.Options{Clock: s.world.Now, Workers: 1}
	if mode != "worker" {
		o.Assist = max(1, runtime.GOMAXPROCS(0)/2) // as the server
	}
	if mode == "hold" { // as cmd/soclab's catchUpSlots
		var mu sync.Mutex
		held := map[string]context.Context{}
		holds := make(chan struct{}, max(runtime.GOMAXPROCS(0)-1, 1))
		o.Hold = func(id string) func() {
			holds <- struct{}{}
			ctx, done, _ := cpu.Acquire(context.Background(), sched.Interactive)
			mu.Lock()
			held[id] = ctx
			mu.Unlock()
			return func() {
				mu.Lock()
				delete(held, id)
				mu.Unlock()
				done()
				<-holds
			}
		}
		dopts.Held = func(id string) (context.Context, bool) {
			mu.Lock()
			defer mu.Unlock()
			ctx, ok := held[id]
			return ctx, ok
		}
	}
	named, err := stages.New(s.engine, xdr.New(s.engine), dopts)
	if err != nil {
		b.Fatal(err)
	}
	p = pipeline.New(o, named...)
	ctx, cancel := context.WithCancel(context.Background())
	p.Start(ctx)
	defer func() { cancel(); p.Stop() }()
	cpu0 := cputime.Process()
	start := time.Now()
	walls := make([]time.Duration, len(class))
	var wg sync.WaitGroup
	for i, c := range class {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Wait(context.Background(), c.tenant.ID); err != nil {
				b.Error(err)
				return
			}
			if _, err := c.grader.Grade(context.Background(), c.tenant.ID, nil); err != nil {
				b.Error(err)
			}
			walls[i] = time.Since(start)
		}()
	}
	wg.Wait()
	cpu1 := cputime.Process()
	return walls, cpu1 - cpu0
}
