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
	requireAz(t)
	l := newLab(t)
	l.start()
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
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
	if missing.code == 0 || !strings.Contains(missing.stderr, "Request_ResourceNotFound") || !strings.Contains(missing.stderr, `"date":"2025-01-15T10:`) {
		t.Fatalf("unknown user: exit %d\n%s", missing.code, missing.stderr)
	}
}
