package logs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
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

// BenchmarkTenantOverlays is the tenant-specific part of a tenant's first views: per op, a
// tenant whose ids were never converted overlays every shared view of the class (every
// workspace and advanced hunting table after the launch) with its ids, as its first reads
// do (rebase.apply; the shared views and their token plans exist). cpu_ms/op is the
// process's CPU per tenant, garbage collection included.
func BenchmarkTenantOverlays(b *testing.B) {
	e, ten := lookedAtEverything(b)
	tc, err := e.cache(ten)
	if err != nil {
		b.Fatal(err)
	}
	sb := &e.shared
	var svs []*sharedView
	for _, sv := range sb.views {
		if sv.v != nil {
			svs = append(svs, sv)
		}
	}
	n, cpu := 0, cpuSeconds()
	for b.Loop() {
		n++
		r := newRebase(sb.ts, sb.tokens, tc.rebase.to) // nothing converted yet
		for _, sv := range svs {
			if _, err := r.apply(sv.v.t, sv.plan, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)*1000/float64(n), "cpu_ms/op")
}

// BenchmarkFirstHunt is a learner's first advanced hunting query right after its launch,
// before the prebuild reached it (classload's slowest request: "Everything the compromised
// account did in the attack window", challenge.md): per op, a new tenant creates the lab
// workspace and launches (outside the timer), then runs the query, building the views it
// reads (the class's shared views exist). cpu_ms/op is the process's CPU of the timed part.
func BenchmarkFirstHunt(b *testing.B) {
	e, _ := lookedAtEverything(b)
	const query = `let attackStart = datetime(2025-01-15T08:30:00Z);
let attackEnd = datetime(2025-01-15T10:00:00Z);
let compromisedUser = "alex.johnson@contoso.com";
let userId = toscalar(IdentityLogonEvents | where AccountUpn =~ compromisedUser | take 1 | project AccountObjectId);
union
  (CloudAppEvents | where AccountObjectId == userId | project Timestamp, ActionType, Application, IPAddress, Country = CountryCode),
  (IdentityLogonEvents | where AccountUpn =~ compromisedUser | project Timestamp, ActionType, Application, IPAddress, Country = Location, DeviceName),
  (AADSignInEventsBeta | where AccountUpn =~ compromisedUser | project Timestamp, ActionType = iff(ErrorCode == 0, "LogonSuccess", "LogonFailed"), Application, IPAddress, Country, DeviceName)
| where Timestamp between (attackStart .. attackEnd)
| sort by Timestamp asc`
	q, err := kql.Compile(query, e.HuntingCatalog(), kql.CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	n, cpu := 0, 0.0
	for b.Loop() {
		b.StopTimer()
		n++
		ten := newLaunchedTenant(b, e, fmt.Sprintf("hunt%03d", n))
		at := attackStart.Add(2 * time.Hour)
		b.StartTimer()
		c0 := cpuSeconds()
		db, err := e.Hunting(ten.ID, at)
		if err != nil {
			b.Fatal(err)
		}
		res, err := q.Run(context.Background(), Restrict(db, at.Add(-30*24*time.Hour), at), kql.RunOptions{Now: at})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuSeconds() - c0
		if res.Table.N == 0 {
			b.Fatal("the hunting query found nothing")
		}
	}
	b.ReportMetric(cpu*1000/float64(n), "cpu_ms/op")
}

// lookedAtEverything is an engine at the default size whose class's shared views exist: a
// tenant ("warm") created the lab workspace, launched and read every workspace and hunting
// table.
func lookedAtEverything(b *testing.B) (*Engine, simulator.Tenant) {
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(b.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	e, err := New(w, scenarioForBench(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ten := newLaunchedTenant(b, e, "warm")
	at := attackStart.Add(2 * time.Hour)
	ws, err := e.Workspace(ten.ID, "law-contoso-unified")
	if err != nil {
		b.Fatal(err)
	}
	for _, open := range []func() (kql.Database, error){
		func() (kql.Database, error) { return ws.Database(at) },
		func() (kql.Database, error) { return e.Hunting(ten.ID, at) },
	} {
		db, err := open()
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range db.Names() {
			db.Table(name)
		}
	}
	return e, ten
}

// newLaunchedTenant adds a tenant that created the lab workspace and launched the attack.
func newLaunchedTenant(b *testing.B, e *Engine, name string) simulator.Tenant {
	ten, err := e.world.AddTenant(name)
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{t: &testing.T{}, world: e.world, engine: e, tenant: ten}
	f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := e.Launch(ten.ID, Speed{}); err != nil {
		b.Fatal(err)
	}
	return ten
}

// BenchmarkPrivateRebuild is the rebuild of a tenant's AzureActivity after an ARM write of
// its own (the learner's rules, settings, workspace): per op, one write to the action log
// (outside the timer), then the table's next read, which merges the tenant's overlay of the
// shared view with its own rows. cpu_ms/op is the process's CPU of the timed part.
func BenchmarkPrivateRebuild(b *testing.B) {
	e, ten := lookedAtEverything(b)
	ws, err := e.Workspace(ten.ID, "law-contoso-unified")
	if err != nil {
		b.Fatal(err)
	}
	at := attackStart.Add(2 * time.Hour)
	n, cpu := 0, 0.0
	for b.Loop() {
		b.StopTimer()
		n++
		err := e.world.Update(ten.ID, func(tx *simulator.TenantTx) error {
			_, err := tx.AppendActivity(simulator.Activity{OperationName: "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE", Status: "Succeeded",
				Caller: "analyst@contoso.com", ResourceID: fmt.Sprintf("/subscriptions/%s/rule%d", ten.Subscription.ID, n), ResourceGroup: "rg-contoso-unified-soc",
				ResourceProvider: "MICROSOFT.SECURITYINSIGHTS", SubscriptionID: ten.Subscription.ID, HTTPMethod: "PUT"})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuSeconds()
		db, err := ws.Database(at)
		if err != nil {
			b.Fatal(err)
		}
		if t, ok := db.Table("AzureActivity"); !ok || t.N == 0 {
			b.Fatal("no AzureActivity")
		}
		cpu += cpuSeconds() - c0
	}
	b.ReportMetric(cpu*1000/float64(n), "cpu_ms/op")
}

// BenchmarkSharedViews is the class's one-time cost of a routing and launch: per op, every
// shared view of the launched lab (each workspace and advanced hunting table's generated rows
// in ingestion order, shaped, with its token plan) built again, as at the first queries
// after the class's first launch, which every learner then waits for. cpu_ms/op is the
// process's CPU per op.
func BenchmarkSharedViews(b *testing.B) {
	e, ten := lookedAtEverything(b)
	at := attackStart.Add(2 * time.Hour)
	ws, err := e.Workspace(ten.ID, "law-contoso-unified")
	if err != nil {
		b.Fatal(err)
	}
	wdb, err := ws.Database(at)
	if err != nil {
		b.Fatal(err)
	}
	hdb, err := e.Hunting(ten.ID, at)
	if err != nil {
		b.Fatal(err)
	}
	n, cpu := 0, cpuSeconds()
	for b.Loop() {
		n++
		e.shared.gmu.Lock()
		e.shared.gathers = nil // as the class's first build of these views
		e.shared.gmu.Unlock()
		for _, db := range []kql.Database{wdb, hdb} {
			d := db.(*database)
			for _, name := range d.Names() {
				if _, _, err := d.tc.buildShared(d, name); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)*1000/float64(n), "cpu_ms/op")
}
