package server

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// TestTenantIsolationQueryAPIs signs in as two tenants through the front door: tenant B's
// token never reads tenant A's workspace through the Log Analytics API (by customerId or
// resource path), never sees A's launched attack through either hunting API, and cannot
// read, change, list or delete A's Sentinel incidents; A's incident stays as it was.
func TestTenantIsolationQueryAPIs(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	var eng *logs.Engine
	svc := queryServices(t, Services{
		ARM: func(w *simulator.World, v auth.Verifier) http.Handler {
			return arm.NewHandler(w, v, sentinel.LabTypes()...)
		},
		Control: func(w *simulator.World) http.Handler { return control.NewHandler(w) },
	}, &eng)
	r := startServerWith(t, state, svc)
	req, _ := http.NewRequest(http.MethodPost, r.info.ControlURL()+"tenants", strings.NewReader(`{"name":"learner01"}`))
	req.Header.Set("Content-Type", "application/json")
	if status, body := r.do(t, req); status != http.StatusOK {
		t.Fatalf("add tenant: %d %s", status, body)
	}
	var credB Credentials
	r.getJSON(t, r.info.ControlURL()+"credentials?tenant=learner01", 200, &credB)
	b := &running{client: r.client, cred: credB}
	send := func(tok, method, u, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, u, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		status, out := r.do(t, req)
		return status, string(out)
	}
	const armScope, laScope = "https://management.core.windows.net//.default", "https://api.loganalytics.io/.default"
	armA, armB := r.spToken(t, armScope), b.spToken(t, armScope)
	laA, laB := r.spToken(t, laScope), b.spToken(t, laScope)

	// Each tenant creates the lab workspace; A onboards Sentinel and files an incident.
	wsPath := func(sub string) string {
		return "https://management.azure.com/subscriptions/" + sub + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	}
	customer := map[string]string{}
	for _, x := range []struct{ tok, sub string }{{armA, r.cred.SubscriptionID}, {armB, credB.SubscriptionID}} {
		status, body := send(x.tok, "PUT", wsPath(x.sub)+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
		var ws struct{ Properties struct{ CustomerID string } }
		if status != 201 || json.Unmarshal([]byte(body), &ws) != nil || ws.Properties.CustomerID == "" {
			t.Fatalf("create workspace in %s: %d %s", x.sub, status, body)
		}
		customer[x.sub] = ws.Properties.CustomerID
	}
	si := wsPath(r.cred.SubscriptionID) + "/providers/Microsoft.SecurityInsights"
	const v = "?api-version=2022-06-01-preview"
	if status, body := send(armA, "PUT", si+"/onboardingStates/default"+v, ""); status != 201 {
		t.Fatalf("onboard: %d %s", status, body)
	}
	incident := si + "/incidents/" + simulator.NewGUID()
	status, original := send(armA, "PUT", incident+v, `{"properties":{"title":"Tenant A only","severity":"High","status":"New"}}`)
	if status != 201 {
		t.Fatalf("create incident: %d %s", status, original)
	}
	if status, body := send(armA, "PUT", incident+"/comments/c1"+v, `{"properties":{"message":"secret note"}}`); status != 201 {
		t.Fatalf("comment: %d %s", status, body)
	}
	if status, original = send(armA, "GET", incident+v, ""); status != 200 {
		t.Fatalf("get incident: %d %s", status, original)
	}

	// Log Analytics: A's workspace by customerId and by resource path answers B exactly as a
	// workspace that does not exist.
	laA1 := "https://api.loganalytics.io/v1/workspaces/" + customer[r.cred.SubscriptionID] + "/query"
	laA2 := "https://api.loganalytics.io/v1/subscriptions/" + r.cred.SubscriptionID + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified/query"
	if status, body := send(laA, "POST", laA1, `{"query":"print 1"}`); status != 200 {
		t.Fatalf("A's own workspace: %d %s", status, body)
	}
	for _, u := range []string{laA1, laA2} {
		status, body := send(laB, "POST", u, `{"query":"SigninLogs | take 1"}`)
		if status != 404 || !strings.Contains(body, `"code":"WorkspaceNotFoundError"`) || strings.Contains(body, "tables") {
			t.Errorf("B queries A's workspace %s: %d %s", u, status, body)
		}
	}

	// Hunting: A's attack is launched, B's is not: B's hunting sees none of the attacker's
	// sign-ins through Graph or the Defender API, while A's does.
	if eng == nil {
		t.Fatal("the log engine was not built")
	}
	if _, err := eng.Launch(r.cred.TenantID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	hunt := `{"Query":"AADSignInEventsBeta | where IPAddress == '185.220.101.45' | count"}`
	for _, api := range []struct{ scope, url string }{
		{"https://graph.microsoft.com/.default", "https://graph.microsoft.com/v1.0/security/runHuntingQuery"},
		{"https://api.security.microsoft.com/.default", "https://api.security.microsoft.com/api/advancedhunting/run"},
	} {
		countOf := func(who *running) float64 {
			status, body := send(who.spToken(t, api.scope), "POST", api.url, hunt)
			var res struct {
				Results []struct{ Count float64 } `json:"results"`
			}
			// Graph answers "results", the Defender API "Results": one struct reads both.
			if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
				t.Fatalf("%s: %d %s", api.url, status, body)
			}
			if len(res.Results) == 1 {
				return res.Results[0].Count
			}
			t.Fatalf("%s: no single count row: %s", api.url, body)
			return 0
		}
		if n := countOf(r); n == 0 {
			t.Errorf("%s: tenant A sees no attack sign-ins after the launch", api.url)
		}
		if n := countOf(b); n != 0 {
			t.Errorf("%s: tenant B sees %v of tenant A's attack sign-ins", api.url, n)
		}
	}

	// Sentinel incidents: B cannot read, list, change, comment on or delete A's incident.
	for _, x := range []struct{ method, path, body string }{
		{"GET", incident, ""},
		{"GET", si + "/incidents", ""},
		{"PUT", incident, `{"properties":{"title":"Owned by B","severity":"Low","status":"Closed"}}`},
		{"GET", incident + "/comments", ""},
		{"PUT", incident + "/comments/c2", `{"properties":{"message":"from B"}}`},
		{"POST", incident + "/alerts", ""},
		{"DELETE", incident + "/comments/c1", ""},
		{"DELETE", incident, ""},
	} {
		status, body := send(armB, x.method, x.path+v, x.body)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if status != 404 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code == "" {
			t.Errorf("B %s %s: %d %s, want an ARM 404", x.method, x.path, status, body)
		}
		if strings.Contains(body, "Tenant A only") || strings.Contains(body, "secret note") {
			t.Errorf("B %s %s leaked A's incident: %s", x.method, x.path, body)
		}
	}
	if status, body := send(armA, "GET", incident+v, ""); status != 200 || body != original {
		t.Errorf("A's incident after B's attempts: %d %s\nwas %s", status, body, original)
	}
	if status, body := send(armA, "GET", incident+"/comments"+v, ""); status != 200 || !strings.Contains(body, "secret note") || strings.Contains(body, "from B") {
		t.Errorf("A's comments after B's attempts: %d %s", status, body)
	}
}

func mustRequest(t *testing.T, method, u, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}
