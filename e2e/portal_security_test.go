package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// portalClient is one browser session of the portal over plain HTTP (no redirects followed).
type portalClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signedIn redeems a `soclab portal` link for the tenant.
func signedIn(t *testing.T, l *lab, tenant string) *portalClient {
	t.Helper()
	out, err := l.soclab("portal", "--tenant", tenant)
	link := linkRe.FindString(out)
	if err != nil || link == "" {
		t.Fatalf("soclab portal --tenant %s: %v\n%s", tenant, err, out)
	}
	jar, _ := cookiejar.New(nil)
	pc := &portalClient{t: t, base: "http://" + l.addr(), c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if code, _, loc := pc.get(strings.TrimPrefix(link, pc.base)); code != http.StatusSeeOther || loc != "/incidents" {
		t.Fatalf("link: %d to %q", code, loc)
	}
	_, page, _ := pc.get("/securitysettings/sentinel")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the settings page:\n%s", page)
	}
	pc.csrf = m[1]
	return pc
}

func (pc *portalClient) get(path string) (int, string, string) {
	pc.t.Helper()
	resp, err := pc.c.Get(pc.base + path)
	if err != nil {
		pc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func (pc *portalClient) post(path string, form url.Values) (int, string, string) {
	pc.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", pc.csrf)
	}
	resp, err := pc.c.PostForm(pc.base+path, form)
	if err != nil {
		pc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// TestPortalTenantIsolation: one tenant's ids (incident, alert, hunting result, Copilot session)
// answer 404 in another tenant's session, on reads and on actions, and the actions change
// nothing; the link command works with a tenant's own control token.
func TestPortalTenantIsolation(t *testing.T) {
	l := launchedLab(t)
	if out, err := l.soclab("tenant", "add", "learner02"); err != nil {
		t.Fatalf("tenant add: %v\n%s", err, out)
	}
	a, b := signedIn(t, l, "contoso"), signedIn(t, l, "learner02")

	code, _, loc := a.post("/v2/advanced-hunting", url.Values{"query": {"AlertInfo | take 3"}})
	rid := strings.TrimPrefix(loc, "/v2/advanced-hunting?result=")
	if code != http.StatusSeeOther || rid == loc {
		t.Fatalf("contoso's hunting query: %d to %q", code, loc)
	}
	code, _, loc = a.post("/copilot", url.Values{"prompt": {"Summarize incident 2972395"}})
	sid := strings.TrimSuffix(strings.TrimPrefix(loc, "/copilot?session="), "#latest")
	if code != http.StatusSeeOther || sid == loc {
		t.Fatalf("contoso's prompt: %d to %q", code, loc)
	}
	_, answer, _ := a.get("/copilot?session=" + sid)
	alert := regexp.MustCompile(`href="/incidents/byalert\?alertId=([0-9a-z]+)"`).FindStringSubmatch(answer)
	if alert == nil {
		t.Fatalf("no alert link in the answer:\n%s", answer)
	}
	// contoso sees its own.
	for _, path := range []string{"/incidents/2972395", "/v2/advanced-hunting?result=" + rid, "/results/" + rid + ".csv", "/copilot?session=" + sid} {
		if code, _, _ := a.get(path); code != http.StatusOK {
			t.Errorf("contoso GET %s: %d, want 200", path, code)
		}
	}
	if code, _, loc := a.get("/incidents/byalert?alertId=" + alert[1]); code != http.StatusSeeOther || loc != "/incidents/2972395#alerts" {
		t.Errorf("contoso's alert: %d to %q", code, loc)
	}
	// learner02 gets 404 for each of them.
	for _, path := range []string{"/incidents/2972395", "/incidents/byalert?alertId=" + alert[1], "/v2/advanced-hunting?result=" + rid, "/sentinel/logs?result=" + rid,
		"/results/" + rid + ".csv", "/copilot?session=" + sid} {
		code, body, _ := b.get(path)
		if code != http.StatusNotFound || strings.Contains(body, "alex.johnson") {
			t.Errorf("learner02 GET %s: %d, want 404 showing nothing of contoso", path, code)
		}
	}
	for _, act := range []struct {
		path string
		form url.Values
	}{
		{"/incidents/2972395", url.Values{"status": {"resolved"}, "classification": {"falsePositive"}, "determination": {"notMalicious"}}},
		{"/incidents/2972395/comments", url.Values{"comment": {"from learner02"}}},
		{"/copilot", url.Values{"prompt": {"list my incidents"}, "session": {sid}}},
	} {
		if code, _, _ := b.post(act.path, act.form); code != http.StatusNotFound {
			t.Errorf("learner02 POST %s: %d, want 404", act.path, code)
		}
	}
	_, page, _ := a.get("/incidents/2972395")
	if !strings.Contains(page, `id="incident-status">Active<`) || strings.Contains(page, "from learner02") {
		t.Errorf("contoso's incident changed by learner02's actions")
	}
	_, session, _ := a.get("/copilot?session=" + sid)
	if strings.Contains(session, "list my incidents") {
		t.Error("learner02's prompt landed in contoso's session")
	}
	// learner02's own queue is its own (no attack launched there).
	if _, q, _ := b.get("/incidents"); !strings.Contains(q, `id="queue-count">0 incidents`) {
		t.Errorf("learner02's queue is not empty")
	}
	// A learner's own control token gets links for its tenant only.
	creds, err := l.soclab("env", "--tenant", "learner02")
	tok := regexp.MustCompile(`SOCLAB_TOKEN='([^']+)'`).FindStringSubmatch(creds)
	if err != nil || tok == nil {
		t.Fatalf("soclab env --tenant learner02: %v\n%s", err, creds)
	}
	for tenant, want := range map[string]bool{"learner02": true, "contoso": false} {
		cmd := exec.Command(l.bin, "portal", "--tenant", tenant, "--state", l.state)
		cmd.Env = append(os.Environ(), "SOCLAB_TOKEN="+tok[1])
		out, err := cmd.CombinedOutput()
		if got := err == nil && linkRe.Match(out); got != want {
			t.Errorf("learner02's token, soclab portal --tenant %s: %v\n%s", tenant, err, out)
		}
	}
}

// TestPortalSecurity: no page without a session on the real server, CSRF refused, and the
// portal also answers as https://security.microsoft.com through the lab's proxy with the lab CA.
func TestPortalSecurity(t *testing.T) {
	l := newLab(t)
	l.start()
	base := "http://" + l.addr()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/incidents/2972395")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Fincidents%2F2972395" {
		t.Errorf("no session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	pc := signedIn(t, l, "contoso")
	if code, body, _ := pc.post("/securitysettings/sentinel", url.Values{"csrf": {"forged"}, "sync": {"off"}}); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Errorf("forged CSRF: %d", code)
	}
	if out, _ := l.soclab("xdr", "settings", "show"); !regexp.MustCompile(`incident sync\s+on`).MatchString(out) {
		t.Errorf("a refused form changed the settings:\n%s", out)
	}
	// Through the proxy, TLS verified by the lab CA.
	pem, err := os.ReadFile(filepath.Join(l.state, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	proxyURL, _ := url.Parse(base)
	viaProxy := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = viaProxy.Get("https://security.microsoft.com/signin")
	if err != nil {
		t.Fatalf("https://security.microsoft.com through the proxy: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<h1>Sign in</h1>`) || !strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
		t.Errorf("security.microsoft.com/signin: %d, cookie %q\n%s", resp.StatusCode, resp.Header.Get("Set-Cookie"), body)
	}
	// Other hosts are still refused: the proxy is no open proxy.
	if _, err := viaProxy.Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("CONNECT example.com: %v, want a refusal", err)
	}
}
