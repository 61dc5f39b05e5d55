package containment_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

// fixture is a world with the default tenant and its lab workspace, the log engine and the
// containment engine over a fake directory.
type fixture struct {
	t      testing.TB
	dir    string
	world  *simulator.World
	logs   *logs.Engine
	engine *containment.Engine
	fake   *fakeDirectory
	tenant simulator.Tenant
	wsID   string // the workspace's customerId
}

var logOptions = logs.Options{Seed: 1, Users: 60, Days: 3}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), fake: &fakeDirectory{}}
	f.open()
	ten, err := f.world.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	f.tenant = ten
	f.wsID = f.createWorkspace(ten)
	return f
}

// open (re)opens the state file with fresh engines, as a server restart does.
func (f *fixture) open() {
	f.t.Helper()
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		f.t.Fatal(scenErr)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(f.dir, simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, scen, logOptions)
	if err != nil {
		f.t.Fatal(err)
	}
	eng, err := containment.New(le, f.fake)
	if err != nil {
		f.t.Fatal(err)
	}
	f.world, f.logs, f.engine = w, le, eng
}

// restart closes the world and opens it again.
func (f *fixture) restart() {
	f.t.Helper()
	if err := f.world.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.open()
}

// createWorkspace writes the lab workspace (the one the standing diagnostic settings name).
func (f *fixture) createWorkspace(t simulator.Tenant) string {
	f.t.Helper()
	id := simulator.ResourceID(t.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":"law-contoso-unified","type":%q,"location":"eastus","properties":{"customerId":%q}}`, id, simulator.WorkspaceType, cust)
	err := f.world.Update(t.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return cust
}

func (f *fixture) launch(t simulator.Tenant) {
	f.t.Helper()
	if _, err := f.logs.Launch(t.ID, logs.Speed{}); err != nil {
		f.t.Fatal(err)
	}
}

// advanceTo sets the tenant clock and runs the engine up to it, as the server does.
func (f *fixture) advanceTo(t simulator.Tenant, hhmm string) {
	f.t.Helper()
	to := clockAt(f.t, hhmm)
	if _, err := f.world.SetTime(t.ID, to); err != nil {
		f.t.Fatal(err)
	}
	if err := f.engine.Advance(t.ID, to); err != nil {
		f.t.Fatal(err)
	}
}

func clockAt(t testing.TB, hhmm string) time.Time {
	tm, err := time.Parse("2006-01-02 15:04:05", "2025-01-15 "+hhmm)
	if err != nil {
		tm, err = time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// query runs KQL over the tenant's lab workspace at its clock; rows as tab-joined text.
func (f *fixture) query(t simulator.Tenant, wsID, src string) []string {
	f.t.Helper()
	ws, err := f.logs.Workspace(t.ID, wsID)
	if err != nil {
		f.t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.run(db, f.logs.WorkspaceCatalog(), now, src)
}

// hunt runs KQL over the tenant's Defender tables at its clock.
func (f *fixture) hunt(t simulator.Tenant, src string) []string {
	f.t.Helper()
	now, err := f.world.Now(t.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	db, err := f.logs.Hunting(t.ID, now)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.run(db, f.logs.HuntingCatalog(), now, src)
}

func (f *fixture) run(db kql.Database, cat kql.Catalog, now time.Time, src string) []string {
	f.t.Helper()
	q, err := kql.Compile(src, cat, kql.CompileOptions{})
	if err != nil {
		f.t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		f.t.Fatalf("run %q: %v", src, err)
	}
	var out []string
	for _, r := range res.Rows(true) {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	return out
}

// filled runs KQL over the lab workspace (or the Defender tables when wsID is "") at the
// tenant clock and returns, per result row, the names of the columns that hold a value (not
// null, not "").
func (f *fixture) filled(t simulator.Tenant, wsID, src string) [][]string {
	f.t.Helper()
	now, err := f.world.Now(t.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	var db kql.Database
	cat := f.logs.HuntingCatalog()
	if wsID == "" {
		db, err = f.logs.Hunting(t.ID, now)
	} else {
		var ws *logs.Workspace
		if ws, err = f.logs.Workspace(t.ID, wsID); err == nil {
			db, err = ws.Database(now)
		}
		cat = f.logs.WorkspaceCatalog()
	}
	if err != nil {
		f.t.Fatal(err)
	}
	q, err := kql.Compile(src, cat, kql.CompileOptions{})
	if err != nil {
		f.t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		f.t.Fatalf("run %q: %v", src, err)
	}
	cols := res.Columns()
	var out [][]string
	for _, r := range res.Rows(true) {
		var names []string
		for i, v := range r {
			if v != nil && v != "" {
				names = append(names, cols[i].Name)
			}
		}
		out = append(out, names)
	}
	return out
}
