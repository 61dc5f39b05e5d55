package arm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/simtest"
)

// newFuzzFixture is newFixture for a fuzz target: the world and server are built once per
// target (testing.F), and each input gets a fixture bound to its own *testing.T.
func newFuzzFixture(f *testing.F) func(t *testing.T) *fixture {
	f.Helper()
	seed := simulator.StaticSeed()
	w, err := simulator.Open(f.TempDir(), simulator.Options{Now: func() time.Time { return realStart }, Seed: &seed})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { w.Close() })
	a, err := w.TenantByName("contoso")
	if err != nil {
		f.Fatal(err)
	}
	b, err := w.AddTenant("learner01")
	if err != nil {
		f.Fatal(err)
	}
	v := fakeVerifier{principals: map[string]auth.Principal{
		"tok-a": {TenantID: a.ID, ObjectID: a.ServicePrincipal.ObjectID, AppID: a.ServicePrincipal.AppID, IsServicePrincipal: true},
		"tok-b": {TenantID: b.ID, ObjectID: b.Users[0].ObjectID, UPN: b.Users[0].UserPrincipalName},
	}}
	srv := httptest.NewServer(NewHandler(w, v))
	f.Cleanup(srv.Close)
	return func(t *testing.T) *fixture { return &fixture{t: t, world: w, server: srv, a: a, b: b} }
}

// checkEnvelope fails unless r is JSON and, for an error status, ARM's
// {"error":{"code","message"}} with both strings non-empty.
func checkEnvelope(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: server error %d: %s", what, r.status, r.body)
	}
	if r.body == "" {
		if r.status >= 400 {
			t.Fatalf("%s: %d with an empty body", what, r.status)
		}
		return
	}
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%s: %d body is not JSON: %v\n%s", what, r.status, err, r.body)
	}
	if r.status < 400 {
		return
	}
	var e struct {
		Error *struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("%s: %d is not ARM's error envelope: %s", what, r.status, r.body)
	}
}

// fuzzPut PUTs body at path and checks the envelope; a refused PUT must leave the tenant's
// stored state exactly as it was.
func fuzzPut(t *testing.T, fx *fixture, path, body string) {
	before := simtest.TenantDigest(t, fx.world, fx.a.ID)
	r := fx.do("tok-a", "PUT", path, body)
	checkEnvelope(t, "PUT", r)
	if r.status < 400 {
		return
	}
	if after := simtest.TenantDigest(t, fx.world, fx.a.ID); after != before {
		t.Fatalf("refused PUT (%d %s) changed the stored state:\nbefore %s\nafter  %s", r.status, r.body, before, after)
	}
}

// FuzzWorkspacePut sends arbitrary workspace bodies.
func FuzzWorkspacePut(f *testing.F) {
	for _, s := range []string{
		`{"location":"eastus","properties":{"sku":{"name":"PerGB2018"},"retentionInDays":30}}`,
		`{"location":"eastus","properties":{"sku":{"name":"Free"}}}`,
		`{"location":"","properties":null}`,
		`{"location":"eastus","tags":{"a":1}}`,
		`{"location":"eastus","properties":{"retentionInDays":-1}}`,
		`{"location":"eastus","properties":{"retentionInDays":1e400}}`,
		`[]`, `null`, `"x"`, `{`, ``, "\x00",
	} {
		f.Add(s)
	}
	fixture := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, body string) {
		fx := fixture(t)
		fuzzPut(t, fx, fx.expand(wsPath+vWS), body)
	})
}

// FuzzDiagnosticSettingPut sends arbitrary diagnostic-setting bodies on the Key Vault.
func FuzzDiagnosticSettingPut(f *testing.F) {
	law := "/subscriptions/{subA}/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	for _, s := range []string{
		`{"properties":{"logs":[{"category":"AuditEvent","enabled":true}],"workspaceId":"` + law + `"}}`,
		`{"properties":{"logs":[{"categoryGroup":"allLogs","enabled":true}],"metrics":[{"category":"AllMetrics","enabled":false}],"workspaceId":"` + law + `"}}`,
		`{"properties":{"logs":[{"category":"Nope","enabled":true}],"workspaceId":"` + law + `"}}`,
		`{"properties":{"logs":[{"category":"AuditEvent","enabled":"yes"}],"workspaceId":"/subscriptions/x"}}`,
		`{"properties":{"logs":null,"workspaceId":null}}`,
		`{"properties":{"logs":[{}],"storageAccountId":"` + kvID + `"}}`,
		`{}`, `[]`, `null`, `{`, ``,
	} {
		f.Add(s)
	}
	fixture := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, body string) {
		fx := fixture(t)
		// The destination workspace exists for some inputs' sake; creating it again is harmless.
		if r := fx.do("tok-a", "PUT", fx.expand(wsPath+vWS), `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`); r.status >= 300 {
			t.Fatalf("workspace: %d %s", r.status, r.body)
		}
		fuzzPut(t, fx, fx.expand(diagKV+"/fz"+vDiag), fx.expand(body))
	})
}

// FuzzARMPath sends GET, PUT and DELETE to arbitrary paths under the subscription.
func FuzzARMPath(f *testing.F) {
	for _, s := range []string{
		"/resourcegroups/rg-contoso-unified-soc?api-version=2021-04-01",
		"/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified?api-version=2021-12-01-preview",
		"/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview",
		"/providers/Microsoft.Insights/diagnosticSettings/x?api-version=2021-05-01-preview",
		"/resourcegroups//providers/x/y/z?api-version=2021-04-01",
		"/resourcegroups/rg/providers/Microsoft.OperationalInsights/workspaces?api-version=",
		"/providers?api-version=2021-04-01",
		"/resourcegroups/%2e%2e/providers/a/b/c/providers/d/e/f?api-version=2021-04-01",
		"/resources?api-version=2021-04-01&$filter=resourceType eq 'x'",
		"/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified/providers/Microsoft.Insights/diagnosticSettings/a/b?api-version=2021-05-01-preview",
	} {
		f.Add(s, uint8(0))
	}
	fixture := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, rest string, m uint8) {
		if strings.ContainsAny(rest, " \r\n\t#") || strings.Contains(rest, "\x00") {
			t.Skip("not a request target an HTTP client sends")
		}
		fx := fixture(t)
		method := []string{"GET", "PUT", "DELETE", "PATCH"}[m%4]
		path := "/subscriptions/" + fx.a.Subscription.ID + rest
		body := ""
		if method == "PUT" || method == "PATCH" {
			body = `{"location":"eastus","properties":{}}`
		}
		if _, err := httpRequestOK(method, fx.server.URL+path); err != nil {
			t.Skip(err)
		}
		checkEnvelope(t, method+" "+path, fx.do("tok-a", method, path, body))
	})
}

// httpRequestOK reports whether net/http can build a request for url (fuzzed paths may not
// be valid URLs, which fixture.do treats as a test failure).
func httpRequestOK(method, url string) (bool, error) {
	_, err := http.NewRequest(method, url, nil)
	return err == nil, err
}
