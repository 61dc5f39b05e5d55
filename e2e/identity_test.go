package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestTask5GraphContainment runs challenge.md Task 5's Graph commands with the real az after
// the attack: revoke the sessions, the named location and a blocking Conditional Access
// policy, the SOC Tier 2 lookup the automation rule needs, disable the account, and list and
// delete the attacker's Global Administrator assignment.
func TestTask5GraphContainment(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	ws := loginLaunch(t, l)
	const graph = "https://graph.microsoft.com/v1.0/"
	tsv := func(args ...string) string {
		t.Helper()
		r := l.az(append(args, "-o", "tsv")...)
		if r.code != 0 {
			t.Fatalf("az %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}

	var revoked map[string]any
	l.azJSON(&revoked, "rest", "--method", "POST", "--url", graph+"users/alex.johnson@contoso.com/revokeSignInSessions")
	if revoked["value"] != true || revoked["@odata.context"] != "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean" {
		t.Fatalf("revokeSignInSessions answered %v", revoked)
	}

	var loc map[string]any
	l.azJSON(&loc, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/namedLocations", "--body", `{
  "@odata.type": "#microsoft.graph.ipNamedLocation",
  "displayName": "Blocked - Attack Source IPs",
  "isTrusted": false,
  "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "185.220.101.0/24"}]
}`)
	locID, _ := loc["id"].(string)
	if !guidPattern.MatchString(locID) || loc["displayName"] != "Blocked - Attack Source IPs" {
		t.Fatalf("named location: %v", loc)
	}
	policy, _ := json.Marshal(map[string]any{"displayName": "Block - Attack Source IPs", "state": "enabled",
		"conditions": map[string]any{"clientAppTypes": []string{"all"}, "applications": map[string]any{"includeApplications": []string{"All"}},
			"users": map[string]any{"includeUsers": []string{"All"}}, "locations": map[string]any{"includeLocations": []string{locID}}},
		"grantControls": map[string]any{"operator": "OR", "builtInControls": []string{"block"}}})
	var pol map[string]any
	l.azJSON(&pol, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/policies", "--body", string(policy))
	if pol["state"] != "enabled" || !guidPattern.MatchString(toString(pol["id"])) {
		t.Fatalf("policy: %v", pol)
	}
	bad := l.az("rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/namedLocations", "--body",
		`{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.0.0.0/33"}]}`)
	if bad.code == 0 || !strings.Contains(bad.stderr, "The IP range '185.0.0.0/33' is not a valid CIDR address.") {
		t.Fatalf("a bad CIDR: exit %d\n%s", bad.code, bad.stderr)
	}

	tier2 := tsv("rest", "--url", graph+"groups?$filter=displayName eq 'SOC Tier 2'", "--query", "value[0].id")
	if !guidPattern.MatchString(tier2) {
		t.Fatalf("SOC_TIER2_ID = %q, want a GUID", tier2)
	}

	if r := l.az("rest", "--method", "PATCH", "--url", graph+"users/alex.johnson@contoso.com", "--body", `{"accountEnabled": false}`); r.code != 0 {
		t.Fatalf("disable: exit %d\n%s", r.code, r.stderr)
	}
	if got := tsv("rest", "--url", graph+"users/alex.johnson@contoso.com?$select=accountEnabled", "--query", "accountEnabled"); got != "False" && got != "false" {
		t.Fatalf("accountEnabled after PATCH: %q", got)
	}

	svc := tsv("rest", "--url", graph+"users/svc-backup-admin@contoso.com", "--query", "id")
	asg := tsv("rest", "--url", graph+"roleManagement/directory/roleAssignments?$filter=principalId eq '"+svc+"'", "--query", "value[?roleDefinitionId=='62e90394-69f5-4237-9190-012177145e10'].id | [0]")
	if asg == "" {
		t.Fatalf("the attacker's Global Administrator assignment is not listed")
	}
	if r := l.az("rest", "--method", "DELETE", "--url", graph+"roleManagement/directory/roleAssignments/"+asg); r.code != 0 {
		t.Fatalf("delete assignment: exit %d\n%s", r.code, r.stderr)
	}
	if left := tsv("rest", "--url", graph+"roleManagement/directory/roleAssignments?$filter=principalId eq '"+svc+"'", "--query", "length(value)"); left != "0" {
		t.Fatalf("%s assignments left", left)
	}
	missing := l.az("rest", "--url", graph+"users/nobody@contoso.com")
	if missing.code == 0 || !strings.Contains(missing.stderr, "Request_ResourceNotFound") || !strings.Contains(missing.stderr, `"date":"2025-01-15T10:05:00"`) {
		t.Fatalf("unknown user: exit %d\n%s", missing.code, missing.stderr)
	}

	// The attacker comes back at 13:40: the disabled account stops the stolen session and the
	// password (50057 is decided before the credential and Conditional Access), the spray still
	// fails; every write above is in the workspace's AuditLogs, initiated by the lab's app.
	if got := returnOutcomes(t, l, ws); got != "AADNonInteractiveUserSignInLogs 50057 1|SigninLogs 50057 1|SigninLogs 50126 10" {
		t.Fatalf("the return with containment: %q", got)
	}
	rows := l.laQuery(t, ws.CustomerID, `AuditLogs | where TimeGenerated > datetime(2025-01-15T10:00:00Z) and isnotempty(tostring(InitiatedBy.app.appId))
		| summarize by OperationName | order by OperationName asc`)
	want := "Add conditional access policy,Add named location,Disable account,Remove member from role,Update StsRefreshTokenValidFrom Timestamp,Update user"
	if got := strings.Join(column(rows, "OperationName"), ","); got != want {
		t.Fatalf("the learner's writes in AuditLogs: %s\nwant %s", got, want)
	}
}

// TestLabNamedLocationBlocksNothing: the original lab's named location 185.0.0.0/24 does not
// contain 185.220.101.x, so a blocking policy on it leaves the attacker's return untouched and
// the return's sign-ins list the policy as not applied — a lesson, not a bug.
func TestLabNamedLocationBlocksNothing(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	ws := loginLaunch(t, l)
	const graph = "https://graph.microsoft.com/v1.0/"
	var loc map[string]any
	l.azJSON(&loc, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/namedLocations", "--body",
		`{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Blocked - Attack Source IPs","isTrusted":false,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.0.0.0/24"}]}`)
	policy, _ := json.Marshal(map[string]any{"displayName": "Block - Attack Source IPs", "state": "enabled",
		"conditions": map[string]any{"applications": map[string]any{"includeApplications": []string{"All"}},
			"users": map[string]any{"includeUsers": []string{"All"}}, "locations": map[string]any{"includeLocations": []string{toString(loc["id"])}}},
		"grantControls": map[string]any{"operator": "OR", "builtInControls": []string{"block"}}})
	var pol map[string]any
	l.azJSON(&pol, "rest", "--method", "POST", "--url", graph+"identity/conditionalAccess/policies", "--body", string(policy))
	if got := returnOutcomes(t, l, ws); got != "AADNonInteractiveUserSignInLogs 0 1|SigninLogs 0 1|SigninLogs 50126 10" {
		t.Fatalf("the return despite the 185.0.0.0/24 block: %q", got)
	}
	rows := l.laQuery(t, ws.CustomerID, `SigninLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == "185.220.101.45" and ResultType == "0"
		| mv-expand p = ConditionalAccessPolicies | where tostring(p.displayName) == "Block - Attack Source IPs" | project result = tostring(p.result)`)
	if got := strings.Join(column(rows, "result"), ","); got != "notApplied" {
		t.Fatalf("the block policy on the return's sign-in: %q", got)
	}
}

// loginLaunch signs az in as the lab's service principal, freezes the clock, creates the lab
// workspace (Entra's diagnostic setting sends to it) and launches the attack (clock 10:05).
func loginLaunch(t *testing.T, l *lab) workspaceOut {
	t.Helper()
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	var ws workspaceOut
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	return ws
}

// returnOutcomes moves the clock past the attacker's return (waiting for the engines) and
// counts its sign-ins by table and result.
func returnOutcomes(t *testing.T, l *lab, ws workspaceOut) string {
	t.Helper()
	if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T14:10:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, out)
	}
	rows := l.laQuery(t, ws.CustomerID, `union SigninLogs, AADNonInteractiveUserSignInLogs
		| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress startswith "185.220.101."
		| summarize n = count() by Type, ResultType | order by Type asc, ResultType asc`)
	var got []string
	for _, r := range rows {
		got = append(got, toString(r["Type"])+" "+toString(r["ResultType"])+" "+toString(r["n"]))
	}
	return strings.Join(got, "|")
}
