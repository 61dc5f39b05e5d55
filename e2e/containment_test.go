package e2e

import (
	"strings"
	"testing"
)

// TestAttackerReturnsThroughServer: after `soclab attack launch`, moving the clock past 13:40
// plays the attacker's return on the server; without containment the stolen session and the
// attacker's password sign in again (ResultType 0 in AADNonInteractiveUserSignInLogs and
// SigninLogs), the spray keeps failing with 50126, the attacker reads Key Vault again, and
// `soclab attack status` shows the return as played.
func TestAttackerReturnsThroughServer(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	var ws workspaceOut
	var subs []map[string]any
	// --password=: a secret may start with "-" (base64url), which az would take for an option.
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	out, err := l.soclab("attack", "status")
	if err != nil || !strings.Contains(out, "attacker-return      T1550.001 13:40:00  pending") {
		t.Fatalf("attack status at 10:05: %v\n%s", err, out)
	}
	if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T14:10:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, out)
	}
	if out, err := l.soclab("engine", "status"); err != nil || !strings.Contains(out, "containment") {
		t.Fatalf("engine status does not list the containment stage: %v\n%s", err, out)
	}
	rows := l.laQuery(t, ws.CustomerID, `union SigninLogs, AADNonInteractiveUserSignInLogs
		| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress startswith "185.220.101."
		| summarize n = count() by Type, ResultType | order by Type asc, ResultType asc`)
	got := []string{}
	for _, r := range rows {
		got = append(got, toString(r["Type"])+" "+toString(r["ResultType"])+" "+toString(r["n"]))
	}
	want := "AADNonInteractiveUserSignInLogs 0 1|SigninLogs 0 1|SigninLogs 50126 10"
	if strings.Join(got, "|") != want {
		t.Fatalf("return sign-ins: %q, want %q", strings.Join(got, "|"), want)
	}
	rows = l.laQuery(t, ws.CustomerID, `AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and CallerIPAddress == "185.220.101.45" | project OperationName`)
	if got := column(rows, "OperationName"); strings.Join(got, ",") != "SecretList,SecretGet" {
		t.Fatalf("follow-up Key Vault reads: %v", got)
	}
	out, err = l.soclab("attack", "status")
	if err != nil || !strings.Contains(out, "attacker-return      T1550.001 13:40:00  played") {
		t.Fatalf("attack status at 14:10: %v\n%s", err, out)
	}
}

// TestContainmentStopsTheReturn: challenge.md Task 5's containment with the real az (revoke the
// sessions, block 185.220.101.0/24 by Conditional Access) before the return; at 13:40 the
// stolen refresh token fails with 50173 and the password sign-in with 53003, and the attacker
// does not read Key Vault again.
func TestContainmentStopsTheReturn(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	var ws workspaceOut
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	const graph = "https://graph.microsoft.com/v1.0/"
	var out map[string]any
	l.azJSON(&out, "rest", "--method", "POST", "--url", graph+"users/alex.johnson@contoso.com/revokeSignInSessions")
	var loc map[string]any
	l.azJSON(&loc, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/namedLocations", "--body",
		`{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Blocked - Attack Source IPs","isTrusted":false,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`)
	l.azJSON(&out, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/policies", "--body",
		`{"displayName":"Block - Attack Source IPs","state":"enabled","conditions":{"clientAppTypes":["all"],"applications":{"includeApplications":["All"]},"users":{"includeUsers":["All"]},"locations":{"includeLocations":["`+toString(loc["id"])+`"]}},"grantControls":{"operator":"OR","builtInControls":["block"]}}`)
	if r, err := l.soclab("clock", "set", "--wait", "2025-01-15T14:10:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, r)
	}
	rows := l.laQuery(t, ws.CustomerID, `union SigninLogs, AADNonInteractiveUserSignInLogs
		| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == "185.220.101.45"
		| project Type, ResultType, ConditionalAccessStatus, ResultDescription | order by Type asc`)
	got := []string{}
	for _, r := range rows {
		got = append(got, toString(r["Type"])+" "+toString(r["ResultType"])+" "+toString(r["ConditionalAccessStatus"])+" "+toString(r["ResultDescription"]))
	}
	want := "AADNonInteractiveUserSignInLogs 50173 notApplied The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password." +
		"|SigninLogs 53003 failure Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
	if strings.Join(got, "|") != want {
		t.Fatalf("return sign-ins:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	rows = l.laQuery(t, ws.CustomerID, `AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and CallerIPAddress == "185.220.101.45" | count`)
	if len(rows) != 1 || toString(rows[0]["Count"]) != "0" {
		t.Fatalf("the contained attacker read Key Vault: %v", rows)
	}
}
