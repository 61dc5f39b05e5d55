package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
)

// TestTenantIsolationThroughFrontDoor signs in as a second learner tenant and tries to read
// and change the first tenant's resources: ARM must refuse without revealing anything.
func TestTenantIsolationThroughFrontDoor(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	r := startServerWith(t, state, Services{Control: func(w *simulator.World) http.Handler { return control.NewHandler(w) }})
	req, _ := http.NewRequest(http.MethodPost, r.info.ControlURL()+"tenants", strings.NewReader(`{"name":"learner01"}`))
	req.Header.Set("Content-Type", "application/json")
	if status, body := r.do(t, req); status != http.StatusOK {
		t.Fatalf("add tenant: %d %s", status, body)
	}
	var other Credentials
	r.getJSON(t, r.info.ControlURL()+"credentials?tenant=learner01", 200, &other)
	if other.TenantID == r.cred.TenantID || other.SubscriptionID == r.cred.SubscriptionID || other.SPSecret == r.cred.SPSecret {
		t.Fatalf("second tenant shares identity with the first: %+v", other)
	}
	// The first tenant's secret does not sign in the second tenant's app, nor the reverse.
	form := url.Values{"client_id": {other.SPAppID}, "client_secret": {r.cred.SPSecret}, "grant_type": {"client_credentials"}, "scope": {"https://management.core.windows.net//.default"}}
	req, _ = http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+other.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := r.do(t, req); status != 401 || !strings.Contains(string(body), "AADSTS7000215") {
		t.Errorf("cross-tenant secret: %d %s", status, body)
	}
	form.Set("client_id", r.cred.SPAppID)
	req, _ = http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+other.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := r.do(t, req); status != 400 || !strings.Contains(string(body), "AADSTS700016") {
		t.Errorf("first tenant's app at the second tenant: %d %s", status, body)
	}

	mine := (&running{client: r.client, cred: other}).spToken(t, "https://management.core.windows.net//.default")
	victim := "https://management.azure.com/subscriptions/" + r.cred.SubscriptionID + "/resourcegroups/rg-contoso-unified-soc?api-version=2021-04-01"
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		var body *strings.Reader = strings.NewReader(`{"location":"eastus"}`)
		req, _ := http.NewRequest(method, victim, body)
		req.Header.Set("Authorization", "Bearer "+mine)
		req.Header.Set("Content-Type", "application/json")
		status, resp := r.do(t, req)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if status < 400 || json.Unmarshal(resp, &e) != nil || e.Error.Code == "" {
			t.Errorf("%s another tenant's group: %d %s, want an ARM error", method, status, resp)
		}
		if strings.Contains(string(resp), "secops") || strings.Contains(string(resp), `"location"`) {
			t.Errorf("%s leaked the victim's resource: %s", method, resp)
		}
	}
	// The victim's group is untouched.
	var rg struct{ Name, Location string }
	tok := r.spToken(t, "https://management.core.windows.net//.default")
	req, _ = http.NewRequest(http.MethodGet, victim, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	status, body := r.do(t, req)
	if json.Unmarshal(body, &rg); status != 200 || rg.Name != "rg-contoso-unified-soc" {
		t.Fatalf("victim's group after the attempts: %d %s", status, body)
	}
}

// TestDeviceLoginPageApproves signs a device code in through the HTML page az points at.
func TestDeviceLoginPageApproves(t *testing.T) {
	r := startServer(t, filepath.Join(t.TempDir(), "state"))
	form := url.Values{"client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}, "scope": {"https://management.core.windows.net//.default offline_access openid profile"}}
	req, _ := http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body := r.do(t, req)
	var dc struct {
		UserCode        string `json:"user_code"`
		DeviceCode      string `json:"device_code"`
		VerificationURI string `json:"verification_uri"`
	}
	if json.Unmarshal(body, &dc); status != 200 || dc.VerificationURI != r.info.ControlURL()+"devicelogin" {
		t.Fatalf("devicecode: %d %s", status, body)
	}
	// The page asks for the user's password on this machine too: without it, or with a wrong
	// one, nothing is approved.
	attempts := []struct {
		name, user, password string
		status               int
		want                 string
	}{
		{"no user, no password", "", "", 401, "name the user: the user name or password is wrong"},
		{"no password", "analyst@contoso.com", "", 401, "the user name or password is wrong"},
		{"wrong password", "analyst@contoso.com", "guess", 401, "the user name or password is wrong"},
		{"another tenant's user", "analyst@learner99.onmicrosoft.com", r.cred.UserPassword, 404, "no tenant for user"},
		{"the user's password", "analyst@contoso.com", r.cred.UserPassword, 200, "Signed in as <b>analyst@contoso.com</b>"},
	}
	for _, a := range attempts {
		form := url.Values{"code": {strings.ToLower(dc.UserCode)}, "user": {a.user}, "password": {a.password}}
		req, _ = http.NewRequest(http.MethodPost, dc.VerificationURI, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if status, body = r.do(t, req); status != a.status || !strings.Contains(string(body), a.want) {
			t.Fatalf("page approval, %s: %d %s\nwant %d with %q", a.name, status, body, a.status, a.want)
		}
	}
	poll := url.Values{"client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc.DeviceCode}}
	req, _ = http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/organizations/oauth2/v2.0/token", strings.NewReader(poll.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body = r.do(t, req); status != 200 || !strings.Contains(string(body), `"refresh_token"`) {
		t.Fatalf("poll after page approval: %d %s", status, body)
	}
}

// TestApproveWithTenantToken: `soclab login approve` with a tenant's control token signs in
// only to that tenant; the instructor's token approves any.
func TestApproveWithTenantToken(t *testing.T) {
	r := startServerWith(t, filepath.Join(t.TempDir(), "state"), Services{Control: func(w *simulator.World) http.Handler { return control.NewHandler(w) }})
	req, _ := http.NewRequest(http.MethodPost, r.info.ControlURL()+"tenants", strings.NewReader(`{"name":"learner01"}`))
	if status, body := r.do(t, req); status != 200 {
		t.Fatalf("add learner01: %d %s", status, body)
	}
	var l1 Credentials
	r.getJSON(t, r.info.ControlURL()+"credentials?tenant=learner01", 200, &l1)
	newCode := func(tenant string) string {
		form := url.Values{"client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}, "scope": {"https://management.core.windows.net//.default offline_access"}}
		req, _ := http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+tenant+"/oauth2/v2.0/devicecode", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, body := r.do(t, req)
		var dc struct {
			UserCode string `json:"user_code"`
		}
		if json.Unmarshal(body, &dc); status != 200 || dc.UserCode == "" {
			t.Fatalf("devicecode: %d %s", status, body)
		}
		return dc.UserCode
	}
	contosoCode := newCode(r.cred.TenantID)
	cases := []struct {
		name, token, body string
		status            int
		want              string
	}{
		{"learner01's token, contoso's sign-in", l1.ControlToken, `{"code":"` + contosoCode + `","tenant":"learner01"}`, 403, "the sign-in belongs to another tenant than the control token's"},
		{"learner01's token, naming contoso", l1.ControlToken, `{"code":"` + contosoCode + `","tenant":"contoso"}`, 403, "cannot act on tenant"},
		{"learner01's token, its own sign-in", l1.ControlToken, `{"code":"` + newCode(l1.TenantID) + `","tenant":"learner01"}`, 200, `"user":"analyst@learner01.onmicrosoft.com"`},
		{"the instructor, contoso's sign-in", r.instructor, `{"code":"` + contosoCode + `"}`, 200, `"user":"analyst@contoso.com"`},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, r.info.ControlURL()+"login/approve", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tc.token)
		if status, body := r.do(t, req); status != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s\nwant %d with %s", tc.name, status, body, tc.status, tc.want)
		}
	}
}
