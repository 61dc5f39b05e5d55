package logs

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// fixture is a world with the default tenant, its routing engine and a fake real clock.
type fixture struct {
	t      *testing.T
	world  *simulator.World
	engine *Engine
	tenant simulator.Tenant
}

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

func loadScenario(t *testing.T) *scenario.Scenario {
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
	return scen
}

// smallOptions keep generation fast: the named cast plus a few generated users, 3 days.
var smallOptions = Options{Seed: 1, Users: 60, Days: 3}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	e, err := New(w, loadScenario(t), smallOptions)
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, world: w, engine: e, tenant: ten}
}

// createWorkspace writes a workspace resource as ARM would and returns its customerId.
func (f *fixture) createWorkspace(group, name string) string {
	f.t.Helper()
	id := simulator.ResourceID(f.tenant.Subscription.ID, group, simulator.WorkspaceType, name)
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":%q,"type":%q,"location":"eastus","properties":{"customerId":%q}}`, id, name, simulator.WorkspaceType, cust)
	err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return cust
}

// createKVSetting writes a Key Vault diagnostic setting to the workspace and records the write
// in the action log at the tenant clock, as ARM does.
func (f *fixture) createKVSetting(wsID string) {
	f.t.Helper()
	kv := simulator.ResourceID(f.tenant.Subscription.ID, "rg-contoso-unified-soc", "Microsoft.KeyVault/vaults", "kv-contoso-prod")
	id := kv + "/providers/Microsoft.Insights/diagnosticSettings/send-to-sentinel"
	body := fmt.Sprintf(`{"id":%q,"name":"send-to-sentinel","properties":{"workspaceId":%q,"logs":[{"category":"AuditEvent","enabled":true}]}}`, id, wsID)
	err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
		if err := tx.PutResource(simulator.Resource{ID: id, Type: diagnosticSettingsType, Body: []byte(body)}); err != nil {
			return err
		}
		_, err := tx.AppendActivity(simulator.Activity{OperationName: "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE", Status: "Succeeded",
			Caller: "analyst@contoso.com", ResourceID: id, ResourceGroup: "rg-contoso-unified-soc", ResourceProvider: "MICROSOFT.INSIGHTS",
			SubscriptionID: f.tenant.Subscription.ID, HTTPMethod: "PUT"})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) setClock(at time.Time) {
	f.t.Helper()
	if _, err := f.world.SetTime(f.tenant.ID, at); err != nil {
		f.t.Fatal(err)
	}
}

// query runs KQL over the workspace at the tenant clock and returns the rows as text.
func (f *fixture) query(customerID, src string) [][]string {
	f.t.Helper()
	ws, err := f.engine.Workspace(f.tenant.ID, customerID)
	if err != nil {
		f.t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.run(db, f.engine.WorkspaceCatalog(), now, src)
}

func (f *fixture) run(db kql.Database, cat kql.Catalog, now time.Time, src string) [][]string {
	f.t.Helper()
	q, err := kql.Compile(src, cat, kql.CompileOptions{})
	if err != nil {
		f.t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		f.t.Fatalf("run %q: %v", src, err)
	}
	var out [][]string
	for _, r := range res.Rows(true) {
		row := make([]string, len(r))
		for i, v := range r {
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	return out
}

var (
	attackStart = time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)
	scenStart   = time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)
)
