package logs

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// benchFixture is the default scenario size (200 users, 30 days) with the lab workspace and
// the attack launched.
func benchFixture(b *testing.B) (*Engine, simulator.Tenant, *Workspace) {
	b.Helper()
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(b.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	s := scenarioForBench(b)
	e, err := New(w, s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ten, _ := w.TenantByName(simulator.DefaultTenantName)
	f := &fixture{t: &testing.T{}, world: w, engine: e, tenant: ten}
	cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := e.Launch(ten.ID, Speed{Factor: 1}); err != nil {
		b.Fatal(err)
	}
	ws, err := e.Workspace(ten.ID, cust)
	if err != nil {
		b.Fatal(err)
	}
	return e, ten, ws
}

func scenarioForBench(b *testing.B) *scenario.Scenario {
	t := &testing.T{}
	s := loadScenario(t)
	if s == nil {
		b.Fatal("scenario did not load")
	}
	return s
}

// BenchmarkFirstQuery is the one-time cost of a tenant: generating its telemetry, converting it
// to columnar tables and building the SigninLogs view.
func BenchmarkFirstQuery(b *testing.B) {
	var ws *Workspace
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, _, ws = benchFixture(b)
		b.StartTimer()
		db, err := ws.Database(attackStart)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := db.Table("SigninLogs"); !ok {
			b.Fatal("no SigninLogs")
		}
	}
	// What a tenant keeps: the heap after a collection, the generator's row values gone.
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "retainedMB")
	runtime.KeepAlive(ws)
}

// BenchmarkRuleTick is one virtual minute of a rule engine: a Database at the tick's time and
// the three lab rules (compiled once) run over it. Clock ticks move through the attack.
func BenchmarkRuleTick(b *testing.B) {
	e, _, ws := benchFixture(b)
	rules := []string{
		`let timeframe = 1h; let s = SigninLogs | where TimeGenerated > ago(timeframe) | where ResultType == "0" | where RiskLevelDuringSignIn in ("high", "medium") | project SignInTime = TimeGenerated, UserPrincipalName, IPAddress; let r = AzureActivity | where TimeGenerated > ago(timeframe) | where CategoryValue == "Administrative" | where OperationNameValue has_any ("Microsoft.KeyVault", "Microsoft.Storage", "Microsoft.Sql") | project AccessTime = TimeGenerated, Caller, ResourceId; s | join kind=inner (r) on $left.UserPrincipalName == $right.Caller | where AccessTime > SignInTime`,
		`let risky = SigninLogs | where TimeGenerated > ago(15m) | where RiskLevelDuringSignIn == "high" and ResultType == "0" | distinct UserPrincipalName; AzureDiagnostics | where TimeGenerated > ago(15m) | where ResourceProvider == "MICROSOFT.KEYVAULT" | where identity_claim_upn_s in (risky)`,
		`AzureActivity | where TimeGenerated > ago(1h) | where CategoryValue == "Administrative" and ActivityStatusValue == "Success" | summarize ResourceGroupCount = dcount(ResourceGroup), OperationCount = count() by Caller, bin(TimeGenerated, 5m) | where ResourceGroupCount > 3`,
	}
	var qs []*kql.Query
	for _, src := range rules {
		q, err := kql.Compile(src, e.WorkspaceCatalog(), kql.CompileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		qs = append(qs, q)
	}
	if _, err := ws.Database(attackStart); err != nil { // generate outside the timer
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := attackStart.Add(time.Duration(i%120) * time.Minute)
		db, err := ws.Database(at)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range qs {
			if _, err := q.Run(context.Background(), db, kql.RunOptions{Now: at}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
