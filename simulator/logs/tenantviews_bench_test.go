package logs

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// BenchmarkTenantViews is a tenant's first look at its tables once the class's shared
// telemetry and views exist (what every learner but the first pays on its first queries):
// per op, a new tenant creates the lab workspace, launches the attack and reads every
// workspace table and every advanced hunting table once. The shared views are built before
// the timer starts. cpu_ms/op is the process's CPU per tenant (stable on a shared machine).
func BenchmarkTenantViews(b *testing.B) {
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
	at := attackStart.Add(2 * time.Hour)
	look := func(name string) {
		ten, err := w.AddTenant(name)
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
		db, err := ws.Database(at)
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range db.Names() {
			db.Table(name)
		}
		hdb, err := e.Hunting(ten.ID, at)
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range hdb.Names() {
			hdb.Table(name)
		}
	}
	look("warm")
	n, cpu := 0, cpuSeconds()
	for b.Loop() {
		n++
		look(fmt.Sprintf("views%03d", n))
	}
	b.ReportMetric((cpuSeconds()-cpu)*1000/float64(n), "cpu_ms/op")
}
