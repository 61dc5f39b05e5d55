package automation

import (
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/logs"
	"github.com/tidwall/gjson"
)

// labAutomationRule is the body az sentinel 0.2.0 sends for challenge.md Task 5's
// `az sentinel automation-rule create` (mockapis/sentinel/testdata/az-traffic.jsonl), with
// the tenant's ids and the SOC Tier 2 group's id.
const labAutomationRule = `{"properties": {"actions": [{"actionType": "ModifyProperties", "order": 1, "actionConfiguration": {"owner": {"assignedTo": "SOC Tier 2", "objectId": "{{group}}"}, "severity": "High", "status": "Active"}}, {"actionType": "RunPlaybook", "order": 2, "actionConfiguration": {"logicAppResourceId": "/subscriptions/{{sub}}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Logic/workflows/playbook-compromise-response", "tenantId": "{{tenant}}"}}], "displayName": "Auto-Respond to Account Compromise Incidents", "order": 1, "triggeringLogic": {"conditions": [{"conditionType": "Property", "conditionProperties": {"operator": "Equals", "propertyName": "IncidentSeverity", "propertyValues": ["High"]}}, {"conditionType": "Property", "conditionProperties": {"operator": "Contains", "propertyName": "IncidentTactics", "propertyValues": ["InitialAccess", "CredentialAccess"]}}], "isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created"}}}`

// TestLabRule: Tasks 1 and 5 done before the attack (rules, automation rule through ARM as az
// sends it); after the attack every high-severity incident with initial-access or
// credential-access tactics is owned by SOC Tier 2, active, and holds the playbook's context
// comment about alex.johnson; the medium lateral-movement incidents are untouched.
func TestLabRule(t *testing.T) {
	f := newFixture(t)
	f.onboard()
	f.at("07:30")
	for _, r := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		f.labRule(r)
	}
	body := strings.NewReplacer("{{group}}", tier2Group, "{{sub}}", f.tenant.Subscription.ID, "{{tenant}}", f.tenant.ID).Replace(labAutomationRule)
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/automationRules/auto-rule-compromise-response?api-version="+previewAPI, body)
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	f.at("10:30")

	var high, medium int
	for _, inc := range f.incidents() {
		switch inc.Title {
		case "Suspicious Sign-in Followed by Azure Resource Access", "Post-Compromise Credential Access Attempt":
			high++
			if inc.Severity != "High" || inc.Status != "Active" || inc.Owner != tier2Group+"/SOC Tier 2" || inc.OwnerType != "Group" {
				t.Errorf("%s: severity %s status %s owner %s (%s)", inc.Title, inc.Severity, inc.Status, inc.Owner, inc.OwnerType)
			}
			if len(inc.Comments) != 1 || !strings.HasPrefix(inc.Comments[0], "playbook-compromise-response: playbook-compromise-response: activity of the accounts of incident ") ||
				!strings.Contains(inc.Comments[0], "(alex.johnson@contoso.com) in the last 4 hours, from workspace law-contoso-unified at 2025-01-15T") ||
				!strings.Contains(inc.Comments[0], "\nWho: alex.johnson@contoso.com; TotalEvents: ") || !strings.Contains(inc.Comments[0], "185.220.101.") {
				t.Errorf("%s: comments %q", inc.Title, inc.Comments)
			}
			if len(inc.Activity) < 4 || inc.Activity[1] != "Automation rule 'Auto-Respond to Account Compromise Incidents' changed status from New to Active" ||
				inc.Activity[2] != "Automation rule 'Auto-Respond to Account Compromise Incidents' assigned the incident to SOC Tier 2" ||
				!strings.HasPrefix(inc.Activity[3], "Automation rule 'Auto-Respond to Account Compromise Incidents' ran playbook 'playbook-compromise-response' (run 08584") {
				t.Errorf("%s: activity %q", inc.Title, inc.Activity)
			}
		default:
			medium++
			if inc.Status != "New" || inc.OwnerType != "Unknown" || len(inc.Comments) != 0 || len(inc.Activity) != 1 {
				t.Errorf("%s was touched: %+v", inc.Title, inc)
			}
		}
	}
	if high != 6 || medium != 12 {
		t.Errorf("incidents: %d high, %d medium; want 6 and 12 (detect's lab flow)", high, medium)
	}
	// SecurityIncident keeps a row per update: the latest of each incident shows the automation.
	wantEqual(t, "SecurityIncident", f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *), rows = count() by IncidentName
		| summarize incidents = count(), rows = sum(rows) by Severity, Status, Owner = tostring(Owner.assignedTo), OwnerType = tostring(Owner.ownerType), ModifiedBy, Comments = array_length(Comments)
		| order by Severity asc`), []string{
		"High | Active | SOC Tier 2 | Group | Playbook 'playbook-compromise-response' | 1 | 6 | 12",
		"Medium | New |  | Unknown | Microsoft Sentinel | 0 | 12 | 12",
	})
	wantEqual(t, "SentinelHealth", f.kql(`SentinelHealth | where SentinelResourceType == "Automation rule"
		| summarize runs = count(), incidents = dcount(tostring(ExtendedProperties.IncidentName)) by SentinelResourceName, Status, OperationName`), []string{
		"Auto-Respond to Account Compromise Incidents | Success | Automation rule run | 6 | 6",
	})
	runs := gjson.Get(f.call("GET", f.playbookID()+"/runs?api-version=2019-05-01", ""), "value.#.properties.status").String()
	if runs != `["Succeeded","Succeeded","Succeeded","Succeeded","Succeeded","Succeeded"]` {
		t.Errorf("playbook runs: %s", runs)
	}
}

// TestLabRuleDefenderIncident: with the Defender XDR connector on (Task 2), the lab's rule also
// runs on the Defender incident synced into Sentinel: created-trigger conditions read the
// incident as it is when the rule runs (its alerts and tactics attached), so the multi-stage
// incident is owned by SOC Tier 2, active, with the playbook's comment.
func TestLabRuleDefenderIncident(t *testing.T) {
	f := newFixture(t)
	f.onboard()
	f.connector()
	f.at("07:30")
	for _, r := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		f.labRule(r)
	}
	body := strings.NewReplacer("{{group}}", tier2Group, "{{sub}}", f.tenant.Subscription.ID, "{{tenant}}", f.tenant.ID).Replace(labAutomationRule)
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/automationRules/auto-rule-compromise-response?api-version="+previewAPI, body)
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	f.at("10:30")
	var defender []incidentView
	list := f.call("GET", f.wsID+"/providers/Microsoft.SecurityInsights/incidents?api-version="+previewAPI, "")
	for _, inc := range f.incidents() {
		provider := gjson.Get(list, `value.#(id=="`+inc.ID+`").properties.providerName`).String()
		if provider == "Microsoft 365 Defender" && inc.Status != "Closed" {
			defender = append(defender, inc)
		}
	}
	if len(defender) == 0 {
		t.Fatalf("no open Defender incident in Sentinel: %s", list)
	}
	multiStage := 0
	for _, inc := range defender {
		if inc.Severity != "High" {
			continue
		}
		if inc.Status != "Active" || inc.Owner != tier2Group+"/SOC Tier 2" || inc.OwnerType != "Group" || len(inc.Comments) != 1 {
			t.Errorf("Defender incident %q: status %s owner %s (%s) comments %q\nactivity %q", inc.Title, inc.Status, inc.Owner, inc.OwnerType, inc.Comments, inc.Activity)
		}
		if strings.HasPrefix(inc.Title, "Multi-stage incident") {
			multiStage++
			if len(inc.Comments) != 1 || !strings.Contains(inc.Comments[0], "(alex.johnson@contoso.com) in the last 4 hours") ||
				!strings.Contains(inc.Comments[0], "\nWho: alex.johnson@contoso.com; TotalEvents: ") {
				t.Errorf("multi-stage incident's comment: %q", inc.Comments)
			}
		}
	}
	if multiStage != 1 {
		t.Errorf("open high multi-stage Defender incidents in Sentinel = %d, want 1", multiStage)
	}
}
