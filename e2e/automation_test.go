package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutomationThroughServer: challenge.md Task 5's automation rule (the body az sentinel
// sends, PUT with az rest, the owner SOC Tier 2's id looked up in Graph) created before the attack; after `soclab attack launch` and
// `soclab clock set` the server's automation engine has assigned the high-severity incidents to
// SOC Tier 2, activated them, run the playbook (its runs listed through ARM) and posted its
// context comment.
func TestAutomationThroughServer(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	s := newSOCLab(t, false, labRules...)
	l, sub, tenant, si := s.lab, s.sub, s.tenant, s.si
	playbook := "/subscriptions/" + sub + "/resourceGroups/" + socGroup + "/providers/Microsoft.Logic/workflows/playbook-compromise-response"
	var put map[string]any
	// SOC_TIER2_ID as Task 5 looks it up in Graph.
	r := l.az("rest", "--url", "https://graph.microsoft.com/v1.0/groups?$filter=displayName eq 'SOC Tier 2'", "--query", "value[0].id", "-o", "tsv")
	group := strings.TrimSpace(r.stdout)
	if r.code != 0 || len(group) != 36 {
		t.Fatalf("SOC Tier 2 lookup: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	rule := `{"properties": {"actions": [{"actionType": "ModifyProperties", "order": 1, "actionConfiguration": {"owner": {"assignedTo": "SOC Tier 2", "objectId": "` + group + `"}, "severity": "High", "status": "Active"}}, {"actionType": "RunPlaybook", "order": 2, "actionConfiguration": {"logicAppResourceId": "` + playbook + `", "tenantId": "` + tenant + `"}}], "displayName": "Auto-Respond to Account Compromise Incidents", "order": 1, "triggeringLogic": {"conditions": [{"conditionType": "Property", "conditionProperties": {"operator": "Equals", "propertyName": "IncidentSeverity", "propertyValues": ["High"]}}, {"conditionType": "Property", "conditionProperties": {"operator": "Contains", "propertyName": "IncidentTactics", "propertyValues": ["InitialAccess", "CredentialAccess"]}}], "isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created"}}}`
	ruleFile := filepath.Join(t.TempDir(), "rule.json")
	if err := os.WriteFile(ruleFile, []byte(rule), 0o600); err != nil {
		t.Fatal(err)
	}
	l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"automationRules/auto-rule-compromise-response?api-version=2022-06-01-preview", "--body", "@"+ruleFile)
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	// The engines (rules, then automation) catch up in the background: wait for them.
	if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T10:30:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, out)
	}
	if out, err := l.soclab("engine", "status"); err != nil || !strings.Contains(out, "automation") {
		t.Errorf("engine status lists no automation stage: %v\n%s", err, out)
	}

	var incs struct {
		Value []struct {
			Name       string `json:"name"`
			Properties struct {
				Title, Severity, Status string
				Owner                   struct{ ObjectID, AssignedTo, OwnerType string }
			} `json:"properties"`
		} `json:"value"`
	}
	l.azJSON(&incs, "rest", "--method", "GET", "--url", si+"incidents?api-version=2022-06-01-preview")
	high := 0
	for _, inc := range incs.Value {
		p := inc.Properties
		if p.Severity != "High" {
			if p.Status != "New" || p.Owner.AssignedTo != "" {
				t.Errorf("%s (%s) was changed: %+v", p.Title, p.Severity, p)
			}
			continue
		}
		high++
		if p.Status != "Active" || p.Owner.ObjectID != group || p.Owner.AssignedTo != "SOC Tier 2" || p.Owner.OwnerType != "Group" {
			t.Errorf("%s: status %s owner %+v", p.Title, p.Status, p.Owner)
		}
		var comments struct {
			Value []struct {
				Properties struct {
					Message string
					Author  struct{ Name string }
				} `json:"properties"`
			} `json:"value"`
		}
		l.azJSON(&comments, "rest", "--method", "GET", "--url", si+"incidents/"+inc.Name+"/comments?api-version=2022-06-01-preview")
		if len(comments.Value) != 1 || comments.Value[0].Properties.Author.Name != "playbook-compromise-response" ||
			!strings.Contains(comments.Value[0].Properties.Message, "Who: alex.johnson@contoso.com; TotalEvents: ") {
			t.Errorf("%s: comments %+v", p.Title, comments.Value)
		}
	}
	if high != 6 {
		t.Errorf("high-severity incidents = %d, want 6", high)
	}
	var runs struct {
		Value []struct {
			Properties struct{ Status string } `json:"properties"`
		} `json:"value"`
	}
	l.azJSON(&runs, "rest", "--method", "GET", "--url", "https://management.azure.com"+playbook+"/runs?api-version=2019-05-01")
	if len(runs.Value) != 6 || runs.Value[0].Properties.Status != "Succeeded" {
		t.Errorf("playbook runs: %+v", runs.Value)
	}
	var wf map[string]any
	l.azJSON(&wf, "resource", "show", "--ids", playbook)
	if wf["type"] != "Microsoft.Logic/workflows" {
		t.Errorf("az resource show: %v", wf)
	}
}
