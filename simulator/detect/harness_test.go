package detect

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// The harness: a world with the default tenant, its log routing, the rule engine and the ARM
// API (Sentinel types) behind a fake token check. A scenario is setup steps and assertions
// run in order; every step that moves the clock runs the engine, as the server does.

const (
	labGroup     = armtest.Group
	labWorkspace = armtest.Workspace
	previewAPI   = armtest.PreviewAPI
)

type fixture struct {
	t      testing.TB
	world  *simulator.World
	logs   *logs.Engine
	engine *Engine
	tenant simulator.Tenant
	arm    *httptest.Server
	wsID   string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, Options{})
}

// newFixtureWith is newFixture with the engine's options.
func newFixtureWith(t testing.TB, opts Options) *fixture {
	t.Helper()
	lab := armtest.New(t, mocksentinel.LabTypes()...)
	w, le, ten, srv := lab.World, lab.Logs, lab.Tenant, lab.ARM
	eng, err := New(le, opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, world: w, logs: le, engine: eng, tenant: ten, arm: srv}
	f.use(ten)
	return f
}

// use points the fixture's steps at another tenant of the world.
func (f *fixture) use(t simulator.Tenant) {
	f.tenant = t
	f.wsID = simulator.ResourceID(t.Subscription.ID, labGroup, simulator.WorkspaceType, labWorkspace)
}

// call sends an ARM request and fails the test unless the status is 200 or 201.
func (f *fixture) call(method, path, body string) string {
	f.t.Helper()
	return armtest.Call(f.t, f.arm.URL, f.tenant.ID, method, path, body)
}

// step is one setup action of a scenario.
type step func(f *fixture)

// at sets the tenant clock and runs the engine up to it.
func at(hhmm string) step {
	return func(f *fixture) {
		f.t.Helper()
		to := clockAt(f.t, hhmm)
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			f.t.Fatal(err)
		}
		f.advance()
	}
}

func clockAt(t testing.TB, hhmm string) time.Time {
	tm, err := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}

func (f *fixture) advance() {
	f.t.Helper()
	if _, err := f.engine.AdvanceToNow(f.tenant.ID); err != nil {
		f.t.Fatal(err)
	}
}

// onboard creates the lab workspace and onboards Sentinel.
func onboard(f *fixture) {
	f.call("PUT", f.wsID+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+previewAPI, "")
}

// labRule creates one of the lab's rules from testdata (challenge.md's bodies).
func labRule(name string) step {
	return func(f *fixture) {
		body, err := os.ReadFile("testdata/" + name + ".json")
		if err != nil {
			f.t.Fatal(err)
		}
		f.call("PUT", f.rulePath(name), string(body))
	}
}

// rule creates a rule from a JSON body.
func rule(name, body string) step {
	return func(f *fixture) { f.call("PUT", f.rulePath(name), body) }
}

func (f *fixture) rulePath(name string) string {
	return f.wsID + "/providers/Microsoft.SecurityInsights/alertRules/" + name + "?api-version=" + previewAPI
}

var labRules = []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"}

// launch plays the attack at instant speed and runs the engine.
func launch(f *fixture) {
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
		f.t.Fatal(err)
	}
	f.advance()
}

func fault(id string) step {
	return func(f *fixture) {
		if _, err := f.logs.SetFault(f.tenant.ID, id, true); err != nil {
			f.t.Fatal(err)
		}
	}
}

func replay(stepID string) step {
	return func(f *fixture) {
		if _, err := f.logs.Replay(f.tenant.ID, stepID); err != nil {
			f.t.Fatal(err)
		}
	}
}

// kvDiagnostics creates the Key Vault diagnostic setting through ARM (break-and-fix 3).
func kvDiagnostics(f *fixture) {
	kv := simulator.ResourceID(f.tenant.Subscription.ID, labGroup, "Microsoft.KeyVault/vaults", "kv-contoso-prod")
	f.call("PUT", kv+"/providers/Microsoft.Insights/diagnosticSettings/send-to-sentinel?api-version=2021-05-01-preview",
		fmt.Sprintf(`{"properties":{"workspaceId":%q,"logs":[{"category":"AuditEvent","enabled":true}]}}`, f.wsID))
}

// kql runs a query over the workspace at the tenant clock; rows as text joined by " | ".
func (f *fixture) kql(src string) []string {
	f.t.Helper()
	return armtest.WorkspaceRows(f.t, f.logs, f.tenant.ID, f.wsID, src)
}

// incidents reads the workspace's incidents with their alerts' names and entities' names.
type incidentView struct {
	title, severity string
	alerts          []string
	entities        []string
}

func (f *fixture) incidents() []incidentView {
	f.t.Helper()
	var out []incidentView
	err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, f.wsID)
		if err != nil {
			return err
		}
		for _, inc := range incs {
			v := incidentView{title: *inc.Properties.Title, severity: *inc.Properties.Severity}
			alerts, err := sentinel.IncidentAlerts(tx, inc.ID)
			if err != nil {
				return err
			}
			for _, a := range alerts {
				v.alerts = append(v.alerts, fmt.Sprint(a.Properties["alertDisplayName"]))
			}
			ents, _, err := sentinel.IncidentEntities(tx, inc.ID)
			if err != nil {
				return err
			}
			for _, e := range ents {
				v.entities = append(v.entities, e.Kind+":"+fmt.Sprint(e.Properties["friendlyName"]))
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// scenarioTest is one table row: steps, then a check over the result.
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
