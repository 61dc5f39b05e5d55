package logs

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
)

// directTables generates a tenant's telemetry on its own (as the engine did before tenants
// shared one generation), as columnar tables.
func directTables(t *testing.T, e *Engine, ten simulator.Tenant) *generated {
	t.Helper()
	cast, err := generate.ResolveCast(e.scen, e.params(ten))
	if err != nil {
		t.Fatal(err)
	}
	tel, err := generate.GenerateCast(e.scen, cast)
	if err != nil {
		t.Fatal(err)
	}
	g, err := columnar(tel)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// cellText renders a cell for comparison (dynamic values as their JSON text).
func cellText(tb *kql.Table, c, r int) string {
	v := tb.Vecs[c].Get(r)
	return fmt.Sprintf("%v|%v", v.T, v)
}

// sameCell compares cell r of two vectors of the same type without rendering it (a quick
// path: the full-size check compares millions of cells); false means "compare the text".
func sameCell(a, b *exec.Vector, r int) bool {
	switch {
	case a.S != nil && b.S != nil:
		return a.S[r] == b.S[r]
	case a.I != nil && b.I != nil:
		return a.I[r] == b.I[r] && a.IsNull(r) == b.IsNull(r)
	case a.F != nil && b.F != nil:
		return a.F[r] == b.F[r] && a.IsNull(r) == b.IsNull(r)
	}
	return false
}

// sameTable reports the first difference between two tables with the same columns.
func sameTable(a, b *kql.Table) string {
	if a.N != b.N || len(a.Cols) != len(b.Cols) {
		return fmt.Sprintf("%d rows × %d columns, want %d × %d", a.N, len(a.Cols), b.N, len(b.Cols))
	}
	for c := range a.Cols {
		if a.Cols[c] != b.Cols[c] {
			return fmt.Sprintf("column %d is %v, want %v", c, a.Cols[c], b.Cols[c])
		}
		va, vb := a.Vecs[c], b.Vecs[c]
		for r := 0; r < a.N; r++ {
			if sameCell(va, vb, r) {
				continue
			}
			if x, y := cellText(a, c, r), cellText(b, c, r); x != y {
				i := 0
				for i < len(x) && i < len(y) && x[i] == y[i] {
					i++
				}
				from := max(0, i-80)
				return fmt.Sprintf("%s row %d: …%.160s, want …%.160s", a.Cols[c].Name, r, x[from:], y[from:])
			}
		}
	}
	return ""
}

// TestSharedTelemetryIsEachTenantsOwn: a tenant's tables built from the shared generation
// (its ids substituted) equal, cell for cell, the telemetry generated for that tenant alone,
// for the default tenant (no substitution) and for two added tenants; and no value of an
// added tenant's tables holds an id of another tenant.
func TestSharedTelemetryIsEachTenantsOwn(t *testing.T) {
	checkSharedTelemetry(t, newFixture(t))
}

// TestSharedTelemetryIsEachTenantsOwnFullSize is the same check at the default size (200
// users, 30 days: every background pattern of the scenario occurs).
func TestSharedTelemetryIsEachTenantsOwnFullSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the default-size telemetry four times")
	}
	f := newFixture(t)
	e, err := New(f.world, loadScenario(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.engine = e
	checkSharedTelemetry(t, f)
}

func checkSharedTelemetry(t *testing.T, f *fixture) {
	e := f.engine
	a, err := f.world.AddTenant("learner-a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.world.AddTenant("learner-b")
	if err != nil {
		t.Fatal(err)
	}
	for _, ten := range []simulator.Tenant{f.tenant, a, b} {
		tc, err := e.cache(ten)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tc.rebase.identity, ten.ID == f.tenant.ID; got != want {
			t.Errorf("%s: identity rebase %v, want %v", ten.Name, got, want)
		}
		direct := directTables(t, e, ten)
		if len(direct.tables) != len(tc.base.tables) {
			t.Fatalf("%s: %d tables, want %d", ten.Name, len(tc.base.tables), len(direct.tables))
		}
		for name, want := range direct.tables {
			rs := tc.base.tables[name]
			canon := rs.eventOrdered()
			got, _ := tc.rebase.apply(canon, tc.shared.ts.plan(canon, tc.shared.baseDeps(name, len(rs.t.Cols))), nil)
			if diff := sameTable(got, want.t); diff != "" {
				t.Errorf("%s: %s: %s", ten.Name, name, diff)
			}
		}
	}
	// The tokens themselves differ per tenant: none of a's ids in b's tables.
	ta, _ := e.cache(a)
	tb, _ := e.cache(b)
	foreign := newTokenSet(ta.rebase.to)
	for name, rs := range tb.base.tables {
		canon := rs.eventOrdered()
		got, _ := tb.rebase.apply(canon, tb.shared.ts.plan(canon, tb.shared.baseDeps(name, len(rs.t.Cols))), nil)
		for c, dep := range foreign.dependentColumns(got) {
			if dep {
				t.Errorf("%s.%s of %s holds an id of %s", name, got.Cols[c].Name, b.Name, a.Name)
			}
		}
	}
}

// TestTenantQueriesSeeTheirOwnIds: through the query path (shared views with the tenant's
// overlay), each tenant's rows carry its own TenantId, subscription and object ids, and
// answers equal a tenant-alone generation's.
func TestTenantQueriesSeeTheirOwnIds(t *testing.T) {
	f := newFixture(t)
	other, err := f.world.AddTenant("learner-b")
	if err != nil {
		t.Fatal(err)
	}
	g := &fixture{t: t, world: f.world, engine: f.engine, tenant: other}
	at := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, x := range []*fixture{f, g} {
		ws := x.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
		if _, err := x.engine.Launch(x.tenant.ID, Speed{}); err != nil {
			t.Fatal(err)
		}
		x.setClock(at)
		sub := strings.ToLower(x.tenant.Subscription.ID)
		cast, err := generate.ResolveCast(x.engine.scen, x.engine.params(x.tenant))
		if err != nil {
			t.Fatal(err)
		}
		alex, _ := cast.User("alex.johnson@contoso.com")
		cases := []struct {
			query string
			want  [][]string
		}{
			{`SigninLogs | where UserPrincipalName == "alex.johnson@contoso.com" | distinct UserId, AADTenantId, TenantId`,
				[][]string{{alex.ObjectID, strings.ToLower(x.tenant.ID), ws}}},
			{`AzureDiagnostics | distinct SubscriptionId, TenantId`, [][]string{{strings.ToUpper(sub), ws}}},
			{`StorageBlobLogs | distinct _SubscriptionId, tostring(split(_ResourceId, "/")[2])`, [][]string{{sub, sub}}},
		}
		for _, c := range cases {
			if got := x.query(ws, c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: %s = %v, want %v", x.tenant.Name, c.query, got, c.want)
			}
		}
	}
}

// TestEvictionKeepsTenantIds: with room for one tenant, two added tenants take turns; each
// one's answers stay its own (its ids, never the other's) across evictions and rebuilds.
func TestEvictionKeepsTenantIds(t *testing.T) {
	f := newFixture(t)
	opts := smallOptions
	opts.MaxResidentTenants = 1
	e, err := New(f.world, loadScenario(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	var fx []*fixture
	var ws []string
	for _, name := range []string{"learner-a", "learner-b"} {
		ten, err := f.world.AddTenant(name)
		if err != nil {
			t.Fatal(err)
		}
		x := &fixture{t: t, world: f.world, engine: e, tenant: ten}
		ws = append(ws, x.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified"))
		if _, err := e.Launch(ten.ID, Speed{}); err != nil {
			t.Fatal(err)
		}
		fx = append(fx, x)
	}
	const q = `union SigninLogs, AuditLogs | summarize by AADTenantId, TenantId`
	want := make([][][]string, 2)
	for i, x := range fx {
		want[i] = [][]string{{strings.ToLower(x.tenant.ID), ws[i]}}
	}
	for round := range 3 {
		for i, x := range fx {
			if got := x.query(ws[i], q); fmt.Sprint(got) != fmt.Sprint(want[i]) {
				t.Errorf("round %d, %s: %v, want %v", round, x.tenant.Name, got, want[i])
			}
			if r := e.Resident(); len(r) != 1 || r[0] != x.tenant.ID {
				t.Errorf("round %d: resident %v, want only %s", round, r, x.tenant.Name)
			}
		}
	}
}

// TestTenantsQueryConcurrently: tenants building their views from the shared telemetry at
// the same time (shared views built once, overlays, private views, scenario data) each get
// their own answers (run with -race).
func TestTenantsQueryConcurrently(t *testing.T) {
	f := newFixture(t)
	type learner struct {
		x  *fixture
		ws string
	}
	var ls []learner
	for i := range 4 {
		ten, err := f.world.AddTenant(fmt.Sprintf("learner-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		x := &fixture{t: t, world: f.world, engine: f.engine, tenant: ten}
		ws := x.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
		if i%2 == 0 {
			x.createKVSetting(ws) // an action log row: a private AzureActivity view
		}
		if _, err := f.engine.Launch(ten.ID, Speed{}); err != nil {
			t.Fatal(err)
		}
		ls = append(ls, learner{x, ws})
	}
	queries := []string{
		`SigninLogs | summarize by AADTenantId`,
		`AzureActivity | summarize by TenantId, tostring(Claims_d["http://schemas.microsoft.com/identity/claims/tenantid"])`,
		`AuditLogs | summarize by AADTenantId`,
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for _, l := range ls {
		for _, q := range queries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tid := strings.ToLower(l.x.tenant.ID)
				for _, row := range l.x.query(l.ws, q) {
					for _, v := range row {
						if v != tid && v != l.ws && v != "" {
							errs <- fmt.Sprintf("%s: %s: %v holds another tenant's id", l.x.tenant.Name, q, row)
						}
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := f.engine.ScenarioData(l.x.tenant.ID)
			if err != nil {
				errs <- err.Error()
				return
			}
			tb := d.All["SigninLogs"]
			c := tb.ColumnIndex("AADTenantId")
			if got := tb.Vecs[c].Get(0).S; got != strings.ToLower(l.x.tenant.ID) {
				errs <- fmt.Sprintf("%s: scenario data AADTenantId %s", l.x.tenant.Name, got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
