package grader

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	copilotapi "github.com/soclab/soclab/mockapis/copilot"
	"github.com/soclab/soclab/mockapis/graph"
	identityapi "github.com/soclab/soclab/mockapis/identity"
	"github.com/soclab/soclab/mockapis/logicapps"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	xdrapi "github.com/soclab/soclab/mockapis/xdr"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/stages"
	"github.com/soclab/soclab/simulator/xdr"
)

// The response harness: one world and one routing engine (the telemetry is generated once and
// shared by the world's tenants), the engine pipeline as the server builds it (containment with
// the identity plane's verdicts → detect → xdr → automation with the directory's owners), ARM
// with the Sentinel and Logic Apps types, Graph with the directory and security routes, and
// Defender's settings control. Each case plays the lab in a tenant of its own.

// socWorld is what the cases share.
type socWorld struct {
	world  *simulator.World
	engine *logs.Engine
	pipe   *pipeline.Pipeline
	grader *Grader
	arm    *httptest.Server
	graph  *httptest.Server
	ctl    *httptest.Server
}

// tenantTokens accepts "Bearer <tenant id>" as that tenant's service principal (the learner's
// az login).
type tenantTokens struct{ w *simulator.World }

func (v tenantTokens) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	t, err := v.w.TenantByID(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrInvalidToken)
	}
	return auth.Principal{TenantID: t.ID, ObjectID: t.ServicePrincipal.ObjectID, AppID: t.ServicePrincipal.AppID,
		Name: t.ServicePrincipal.DisplayName, IsServicePrincipal: true}, nil
}

// newSOCWorld builds the shared world (Days: 3 keeps the generation short; the attack day is
// in it).
func newSOCWorld(t testing.TB) *socWorld {
	return newSOCWorldWith(t, logs.Options{Seed: 1, Users: testUsers, Days: 3})
}

// newSOCWorldWith builds the shared world over telemetry generated with opts.
func newSOCWorldWith(t testing.TB, opts logs.Options) *socWorld {
	t.Helper()
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return realNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, scen, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The server's engines, in its order (simulator/stages), run inline by pipeline.Wait.
	named, err := stages.New(le, xdr.New(le), detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := identity.NewService(le)
	pipe := pipeline.New(pipeline.Options{Clock: w.Now, Workers: 1}, named...)
	g, err := New(le)
	if err != nil {
		t.Fatal(err)
	}
	v := tenantTokens{w}
	s := &socWorld{world: w, engine: le, pipe: pipe, grader: g,
		arm: httptest.NewServer(arm.NewHandler(w, v, append(mocksentinel.LabTypes(), logicapps.Types()...)...)),
		graph: httptest.NewServer(graph.NewHandlerClock(v, graph.WorldClock(w),
			slices.Concat(xdrapi.GraphRoutes(w), identityapi.GraphRoutes(svc), copilotapi.GraphRoutes(copilot.New(le)))...)),
		ctl: httptest.NewServer(copilotapi.NewControl(copilot.New(le), xdrapi.NewControl(w, http.NotFoundHandler()))),
	}
	t.Cleanup(func() { s.arm.Close(); s.graph.Close(); s.ctl.Close() })
	return s
}

// socTenant is one case's tenant in the shared world.
type socTenant struct {
	*socWorld
	t      testing.TB
	tenant simulator.Tenant
	wsID   string
	// xdrIncident is the Defender incident found through Graph (findIncident).
	xdrIncident string
}

func (s *socWorld) tenant(t testing.TB, name string) *socTenant {
	t.Helper()
	ten, err := s.world.AddTenant(name)
	if err != nil {
		t.Fatal(err)
	}
	return &socTenant{socWorld: s, t: t, tenant: ten,
		wsID: simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")}
}

// send sends a request with the tenant's token to base+path; it returns status and body.
func (c *socTenant) send(base, method, path, body string) (int, string) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.tenant.ID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// call is send that fails the test unless the answer is 2xx; it returns the body.
func (c *socTenant) call(base, method, path, body string) string {
	c.t.Helper()
	st, data := c.send(base, method, path, body)
	if st/100 != 2 {
		c.t.Fatalf("%s %s: %d %s", method, path, st, data)
	}
	return data
}

func (c *socTenant) armPut(path, body string) {
	c.t.Helper()
	c.call(c.arm.URL, "PUT", c.wsID+"/providers/Microsoft.SecurityInsights/"+path+"?api-version=2022-06-01-preview", body)
}

func (c *socTenant) graphCall(method, path, body string) string {
	c.t.Helper()
	return c.call(c.graph.URL, method, "/v1.0"+path, body)
}

// wait runs the engine pipeline up to the tenant's clock, as the server's engine/wait.
func (c *socTenant) wait() {
	c.t.Helper()
	if _, err := c.pipe.Wait(context.Background(), c.tenant.ID); err != nil {
		c.t.Fatal(err)
	}
}

// at sets the tenant clock to hh:mm of the attack day and runs the engines.
func (c *socTenant) at(hhmm string) {
	c.t.Helper()
	tm, err := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.world.SetTime(c.tenant.ID, tm); err != nil {
		c.t.Fatal(err)
	}
	c.wait()
}

// setup is Tasks 1-2 at 07:30: workspace, Sentinel, the connector (unless off) and the rules.
func (c *socTenant) setup(connector bool, rules ...string) {
	c.t.Helper()
	c.setupWith(connector, nil, rules...)
}

// setupEdited is setup with the connector, each rule's query passed through edit first.
func (c *socTenant) setupEdited(edit func(query string) string, rules ...string) {
	c.t.Helper()
	c.setupWith(true, edit, rules...)
}

func (c *socTenant) setupWith(connector bool, edit func(query string) string, rules ...string) {
	c.t.Helper()
	c.at("07:30")
	c.call(c.arm.URL, "PUT", c.wsID+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	c.armPut("onboardingStates/default", "{}")
	if connector {
		c.armPut("dataConnectors/MicrosoftThreatProtection", fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"}}}}`, c.tenant.ID))
	}
	for _, r := range rules {
		body, err := os.ReadFile("../simulator/detect/testdata/" + r + ".json")
		if err != nil {
			c.t.Fatal(err)
		}
		if edit != nil {
			var rule map[string]any
			if err := json.Unmarshal(body, &rule); err != nil {
				c.t.Fatal(err)
			}
			props := rule["properties"].(map[string]any)
			props["query"] = edit(props["query"].(string))
			if body, err = json.Marshal(rule); err != nil {
				c.t.Fatal(err)
			}
		}
		c.armPut("alertRules/"+r, string(body))
	}
}

// automationRule creates Task 5's rule with the SOC Tier 2 group's id looked up through Graph.
func (c *socTenant) automationRule() {
	c.t.Helper()
	groups := c.graphCall("GET", "/groups?$filter="+url.QueryEscape("displayName eq 'SOC Tier 2'"), "")
	tier2 := gjson.Get(groups, "value.0.id").String()
	if tier2 == "" {
		c.t.Fatalf("no SOC Tier 2 group: %s", groups)
	}
	playbook := "/subscriptions/" + c.tenant.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Logic/workflows/playbook-compromise-response"
	c.armPut("automationRules/auto-rule-compromise-response", `{"properties": {"displayName": "Auto-Respond to Account Compromise Incidents", "order": 1,
	 "triggeringLogic": {"isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created", "conditions": [
	  {"conditionType": "Property", "conditionProperties": {"propertyName": "IncidentSeverity", "operator": "Equals", "propertyValues": ["High"]}},
	  {"conditionType": "Property", "conditionProperties": {"propertyName": "IncidentTactics", "operator": "Contains", "propertyValues": ["InitialAccess", "CredentialAccess"]}}]},
	 "actions": [
	  {"actionType": "ModifyProperties", "order": 1, "actionConfiguration": {"severity": "High", "status": "Active", "owner": {"objectId": "`+tier2+`", "assignedTo": "SOC Tier 2"}}},
	  {"actionType": "RunPlaybook", "order": 2, "actionConfiguration": {"logicAppResourceId": "`+playbook+`", "tenantId": "`+c.tenant.ID+`"}}]}}`)
}

// launch plays the attack at once (the clock jumps to 10:05) and runs the engines.
func (c *socTenant) launch() {
	c.t.Helper()
	if _, err := c.engine.Launch(c.tenant.ID, logs.Speed{}); err != nil {
		c.t.Fatal(err)
	}
	c.wait()
}

// findIncident finds the open multi-stage Defender incident through Graph.
func (c *socTenant) findIncident() {
	c.t.Helper()
	list := c.graphCall("GET", "/security/incidents", "")
	for _, inc := range gjson.Get(list, "value").Array() {
		if strings.HasPrefix(inc.Get("displayName").String(), "Multi-stage incident") && inc.Get("status").String() != "resolved" {
			c.xdrIncident = inc.Get("id").String()
		}
	}
	if c.xdrIncident == "" {
		c.t.Fatalf("no open multi-stage incident in Graph: %s", list)
	}
}

// assignByHand assigns the Defender incident's Sentinel twin to SOC Tier 2 with an ARM PUT, as
// an analyst would without the automation rule.
func (c *socTenant) assignByHand() {
	c.t.Helper()
	groups := c.graphCall("GET", "/groups?$filter="+url.QueryEscape("displayName eq 'SOC Tier 2'"), "")
	tier2 := gjson.Get(groups, "value.0.id").String()
	list := c.call(c.arm.URL, "GET", c.wsID+"/providers/Microsoft.SecurityInsights/incidents?api-version=2022-06-01-preview", "")
	inc := gjson.Get(list, `value.#(properties.providerIncidentId=="`+c.xdrIncident+`")`)
	if !inc.Exists() {
		c.t.Fatalf("Defender incident %s is not in Sentinel: %s", c.xdrIncident, list)
	}
	p := inc.Get("properties")
	c.armPut("incidents/"+inc.Get("name").String(), fmt.Sprintf(`{"properties": {"title": %q, "severity": %q, "status": "Active",
	 "owner": {"objectId": %q, "assignedTo": "SOC Tier 2", "ownerType": "Group"}}}`, p.Get("title").String(), p.Get("severity").String(), tier2))
}

func (c *socTenant) patchIncident(body string) {
	c.t.Helper()
	c.graphCall("PATCH", "/security/incidents/"+c.xdrIncident, body)
}

// setFault turns a fault on or off and applies its Defender-side effect at once, as
// cmd/soclab's withXDRFaults does.
func (c *socTenant) setFault(id string, on bool) {
	c.t.Helper()
	if _, err := c.engine.SetFault(c.tenant.ID, id, on); err != nil {
		c.t.Fatal(err)
	}
	c.wait()
}

// xdrSettings posts Defender's Sentinel settings through the control endpoint.
func (c *socTenant) xdrSettings(body map[string]any) {
	c.t.Helper()
	body["tenant"] = c.tenant.ID
	b, _ := json.Marshal(body)
	c.call(c.ctl.URL, "POST", "/_soclab/"+xdrapi.SettingsPath, string(b))
}

func (c *socTenant) grade(tasks ...int) *Report {
	c.t.Helper()
	rep, err := c.grader.Grade(context.Background(), c.tenant.ID, tasks)
	if err != nil {
		c.t.Fatal(err)
	}
	return rep
}
