package arm

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

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// fakeVerifier maps test tokens to principals: "Bearer tok-<name>" is the principal
// registered under name; "Bearer wrong-aud" fails the audience check; any other token is
// invalid.
type fakeVerifier struct{ principals map[string]auth.Principal }

func (f fakeVerifier) Verify(r *http.Request, audiences ...string) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrNoToken)
	}
	tok := strings.TrimPrefix(h, "Bearer ")
	if tok == "expired" {
		return auth.Principal{}, &aad.VerifyError{Kind: auth.ErrInvalidToken, Code: "ExpiredAuthenticationToken",
			Message: "The access token expiry UTC time '1/15/2025 7:00:00 AM' is earlier than current UTC time '1/15/2025 8:00:00 AM'."}
	}
	if tok == "wrong-aud" {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrWrongAudience)
	}
	p, ok := f.principals[tok]
	if !ok {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrInvalidToken)
	}
	return p, nil
}

// realStart is the fake real time of every test world: tenant clocks read exactly the
// scenario's start.
var realStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type fixture struct {
	t      *testing.T
	world  *simulator.World
	server *httptest.Server
	a, b   simulator.Tenant
}

// newFixture starts the ARM handler over a fresh world with two tenants: a (contoso, signed
// in as its service principal) and b (learner01, signed in as its analyst user).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	// A fixed seed keeps these tests independent of the scenario files: the static standing
	// world plus one virtual machine (a type only the standing-types registry serves).
	seed := simulator.StaticSeed()
	vm := "Microsoft.Compute/virtualMachines"
	seed.Resources = append(seed.Resources, simulator.SeedResource{ResourceGroup: "rg-contoso-identity", Type: vm, Name: "vm-dc01", Body: simulator.BodyTemplate(vm)})
	return newSeededFixture(t, seed)
}

// newSeededFixture is newFixture over a given standing world.
func newSeededFixture(t *testing.T, seed simulator.Seed) *fixture {
	t.Helper()
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return realStart }, Seed: &seed})
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
		"tok-a": {TenantID: a.ID, ObjectID: a.ServicePrincipal.ObjectID, AppID: a.ServicePrincipal.AppID, IsServicePrincipal: true, Audience: "https://management.core.windows.net/"},
		"tok-b": {TenantID: b.ID, ObjectID: b.Users[0].ObjectID, UPN: b.Users[0].UserPrincipalName, AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", Audience: "https://management.core.windows.net/"},
	}}
	srv := httptest.NewServer(NewHandler(w, v))
	t.Cleanup(srv.Close)
	return &fixture{t: t, world: w, server: srv, a: a, b: b}
}

type reply struct {
	status int
	header http.Header
	body   string
}

// do sends a request with token tok ("" for none).
func (f *fixture) do(tok, method, path, body string) reply {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.server.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

var (
	guidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	hexPattern  = regexp.MustCompile(`\b[0-9a-f]{32}\b`)
)

// normalize replaces the tenants' ids with {subA}, {tidA}, {subB}, {tidB}, {appA}, and
// any other GUID with {guid} and 32-digit hex ids with {hex}, so bodies compare exactly.
func (f *fixture) normalize(s string) string {
	r := strings.NewReplacer(f.a.Subscription.ID, "{subA}", f.a.ID, "{tidA}", f.a.ServicePrincipal.AppID, "{appA}",
		f.b.Subscription.ID, "{subB}", f.b.ID, "{tidB}", f.server.URL, "{base}")
	return hexPattern.ReplaceAllString(guidPattern.ReplaceAllString(r.Replace(s), "{guid}"), "{hex}")
}

// expand fills the placeholders of an expected body.
func (f *fixture) expand(s string) string {
	return strings.NewReplacer("{subA}", f.a.Subscription.ID, "{subB}", f.b.Subscription.ID, "{tidA}", f.a.ID, "{tidB}", f.b.ID).Replace(s)
}

// compact re-encodes JSON compactly so expectations can be written readably.
func compact(t *testing.T, s string) string {
	t.Helper()
	if s == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("expected body is not JSON: %v\n%s", err, s)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
