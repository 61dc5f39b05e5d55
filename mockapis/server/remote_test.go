package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// TestControlRefusesRemoteCallers: over plain HTTP, every control endpoint but health (the
// sign-in page too) answers a caller beyond loopback with 403 in the control API's error
// shape, whatever token it sends, without reaching the other control handlers or revealing
// secrets.
func TestControlRefusesRemoteCallers(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	reached := 0
	extra := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { reached++ })
	c, instructor := testControl(t, w, extra)
	refused := []struct{ method, path, body string }{
		{"GET", "/_soclab/credentials", ""},
		{"GET", "/_soclab/credentials?tenant=contoso", ""},
		{"GET", "/_soclab//credentials", ""},
		{"GET", "/_soclab/credentials/", ""},
		{"GET", "/_soclab/Credentials", ""},
		{"POST", "/_soclab/login/approve", `{"code":"ABCDEFGHJ"}`},
		{"GET", "/_soclab/tenants", ""},
		{"POST", "/_soclab/tenants", `{"name":"evil"}`},
		{"POST", "/_soclab/reset", `{"tenant":"contoso"}`},
		{"POST", "/_soclab/clock/advance", `{"duration":"1h"}`},
		{"POST", "/_soclab/attack/launch", `{}`},
		{"GET", "/_soclab/health/../credentials", ""},
		{"GET", "/_soclab/devicelogin/../credentials", ""},
		{"GET", "/_soclab/devicelogin?code=ABCDEFGHJ", ""},
		{"POST", "/_soclab/devicelogin", "code=ABCDEFGHJ&user=analyst@contoso.com&password=x"},
	}
	for _, remote := range []string{"192.0.2.10:40000", "[2001:db8::1]:40000", "10.0.0.5:1", "bogus"} {
		for _, tc := range refused {
			req := httptest.NewRequest(tc.method, "http://127.0.0.1:8443"+tc.path, strings.NewReader(tc.body))
			req.RemoteAddr = remote
			req.Header.Set("Authorization", "Bearer "+instructor) // even the instructor's token: never in clear
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, req)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if rec.Code != http.StatusForbidden || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code != "Forbidden" {
				t.Errorf("%s %s from %s = %d %s, want 403 Forbidden", tc.method, tc.path, remote, rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), ten.ServicePrincipal.Secret) || strings.Contains(rec.Body.String(), ten.ID) {
				t.Errorf("%s %s from %s revealed tenant data: %s", tc.method, tc.path, remote, rec.Body)
			}
		}
	}
	if reached != 0 {
		t.Errorf("remote callers reached the other control handlers %d times", reached)
	}
	// The same credentials request from this machine is answered: the refusal above is about
	// the caller, not a broken endpoint.
	req := httptest.NewRequest("GET", "http://127.0.0.1:8443/_soclab/credentials", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Authorization", "Bearer "+instructor)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), ten.ServicePrincipal.Secret) {
		t.Errorf("credentials from loopback = %d %s", rec.Code, rec.Body)
	}
	// Health stays open to anyone who reaches the port.
	req = httptest.NewRequest("GET", "http://127.0.0.1:8443/_soclab/health", nil)
	req.RemoteAddr = "192.0.2.10:40000"
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"ok"`) {
		t.Errorf("health from a remote caller = %d %s", rec.Code, rec.Body)
	}
}

// TestControlRefusesBrowserAttacks: a page of another site in a browser on this machine is a
// loopback caller; its cross-site posts (CSRF) and requests under its own host name (DNS
// rebinding) are refused, while soclab's own clients and the sign-in page keep working.
func TestControlRefusesBrowserAttacks(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	reached := 0
	extra := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { reached++; rw.WriteHeader(http.StatusOK) })
	c, instructor := testControl(t, w, extra)
	cases := []struct {
		name, method, host, path, origin, body string
		status                                 int
	}{
		{"rebinding reads credentials", "GET", "evil.example:8443", "/_soclab/credentials", "", "", 403},
		{"rebinding with trailing dot", "GET", "evil.example.:8443", "/_soclab/credentials", "", "", 403},
		{"rebinding resets the lab", "POST", "evil.example:8443", "/_soclab/reset", "http://evil.example:8443", `{"tenant":"contoso"}`, 403},
		{"cross-site reset", "POST", "127.0.0.1:8443", "/_soclab/reset", "https://evil.example", `{"tenant":"contoso"}`, 403},
		{"cross-site sign-in approval", "POST", "127.0.0.1:8443", "/_soclab/devicelogin", "https://evil.example", "code=ABCDEFGHJ", 403},
		{"opaque origin", "POST", "127.0.0.1:8443", "/_soclab/clock/advance", "null", `{"duration":"1h"}`, 403},
		{"soclab client", "GET", "127.0.0.1:8443", "/_soclab/credentials", "", "", 200},
		{"localhost", "GET", "localhost:8443", "/_soclab/credentials", "", "", 200},
		{"IPv6 loopback", "GET", "[::1]:8443", "/_soclab/credentials", "", "", 200},
		{"same-origin page", "GET", "127.0.0.1:8443", "/_soclab/credentials", "http://127.0.0.1:8443", "", 200},
		{"control passed on", "POST", "127.0.0.1:8443", "/_soclab/clock/advance", "", `{"duration":"1h"}`, 200},
		{"sign-in page under the server's name", "GET", "classroom.example:8443", "/_soclab/devicelogin?code=ABC", "", "", 200},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.method, "http://"+tc.host+tc.path, strings.NewReader(tc.body))
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("Authorization", "Bearer "+instructor)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.method == "POST" && strings.Contains(tc.path, "devicelogin") {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		before := reached
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body, tc.status)
		}
		if tc.status == 403 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code != "Forbidden" || strings.Contains(rec.Body.String(), ten.ServicePrincipal.Secret) {
				t.Errorf("%s: refusal body %s", tc.name, rec.Body)
			}
			if reached != before {
				t.Errorf("%s: the refused request reached the control handlers", tc.name)
			}
		}
	}
}

// testControl is the control mux over w with fresh tokens; it returns the instructor's token.
func testControl(t *testing.T, w *simulator.World, extra http.Handler) (http.Handler, string) {
	t.Helper()
	state := t.TempDir()
	tokens, err := openTokens(state, w)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := controlauth.ReadToken(controlauth.InstructorPath(state))
	if err != nil {
		t.Fatal(err)
	}
	return newControl(w, nil, Info{Addr: "127.0.0.1:8443"}, "test", extra, tokens, []byte("CA")), tok
}

// TestControlOverHTTPSFromAnotherMachine: with --allow-remote, a learner on another machine
// reaches the sign-in page and, with a token, the control endpoints over HTTPS; the same
// requests over plain HTTP are refused with the HTTPS URL to use.
func TestControlOverHTTPSFromAnotherMachine(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	state := t.TempDir()
	tokens, err := openTokens(state, w)
	if err != nil {
		t.Fatal(err)
	}
	contoso, _ := tokens.TenantToken("contoso")
	c := newControl(w, nil, Info{Addr: "[::]:8443", RemoteURL: "https://192.0.2.5:8443"}, "test", nil, tokens, []byte("-----BEGIN CERTIFICATE-----\n"))
	cases := []struct {
		name, method, path, token string
		tls                       bool
		status                    int
		want                      string
	}{
		{"credentials over HTTPS with the tenant's token", "GET", "/_soclab/credentials?tenant=contoso", contoso, true, 200, `"controlToken":"` + contoso + `"`},
		{"credentials over HTTPS without a token", "GET", "/_soclab/credentials", "", true, 401, `"code":"Unauthorized"`},
		{"sign-in page over HTTPS", "GET", "/_soclab/devicelogin?code=ABC", "", true, 200, `<label>Password<input name="password" type="password"></label>`},
		{"credentials over plain HTTP", "GET", "/_soclab/credentials?tenant=contoso", contoso, false, 403,
			`{"error":{"code":"Forbidden","message":"soclab control endpoints and the sign-in page answer other machines only over HTTPS: use https://192.0.2.5:8443/_soclab/credentials"}}`},
		{"sign-in page over plain HTTP", "GET", "/_soclab/devicelogin?code=ABC", "", false, 403, `use https://192.0.2.5:8443/_soclab/devicelogin`},
		{"health over plain HTTP", "GET", "/_soclab/health", "", false, 200, `"status":"ok"`},
		{"lab CA over plain HTTP", "GET", "/_soclab/ca.pem", "", false, 200, "-----BEGIN CERTIFICATE-----"},
		{"lab CA cannot be posted", "POST", "/_soclab/ca.pem", "", false, 405, `"code":"MethodNotAllowed"`},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.method, "http://192.0.2.5:8443"+tc.path, nil)
		req.RemoteAddr = "198.51.100.7:50000"
		if tc.tls {
			req.TLS = &tls.ConnectionState{HandshakeComplete: true}
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s\nwant %d containing %s", tc.name, rec.Code, rec.Body, tc.status, tc.want)
		}
	}
}

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }

// TestRemoteHosts: the addresses printed for learners on other machines.
func TestRemoteHosts(t *testing.T) {
	ifaces := func() ([]net.Addr, error) {
		return []net.Addr{
			&net.IPNet{IP: net.ParseIP("127.0.0.1"), Mask: net.CIDRMask(8, 32)},
			&net.IPNet{IP: net.ParseIP("192.0.2.5"), Mask: net.CIDRMask(24, 32)},
			&net.IPNet{IP: net.ParseIP("::1"), Mask: net.CIDRMask(128, 128)},
			&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
			&net.IPNet{IP: net.ParseIP("2001:db8::5"), Mask: net.CIDRMask(64, 128)},
		}, nil
	}
	cases := []struct {
		listen string
		want   []string
	}{
		{"127.0.0.1:8443", nil},
		{"[::1]:8443", nil},
		{"192.0.2.5:8443", []string{"192.0.2.5"}},
		{"0.0.0.0:8443", []string{"192.0.2.5"}},
		{"[::]:8443", []string{"192.0.2.5", "2001:db8::5"}},
	}
	for _, tc := range cases {
		if got := remoteHosts(fakeAddr(tc.listen), ifaces); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("remoteHosts(%s) = %v, want %v", tc.listen, got, tc.want)
		}
	}
	var b strings.Builder
	printRemote(&b, []string{"192.0.2.5", "2001:db8::5"}, "8443", "AB:CD")
	want := `soclab: learners on other machines use https://192.0.2.5:8443 (also: 192.0.2.5, 2001:db8::5)
  lab CA:       curl -fsSo soclab-ca.pem http://192.0.2.5:8443/_soclab/ca.pem  (check: openssl x509 -in soclab-ca.pem -noout -fingerprint -sha256 = AB:CD)
  az:           export HTTPS_PROXY=http://192.0.2.5:8443 REQUESTS_CA_BUNDLE=$PWD/soclab-ca.pem
  sign-in page: https://192.0.2.5:8443/_soclab/devicelogin (user name and password)
  control:      https://192.0.2.5:8443/_soclab/... with 'Authorization: Bearer <the tenant's token from soclab tenant add>'
  soclab:       eval "$(SOCLAB_TOKEN=<token> soclab env --server https://192.0.2.5:8443 --ca soclab-ca.pem --tenant <tenant>)"
`
	if b.String() != want {
		t.Errorf("printRemote:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestAllowRemoteServesHTTPSOnThePort starts the server with --allow-remote (on loopback, as
// tests must) and talks HTTPS to its port, verifying the lab CA: the control endpoints answer
// with a token, the sign-in page asks for a password, plain HTTP still works on loopback.
func TestAllowRemoteServesHTTPSOnThePort(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	logb := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{StateDir: state, Addr: "127.0.0.1:0", AllowRemote: true, Log: logb, Ready: func(i Info) { ready <- i }})
	}()
	var info Info
	select {
	case info = <-ready:
	case err := <-done:
		cancel()
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("not ready")
	}
	defer func() { cancel(); <-done }()
	ca, _ := os.ReadFile(filepath.Join(state, tlsca.CertFile))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	tok, _ := controlauth.ReadToken(controlauth.InstructorPath(state))
	cases := []struct {
		name, url, token string
		status           int
		want             string
	}{
		{"credentials over HTTPS", "https://" + info.Addr + "/_soclab/credentials", tok, 200, `"tenantName":"contoso"`},
		{"no token over HTTPS", "https://" + info.Addr + "/_soclab/credentials", "", 401, `"code":"Unauthorized"`},
		{"sign-in page over HTTPS", "https://" + info.Addr + "/_soclab/devicelogin", "", 200, `name="password"`},
		{"lab CA", "https://" + info.Addr + "/_soclab/ca.pem", "", 200, strings.TrimSpace(string(ca))},
		{"plain HTTP on loopback", "http://" + info.Addr + "/_soclab/credentials", tok, 200, `"tenantName":"contoso"`},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("GET", tc.url, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %.200s\nwant %d containing %.80s", tc.name, resp.StatusCode, b, tc.status, tc.want)
		}
	}
	if !strings.Contains(logb.String(), "--allow-remote, but the port listens on loopback only") {
		t.Errorf("serve log: %s", logb.String())
	}
}
