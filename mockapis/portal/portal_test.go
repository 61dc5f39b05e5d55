package portal

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
)

// testConfig is the services of a fresh world (its telemetry is generated only if a page queries).
func testConfig(t *testing.T) Config {
	t.Helper()
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	le, err := logs.New(w, s, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Config{World: w, Logs: le, Copilot: copilot.New(le), Identity: identity.NewService(le)}
}

// testPortal is a portal over a fresh world, served by httptest.
func testPortal(t *testing.T) (*Portal, *simulator.World, *httptest.Server) {
	t.Helper()
	cfg := testConfig(t)
	w := cfg.World
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, w, srv
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t testing.TB, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in page:\n%s", page)
	}
	return m[1]
}

// signIn signs the tenant's analyst in through the form and returns a page's CSRF token.
func signIn(t *testing.T, c *http.Client, base string, u simulator.User) string {
	t.Helper()
	_, page, _ := get(t, c, base+"/signin")
	code, _, h := post(t, c, base+"/signin", url.Values{"csrf": {csrfOf(t, page)}, "username": {u.UserPrincipalName}, "password": {u.Password}, "next": {"/securitysettings/sentinel"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/securitysettings/sentinel" {
		t.Fatalf("sign-in: %d to %q, want 303 to /securitysettings/sentinel", code, h.Get("Location"))
	}
	return ""
}

func defaultAnalyst(t *testing.T, w *simulator.World) (simulator.Tenant, simulator.User) {
	tn, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	return tn, tn.Users[0]
}

// TestNoPageWithoutSession: every page redirects to the sign-in page, every action is refused.
func TestNoPageWithoutSession(t *testing.T) {
	_, _, srv := testPortal(t)
	c := browser(t)
	for _, path := range []string{"/", "/incidents", "/incidents/2972395", "/incidents/byalert?alertId=x", "/sentinel/incidents/x", "/v2/advanced-hunting",
		"/sentinel/logs", "/results/abc.csv", "/copilot", "/securitysettings/sentinel", "/securitysettings/copilot",
		"/securitysettings/sentinel", "/sentinel/analytics", "/sentinel/automation"} {
		code, _, h := get(t, c, srv.URL+path)
		if code != http.StatusSeeOther || h.Get("Location") != "/signin?next="+url.QueryEscape(path) {
			t.Errorf("GET %s without a session: %d to %q, want 303 to the sign-in page", path, code, h.Get("Location"))
		}
	}
	for _, path := range []string{"/incidents/2972395", "/incidents/2972395/comments", "/v2/advanced-hunting", "/sentinel/logs", "/copilot",
		"/securitysettings/sentinel", "/securitysettings/copilot", "/signout"} {
		code, body, _ := post(t, c, srv.URL+path, url.Values{"csrf": {"x"}, "status": {"resolved"}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "Sign in again") {
			t.Errorf("POST %s without a session: %d, want 401 asking to sign in", path, code)
		}
	}
}

// TestSignIn: the form with the analyst's password signs in (HttpOnly, SameSite cookie); wrong
// passwords, unknown users and a form without the sign-in CSRF token are refused.
func TestSignIn(t *testing.T) {
	_, w, srv := testPortal(t)
	_, u := defaultAnalyst(t, w)
	cases := []struct {
		name, user, pass string
		token            bool
		want             int
		body             string
	}{
		{"wrong password", u.UserPrincipalName, "nope", true, http.StatusUnauthorized, "Your account or password is incorrect."},
		{"unknown user", "mallory@contoso.com", u.Password, true, http.StatusUnauthorized, "Your account or password is incorrect."},
		{"empty", "", "", true, http.StatusUnauthorized, "Your account or password is incorrect."},
		{"no csrf", u.UserPrincipalName, u.Password, false, http.StatusForbidden, "missing or wrong CSRF token"},
		{"right", u.UserPrincipalName, u.Password, true, http.StatusSeeOther, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := browser(t)
			_, page, h := get(t, c, srv.URL+"/signin")
			if sc := h.Get("Set-Cookie"); !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") {
				t.Errorf("sign-in cookie %q: want HttpOnly and SameSite=Strict", sc)
			}
			form := url.Values{"username": {tc.user}, "password": {tc.pass}}
			if tc.token {
				form.Set("csrf", csrfOf(t, page))
			} else {
				form.Set("csrf", "forged")
			}
			code, body, h := post(t, c, srv.URL+"/signin", form)
			if code != tc.want || !strings.Contains(body, tc.body) {
				t.Fatalf("POST /signin: %d %q, want %d containing %q", code, body, tc.want, tc.body)
			}
			if code == http.StatusSeeOther {
				sc := h.Get("Set-Cookie")
				if !strings.Contains(sc, sessionCookie+"=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
					t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax", sc)
				}
				if h.Get("Location") != "/incidents" {
					t.Errorf("lands on %q, want /incidents", h.Get("Location"))
				}
			}
		})
	}
}

// TestCSRF: with a session, a state-changing form without the session's token or from another
// origin is refused and changes nothing.
func TestCSRF(t *testing.T) {
	p, w, srv := testPortal(t)
	_, u := defaultAnalyst(t, w)
	c := browser(t)
	signIn(t, c, srv.URL, u)
	_, page, _ := get(t, c, srv.URL+"/securitysettings/sentinel")
	tok := csrfOf(t, page)
	cases := []struct {
		name, csrf, origin string
		want               int
	}{
		{"no token", "", "", http.StatusForbidden},
		{"wrong token", "AAAA" + tok[4:], "", http.StatusForbidden},
		{"other origin", tok, "https://evil.example", http.StatusForbidden},
		{"opaque origin", tok, "null", http.StatusForbidden},
		{"right", tok, srv.URL, http.StatusSeeOther},
	}
	for _, tc := range cases {
		var hdr []string
		if tc.origin != "" {
			hdr = []string{"Origin", tc.origin}
		}
		code, _, _ := post(t, c, srv.URL+"/signout", url.Values{"csrf": {tc.csrf}}, hdr...)
		if code != tc.want {
			t.Errorf("%s: POST /signout %d, want %d", tc.name, code, tc.want)
		}
		p.mu.Lock()
		n := len(p.sessions)
		p.mu.Unlock()
		if want := map[bool]int{true: 0, false: 1}[tc.want == http.StatusSeeOther]; n != want {
			t.Errorf("%s: %d sessions after the request, want %d", tc.name, n, want)
		}
	}
}

// TestOneTimeLink: a link signs in once and lands on the queue; reused or expired it is refused.
func TestOneTimeLink(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	cfg := testConfig(t)
	cfg.Now = func() time.Time { return now }
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	if _, _, _, err := p.NewLink("no-such-tenant"); err == nil {
		t.Fatal("a link for an unknown tenant was made")
	}
	_, rel, exp, err := p.NewLink("contoso")
	if err != nil || exp != now.Add(LinkLifetime) || !strings.HasPrefix(rel, "/signin/link?token=") {
		t.Fatalf("NewLink: %q %v %v", rel, exp, err)
	}
	c := browser(t)
	code, _, h := get(t, c, srv.URL+rel)
	if code != http.StatusSeeOther || h.Get("Location") != "/incidents" {
		t.Fatalf("first use: %d to %q", code, h.Get("Location"))
	}
	if code, body, _ := get(t, c, srv.URL+"/securitysettings/sentinel"); code != http.StatusOK || !strings.Contains(body, "analyst@contoso.com") {
		t.Fatalf("after the link: %d", code)
	}
	if code, _, h := get(t, c, srv.URL+"/signin?next=%2Fcopilot"); code != http.StatusSeeOther || h.Get("Location") != "/copilot" {
		t.Errorf("the sign-in page when signed in: %d to %q, want 303 to /copilot", code, h.Get("Location"))
	}
	if code, body, _ := get(t, browser(t), srv.URL+rel); code != http.StatusUnauthorized || !strings.Contains(body, "already used or has expired") {
		t.Fatalf("second use: %d", code)
	}
	_, rel2, _, _ := p.NewLink("contoso")
	now = now.Add(LinkLifetime + time.Second)
	if code, _, _ := get(t, browser(t), srv.URL+rel2); code != http.StatusUnauthorized {
		t.Fatalf("expired link: %d, want 401", code)
	}
	if code, _, _ := get(t, browser(t), srv.URL+"/signin/link?token="); code != http.StatusUnauthorized {
		t.Fatalf("empty token: %d, want 401", code)
	}
}

// TestHostCheck: a DNS name other than the portal's (DNS rebinding) gets nothing.
func TestHostCheck(t *testing.T) {
	_, _, srv := testPortal(t)
	for host, want := range map[string]int{"evil.example": http.StatusMisdirectedRequest, "127.0.0.1:1": http.StatusOK,
		"localhost": http.StatusOK, "security.microsoft.com": http.StatusOK, "[::1]:8443": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/signin", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); want == http.StatusOK && !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("Host %s: CSP %q", host, csp)
		}
		// no-referrer would make browsers send "Origin: null" on the portal's own forms.
		if rp := resp.Header.Get("Referrer-Policy"); want == http.StatusOK && rp != "same-origin" {
			t.Errorf("Host %s: Referrer-Policy %q, want same-origin", host, rp)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"": "/incidents", "/copilot?session=1": "/copilot?session=1", "//evil.example/": "/incidents",
		"/\\evil.example": "/incidents", "https://evil.example": "/incidents", "/signin": "/incidents", "incidents": "/incidents"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlainHTTPOnlyFromThisMachine: over plain HTTP the portal answers loopback clients only;
// other machines (a classroom server) must use HTTPS, so passwords never cross in clear.
func TestPlainHTTPOnlyFromThisMachine(t *testing.T) {
	p, _, _ := testPortal(t)
	for _, tc := range []struct {
		remote string
		tls    bool
		want   int
	}{{"192.0.2.7:5000", false, http.StatusForbidden}, {"192.0.2.7:5000", true, http.StatusOK}, {"127.0.0.1:5000", false, http.StatusOK}, {"[::1]:5000", false, http.StatusOK}} {
		r := httptest.NewRequest(http.MethodGet, "http://192.0.2.1:8443/signin", nil)
		r.RemoteAddr = tc.remote
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("from %s (TLS %v): %d, want %d", tc.remote, tc.tls, w.Code, tc.want)
		}
	}
}

// TestResultsExpire: a session keeps its last results for resultLifetime only.
func TestResultsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	cfg := testConfig(t)
	cfg.Now = func() time.Time { return now }
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{}
	a := p.keep(s, &queryResult{Mode: "hunting"})
	b := p.keep(s, &queryResult{Mode: "hunting"})
	c := p.keep(s, &queryResult{Mode: "logs"})
	if p.result(s, a) != nil || p.result(s, b) == nil || p.result(s, c) == nil {
		t.Fatalf("after three results: want the last two kept")
	}
	now = now.Add(resultLifetime + time.Second)
	if p.result(s, b) != nil || p.result(s, c) != nil || len(s.results) != 0 {
		t.Fatalf("results outlived %s", resultLifetime)
	}
}
