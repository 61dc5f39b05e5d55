package xdr

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// The harness: a world with the default tenant, log routing, the rule engine, this engine and
// the ARM API (Sentinel types) behind a fake token check. Every step that moves the clock runs
// the rules, then Defender XDR, as the server does.

const (
	labGroup     = armtest.Group
	labWorkspace = armtest.Workspace
	previewAPI   = armtest.PreviewAPI
)

type fixture struct {
	t      testing.TB
	world  *simulator.World
	logs   *logs.Engine
	rules  *detect.Engine
	engine *Engine
	tenant simulator.Tenant
	arm    *httptest.Server
	wsID   string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	lab := armtest.New(t, mocksentinel.LabTypes()...)
	w, le, ten, srv := lab.World, lab.Logs, lab.Tenant, lab.ARM
	rules, err := detect.New(le, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, world: w, logs: le, rules: rules, engine: New(le), tenant: ten, arm: srv}
	f.use(ten)
	return f
}

func (f *fixture) use(t simulator.Tenant) {
	f.tenant = t
	f.wsID = simulator.ResourceID(t.Subscription.ID, labGroup, simulator.WorkspaceType, labWorkspace)
}

// call sends an ARM request and fails unless the status is 2xx; it returns the body.
func (f *fixture) call(method, path, body string) string {
	f.t.Helper()
	return armtest.Call(f.t, f.arm.URL, f.tenant.ID, method, path, body)
}

type step func(f *fixture)

func at(hhmm string) step {
	return func(f *fixture) {
		f.t.Helper()
		tm, err := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
		if err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.world.SetTime(f.tenant.ID, tm.UTC()); err != nil {
			f.t.Fatal(err)
		}
		f.advance()
	}
}

func (f *fixture) advance() {
	f.t.Helper()
	if _, err := f.rules.AdvanceToNow(f.tenant.ID); err != nil {
		f.t.Fatal(err)
	}
	now, _ := f.world.Now(f.tenant.ID)
	if err := f.engine.Advance(f.tenant.ID, now); err != nil {
		f.t.Fatal(err)
	}
}

func onboard(f *fixture) {
	f.call("PUT", f.wsID+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+previewAPI, "")
}

// connector enables the MicrosoftThreatProtection connector (Task 2).
func connector(f *fixture) {
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/dataConnectors/m365d?api-version=2023-02-01-preview",
		fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, f.tenant.ID))
}

func labRule(name string) step {
	return func(f *fixture) {
		body, err := os.ReadFile("testdata/" + name + ".json")
		if err != nil {
			f.t.Fatal(err)
		}
		f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/alertRules/"+name+"?api-version="+previewAPI, string(body))
	}
}

var labRules = []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"}

// labSetup is Task 1 and 2 before the attack: workspace, Sentinel, connector, the three rules at 07:30.
var labSetup = []step{onboard, connector, at("07:30"), labRule(labRules[0]), labRule(labRules[1]), labRule(labRules[2])}

func steps(groups ...[]step) []step { return slices.Concat(groups...) }

func launch(f *fixture) {
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
		f.t.Fatal(err)
	}
	f.advance()
}

func fault(id string, on bool) step {
	return func(f *fixture) {
		if _, err := f.logs.SetFault(f.tenant.ID, id, on); err != nil {
			f.t.Fatal(err)
		}
		f.advance()
	}
}

// tx runs fn in a write transaction at the tenant clock.
func (f *fixture) tx(fn func(tx *simulator.TenantTx) error) {
	f.t.Helper()
	if err := f.world.Update(f.tenant.ID, fn); err != nil {
		f.t.Fatal(err)
	}
}

// kql runs a query over the workspace at the tenant clock; rows as text joined by " | ".
func (f *fixture) kql(src string) []string {
	f.t.Helper()
	return armtest.WorkspaceRows(f.t, f.logs, f.tenant.ID, f.wsID, src)
}

// hunting runs a query over the advanced hunting tables.
func (f *fixture) hunting(src string) []string {
	f.t.Helper()
	now, _ := f.world.Now(f.tenant.ID)
	db, err := f.logs.Hunting(f.tenant.ID, now)
	if err != nil {
		f.t.Fatal(err)
	}
	return runKQL(f.t, src, db, f.logs.HuntingCatalog(), now)
}

func runKQL(t testing.TB, src string, db kql.Database, cat kql.Catalog, now time.Time) []string {
	t.Helper()
	q, err := kql.Compile(src, cat, kql.CompileOptions{})
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	out := []string{}
	for _, r := range res.Rows(true) {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// defender lists the tenant's Defender incidents as "id | status | severity | name | alerts".
func (f *fixture) defender() []string {
	f.t.Helper()
	out := []string{}
	f.view(func(tx *simulator.TenantTx) error {
		incs, err := Incidents(tx)
		for _, inc := range slicesReverse(incs) {
			out = append(out, fmt.Sprintf("%d | %s | %s | %s | %d | %d", inc.ID, inc.Status, inc.Severity, inc.DisplayName, len(inc.AlertIDs), inc.RedirectIncidentID))
		}
		return err
	})
	return out
}

func slicesReverse[T any](s []T) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func (f *fixture) view(fn func(tx *simulator.TenantTx) error) {
	f.t.Helper()
	if err := f.world.View(f.tenant.ID, fn); err != nil {
		f.t.Fatal(err)
	}
}

// sentinelIncidents lists the workspace's incidents as "provider | providerId | status | title | alerts | classification".
func (f *fixture) sentinelIncidents(provider string) []string {
	f.t.Helper()
	out := []string{}
	f.view(func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, f.wsID)
		for _, inc := range incs {
			p := inc.Properties
			if provider != "" && p.ProviderName != provider {
				continue
			}
			out = append(out, fmt.Sprintf("%s | %s | %s | %s | %d | %s | %s", p.ProviderName, p.ProviderIncidentID, deref(p.Status),
				deref(p.Title), p.AdditionalData.AlertsCount, deref(p.Classification), ownerText(p.Owner)))
		}
		return err
	})
	slices.Sort(out)
	return out
}

type scenarioTest struct {
	name  string
	steps []step
	check func(t *testing.T, f *fixture)
}

func runScenarios(t *testing.T, tests []scenarioTest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for _, s := range tc.steps {
				s(f)
			}
			tc.check(t, f)
		})
	}
}

func wantEqual(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
