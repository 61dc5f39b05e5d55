package logs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/sched"
)

// eventually polls cond until it holds (at most 60 s).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// allFresh reports whether every table the prebuild builds (the lab's and those queries
// read) of the tenant's workspace and hunting databases has its view built for the current
// state.
func allFresh(t *testing.T, e *Engine, tenantID string) bool {
	tc, st, err := e.prepare(tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range e.prebuildDatabases(tc, st) {
		for _, name := range e.read.of(d.ws != nil, d.cat.Names()) {
			if !tc.fresh(d, name) {
				return false
			}
		}
	}
	return true
}

// TestPrebuildBuildsTenantsViews: with the background prebuild running, a tenant added later
// gets the shared views of the lab workspace it has not created yet and of the launched
// attack; once it creates the workspace every table's view is built without a query, and
// again after the launch; each prebuilt view equals, cell for cell, the view another engine
// builds on demand for the same tenant (its own ids, nobody else's).
func TestPrebuildBuildsTenantsViews(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.engine.StartPrebuild(ctx, PrebuildOptions{CPU: sched.NewCPU(sched.CPUOptions{}), Poll: 20 * time.Millisecond,
		Log: func(line string) { t.Error(line) }})
	ten, err := f.world.AddTenant("learner-pre")
	if err != nil {
		t.Fatal(err)
	}
	f.tenant = ten
	sb, err := f.engine.base()
	if err != nil {
		t.Fatal(err)
	}
	sharedFor := func(launch string) bool {
		sb.vmu.Lock()
		defer sb.vmu.Unlock()
		for k, sv := range sb.views {
			if strings.HasPrefix(k, "SigninLogs|true|"+launch+"|") {
				select {
				case <-sv.ready:
					return true
				default:
				}
			}
		}
		return false
	}
	eventually(t, "the lab workspace's shared views before it exists", func() bool { return sharedFor("-") && sharedFor("early") })

	cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	eventually(t, "every view of the new workspace", func() bool { return allFresh(t, f.engine, ten.ID) })
	// A table outside the lab's, once a query read it, is prebuilt too.
	if got := f.engine.read.of(false, f.engine.cats.hunting.Names()); slices.Contains(got, "DeviceProcessEvents") {
		t.Fatalf("DeviceProcessEvents prebuilt before any query read it: %v", got)
	}
	hdb, err := f.engine.Hunting(ten.ID, scenStart)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hdb.Table("DeviceProcessEvents"); !ok {
		t.Fatal("no DeviceProcessEvents")
	}
	if got := f.engine.read.of(false, f.engine.cats.hunting.Names()); !slices.Contains(got, "DeviceProcessEvents") {
		t.Fatalf("a table a query read is not in the working set: %v", got)
	}
	if _, err := f.engine.Launch(ten.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every view after the launch", func() bool { return allFresh(t, f.engine, ten.ID) })

	other, err := New(f.world, loadScenario(t), smallOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Engine{f.engine, other} {
		if _, err := e.Workspace(ten.ID, cust); err != nil {
			t.Fatal(err)
		}
	}
	tc, st, err := f.engine.prepare(ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	otc, ost, err := other.prepare(ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	prebuilt, fresh := f.engine.prebuildDatabases(tc, st), other.prebuildDatabases(otc, ost)
	for i, d := range prebuilt {
		for _, name := range f.engine.read.of(d.ws != nil, d.cat.Names()) {
			tc.mu.Lock()
			v := tc.views[tc.viewKey(d, name)]
			tc.mu.Unlock()
			want, err := otc.view(fresh[i], name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := sameTable(v.t, want.t); diff != "" {
				t.Errorf("%s (workspace %v): prebuilt view differs from one built on demand: %s", name, d.ws != nil, diff)
			}
		}
	}
}

// TestViewBuildStopsWithItsWork: a view built for work whose context is cancelled stops at a
// checkpoint, is not kept, and the table is built by the next reader.
func TestViewBuildStopsWithItsWork(t *testing.T) {
	f := newFixture(t)
	ten, err := f.world.AddTenant("learner-stop")
	if err != nil {
		t.Fatal(err)
	}
	f.tenant = ten
	cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	f.createKVSetting(simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified"))
	ws, err := f.engine.Workspace(ten.ID, cust)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	d := db.(*database).WithContext(cancelled).(*database)
	for _, name := range []string{"SigninLogs", "AzureActivity"} { // an overlay, a private view
		if _, err := d.tc.view(d, name); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: building for cancelled work: %v, want context.Canceled", name, err)
		}
		if d.tc.fresh(d, name) {
			t.Errorf("%s: a stopped build was kept", name)
		}
		if tb, ok := db.Table(name); !ok || tb.N == 0 {
			t.Errorf("%s: the next reader got no rows", name)
		}
		if !d.tc.fresh(d, name) {
			t.Errorf("%s: the next reader's build was not kept", name)
		}
	}
}

// TestViewsBuiltAhead: before a tenant creates the lab's workspace, the prebuild builds its
// views of that workspace, as it is now and as it will be once the attack is launched, and
// keeps them aside; after the tenant creates the workspace (its resource group spelled in
// another case) and after it launches, the first reads take them as they are (nothing is
// built in the query; TenantId is the new workspace's customerId), and they equal the views
// another engine builds on demand.
func TestViewsBuiltAhead(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	f.engine.StartPrebuild(ctx, PrebuildOptions{Poll: 20 * time.Millisecond, Log: func(line string) { t.Error(line) }})
	ten, err := f.world.AddTenant("learner-ahead")
	if err != nil {
		t.Fatal(err)
	}
	f.tenant = ten
	aheadReady := func() bool {
		tc, st, err := f.engine.prepare(ten.ID)
		if err != nil {
			t.Fatal(err)
		}
		launched := *st
		launched.attack.Launched = true
		for _, d := range append(f.engine.labWorkspaceDatabases(tc, st), f.engine.labWorkspaceDatabases(tc, &launched)...) {
			for _, name := range f.engine.read.of(d.ws != nil, d.cat.Names()) {
				if !tc.aheadFresh(d, name, d.aheadSignature(name)) {
					return false
				}
			}
		}
		return true
	}
	eventually(t, "the lab workspace's views built ahead", aheadReady)
	cancel()
	time.Sleep(50 * time.Millisecond) // the prebuild stops at its next slice

	tc, _, err := f.engine.prepare(ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	aheadNow := func() map[aheadKey]*view {
		tc.mu.Lock()
		defer tc.mu.Unlock()
		out := map[aheadKey]*view{}
		for k, v := range tc.ahead {
			out[k] = v
		}
		return out
	}
	ahead := aheadNow()
	if len(ahead) < 2*len(prebuildFirst) {
		t.Fatalf("%d views built ahead, want the lab's workspace tables twice", len(ahead))
	}
	cust := f.createWorkspace("RG-Contoso-Unified-SOC", "law-contoso-unified")
	ws, err := f.engine.Workspace(ten.ID, cust)
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(f.world, loadScenario(t), smallOptions)
	if err != nil {
		t.Fatal(err)
	}
	ows, err := other.Workspace(ten.ID, cust)
	if err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"-", "early"} { // the workspace created, then the attack launched
		if phase == "early" {
			ahead = aheadNow()
			if _, err := f.engine.Launch(ten.ID, Speed{}); err != nil {
				t.Fatal(err)
			}
		}
		now, _ := ws.Now()
		db, err := ws.Database(now)
		if err != nil {
			t.Fatal(err)
		}
		odb, err := ows.Database(now)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"SigninLogs", "AADNonInteractiveUserSignInLogs", "AzureActivity", "AuditLogs"} {
			a := ahead[aheadKey{workspace: strings.ToLower(ws.Info.ID), table: name, launch: phase}]
			if a == nil {
				t.Fatalf("%s, %s: no view built ahead", phase, name)
			}
			got, ok := db.Table(name)
			if !ok {
				t.Fatalf("%s: missing", name)
			}
			tc.mu.Lock()
			stored := tc.views[viewKey{workspace: ws.Info.ID, table: name}]
			tc.mu.Unlock()
			shared := 0
			for i, v := range stored.t.Vecs {
				if stored.t.Cols[i].Name != "TenantId" && v == a.t.Vecs[i] {
					shared++
				}
			}
			if shared != len(stored.t.Vecs)-1 {
				t.Errorf("%s, %s: the first read built the view instead of taking the one built ahead (%d of %d columns shared)", phase, name, shared, len(stored.t.Vecs)-1)
			}
			if c := got.ColumnIndex("TenantId"); got.N > 0 && got.Vecs[c].Get(0).S != cust {
				t.Errorf("%s, %s: TenantId %q, want the workspace's customerId %s", phase, name, got.Vecs[c].Get(0).S, cust)
			}
			want, _ := odb.Table(name)
			if diff := sameTable(got, want); diff != "" {
				t.Errorf("%s, %s: the view built ahead differs from one built on demand: %s", phase, name, diff)
			}
		}
	}
}
