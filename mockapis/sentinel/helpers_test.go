package sentinel

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/sentinel"
)

// fakeVerifier maps "Bearer tok-<x>" to a principal.
type fakeVerifier struct{ principals map[string]auth.Principal }

func (f fakeVerifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	p, ok := f.principals[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrInvalidToken)
	}
	return p, nil
}

// realStart is the fake real time: tenant clocks read the scenario's start.
var realStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	group     = "rg-contoso-unified-soc"
	workspace = "law-contoso-unified"
	apiV      = "2022-06-01-preview"
)

type fixture struct {
	t      testing.TB
	world  *simulator.World
	server *httptest.Server
	a, b   simulator.Tenant
}

// newFixture serves ARM with the Sentinel types (lab KQL checker) over a fresh world with
// tenants a (contoso, service principal) and b (learner01, user).
func newFixture(t testing.TB) *fixture {
	t.Helper()
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return realStart }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	a, err := w.TenantByName("contoso")
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.AddTenant("learner01")
	if err != nil {
		t.Fatal(err)
	}
	v := fakeVerifier{principals: map[string]auth.Principal{
		"tok-a": {TenantID: a.ID, ObjectID: a.ServicePrincipal.ObjectID, AppID: a.ServicePrincipal.AppID, IsServicePrincipal: true},
		"tok-b": {TenantID: b.ID, ObjectID: b.Users[0].ObjectID, UPN: b.Users[0].UserPrincipalName, AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
	}}
	srv := httptest.NewServer(arm.NewHandler(w, v, LabTypes()...))
	t.Cleanup(srv.Close)
	return &fixture{t: t, world: w, server: srv, a: a, b: b}
}

type reply struct {
	status int
	header http.Header
	body   string
}

// do sends a request as tok; path may hold {subA}/{subB}/{tidA}; body "" sends none.
func (f *fixture) do(tok, method, path, body string, headers ...string) reply {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(f.expand(body))
	}
	req, err := http.NewRequest(method, f.server.URL+f.expand(path), rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

func (f *fixture) expand(s string) string {
	return strings.NewReplacer("{subA}", f.a.Subscription.ID, "{subB}", f.b.Subscription.ID, "{tidA}", f.a.ID, "{tidB}", f.b.ID).Replace(s)
}

var (
	guidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// normalize replaces tenant ids with placeholders and other GUIDs with {guid}.
func (f *fixture) normalize(s string) string {
	r := strings.NewReplacer(f.a.Subscription.ID, "{subA}", f.a.ID, "{tidA}", f.a.ServicePrincipal.AppID, "{appA}",
		f.a.ServicePrincipal.ObjectID, "{oidA}", f.b.Subscription.ID, "{subB}", f.b.ID, "{tidB}")
	return guidPattern.ReplaceAllString(r.Replace(s), "{guid}")
}

// wsPath is the workspace path of tenant a ({subA}), SI the Sentinel prefix under it.
const (
	wsPath = "/subscriptions/{subA}/resourceGroups/" + group + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace
	siPath = wsPath + "/providers/Microsoft.SecurityInsights"
)

// setup creates tenant a's workspace and, when onboard is true, onboards Sentinel.
func (f *fixture) setup(onboard bool) {
	f.t.Helper()
	if r := f.do("tok-a", "PUT", wsPath+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`); r.status != 201 {
		f.t.Fatalf("create workspace: %d %s", r.status, r.body)
	}
	if onboard {
		if r := f.do("tok-a", "PUT", siPath+"/onboardingStates/default?api-version="+apiV, ""); r.status != 201 {
			f.t.Fatalf("onboard: %d %s", r.status, r.body)
		}
	}
}

// compact re-encodes JSON so expectations can be written readably.
func compact(t testing.TB, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// field reads a dotted path of a JSON body.
func field(t testing.TB, body, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// wsID is tenant a's workspace id.
func (f *fixture) wsID() string { return f.expand(wsPath) }

// update runs fn in one transaction over tenant a.
func (f *fixture) update(fn func(tx *simulator.TenantTx) error) {
	f.t.Helper()
	if err := f.world.Update(f.a.ID, fn); err != nil {
		f.t.Fatal(err)
	}
}

var _ = model.Prefix

// compactAny encodes v as compact JSON.
func compactAny(v any) string {
	out, _ := json.Marshal(v)
	return string(out)
}

// labChecker is the lab's KQL checker.
func labChecker() (model.KQLChecker, error) { return model.NewLabChecker() }
