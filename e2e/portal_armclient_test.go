package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// armClient calls ARM through the lab's proxy as the tenant's service principal (a token from
// the lab's Entra ID by client credentials), TLS verified by the lab CA: what az does, without az.
type armClient struct {
	t     *testing.T
	c     *http.Client
	token string
}

func newARMClient(t *testing.T, l *lab) *armClient {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(l.state, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	proxyURL, _ := url.Parse("http://" + l.addr())
	a := &armClient{t: t, c: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	resp, err := a.c.PostForm("https://login.microsoftonline.com/"+l.vars["SOCLAB_TENANT_ID"]+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {l.vars["SOCLAB_SP_ID"]}, "client_secret": {l.vars["SOCLAB_SP_SECRET"]},
		"scope": {"https://management.azure.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	a.token = tok.AccessToken
	return a
}

// put sends an ARM PUT and requires 200 or 201.
func (a *armClient) put(path, body string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, "https://management.azure.com"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		a.t.Fatalf("PUT %s: %d %s", path, resp.StatusCode, b)
	}
}

// sentinelLab onboards the lab workspace with the Defender XDR connector and the three lab rules
// (at 07:30, before the attack), adds a Sentinel-only incident, then launches the attack and
// waits for the engines at 10:30. It returns the Sentinel-only incident's name.
func sentinelLab(t *testing.T, l *lab) string {
	t.Helper()
	a := newARMClient(t, l)
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.setClock(t, "2025-01-15T07:30:00Z")
	ws := "/subscriptions/" + l.vars["SOCLAB_SUBSCRIPTION_ID"] + "/resourceGroups/" + socGroup + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace
	si := ws + "/providers/Microsoft.SecurityInsights/"
	a.put(ws+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	a.put(si+"onboardingStates/default?api-version=2022-06-01-preview", `{}`)
	a.put(si+"dataConnectors/MicrosoftThreatProtection?api-version=2023-02-01-preview",
		`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":"`+l.vars["SOCLAB_TENANT_ID"]+`","dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`)
	for _, r := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		body, err := os.ReadFile(filepath.Join("..", "simulator", "detect", "testdata", r+".json"))
		if err != nil {
			t.Fatal(err)
		}
		a.put(si+"alertRules/"+r+"?api-version=2022-06-01-preview", string(body))
	}
	name := "7c0f4a52-3b1e-4d8a-9f61-2e5d8c9b0a13"
	a.put(si+"incidents/"+name+"?api-version=2022-06-01-preview", `{"properties":{"title":"Suspicious inbox rule (reported by a user)","severity":"Low","status":"New"}}`)
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	waitClock(t, l, "2025-01-15T10:30:00Z")
	return name
}
