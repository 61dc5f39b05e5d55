package logs

import (
	"reflect"
	"testing"
	"time"
)

// TestEvictedTenantRegeneratesIdentically: with room for one tenant, querying a second one
// drops the first's telemetry; the first's next query regenerates it and answers exactly as
// before, appended rows and replays included.
func TestEvictedTenantRegeneratesIdentically(t *testing.T) {
	f := newFixture(t)
	opts := smallOptions
	opts.MaxResidentTenants = 1
	e, err := New(f.world, loadScenario(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	f.engine = e
	other, err := f.world.AddTenant("learner02")
	if err != nil {
		t.Fatal(err)
	}
	g := &fixture{t: t, world: f.world, engine: e, tenant: other}
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	ws2 := g.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := e.Launch(f.tenant.ID, Speed{}); err != nil { // clock 10:05
		t.Fatal(err)
	}
	if _, err := e.Replay(f.tenant.ID, "credential-access"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 15, 10, 6, 0, 0, time.UTC)
	if err := e.Append(f.tenant.ID, "SecurityAlert", Row{Workspace: ws, Time: at, Values: map[string]any{"AlertName": "kept"}}); err != nil {
		t.Fatal(err)
	}
	f.setClock(at.Add(10 * time.Minute))
	queries := []string{
		`SigninLogs | summarize n = count(), users = dcount(UserPrincipalName), latest = max(TimeGenerated)`,
		`AzureDiagnostics | where CallerIPAddress == "185.220.101.45" | summarize count() by OperationName | order by OperationName asc`,
		`SecurityAlert | project AlertName`,
		`AzureActivity | summarize count(), max(TimeGenerated)`,
		`union * | summarize count() by Type | order by Type asc`,
	}
	before := make([][][]string, len(queries))
	for i, q := range queries {
		before[i] = f.query(ws, q)
	}
	steps := []struct {
		name     string
		run      func()
		resident []string
	}{
		{"the first tenant is resident", func() {}, []string{f.tenant.ID}},
		{"a query of the second evicts it", func() { g.query(ws2, `SigninLogs | count`) }, []string{other.ID}},
		{"the first comes back", func() { f.query(ws, `SigninLogs | count`) }, []string{f.tenant.ID}},
	}
	for _, s := range steps {
		s.run()
		if got := e.Resident(); !reflect.DeepEqual(got, s.resident) {
			t.Fatalf("%s: resident %v, want %v", s.name, got, s.resident)
		}
	}
	for i, q := range queries {
		if got := f.query(ws, q); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("%s: after regeneration %v, before %v", q, got, before[i])
		}
	}
}
