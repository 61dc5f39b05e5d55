package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// running is a server started in-process on a temporary state.
type running struct {
	state  string
	info   Info
	client *http.Client // through the proxy, trusting the lab CA
	cred   Credentials
	stop   func() error
	// instructor is the instructor's control token, which client sends to control endpoints.
	instructor string
}

// withControlToken adds a control token to the requests for the server's control endpoints
// that carry none, as the soclab commands do.
type withControlToken struct {
	addr, token string
	next        http.RoundTripper
}

func (c *withControlToken) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == c.addr && strings.HasPrefix(req.URL.Path, "/_soclab/") && req.Header.Get("Authorization") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.next.RoundTrip(req)
}

func startServer(t testing.TB, state string) *running {
	t.Helper()
	return startServerWith(t, state, Services{ARM: func(w *simulator.World, v auth.Verifier) http.Handler { return arm.NewHandler(w, v) }})
}

func startServerWith(t testing.TB, state string, svc Services) *running {
	t.Helper()
	if svc.ARM == nil {
		svc.ARM = func(w *simulator.World, v auth.Verifier) http.Handler { return arm.NewHandler(w, v) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			StateDir: state, Addr: "127.0.0.1:0", Version: "test",
			Services: svc,
			Ready:    func(i Info) { ready <- i },
		})
	}()
	r := &running{state: state}
	select {
	case r.info = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("Run: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("server not ready within 20s")
	}
	stopped := false
	r.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { r.stop() })
	ca, err := os.ReadFile(filepath.Join(state, tlsca.CertFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	proxyURL, _ := url.Parse("http://" + r.info.Addr)
	tok, err := controlauth.ReadToken(controlauth.InstructorPath(state))
	if err != nil {
		t.Fatal(err)
	}
	r.instructor = tok
	r.client = &http.Client{Transport: &withControlToken{addr: r.info.Addr, token: tok,
		next: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	r.getJSON(t, r.info.ControlURL()+"credentials", http.StatusOK, &r.cred)
	return r
}

func (r *running) do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (r *running) getJSON(t testing.TB, u string, wantStatus int, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	status, body := r.do(t, req)
	if status != wantStatus {
		t.Fatalf("GET %s = %d %s, want %d", u, status, body, wantStatus)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, body)
	}
}

// spToken gets a token for scope from the lab's login service through the proxy.
func (r *running) spToken(t testing.TB, scope string) string {
	t.Helper()
	form := url.Values{"client_id": {r.cred.SPAppID}, "client_secret": {r.cred.SPSecret}, "grant_type": {"client_credentials"}, "scope": {scope}}
	req, _ := http.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+r.cred.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body := r.do(t, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	return tok.AccessToken
}

type oneTenant aad.Tenant

func (o oneTenant) LookupTenant(string) (aad.Tenant, error) { return aad.Tenant(o), nil }

// tokenFrom mints an ARM token for the lab's service principal with other keys or clock.
func (r *running) tokenFrom(t *testing.T, keys *aad.Keys, now time.Time) string {
	t.Helper()
	dir := oneTenant{ID: r.cred.TenantID, DisplayName: "Contoso", ServicePrincipals: []aad.ServicePrincipal{{AppID: r.cred.SPAppID, ObjectID: r.cred.SPAppID, Secret: r.cred.SPSecret}}}
	h := aad.NewHandler(aad.Config{Directory: dir, Keys: keys, Now: func() time.Time { return now }})
	form := url.Values{"client_id": {r.cred.SPAppID}, "client_secret": {r.cred.SPSecret}, "grant_type": {"client_credentials"}, "scope": {"https://management.core.windows.net//.default"}}
	req := httptest.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+r.cred.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(rec.Body.Bytes(), &tok)
	return tok.AccessToken
}

func TestServerLifecycleAndARMAuth(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	r := startServer(t, state)

	// server.json names the running server and is private.
	st, err := os.Stat(filepath.Join(state, InfoFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("server.json: %v, mode %v", err, st.Mode())
	}
	if got, err := ReadInfo(state); err != nil || got != r.info || got.PID != os.Getpid() {
		t.Fatalf("ReadInfo = %+v, %v; want %+v", got, err, r.info)
	}
	var health map[string]any
	r.getJSON(t, r.info.ControlURL()+"health", 200, &health)
	if health["status"] != "ok" || health["addr"] != r.info.Addr {
		t.Errorf("health = %v", health)
	}

	subs := "https://management.azure.com/subscriptions?api-version=2022-12-01"
	keys, err := aad.LoadOrCreateKeys(state)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := aad.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token string
		status      int
		code        string
	}{
		{"valid service principal token", r.spToken(t, "https://management.core.windows.net//.default"), 200, ""},
		{"no token", "", 401, "AuthenticationFailed"},
		{"garbage token", "not.a.jwt", 401, "InvalidAuthenticationToken"},
		{"signed by another key", r.tokenFrom(t, foreign, time.Now()), 401, "InvalidAuthenticationToken"},
		{"expired", r.tokenFrom(t, keys, time.Now().Add(-3*time.Hour)), 401, "ExpiredAuthenticationToken"},
		{"Graph audience", r.spToken(t, "https://graph.microsoft.com//.default"), 401, "InvalidAuthenticationTokenAudience"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, subs, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			status, body := r.do(t, req)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if tc.code == "" {
				if !strings.Contains(string(body), r.cred.SubscriptionID) {
					t.Errorf("subscriptions list lacks %s: %s", r.cred.SubscriptionID, body)
				}
				return
			}
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tc.code || e.Error.Message == "" || strings.Contains(string(body), r.cred.SubscriptionID) {
				t.Errorf("body = %s, want ARM error %s and nothing of the tenant", body, tc.code)
			}
		})
	}

	// Not-yet-served hosts check the token too, then answer in their own format.
	req, _ := http.NewRequest(http.MethodGet, "https://graph.microsoft.com/v1.0/users", nil)
	if status, body := r.do(t, req); status != 401 || !strings.Contains(string(body), `"code":"AuthenticationFailed"`) || !strings.Contains(string(body), `"innerError"`) {
		t.Errorf("graph without token = %d %s", status, body)
	}

	// A second server on the same state is refused while the first runs.
	err = Run(context.Background(), Config{StateDir: state, Addr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "already runs on "+state) {
		t.Errorf("second server: err = %v", err)
	}
	if err := r.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(state, InfoFile)); !os.IsNotExist(err) {
		t.Errorf("server.json left after shutdown: %v", err)
	}
}

func TestControlEndpoints(t *testing.T) {
	r := startServer(t, filepath.Join(t.TempDir(), "state"))
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "login/approve", `{"code":"ZZZZZZZZZ"}`, 404, `{"error":{"code":"NotFound","message":"device code \"ZZZZZZZZZ\": no pending sign-in has this code"}}`},
		{"POST", "login/approve", `{"code":`, 400, `"code":"InvalidRequestContent"`},
		{"POST", "login/approve", `{"code":""}`, 400, `"message":"the device code is missing"`},
		{"POST", "login/approve", `{"code":"` + strings.Repeat("A", 1<<16) + `"}`, 413, `{"error":{"code":"RequestEntityTooLarge","message":"the request content size exceeds the maximum allowed 65536 bytes for this endpoint"}}`},
		{"GET", "credentials?tenant=nosuch", "", 404, `"code":"TenantNotFound"`},
		{"GET", "nosuch", "", 404, `{"error":{"code":"NotFound","message":"no control endpoint GET /_soclab/nosuch"}}`},
		{"GET", "devicelogin?code=ABC", "", 200, `value="ABC"`},
		{"POST", "devicelogin", "code=ABCDEFGHJ", 404, `no pending sign-in has this code`},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, r.info.ControlURL()+tc.path, strings.NewReader(tc.body))
		if tc.path == "devicelogin" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		status, body := r.do(t, req)
		if status != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s %s = %d %s\nwant %d containing %s", tc.method, tc.path, status, body, tc.status, tc.want)
		}
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8443", ":8443", "192.0.2.1:8443"} {
		err := Run(context.Background(), Config{StateDir: t.TempDir(), Addr: addr})
		if err == nil || !strings.Contains(err.Error(), "is not a loopback address") {
			t.Errorf("Run(%s) = %v, want a loopback refusal", addr, err)
		}
	}
}
