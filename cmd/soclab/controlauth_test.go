package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/server"
)

// ownersLab is a server with the lab's real services and two tenants, contoso and learner01.
type ownersLab struct {
	state, base             string
	instructor, contoso, l1 string
	contosoCred, l1Cred     server.Credentials
}

func startOwnersLab(t *testing.T) *ownersLab {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan server.Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, server.Config{StateDir: state, Addr: "127.0.0.1:0", Version: "test", Services: services(memoryOptions{}),
			Ready: func(i server.Info) { ready <- i }})
	}()
	var info server.Info
	select {
	case info = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server not ready within 30s")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	l := &ownersLab{state: state, base: info.ControlURL()}
	var err error
	if l.instructor, err = controlauth.ReadToken(controlauth.InstructorPath(state)); err != nil {
		t.Fatal(err)
	}
	if status, body := l.do(t, l.instructor, "POST", "tenants", `{"name":"learner01"}`); status != 200 {
		t.Fatalf("add learner01: %d %s", status, body)
	}
	for _, c := range []struct {
		name string
		cred *server.Credentials
		tok  *string
	}{{"contoso", &l.contosoCred, &l.contoso}, {"learner01", &l.l1Cred, &l.l1}} {
		status, body := l.do(t, l.instructor, "GET", "credentials?tenant="+c.name, "")
		if status != 200 || json.Unmarshal([]byte(body), c.cred) != nil || c.cred.ControlToken == "" {
			t.Fatalf("credentials of %s: %d %s", c.name, status, body)
		}
		*c.tok = c.cred.ControlToken
	}
	return l
}

// do sends one control request with token (none when empty) and returns status and body.
func (l *ownersLab) do(t *testing.T, token, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, l.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := labClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// controlEndpoints are every control endpoint that acts on one tenant, with %[1]s where the
// tenant goes.
var controlEndpoints = []struct{ method, path, body string }{
	{"GET", "credentials?tenant=%[1]s", ""},
	{"POST", "login/approve", `{"code":"ABCDEFGHJ","tenant":"%[1]s"}`},
	{"GET", "clock?tenant=%[1]s", ""},
	{"POST", "clock/freeze", `{"tenant":"%[1]s"}`},
	{"POST", "clock/resume", `{"tenant":"%[1]s"}`},
	{"POST", "clock/advance", `{"tenant":"%[1]s","duration":"1h"}`},
	{"POST", "clock/set", `{"tenant":"%[1]s","time":"2025-01-15T09:00:00Z"}`},
	{"POST", "reset", `{"tenant":"%[1]s"}`},
	{"GET", "attack?tenant=%[1]s", ""},
	{"POST", "attack/launch", `{"tenant":"%[1]s"}`},
	{"POST", "attack/replay", `{"tenant":"%[1]s","step":"initial-access"}`},
	{"GET", "faults?tenant=%[1]s", ""},
	{"POST", "faults/kv-diagnostics-missing", `{"tenant":"%[1]s","on":true}`},
	{"POST", "kql", `{"tenant":"%[1]s","query":"print 1"}`},
	{"GET", "grade?tenant=%[1]s", ""},
	{"GET", "snapshot?tenant=%[1]s", ""},
	{"GET", "engine?tenant=%[1]s", ""},
	{"POST", "engine/wait", `{"tenant":"%[1]s","timeout":"1s"}`},
	{"GET", "xdr/settings?tenant=%[1]s", ""},
	{"POST", "xdr/settings", `{"tenant":"%[1]s","syncEnabled":false}`},
	{"GET", "copilot/sessions?tenant=%[1]s", ""},
	{"POST", "copilot/ask", `{"tenant":"%[1]s","prompt":"list my incidents"}`},
	{"GET", "copilot/plugins?tenant=%[1]s", ""},
	{"POST", "copilot/plugins", `{"tenant":"%[1]s","plugin":"defender","connected":false}`},
	{"POST", "copilot/promptbook", `{"tenant":"%[1]s"}`},
	{"GET", "answers?tenant=%[1]s", ""},
	{"POST", "answers", `{"tenant":"%[1]s","answers":{"3":"NRT"}}`},
	{"POST", "portal/link", `{"tenant":"%[1]s"}`},
}

// fill puts ref where a template of controlEndpoints names the tenant.
func fill(template, ref string) string { return strings.ReplaceAll(template, "%[1]s", ref) }

// TestTenantTokenCannotTouchAnotherTenant: on every control endpoint, learner01's token is
// refused with 403 for contoso however contoso is named (name, id, domain, the default of a
// request naming none, a second query value, a body that disagrees with the query), no token
// and a wrong token get 401, and nothing of contoso leaks or changes.
func TestTenantTokenCannotTouchAnotherTenant(t *testing.T) {
	l := startOwnersLab(t)
	_, clockBefore := l.do(t, l.instructor, "GET", "clock?tenant=contoso", "")
	refs := []string{"contoso", l.contosoCred.TenantID, "contoso.com", "CONTOSO", "nosuch"}
	type attempt struct{ token, method, path, body string }
	var attempts []attempt
	for _, ep := range controlEndpoints {
		for _, ref := range refs {
			attempts = append(attempts, attempt{l.l1, ep.method, fill(ep.path, ref), fill(ep.body, ref)})
		}
		noTenant := strings.NewReplacer("?tenant=%[1]s", "", `,"tenant":"%[1]s"`, "", `"tenant":"%[1]s",`, "", `"tenant":"%[1]s"`, "").Replace(ep.path + "\x00" + ep.body)
		path, body, _ := strings.Cut(noTenant, "\x00")
		attempts = append(attempts, attempt{l.l1, ep.method, path, body}) // the default tenant, contoso
		if ep.method == "GET" {
			attempts = append(attempts, attempt{l.l1, ep.method, fill(ep.path, "learner01") + "&tenant=contoso", ""})
		} else {
			attempts = append(attempts, attempt{l.l1, ep.method, ep.path + "?tenant=learner01", fill(ep.body, "contoso")})
			attempts = append(attempts, attempt{l.l1, ep.method, ep.path + "?tenant=learner01", ""})
		}
	}
	for _, a := range attempts {
		status, body := l.do(t, a.token, a.method, a.path, a.body)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if status != 403 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "Forbidden" || !strings.Contains(e.Error.Message, "the control token of tenant learner01 cannot act on tenant") {
			t.Errorf("learner01's token: %s %s %s = %d %s, want 403 Forbidden", a.method, a.path, a.body, status, body)
		}
		for _, secret := range []string{l.contosoCred.SPSecret, l.contosoCred.UserPassword, l.contoso} {
			if strings.Contains(body, secret) {
				t.Errorf("%s %s leaked a secret of contoso: %s", a.method, a.path, body)
			}
		}
	}
	// No token or a wrong one: 401 on every endpoint, whatever the tenant.
	for _, ep := range controlEndpoints {
		for _, tok := range []string{"", "soclab_" + strings.Repeat("0", 64), l.l1 + "x", "Bearer"} {
			path, body := fill(ep.path, "learner01"), fill(ep.body, "learner01")
			status, got := l.do(t, tok, ep.method, path, body)
			if status != 401 || !strings.Contains(got, `"code":"Unauthorized"`) {
				t.Errorf("token %q: %s %s = %d %s, want 401 Unauthorized", tok, ep.method, path, status, got)
			}
		}
	}
	// contoso's clock still runs from the scenario's start (a freeze, set, advance or reset
	// that got through would show).
	var clk struct {
		Now    time.Time
		Frozen bool
	}
	_, after := l.do(t, l.instructor, "GET", "clock?tenant=contoso", "")
	if json.Unmarshal([]byte(after), &clk) != nil || clk.Frozen || clk.Now.After(time.Date(2025, 1, 15, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("contoso's clock changed: %s -> %s", clockBefore, after)
	}
	var faults struct {
		Value []struct {
			Name string
			On   bool
		}
	}
	_, body := l.do(t, l.instructor, "GET", "faults?tenant=contoso", "")
	json.Unmarshal([]byte(body), &faults)
	for _, f := range faults.Value {
		if f.On {
			t.Errorf("contoso's fault %s was switched on by learner01's token: %s", f.Name, body)
		}
	}
}

// TestTokensOwnTheirTenant: a tenant's token works on its tenant and reads only its own
// credentials; the tenant list and adding tenants need the instructor, whose token works on
// every tenant; nothing but health answers without a token.
func TestTokensOwnTheirTenant(t *testing.T) {
	l := startOwnersLab(t)
	cases := []struct {
		name, token, method, path, body string
		status                          int
		want                            string
	}{
		{"own credentials", l.l1, "GET", "credentials?tenant=learner01", "", 200, `"controlToken":"` + l.l1 + `"`},
		{"own credentials by id", l.l1, "GET", "credentials?tenant=" + l.l1Cred.TenantID, "", 200, `"spSecret":"` + l.l1Cred.SPSecret + `"`},
		{"other's credentials", l.l1, "GET", "credentials?tenant=contoso", "", 403, `"code":"Forbidden"`},
		{"other's credentials, contoso's token", l.contoso, "GET", "credentials?tenant=learner01", "", 403, `"code":"Forbidden"`},
		{"default tenant's own token", l.contoso, "GET", "credentials", "", 200, `"tenantName":"contoso"`},
		{"own clock", l.l1, "POST", "clock/freeze", `{"tenant":"learner01"}`, 200, `"tenantName":"learner01","now":"2025-01-15T07:00:`},
		{"own clock set", l.l1, "POST", "clock/set", `{"tenant":"learner01","time":"2025-01-15T09:00:00Z"}`, 200, `"tenantName":"learner01","now":"2025-01-15T09:00:00Z","frozen":true`},
		{"own clock advance", l.l1, "POST", "clock/advance", `{"tenant":"learner01","duration":"1h"}`, 200, `"now":"2025-01-15T10:00:00Z","frozen":true`},
		{"own clock by query", l.l1, "GET", "clock?tenant=learner01.onmicrosoft.com", "", 200, `"now":"2025-01-15T10:00:00Z"`},
		{"tenant list", l.l1, "GET", "tenants", "", 403, `needs the instructor's token`},
		{"add a tenant", l.l1, "POST", "tenants", `{"name":"learner02"}`, 403, `needs the instructor's token`},
		{"a body that is not an object", l.l1, "POST", "clock/freeze", `["learner01"]`, 400, `"code":"InvalidRequestContent"`},
		{"a tenant that is not a string", l.l1, "POST", "clock/freeze", `{"tenant":7}`, 400, `"code":"InvalidRequestContent"`},
		{"a POST naming its tenant only in the query", l.l1, "POST", "engine/wait?tenant=learner01", "", 403, `, the default of a request that names no tenant; name yours (learner01) in the tenant query parameter, and for a POST in the JSON body's \"tenant\"`},
		{"own engine wait", l.l1, "POST", "engine/wait", `{"tenant":"learner01","timeout":"2m"}`, 200, `"tenantName":"learner01"`},
		{"own xdr settings", l.l1, "GET", "xdr/settings?tenant=learner01", "", 200, `"tenant":"learner01"`},
		{"own portal link", l.l1, "POST", "portal/link", `{"tenant":"learner01"}`, 200, `"tenant":"learner01","user":"analyst@learner01.onmicrosoft.com","url":"http://` + strings.TrimSuffix(strings.TrimPrefix(l.base, "http://"), "/_soclab/") + `/signin/link?token=`},
		{"portal link by GET", l.l1, "GET", "portal/link?tenant=learner01", "", 405, `"code":"MethodNotAllowed"`},
		{"portal link of an unknown tenant", l.instructor, "POST", "portal/link", `{"tenant":"nosuch"}`, 404, `"code":"TenantNotFound"`},
		{"a body over the limit", l.l1, "POST", "kql", `{"tenant":"learner01","query":"` + strings.Repeat("a", controlauth.MaxBody) + `"}`, 413, `"code":"RequestEntityTooLarge"`},
		{"an endpoint not known to act on one tenant", l.l1, "GET", "nosuch?tenant=learner01", "", 403, `/_soclab/nosuch is not open to a tenant's control token and needs the instructor's token`},
		{"instructor: tenant list", l.instructor, "GET", "tenants", "", 200, `"name":"learner01"`},
		{"instructor: learner01's clock", l.instructor, "GET", "clock?tenant=learner01", "", 200, `"frozen":true`},
		{"instructor: contoso's clock", l.instructor, "POST", "clock/freeze", `{"tenant":"contoso"}`, 200, `"tenantName":"contoso"`},
		{"instructor: learner01's credentials", l.instructor, "GET", "credentials?tenant=learner01", "", 200, `"controlToken":"` + l.l1 + `"`},
		{"health without a token", "", "GET", "health", "", 200, `"status":"ok"`},
		{"lab CA without a token", "", "GET", "ca.pem", "", 200, "-----BEGIN CERTIFICATE-----"},
		{"unknown endpoint without a token", "", "GET", "nosuch", "", 401, `"code":"Unauthorized"`},
		{"tenant list without a token", "", "GET", "tenants", "", 401, `"code":"Unauthorized"`},
	}
	for _, tc := range cases {
		status, body := l.do(t, tc.token, tc.method, tc.path, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %s %s = %d %.300s\nwant %d containing %s", tc.name, tc.method, tc.path, status, body, tc.status, tc.want)
		}
	}
	// Token files are private and hold what the server accepts.
	for _, name := range []string{controlauth.InstructorPath(l.state), filepath.Join(l.state, "tokens", "contoso.token"), filepath.Join(l.state, "tokens", "learner01.token")} {
		st, err := os.Stat(name)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", name, err, st.Mode())
		}
	}
	if st, err := os.Stat(filepath.Join(l.state, "tokens")); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("tokens folder: %v %v; want 0700", st, err)
	}
}
