package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/soclab/soclab/labtext"
)

// laResult is the Log Analytics query API's body.
type laResult struct {
	Tables []struct {
		Name    string `json:"name"`
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows [][]any `json:"rows"`
	} `json:"tables"`
}

// records returns the primary table's rows as column-name maps.
func (r laResult) records(t *testing.T) []map[string]any {
	t.Helper()
	if len(r.Tables) != 1 || r.Tables[0].Name != "PrimaryResult" {
		t.Fatalf("want one PrimaryResult table, got %+v", r)
	}
	var out []map[string]any
	for _, row := range r.Tables[0].Rows {
		m := map[string]any{}
		for i, c := range r.Tables[0].Columns {
			m[c.Name] = row[i]
		}
		out = append(out, m)
	}
	return out
}

// labQueries extracts the lab's KQL from challenge.md (read by package labtext): the rules'
// `query: |-` blocks (in the rule YAML files) and the ```kusto blocks, in order.
func labQueries(t *testing.T) (rules, blocks []string) {
	t.Helper()
	for _, file := range []string{"rule1.yaml", "rule2.yaml", "rule3.yaml"} {
		_, query, ok := strings.Cut(labFile(t, file), "query: |-\n")
		if !ok {
			t.Fatalf("challenge.md's %s has no query", file)
		}
		var lines []string
		for _, l := range strings.Split(query, "\n") {
			lines = append(lines, strings.TrimPrefix(l, "  "))
		}
		rules = append(rules, strings.Join(lines, "\n"))
	}
	for _, b := range challengeBlocks(t) {
		if b.Kind == labtext.KQL {
			blocks = append(blocks, b.Text)
		}
	}
	if len(blocks) != 7 {
		t.Fatalf("challenge.md: found %d kusto blocks, want 7", len(blocks))
	}
	return rules, blocks
}

// laQuery runs KQL through `az rest` against the Log Analytics query API.
func (l *lab) laQuery(t *testing.T, customerID, query string) []map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	var res laResult
	l.azJSON(&res, "rest", "--method", "POST", "--url", "https://api.loganalytics.io/v1/workspaces/"+customerID+"/query", "--body", string(body))
	return res.records(t)
}

// azError runs az, requires a failure and returns the service's error body az printed.
func (l *lab) azError(t *testing.T, args ...string) map[string]any {
	t.Helper()
	r := l.az(args...)
	if r.code == 0 {
		t.Fatalf("az %s succeeded, want an error: %s", strings.Join(args, " "), r.stdout)
	}
	i, j := strings.Index(r.stderr, "{"), strings.LastIndex(r.stderr, "}")
	if i < 0 || j < i {
		t.Fatalf("az %s: no JSON error in %q", strings.Join(args, " "), r.stderr)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.stderr[i:j+1]), &body); err != nil {
		t.Fatalf("az error body is not JSON: %v\n%s", err, r.stderr)
	}
	return body
}

// hunt runs advanced hunting through Graph's runHuntingQuery with az rest.
func (l *lab) hunt(t *testing.T, query string) []map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"Query": query})
	var res struct {
		Context string `json:"@odata.context"`
		Schema  []struct{ Name, Type string }
		Results []map[string]any `json:"results"`
	}
	l.azJSON(&res, "rest", "--method", "POST", "--url", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", "--body", string(body))
	if !strings.HasSuffix(res.Context, "#microsoft.graph.security.huntingQueryResults") || len(res.Schema) == 0 {
		t.Fatalf("runHuntingQuery answer: context %q schema %v", res.Context, res.Schema)
	}
	return res.Results
}

// setClock sets the tenant clock and waits until the engines (rules, XDR, automation), which
// catch up in the background, have run up to it, so what follows sees their output.
func (l *lab) setClock(t *testing.T, at string) {
	t.Helper()
	if out, err := l.soclab("clock", "set", "--wait", at); err != nil {
		t.Fatalf("soclab clock set %s: %v\n%s", at, err, out)
	}
}

func column(rows []map[string]any, name string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, toString(r[name]))
	}
	return out
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func requireAll(t *testing.T, what string, vals []string, ok func(string) bool) {
	t.Helper()
	if len(vals) == 0 {
		t.Fatalf("%s: no rows", what)
	}
	for _, v := range vals {
		if !ok(v) {
			t.Fatalf("%s: unexpected value %q in %v", what, v, vals)
		}
	}
}

// The seed lab's own hunting query: CloudAppEvents has no AccountUpn, so Kusto refuses it.
const originalPersistenceQuery = `let compromisedUser = "alex.johnson@contoso.com";
CloudAppEvents
| where Timestamp > ago(4h)
| where AccountUpn == compromisedUser
| where ActionType in ("Add member to role.", "Add user.",
"Add service principal.", "Consent to application.")
| project Timestamp, ActionType, RawEventData, IPAddress`

const attackIP = "185.220.101.45"

// TestLabKQLThroughQueryAPIs runs every KQL block of challenge.md through the real az CLI
// against the Log Analytics query API and Graph's advanced hunting, before and after the attack,
// then break-and-fix 3 (Key Vault diagnostics) and the APIs' answers to bad input.
func TestLabKQLThroughQueryAPIs(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	rules, blocks := labQueries(t)
	var ws workspaceOut
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"login, freeze the clock, create the lab workspace", func(t *testing.T) {
			var subs []map[string]any
			l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
			if out, err := l.soclab("clock", "freeze"); err != nil {
				t.Fatalf("clock freeze: %v %s", err, out)
			}
			l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
		}},
		{"before the attack: 30 days of history, no rule or range query fires on benign noise", func(t *testing.T) {
			rows := l.laQuery(t, ws.CustomerID, `union SigninLogs, AuditLogs, AzureActivity, AzureDiagnostics, CloudAppEvents | summarize n = count(), oldest = min(TimeGenerated) by Type | sort by Type asc`)
			if got := column(rows, "Type"); !slices.Equal(got, []string{"AuditLogs", "AzureActivity", "AzureDiagnostics", "CloudAppEvents", "SigninLogs"}) {
				t.Fatalf("tables with history: %v", got)
			}
			for _, r := range rows {
				if !strings.HasPrefix(toString(r["oldest"]), "2024-12-16") {
					t.Fatalf("%s starts at %v, want 30 days back (2024-12-16)", r["Type"], r["oldest"])
				}
			}
			for i, q := range append(slices.Clone(rules), blocks[3]) {
				if rows := l.laQuery(t, ws.CustomerID, q); len(rows) != 0 {
					t.Fatalf("query %d returns %d rows over the benign history: %v", i+1, len(rows), rows[0])
				}
			}
		}},
		{"soclab attack launch (instant)", func(t *testing.T) {
			out, err := l.soclab("attack", "launch")
			if err != nil || !strings.Contains(out, "clock 2025-01-15T10:05:00Z") {
				t.Fatalf("attack launch: %v\n%s", err, out)
			}
		}},
		{"rule 1 at 09:00: the risky sign-in joined with the Storage key listing", func(t *testing.T) {
			l.setClock(t, "2025-01-15T09:00:00Z")
			rows := l.laQuery(t, ws.CustomerID, rules[0])
			requireAll(t, "rule 1 users", column(rows, "UserPrincipalName"), func(s string) bool { return s == "alex.johnson@contoso.com" })
			requireAll(t, "rule 1 IPs", column(rows, "IPAddress"), func(s string) bool { return s == attackIP })
			requireAll(t, "rule 1 cities", column(rows, "City"), func(s string) bool { return s == "Bucharest" })
			if ops := column(rows, "OperationName"); !slices.Contains(ops, "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION") {
				t.Fatalf("rule 1 operations %v lack the key listing", ops)
			}
		}},
		{"rule 2 (NRT) at 08:45: secret reads by the risky user", func(t *testing.T) {
			l.setClock(t, "2025-01-15T08:45:00Z")
			rows := l.laQuery(t, ws.CustomerID, rules[1])
			requireAll(t, "rule 2 users", column(rows, "User"), func(s string) bool { return s == "alex.johnson@contoso.com" })
			actions := column(rows, "Action")
			for _, want := range []string{"SecretList", "SecretGet"} {
				if !slices.Contains(actions, want) {
					t.Fatalf("rule 2 actions %v lack %s", actions, want)
				}
			}
			// The attacker changes the password at 08:52, more than 15 minutes after the risky
			// sign-in, so rule 2's audit branch stays quiet (break-and-fix 3 relies on it).
			l.setClock(t, "2025-01-15T08:58:00Z")
			if rows := l.laQuery(t, ws.CustomerID, rules[1]); slices.Contains(column(rows, "Action"), "Change password (self-service)") {
				t.Fatalf("rule 2 at 08:58 matched the password change: %v", rows)
			}
		}},
		{"rule 3 at 09:15: one caller across more than three resource groups", func(t *testing.T) {
			l.setClock(t, "2025-01-15T09:15:00Z")
			rows := l.laQuery(t, ws.CustomerID, rules[2])
			requireAll(t, "rule 3 callers", column(rows, "Caller"), func(s string) bool { return s == "alex.johnson@contoso.com" })
			requireAll(t, "rule 3 group counts", column(rows, "ResourceGroupCount"), func(s string) bool { return s > "3" || len(s) > 1 })
		}},
		{"hunting (Graph runHuntingQuery) at 10:05: the attack window, persistence, services", func(t *testing.T) {
			l.setClock(t, "2025-01-15T10:05:00Z")
			rows := l.hunt(t, blocks[0])
			requireAll(t, "timeline IPs", column(rows, "IPAddress"), func(s string) bool { return strings.HasPrefix(s, "185.220.101.") })
			if acts := column(rows, "ActionType"); !slices.Contains(acts, "LogonSuccess") || !slices.Contains(acts, "Add user.") {
				t.Fatalf("timeline actions %v lack the sign-in or the new user", acts)
			}
			rows = l.hunt(t, blocks[1])
			acts := column(rows, "ActionType")
			if !slices.Contains(acts, "Add user.") || !slices.Contains(acts, "Add member to role.") {
				t.Fatalf("persistence actions %v", acts)
			}
			requireAll(t, "persistence IPs", column(rows, "IPAddress"), func(s string) bool { return s == attackIP })
			rows = l.hunt(t, blocks[2])
			apps := column(rows, "Application")
			requireAll(t, "services", apps, func(s string) bool { return s == "Microsoft Azure" || s == "Azure Key Vault" || s == "Azure Storage" })
		}},
		{"the seed lab's hunting query: AccountUpn is not a CloudAppEvents column (Kusto's error)", func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"Query": originalPersistenceQuery})
			e := l.azError(t, "rest", "--method", "POST", "--url", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", "--body", string(body))
			msg := toString(e["error"].(map[string]any)["message"])
			if toString(e["error"].(map[string]any)["code"]) != "BadRequest" || !strings.Contains(msg, "Failed to resolve column or scalar expression named 'AccountUpn'") {
				t.Fatalf("error %v", e)
			}
		}},
		{"Defender advancedhunting/run answers the same query", func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"Query": blocks[1]})
			var res struct {
				Schema  []struct{ Name, Type string }
				Results []map[string]any
			}
			l.azJSON(&res, "rest", "--method", "POST", "--resource", "https://api.security.microsoft.com", "--url", "https://api.security.microsoft.com/api/advancedhunting/run", "--body", string(body))
			if len(res.Results) == 0 || res.Schema[0].Name != "Timestamp" || res.Schema[0].Type != "DateTime" {
				t.Fatalf("advancedhunting/run: %+v", res)
			}
		}},
		{"Copilot's 30-day range query finds the sprayed accounts, not the VPN", func(t *testing.T) {
			rows := l.laQuery(t, ws.CustomerID, blocks[3])
			requireAll(t, "range IPs", column(rows, "IPAddress"), func(s string) bool { return strings.HasPrefix(s, "185.220.101.") })
			users := strings.Join(column(rows, "Users"), " ")
			// alex.johnson's own address has one user and one failure: the filter drops it; the
			// spray's addresses each tried many accounts.
			if strings.Count(users, "@contoso.com") < 3*5 || strings.Contains(users, "alex.johnson") {
				t.Fatalf("range query users: %s", users)
			}
		}},
		{"the playbook's context query", func(t *testing.T) {
			rows := l.laQuery(t, ws.CustomerID, blocks[6])
			if len(rows) != 1 || rows[0]["Who"] != "alex.johnson@contoso.com" || !strings.Contains(toString(rows[0]["IPAddresses"]), attackIP) {
				t.Fatalf("playbook rows: %v", rows)
			}
			for _, c := range []string{"SignIns", "AdminActions", "DirectoryChanges"} {
				if n, _ := rows[0][c].(float64); n < 1 {
					t.Fatalf("playbook %s = %v", c, rows[0][c])
				}
			}
		}},
		{"break-and-fix 3: no Key Vault rows; a new diagnostic setting routes the replayed step", func(t *testing.T) {
			const kv = `AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" | summarize n = count(), ips = make_set(CallerIPAddress), since = min(TimeGenerated)`
			vault := "/subscriptions/" + l.vars["SOCLAB_SUBSCRIPTION_ID"] + vaultPath
			standing := func() bool { // the scenario's setting is an ARM resource on the vault
				var list []armResource
				l.azJSON(&list, "monitor", "diagnostic-settings", "list", "--resource", vault)
				return len(list) == 1 && list[0].Name == "kv-audit-to-sentinel"
			}
			if !standing() {
				t.Fatal("the standing Key Vault setting is not listed before the fault")
			}
			if out, err := l.soclab("fault", "on", "kv-diagnostics-missing"); err != nil {
				t.Fatalf("fault on: %v %s", err, out)
			}
			if standing() {
				t.Fatal("the standing Key Vault setting is still listed with the fault on")
			}
			if rows := l.laQuery(t, ws.CustomerID, kv); toString(rows[0]["n"]) != "0" {
				t.Fatalf("Key Vault rows with the fault on: %v", rows)
			}
			var ds armResource
			l.azJSON(&ds, "monitor", "diagnostic-settings", "create", "--resource", vault, "-n", diagName,
				"--workspace", ws.ID, "--logs", `[{"category":"AuditEvent","enabled":true}]`)
			if rows := l.laQuery(t, ws.CustomerID, kv); toString(rows[0]["n"]) != "0" {
				t.Fatalf("the new setting routed earlier rows: %v", rows)
			}
			if out, err := l.soclab("attack", "replay", "credential-access"); err != nil {
				t.Fatalf("replay: %v %s", err, out)
			}
			l.setClock(t, "2025-01-15T10:15:00Z")
			rows := l.laQuery(t, ws.CustomerID, kv)
			if toString(rows[0]["n"]) != "7" || toString(rows[0]["ips"]) != `"[\"185.220.101.45\"]"` && toString(rows[0]["ips"]) != `["185.220.101.45"]` || toString(rows[0]["since"]) < "2025-01-15T10:05:00" {
				t.Fatalf("after the fix and the replay: %v", rows)
			}
		}},
		{"without containment the attacker's return succeeds (Task 5's sign-in query)", func(t *testing.T) {
			if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T14:10:00Z"); err != nil {
				t.Fatalf("clock set --wait: %v\n%s", err, out)
			}
			rows := l.laQuery(t, ws.CustomerID, blocks[5])
			back := map[string]bool{}
			for _, r := range rows {
				if toString(r["UserPrincipalName"]) == "alex.johnson@contoso.com" && toString(r["ResultType"]) == "0" {
					back[toString(r["Log"])] = true
				}
			}
			if !back["SigninLogs"] || !back["AADNonInteractiveUserSignInLogs"] {
				t.Fatalf("the attacker's return without containment: want a successful interactive and refresh sign-in, got %v", rows)
			}
		}},
		{"bad input: syntax error with line and position", func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": "SigninLogs\n| where ResultType == \"0\"\n| summarize by by"})
			e := l.azError(t, "rest", "--method", "POST", "--url", "https://api.loganalytics.io/v1/workspaces/"+ws.CustomerID+"/query", "--body", string(body))
			top := e["error"].(map[string]any)
			in := top["innererror"].(map[string]any)
			in2 := in["innererror"].(map[string]any)
			if top["code"] != "BadArgumentError" || in["code"] != "SyntaxError" || in2["code"] != "SYN0002" || in2["line"] != 3.0 || in2["pos"] != 15.0 || top["correlationId"] == "" {
				t.Fatalf("syntax error body: %v", e)
			}
		}},
		{"bad input: unknown column is Kusto's semantic error", func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": "CloudAppEvents | where AccountUpn == 'x'"})
			e := l.azError(t, "rest", "--method", "POST", "--url", "https://api.loganalytics.io/v1/workspaces/"+ws.CustomerID+"/query", "--body", string(body))
			in := e["error"].(map[string]any)["innererror"].(map[string]any)
			in2 := in["innererror"].(map[string]any)
			if in["code"] != "SemanticError" || in2["code"] != "SEM0100" || !strings.Contains(toString(in2["message"]), "'AccountUpn'") {
				t.Fatalf("semantic error body: %v", e)
			}
		}},
		{"bad input: a workspace id the tenant does not have is 404", func(t *testing.T) {
			e := l.azError(t, "rest", "--method", "GET", "--url", "https://api.loganalytics.io/v1/workspaces/00000000-1111-2222-3333-444444444444/query?query=SigninLogs")
			if e["error"].(map[string]any)["code"] != "WorkspaceNotFoundError" {
				t.Fatalf("unknown workspace: %v", e)
			}
		}},
		{"bad input: no token is 401 in the service's format", func(t *testing.T) {
			c := proxiedClient(t, l)
			resp, err := c.Get("https://api.loganalytics.io/v1/workspaces/" + ws.CustomerID + "/query?query=SigninLogs")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			var e map[string]map[string]any
			json.Unmarshal(data, &e)
			if resp.StatusCode != http.StatusUnauthorized || e["error"]["code"] != "AuthorizationRequiredError" || e["error"]["correlationId"] == nil {
				t.Fatalf("no token: %d %s", resp.StatusCode, data)
			}
		}},
		{"another tenant's token cannot read this workspace; its own workspace has its own rows", func(t *testing.T) {
			if out, err := l.soclab("tenant", "add", "learner02"); err != nil {
				t.Fatalf("tenant add: %v %s", err, out)
			}
			out, err := l.soclab("env", "--tenant", "learner02", "--shell", "sh")
			if err != nil {
				t.Fatalf("env --tenant learner02: %v %s", err, out)
			}
			other := map[string]string{}
			for _, line := range strings.Split(out, "\n") {
				if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(k, "SOCLAB_") {
					other[k] = strings.Trim(v, "'")
				}
			}
			var subs []map[string]any
			l.azJSON(&subs, "login", "--service-principal", "-u", other["SOCLAB_SP_ID"], "--password="+other["SOCLAB_SP_SECRET"], "--tenant", other["SOCLAB_TENANT_ID"])
			e := l.azError(t, "rest", "--method", "GET", "--url", "https://api.loganalytics.io/v1/workspaces/"+ws.CustomerID+"/query?query=SigninLogs%20%7C%20take%201")
			if e["error"].(map[string]any)["code"] != "WorkspaceNotFoundError" || strings.Contains(toString(e), "alex.johnson") {
				t.Fatalf("cross-tenant query: %v", e)
			}
			var own workspaceOut
			l.azJSON(&own, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
			rows := l.laQuery(t, own.CustomerID, `SigninLogs | summarize n = count(), tenants = make_set(TenantId)`)
			if toString(rows[0]["tenants"]) != `["`+own.CustomerID+`"]` || rows[0]["n"].(float64) < 1000 {
				t.Fatalf("learner02's own workspace: %v", rows)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Logf("server log:\n%s", l.srvLog)
			return
		}
	}
}

// proxiedClient reaches the lab the way az does: through its proxy, trusting its CA bundle.
func proxiedClient(t *testing.T, l *lab) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(l.vars["REQUESTS_CA_BUNDLE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	proxy, err := url.Parse(l.vars["HTTPS_PROXY"])
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool}}}
}
