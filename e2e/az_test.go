package e2e

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	socGroup   = "rg-contoso-unified-soc"
	e2eGroup   = "rg-soclab-e2e"
	workspace  = "law-contoso-unified"
	diagName   = "send-to-sentinel"
	vaultPath  = "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
	deviceUser = "analyst@contoso.com"
)

type account struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	State    string `json:"state"`
	User     struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"user"`
}

type armResource struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Location   string `json:"location"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

// workspaceOut is az's output for a workspace: AAZ commands flatten "properties".
type workspaceOut struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	ProvisioningState string `json:"provisioningState"`
	CustomerID        string `json:"customerId"`
}

// TestRealAzAgainstLab is the lab's end-to-end check with the real az CLI. Subtests run in
// order and share one server; a failure stops the rest.
func TestRealAzAgainstLab(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	sub, tenant := l.vars["SOCLAB_SUBSCRIPTION_ID"], l.vars["SOCLAB_TENANT_ID"]
	vault := "/subscriptions/" + sub + vaultPath
	var ws workspaceOut

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"login with a wrong secret fails with AADSTS7000215", func(t *testing.T) {
			r := l.az("login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "-p", "not-the-secret", "--tenant", tenant)
			if r.code != 1 || !strings.Contains(r.stderr, "AADSTS7000215: Invalid client secret provided.") {
				t.Fatalf("exit %d, stderr %q; want exit 1 and AADSTS7000215", r.code, r.stderr)
			}
		}},
		{"az login --service-principal", func(t *testing.T) {
			var subs []account
			l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", tenant)
			if len(subs) != 1 || subs[0].ID != sub || subs[0].TenantID != tenant || subs[0].User.Type != "servicePrincipal" {
				t.Fatalf("login output = %+v, want subscription %s of tenant %s", subs, sub, tenant)
			}
		}},
		{"az account show", func(t *testing.T) {
			var a account
			l.azJSON(&a, "account", "show")
			if a.ID != sub || a.TenantID != tenant || a.State != "Enabled" || a.User.Name != l.vars["SOCLAB_SP_ID"] {
				t.Fatalf("account = %+v", a)
			}
		}},
		{"az account get-access-token for Graph (instance discovery, second audience)", func(t *testing.T) {
			var tok struct {
				AccessToken string `json:"accessToken"`
				Tenant      string `json:"tenant"`
			}
			l.azJSON(&tok, "account", "get-access-token", "--resource", "https://graph.microsoft.com")
			claims := jwtClaims(t, tok.AccessToken)
			if tok.Tenant != tenant || claims["aud"] != "https://graph.microsoft.com" || claims["tid"] != tenant || claims["appid"] != l.vars["SOCLAB_SP_ID"] {
				t.Fatalf("graph token: tenant %s, claims %v", tok.Tenant, claims)
			}
		}},
		{"az group create (new and the scenario's existing group)", func(t *testing.T) {
			for _, g := range []string{e2eGroup, socGroup} {
				var rg armResource
				l.azJSON(&rg, "group", "create", "-n", g, "-l", "eastus")
				if rg.Name != g || rg.Location != "eastus" || rg.Properties.ProvisioningState != "Succeeded" || !strings.EqualFold(rg.ID, "/subscriptions/"+sub+"/resourceGroups/"+g) {
					t.Fatalf("group create %s = %+v", g, rg)
				}
			}
		}},
		{"az group show", func(t *testing.T) {
			var rg armResource
			l.azJSON(&rg, "group", "show", "-n", e2eGroup)
			if rg.Name != e2eGroup {
				t.Fatalf("group show = %+v", rg)
			}
		}},
		{"az group list", func(t *testing.T) {
			var rgs []armResource
			l.azJSON(&rgs, "group", "list")
			names := map[string]bool{}
			for _, g := range rgs {
				names[g.Name] = true
			}
			if !names[e2eGroup] || !names[socGroup] {
				t.Fatalf("group list names = %v, want %s and %s", names, e2eGroup, socGroup)
			}
		}},
		{"az monitor log-analytics workspace create (waits, no --no-wait)", func(t *testing.T) {
			l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
			if ws.Name != workspace || ws.ProvisioningState != "Succeeded" || ws.CustomerID == "" {
				t.Fatalf("workspace create = %+v", ws)
			}
		}},
		{"az monitor log-analytics workspace show", func(t *testing.T) {
			var got workspaceOut
			l.azJSON(&got, "monitor", "log-analytics", "workspace", "show", "-g", socGroup, "-n", workspace)
			if got.ID != ws.ID || got.CustomerID != ws.CustomerID {
				t.Fatalf("workspace show = %+v, want %+v", got, ws)
			}
		}},
		{"az monitor diagnostic-settings create on the Key Vault", func(t *testing.T) {
			var ds armResource
			l.azJSON(&ds, "monitor", "diagnostic-settings", "create", "--resource", vault, "-n", diagName,
				"--workspace", ws.ID, "--logs", `[{"category":"AuditEvent","enabled":true}]`)
			if ds.Name != diagName || !strings.EqualFold(ds.ID, vault+"/providers/microsoft.insights/diagnosticSettings/"+diagName) {
				t.Fatalf("diagnostic-settings create = %+v", ds)
			}
		}},
		{"az monitor diagnostic-settings list", func(t *testing.T) {
			requireDiagSetting(t, l, vault)
		}},
		{"az group delete --yes, then show fails with ResourceGroupNotFound", func(t *testing.T) {
			if r := l.az("group", "delete", "-n", e2eGroup, "--yes"); r.code != 0 {
				t.Fatalf("group delete: exit %d: %s", r.code, r.stderr)
			}
			r := l.az("group", "show", "-n", e2eGroup)
			if r.code != 3 || !strings.Contains(r.stderr, "ResourceGroupNotFound") || !strings.Contains(r.stderr, "Resource group '"+e2eGroup+"' could not be found.") {
				t.Fatalf("group show after delete: exit %d, stderr %q; want exit 3 with ResourceGroupNotFound", r.code, r.stderr)
			}
		}},
		{"az login -u -p (password) with a wrong and the right password", func(t *testing.T) {
			r := l.az("login", "-u", l.vars["SOCLAB_USER"], "-p", "wrong-password")
			if r.code != 1 || !strings.Contains(r.stderr, "AADSTS50126: Error validating credentials due to invalid username or password.") {
				t.Fatalf("wrong password: exit %d, stderr %q; want exit 1 and AADSTS50126", r.code, r.stderr)
			}
			var subs []account
			l.azJSON(&subs, "login", "-u", l.vars["SOCLAB_USER"], "-p", l.vars["SOCLAB_USER_PASSWORD"])
			if len(subs) != 1 || subs[0].ID != sub || subs[0].User.Name != deviceUser || subs[0].User.Type != "user" {
				t.Fatalf("password login output = %+v", subs)
			}
		}},
		{"az login --use-device-code approved with soclab login approve", func(t *testing.T) {
			deviceCodeLogin(t, l)
			var a account
			l.azJSON(&a, "account", "show")
			if a.User.Name != deviceUser || a.User.Type != "user" || a.ID != sub || a.TenantID != tenant {
				t.Fatalf("account after device login = %+v", a)
			}
		}},
		{"restart on the same state keeps everything", func(t *testing.T) {
			l.stop()
			l.start() // new port; az keeps its token cache in AZURE_CONFIG_DIR
			if l.vars["SOCLAB_SUBSCRIPTION_ID"] != sub || l.vars["SOCLAB_TENANT_ID"] != tenant {
				t.Fatalf("tenant changed across restart: %v", l.vars)
			}
			var got workspaceOut
			l.azJSON(&got, "monitor", "log-analytics", "workspace", "show", "-g", socGroup, "-n", workspace)
			if got.ID != ws.ID || got.CustomerID != ws.CustomerID {
				t.Fatalf("workspace after restart = %+v, want %+v", got, ws)
			}
			requireDiagSetting(t, l, vault)
			if r := l.az("group", "show", "-n", e2eGroup); r.code != 3 {
				t.Fatalf("deleted group came back after restart: exit %d", r.code)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Fatalf("step %q failed; later steps depend on it", s.name)
		}
	}
}

func requireDiagSetting(t *testing.T, l *lab, vault string) {
	t.Helper()
	var list []armResource
	l.azJSON(&list, "monitor", "diagnostic-settings", "list", "--resource", vault)
	for _, d := range list {
		if d.Name == diagName {
			return
		}
	}
	t.Fatalf("diagnostic-settings list = %+v, want %s", list, diagName)
}

var userCodePattern = regexp.MustCompile(`enter the code ([A-Z0-9]+) to authenticate`)

// deviceCodeLogin runs az login --use-device-code, reads the code from its message and
// approves it with soclab, as a learner would from a second shell.
func deviceCodeLogin(t *testing.T, l *lab) {
	cmd := exec.Command("az", "login", "--use-device-code", "-o", "none")
	cmd.Env = l.env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	codes := make(chan string, 1)
	var seen lockedText
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			seen.add(sc.Text() + "\n")
			if m := userCodePattern.FindStringSubmatch(sc.Text()); m != nil {
				codes <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		close(codes)
	}()
	var code string
	select {
	case code = <-codes:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("az printed no device code within 30s")
	}
	if code == "" {
		cmd.Wait()
		time.Sleep(100 * time.Millisecond) // let the reader finish
		t.Fatalf("az exited without a device code; stderr:\n%s", seen.String())
	}
	if out, err := l.soclab("login", "approve", code); err != nil {
		cmd.Process.Kill()
		t.Fatalf("soclab login approve %s: %v\n%s", code, err, out)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("az login --use-device-code: %v\nstderr:\n%s", err, seen.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("az login --use-device-code did not finish within 60s of approval")
	}
}

// lockedText collects az's stderr from the reader goroutine for failure messages.
type lockedText struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedText) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedText) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// jwtClaims decodes a token's claims (the lab signs them; this only reads them).
func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	return m
}
