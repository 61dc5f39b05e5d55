package automation

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/tidwall/gjson"
)

// mallory is an account the scenario's telemetry does not know: the playbook's query sees
// exactly the rows the test writes for it.
const mallory = "mallory@contoso.com"

func (f *fixture) malloryRows() {
	f.t.Helper()
	ws, err := f.logs.Workspace(f.tenant.ID, f.wsID)
	if err != nil {
		f.t.Fatal(err)
	}
	cid := ws.Info.CustomerID
	at := func(hhmm string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
		return t
	}
	write := func(table string, rows ...logs.Row) {
		if err := f.logs.Append(f.tenant.ID, table, rows...); err != nil {
			f.t.Fatal(err)
		}
	}
	write("SigninLogs",
		logs.Row{Workspace: cid, Time: at("08:00"), Values: map[string]any{"UserPrincipalName": mallory, "IPAddress": "185.220.101.9", "ResultType": "0"}},
		logs.Row{Workspace: cid, Time: at("08:10"), Values: map[string]any{"UserPrincipalName": mallory, "IPAddress": "10.1.2.3", "ResultType": "0"}},
		logs.Row{Workspace: cid, Time: at("03:00"), Values: map[string]any{"UserPrincipalName": mallory, "IPAddress": "10.9.9.9", "ResultType": "0"}}, // older than 4h
	)
	write("AuditLogs", logs.Row{Workspace: cid, Time: at("08:20"), Values: map[string]any{"OperationName": "Add user",
		"InitiatedBy": map[string]any{"user": map[string]any{"userPrincipalName": mallory}}}})
	write("AzureActivity",
		logs.Row{Workspace: cid, Time: at("08:30"), Values: map[string]any{"Caller": mallory, "OperationNameValue": "MICROSOFT.KEYVAULT/VAULTS/WRITE"}},
		logs.Row{Workspace: cid, Time: at("08:31"), Values: map[string]any{"Caller": mallory, "OperationNameValue": "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION"}},
	)
}

func TestPlaybook(t *testing.T) {
	f := newFixture(t)
	f.onboard()
	f.at("07:30")
	f.malloryRows()
	other := strings.Replace(f.playbookID(), f.tenant.Subscription.ID, "00000000-0000-0000-0000-000000000001", 1)
	f.automationRule("r-playbook", `{"displayName":"Context","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
	  "conditions":[`+prop("AccountUPNSuffix", "Equals", "contoso.com")+`]},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+f.playbookID()+`","tenantId":"`+f.tenant.ID+`"}},
	   {"order":2,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+strings.Replace(f.playbookID(), "playbook-compromise-response", "playbook-missing", 1)+`"}},
	   {"order":3,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+other+`"}},
	   {"order":4,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+f.playbookID()+`","tenantId":"00000000-0000-0000-0000-0000000000aa"}}]}`)
	acct := sentinel.NewEntity{Kind: "Account", Properties: map[string]any{"accountName": "mallory", "upnSuffix": "contoso.com"}}
	f.createIncident("09:00", sentinel.NewIncident{Title: "Mallory", Severity: "High"},
		sentinel.NewAlert{DisplayName: "Mallory", Severity: "High", Entities: []sentinel.NewEntity{acct}})
	f.at("09:30")

	got := f.incidents()
	if len(got) != 1 {
		t.Fatalf("incidents = %+v", got)
	}
	comment := "playbook-compromise-response: activity of the accounts of incident 1 (mallory@contoso.com) in the last 4 hours, from workspace law-contoso-unified at 2025-01-15T09:00:01Z.\n" +
		// AuditLogs and AzureActivity have no IPAddress: union gives their rows an empty one,
		// which the KQL engine's dcount and make_set count.
		`Who: mallory@contoso.com; TotalEvents: 5; SignIns: 2; AdminActions: 2; DirectoryChanges: 1; UniqueIPs: 3; IPAddresses: ["185.220.101.9","10.1.2.3",""]`
	wantEqual(t, "comments", got[0].Comments, []string{"playbook-compromise-response: " + comment})

	runs := gjson.Get(f.call("GET", f.playbookID()+"/runs?api-version=2019-05-01", ""), "value")
	if n := len(runs.Array()); n != 1 {
		t.Fatalf("runs = %s", runs.Raw)
	}
	run := runs.Array()[0]
	runName := run.Get("name").String()
	wantEqual(t, "activity", got[0].Activity, []string{
		"Microsoft Sentinel created the incident",
		"Automation rule 'Context' ran playbook 'playbook-compromise-response' (run " + runName + ")",
		"Playbook 'playbook-compromise-response' added a comment",
		"Automation rule 'Context' could not trigger playbook: playbook-missing. Either the playbook was not found, or Microsoft Sentinel was missing permissions on it.",
		"Automation rule 'Context' could not trigger playbook: playbook-compromise-response. Either the playbook was not found, or Microsoft Sentinel was missing permissions on it.",
		"Automation rule 'Context' could not trigger playbook: playbook-compromise-response. Either the playbook was not found, or Microsoft Sentinel was missing permissions on it.",
	})
	// The rule run's health record: one playbook triggered out of four actions.
	wantEqual(t, "SentinelHealth", f.kql(`SentinelHealth | where OperationName == "Automation rule run"
		| extend x = ExtendedProperties
		| project TimeGenerated, SentinelResourceType, SentinelResourceName, Status, Description, ok = toint(x.ActionsTriggeredSuccessfully),
		    total = toint(x.TotalActions), n = toint(x.IncidentNumber), on = tostring(x.TriggeredOn), when = tostring(x.TriggeredWhen),
		    run = tostring(x.TriggeredPlaybooks[0].RunId), wf = tostring(x.TriggeredPlaybooks[0].WorkflowId)`), []string{
		"2025-01-15T09:00:01Z | Automation rule | Context | Partial success | " + NotFoundMessage("playbook-missing") + "\n" +
			NotFoundMessage("playbook-compromise-response") + "\n" + NotFoundMessage("playbook-compromise-response") +
			" | 1 | 4 | 1 | Incident | Created | " + runName + " | " + f.playbookID(),
	})
	// The run as Logic Apps answers it, listed and by name.
	for _, c := range []struct{ path, want string }{
		{"type", "Microsoft.Logic/workflows/runs"},
		{"id", f.playbookID() + "/runs/" + runName},
		{"properties.status", "Succeeded"},
		{"properties.startTime", "2025-01-15T09:00:01.0000000Z"},
		{"properties.endTime", "2025-01-15T09:00:05.0000000Z"},
		{"properties.trigger.name", "Microsoft_Sentinel_incident"},
		{"properties.trigger.status", "Succeeded"},
		{"properties.workflow.type", "Microsoft.Logic/workflows/versions"},
	} {
		if v := run.Get(c.path).String(); v != c.want {
			t.Errorf("run %s = %q, want %q", c.path, v, c.want)
		}
	}
	if len(runName) != 29 || !strings.HasPrefix(runName, "08584") || runName[25:27] != "CU" {
		t.Errorf("run name %q is not a Logic Apps history name", runName)
	}
	one := f.call("GET", f.playbookID()+"/runs/"+runName+"?api-version=2019-05-01", "")
	if gjson.Get(one, "name").String() != runName || gjson.Get(one, "properties.status").String() != "Succeeded" {
		t.Errorf("GET run = %s", one)
	}
	// The comment's author is the playbook.
	if !strings.Contains(strings.Join(got[0].Comments, ""), "playbook-compromise-response: playbook-compromise-response:") {
		t.Errorf("comment author: %q", got[0].Comments)
	}
}

// TestPlaybookDefinitionIsTheLabQuery: the seeded workflow runs challenge.md's context query.
func TestPlaybookDefinitionIsTheLabQuery(t *testing.T) {
	f := newFixture(t)
	body := f.call("GET", f.playbookID()+"?api-version=2019-05-01", "")
	for _, c := range []struct{ path, want string }{
		{"name", "playbook-compromise-response"},
		{"type", "Microsoft.Logic/workflows"},
		{"location", "eastus"},
		{"properties.state", "Enabled"},
		{"properties.provisioningState", "Succeeded"},
		{"properties.definition.triggers.Microsoft_Sentinel_incident.type", "ApiConnectionWebhook"},
		{"properties.definition.actions.Run_query_and_list_results.inputs.queries.timerange", "Last 4 hours"},
	} {
		if v := gjson.Get(body, c.path).String(); v != c.want {
			t.Errorf("workflow %s = %q, want %q", c.path, v, c.want)
		}
	}
	q := gjson.Get(body, "properties.definition.actions.Run_query_and_list_results.inputs.body").String()
	lab := `let incidentEntities = dynamic(["alex.johnson@contoso.com"]);
union withsource=SourceTable SigninLogs, AuditLogs, AzureActivity
| where TimeGenerated > ago(4h)
| extend Who = coalesce(UserPrincipalName, Caller, tostring(InitiatedBy.user.userPrincipalName))
| where Who in (incidentEntities)
| summarize TotalEvents = count(), SignIns = countif(SourceTable == "SigninLogs"),
    AdminActions = countif(SourceTable == "AzureActivity"), DirectoryChanges = countif(SourceTable == "AuditLogs"),
    UniqueIPs = dcount(IPAddress), IPAddresses = make_set(IPAddress, 20) by Who`
	if strings.Replace(q, simulator.PlaybookAccountsPlaceholder, `["alex.johnson@contoso.com"]`, 1) != lab {
		t.Errorf("the playbook's query is not challenge.md's:\n%s", q)
	}
	var list struct {
		Value []json.RawMessage `json:"value"`
	}
	json.Unmarshal([]byte(f.call("GET", "/subscriptions/"+f.tenant.Subscription.ID+"/providers/Microsoft.Logic/workflows?api-version=2019-05-01", "")), &list)
	if len(list.Value) != 1 {
		t.Errorf("workflows of the subscription = %d", len(list.Value))
	}
}

// TestWorkflowErrors: ARM's answers for bad requests on the Logic Apps types, and tenant
// isolation (one tenant's runs are not another's).
func TestWorkflowErrors(t *testing.T) {
	f := newFixture(t)
	wf := f.playbookID()
	cases := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", wf + "?api-version=2019-05-01", 200, ""},
		{"GET", wf + "/runs?api-version=2019-05-01", 200, ""},
		{"GET", strings.Replace(wf, "playbook-compromise-response", "nope", 1) + "?api-version=2019-05-01", 404, "ResourceNotFound"},
		{"GET", strings.Replace(wf, "playbook-compromise-response", "nope", 1) + "/runs?api-version=2019-05-01", 404, "ResourceNotFound"},
		{"GET", wf + "/runs/08584000000000000000000CU00?api-version=2019-05-01", 404, "WorkflowRunNotFound"},
		{"GET", wf + "/runs?api-version=2019-05-01&$top=0", 400, "InvalidQueryParameterValue"},
		{"GET", wf + "/runs?api-version=2019-05-01&$top=x", 400, "InvalidQueryParameterValue"},
		{"GET", wf + "?api-version=2099-01-01", 400, "NoRegisteredProviderFound"},
		{"GET", wf, 400, "MissingApiVersionParameter"},
		{"PUT", wf + "?api-version=2019-05-01", 405, "HttpMethodNotAllowed"},
		{"GET", strings.Replace(wf, labGroup, "rg-nope", 1) + "?api-version=2019-05-01", 404, "ResourceGroupNotFound"},
	}
	for _, c := range cases {
		status, body := f.request(c.method, c.path, "")
		if status != c.status || gjson.Get(body, "error.code").String() != c.code {
			t.Errorf("%s %s = %d %s; want %d %s", c.method, c.path, status, body, c.status, c.code)
		}
	}
	// Another tenant: its own playbook, none of this tenant's runs; this tenant's ids are
	// another subscription to it.
	f.onboard()
	f.at("07:30")
	f.automationRule("r", `{"displayName":"Run","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+wf+`"}}]}`)
	f.createIncident("09:00", sentinel.NewIncident{Title: "x", Severity: "Low"}, sentinel.NewAlert{DisplayName: "x", Severity: "Low"})
	f.at("09:30")
	if n := len(gjson.Get(f.call("GET", wf+"/runs?api-version=2019-05-01", ""), "value").Array()); n != 1 {
		t.Fatalf("runs in the first tenant = %d", n)
	}
	other, err := f.world.AddTenant("learner02")
	if err != nil {
		t.Fatal(err)
	}
	first := f.tenant
	f.use(other)
	if status, body := f.request("GET", wf+"/runs?api-version=2019-05-01", ""); status != 404 {
		t.Errorf("another tenant reading the first's runs = %d %s", status, body)
	}
	if n := len(gjson.Get(f.call("GET", f.playbookID()+"/runs?api-version=2019-05-01", ""), "value").Array()); n != 0 {
		t.Errorf("runs of the other tenant's own playbook = %d", n)
	}
	// The second tenant's rule naming the first tenant's playbook fails: another subscription.
	f.onboard()
	f.at("07:30")
	f.automationRule("r", `{"displayName":"Run","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+wf+`"}}]}`)
	f.createIncident("09:00", sentinel.NewIncident{Title: "x", Severity: "Low"}, sentinel.NewAlert{DisplayName: "x", Severity: "Low"})
	f.at("09:30")
	got := f.incidents()
	if len(got) != 1 || !strings.Contains(strings.Join(got[0].Activity, "\n"), "could not trigger playbook: playbook-compromise-response.") {
		t.Errorf("second tenant's incident: %+v", got)
	}
	f.use(first)
	if n := len(gjson.Get(f.call("GET", wf+"/runs?api-version=2019-05-01", ""), "value").Array()); n != 1 {
		t.Errorf("runs in the first tenant after the second's rule = %d", n)
	}
}

// TestAlertTrigger: alert-trigger rules run on analytics rules' alerts (api-versions after
// 2022-06-01-preview), conditioned on the rule; they run alert-trigger playbooks and refuse the
// incident-trigger one; their health records say so.
func TestAlertTrigger(t *testing.T) {
	f := newFixture(t)
	f.onboard()
	f.at("07:30")
	alertBook := strings.Replace(f.playbookID(), "playbook-compromise-response", "playbook-alert-ticket", 1)
	err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: alertBook, Type: "Microsoft.Logic/workflows", Body: []byte(`{"id":"` + alertBook +
			`","name":"playbook-alert-ticket","type":"Microsoft.Logic/workflows","location":"eastus","properties":{"state":"Enabled",
			"definition":{"triggers":{"Microsoft_Sentinel_alert":{"type":"ApiConnectionWebhook","inputs":{"path":"/subscribe"}}},"actions":{}}}}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	ruleID := f.wsID + "/providers/Microsoft.SecurityInsights/alertRules/rule-post-compromise-cred-access"
	f.automationRule("a-alert", `{"displayName":"Ticket","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Alerts","triggersWhen":"Created",
	  "conditions":[`+prop("AlertAnalyticRuleIds", "Contains", "rule-post-compromise-cred-access")+`]},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+alertBook+`"}},
	   {"order":2,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+f.playbookID()+`"}}]}`)
	f.automationRule("a-other", `{"displayName":"Other rule","order":2,"triggeringLogic":{"isEnabled":true,"triggersOn":"Alerts","triggersWhen":"Created",
	  "conditions":[`+prop("AlertAnalyticRuleIds", "Contains", "rule-lateral-movement-detection")+`]},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+alertBook+`"}}]}`)
	f.automationRule("i-wrong-book", `{"displayName":"Incident with alert book","order":3,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+alertBook+`"}}]}`)
	f.createIncident("09:00", sentinel.NewIncident{Title: "Cred access", Severity: "High"},
		sentinel.NewAlert{RuleID: ruleID, DisplayName: "Cred access", Severity: "High"})
	f.createIncident("09:10", sentinel.NewIncident{Title: "No rule", Severity: "Low"}, sentinel.NewAlert{DisplayName: "Manual", Severity: "Low"})
	f.at("09:30")
	f.at("09:40") // nothing twice
	wantEqual(t, "SentinelHealth", f.kql(`SentinelHealth | where OperationName == "Automation rule run" | order by TimeGenerated asc, SentinelResourceName asc
		| project TimeGenerated, SentinelResourceName, Status, Description, on = tostring(ExtendedProperties.TriggeredOn),
		    ok = toint(ExtendedProperties.ActionsTriggeredSuccessfully), total = toint(ExtendedProperties.TotalActions), runs = array_length(ExtendedProperties.TriggeredPlaybooks)`), []string{
		"2025-01-15T09:00:01Z | Incident with alert book | Failure | " + UnsupportedTriggerMessage("playbook-alert-ticket") + " | Incident | 0 | 1 | 0",
		"2025-01-15T09:00:01Z | Ticket | Partial success | " + UnsupportedTriggerMessage("playbook-compromise-response") + " | Alert | 1 | 2 | 1",
		"2025-01-15T09:10:01Z | Incident with alert book | Failure | " + UnsupportedTriggerMessage("playbook-alert-ticket") + " | Incident | 0 | 1 | 0",
	})
	runs := gjson.Get(f.call("GET", alertBook+"/runs?api-version=2019-05-01", ""), "value.#.properties.trigger.name").String()
	if runs != `["Microsoft_Sentinel_alert"]` {
		t.Errorf("alert playbook runs: %s", runs)
	}
	if n := len(gjson.Get(f.call("GET", f.playbookID()+"/runs?api-version=2019-05-01", ""), "value").Array()); n != 0 {
		t.Errorf("the incident playbook ran %d times from an alert rule", n)
	}
}
