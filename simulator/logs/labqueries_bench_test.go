package logs

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// BenchmarkLabQueries is the CPU of each of the lab's queries (challenge.md's KQL blocks and
// rule queries; hunting ones over the last 30 days, as the service runs them) for a tenant
// whose views are built: what one learner's query costs once view building is off its path.
// cpu_ms/op is the process's CPU per run.
func BenchmarkLabQueries(b *testing.B) {
	src, err := os.ReadFile("../../challenge.md")
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, m := range regexp.MustCompile("(?s)```kusto\n(.*?)```").FindAllStringSubmatch(string(src), -1) {
		qs = append(qs, m[1])
	}
	for _, m := range regexp.MustCompile("(?s)query: \\|-\n(.*?)\nEOF").FindAllStringSubmatch(string(src), -1) {
		qs = append(qs, m[1])
	}
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
	ten, err := w.AddTenant("learner")
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
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range db.Names() { // the views: built before the timer, as the prebuild does
		db.Table(n)
	}
	for _, q := range qs {
		name := strings.Fields(strings.ReplaceAll(q, "\n", " "))
		label := strings.Join(name[:min(4, len(name))], "_")
		b.Run(label, func(b *testing.B) {
			hunting := strings.Contains(q, "Timestamp")
			cat := e.WorkspaceCatalog()
			if hunting {
				cat = e.HuntingCatalog()
			}
			cq, err := kql.Compile(q, cat, kql.CompileOptions{})
			if err != nil {
				b.Fatal(err)
			}
			c0 := cpuSeconds()
			n := 0
			for b.Loop() {
				n++
				var db kql.Database
				var err error
				if hunting {
					if db, err = e.Hunting(ten.ID, now); err == nil {
						db = Restrict(db, now.Add(-30*24*time.Hour), now)
					}
				} else {
					db, err = ws.Database(now)
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cq.Run(context.Background(), db, kql.RunOptions{Now: now}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-c0)*1000/float64(n), "cpu_ms/op")
		})
	}
}
