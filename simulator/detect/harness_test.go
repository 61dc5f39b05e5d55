package detect

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// The harness: a world with the default tenant, its log routing, the rule engine and the ARM
// API (Sentinel types) behind a fake token check. A scenario is setup steps and assertions
// run in order; every step that moves the clock runs the engine, as the server does.

// tokenVerifier accepts "Bearer <tenant id>" as that tenant's service principal.
type tokenVerifier struct{ w *simulator.World }

func (v tokenVerifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	t, err := v.w.TenantByID(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return auth.Principal{TenantID: t.ID, ObjectID: t.ServicePrincipal.ObjectID, AppID: t.ServicePrincipal.AppID, IsServicePrincipal: true}, nil
}

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

const (
	labGroup     = "rg-contoso-unified-soc"
	labWorkspace = "law-contoso-unified"
	previewAPI   = "2022-06-01-preview"
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
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, scen, logs.Options{Seed: 1, Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(arm.NewHandler(w, tokenVerifier{w}, mocksentinel.LabTypes()...))
	t.Cleanup(srv.Close)
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
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.arm.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+f.tenant.ID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		f.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return string(data)
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
	ws, err := f.logs.Workspace(f.tenant.ID, f.wsID)
	if err != nil {
		f.t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		f.t.Fatal(err)
	}
	q, err := kql.Compile(src, f.logs.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		f.t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		f.t.Fatalf("run %q: %v", src, err)
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
