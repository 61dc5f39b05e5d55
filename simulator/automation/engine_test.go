package automation

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/tidwall/gjson"
)

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// rules of the actions test: order, chaining into update rules, disabled, expired, closing.
var actionRules = []struct{ name, props string }{
	{"r-raise", `{"displayName":"Raise sign-ins","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
	  "conditions":[` + prop("IncidentTitle", "Contains", "sign-in") + `]},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"severity":"High","labels":[{"labelName":"triage"}]}}]}`},
	{"r-assign", `{"displayName":"Assign high","order":2,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
	  "conditions":[` + prop("IncidentSeverity", "Equals", "High") + `]},
	  "actions":[{"order":2,"actionType":"AddIncidentTask","actionConfiguration":{"title":"Reset the account's password","description":"Then revoke its sessions."}},
	   {"order":1,"actionType":"ModifyProperties","actionConfiguration":{"status":"Active","owner":{"objectId":"` + tier2Group + `","assignedTo":"SOC Tier 2"}}}]}`},
	{"r-medium", `{"displayName":"Only medium","order":3,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
	  "conditions":[` + prop("IncidentSeverity", "Equals", "Medium") + `]},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"medium"}]}}]}`},
	{"r-disabled", `{"displayName":"Disabled","order":4,"triggeringLogic":{"isEnabled":false,"triggersOn":"Incidents","triggersWhen":"Created"},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"disabled"}]}}]}`},
	{"r-expired", `{"displayName":"Expired","order":5,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created","expirationTimeUtc":"2025-01-15T08:00:00Z"},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"expired"}]}}]}`},
	{"r-activated", `{"displayName":"On activation","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Updated",
	  "conditions":[{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo","operator":"Equals","propertyValues":["Active"]}}]},
	  "actions":[{"order":1,"actionType":"AddIncidentTask","actionConfiguration":{"title":"Notify the identity team"}}]}`},
	{"r-others", `{"displayName":"Not by automation","order":2,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Updated",
	  "conditions":[` + prop("IncidentUpdatedBySource", "NotEquals", "AutomationRule", "Playbook") + `]},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"by-others"}]}}]}`},
	{"r-loop", `{"displayName":"Loop","order":3,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Updated",
	  "conditions":[{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Labels","changeType":"Added"}}]},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"loop"}]}}]}`},
	{"r-close", `{"displayName":"Close scanners","order":6,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
	  "conditions":[` + prop("IncidentTitle", "StartsWith", "benign") + `]},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"status":"Closed","classification":"BenignPositive","classificationReason":"SuspiciousButExpected","classificationComment":"Weekly scanner"}}]}`},
}

func TestActions(t *testing.T) {
	f := newFixture(t)
	f.onboard()
	f.at("07:30")
	for _, r := range actionRules {
		f.automationRule(r.name, r.props)
	}
	acct := sentinel.NewEntity{Kind: "Account", Properties: map[string]any{"accountName": "alex.johnson", "upnSuffix": "contoso.com"}}
	signin := f.createIncident("09:00", sentinel.NewIncident{Title: "Suspicious sign-in", Severity: "Medium"},
		sentinel.NewAlert{DisplayName: "Suspicious sign-in", Severity: "Medium", Tactics: []string{"InitialAccess"}, Entities: []sentinel.NewEntity{acct}})
	f.createIncident("09:05", sentinel.NewIncident{Title: "Benign scanner activity", Severity: "Low"},
		sentinel.NewAlert{DisplayName: "Benign scanner activity", Severity: "Low"})
	f.at("09:30")

	sp := f.tenant.ServicePrincipal.AppID
	want := []incidentView{{
		ID: signin, Title: "Suspicious sign-in", Severity: "High", Status: "Active", Owner: tier2Group + "/SOC Tier 2", OwnerType: "Group",
		Labels: []string{"triage:User", "loop:User"}, Tasks: []string{"Reset the account's password (New)", "Notify the identity team (New)"},
		Activity: []string{
			"Microsoft Sentinel created the incident",
			"Automation rule 'Raise sign-ins' changed severity from Medium to High",
			"Automation rule 'Raise sign-ins' added tag 'triage'",
			"Automation rule 'Assign high' changed status from New to Active",
			"Automation rule 'Assign high' assigned the incident to SOC Tier 2",
			"Automation rule 'Assign high' added task 'Reset the account's password'",
			// Update rules run on the create rules' changes (merged into one update), in their
			// own order; the loop rule's own change does not trigger update rules again.
			"Automation rule 'On activation' added task 'Notify the identity team'",
			"Automation rule 'Loop' added tag 'loop'",
		},
	}, {
		Title: "Benign scanner activity", Severity: "Low", Status: "Closed", Classification: "BenignPositive", Reason: "SuspiciousButExpected",
		Owner: "/", OwnerType: "Unknown",
		Activity: []string{
			"Microsoft Sentinel created the incident",
			"Automation rule 'Close scanners' changed status from New to Closed",
			"Automation rule 'Close scanners' changed classification to BenignPositive - SuspiciousButExpected",
		},
	}}
	check := func(when string) {
		t.Helper()
		got := f.incidents()
		if len(got) == 2 {
			want[1].ID = got[1].ID
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %+v\nwant %+v", when, got, want)
		}
	}
	check("after the rules ran")
	tasks := gjson.Get(f.call("GET", signin+"/tasks?api-version=2023-02-01", ""), "value")
	if n := len(tasks.Array()); n != 2 || tasks.Get("0.type").String() != "Microsoft.SecurityInsights/Incidents/Tasks" ||
		!strings.HasPrefix(tasks.Get("0.id").String(), signin+"/tasks/") || tasks.Get("#.properties.status").String() != `["New","New"]` {
		t.Errorf("tasks through ARM: %s", tasks.Raw)
	}

	// Exactly once: again, and with a fresh engine (a restarted server).
	f.at("10:00")
	check("after another Advance")
	f.auto = New(f.logs, Options{Directory: groups{tier2Group: "SOC Tier 2"}})
	f.at("10:00")
	check("after a restart")

	// A user's update triggers update rules (Updated by = User); the rule's own label change
	// does not trigger update rules again (r-loop stays quiet on it).
	path := signin + "?api-version=" + previewAPI
	var inc sentinel.Incident
	jsonUnmarshal([]byte(f.call("GET", path, "")), &inc)
	inc.Properties.Severity = ptr("Medium")
	body, _ := json.Marshal(map[string]any{"etag": inc.Etag, "properties": inc.Properties})
	f.call("PUT", path, string(body))
	f.at("10:30")
	want[0].Severity = "Medium"
	want[0].Labels = []string{"triage:User", "loop:User", "by-others:User"}
	want[0].Activity = append(want[0].Activity,
		sp+" changed severity from High to Medium",
		"Automation rule 'Not by automation' added tag 'by-others'")
	check("after a user's update")
	// SecurityIncident has a row per update: the automation's (one per handled event, by the
	// last actor) and the user's, in time order.
	wantEqual(t, "SecurityIncident", f.kql(`SecurityIncident | where IncidentName == "`+signin[strings.LastIndex(signin, "/")+1:]+`"
		| order by TimeGenerated asc | project TimeGenerated, Severity, Status, ModifiedBy, Labels = array_length(Labels), Tasks = array_length(Tasks)`), []string{
		"2025-01-15T09:00:01Z | High | Active | Automation rule 'Assign high' | 1 | 1",
		"2025-01-15T09:00:02Z | High | Active | Automation rule 'Loop' | 2 | 2",
		"2025-01-15T10:00:00Z | Medium | Active | " + sp + " | 2 | 2",
		"2025-01-15T10:00:01Z | Medium | Active | Automation rule 'Not by automation' | 3 | 2",
	})

	// A comment through ARM is an update by the user (comments added): recorded, no rule acts.
	f.call("PUT", signin+"/comments/c1?api-version="+previewAPI, `{"properties":{"message":"Looking into it."}}`)
	f.at("10:35")
	got := f.incidents()[0]
	if last := got.Activity[len(got.Activity)-1]; last != sp+" added a comment" || len(got.Comments) != 1 {
		t.Errorf("after a user's comment: activity ends %q, comments %q", last, got.Comments)
	}

	// A rule created after an event does not run on it.
	late := f.createIncident("10:40", sentinel.NewIncident{Title: "Late sign-in", Severity: "High"}, sentinel.NewAlert{DisplayName: "Late", Severity: "High"})
	f.at("10:45")
	f.automationRule("r-late", `{"displayName":"Late","order":7,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},
	  "actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"late"}]}}]}`)
	f.at("11:00")
	for _, v := range f.incidents() {
		if v.ID == late && strings.Contains(strings.Join(v.Labels, ","), "late") {
			t.Errorf("a rule created after the incident ran on it: %+v", v)
		}
	}
}

// TestOwner: what the rule gives is kept, the directory fills in the rest.
func TestOwner(t *testing.T) {
	lookup, _ := groups{tier2Group: "SOC Tier 2"}.Owners("t")
	show := func(o *sentinel.Owner) string {
		return deref(o.ObjectID) + "|" + deref(o.AssignedTo) + "|" + deref(o.UserPrincipalName) + "|" + deref(o.OwnerType)
	}
	cases := []struct {
		in   sentinel.Owner
		want string
	}{
		{sentinel.Owner{ObjectID: ptr(tier2Group)}, tier2Group + "|SOC Tier 2||Group"},
		{sentinel.Owner{ObjectID: ptr(tier2Group), AssignedTo: ptr("Tier 2 on call")}, tier2Group + "|Tier 2 on call||Group"},
		{sentinel.Owner{ObjectID: ptr(tier2Group), OwnerType: ptr("User")}, tier2Group + "|SOC Tier 2||User"},
		{sentinel.Owner{ObjectID: ptr("0f7b1e2c-0000-4000-8000-000000000001"), UserPrincipalName: ptr("priya.patel@contoso.com")}, "0f7b1e2c-0000-4000-8000-000000000001||priya.patel@contoso.com|User"},
		{sentinel.Owner{AssignedTo: ptr("someone")}, "|someone||Unknown"},
	}
	for _, c := range cases {
		got, err := completeOwner(nil, c.in, lookup)
		if err != nil || show(got) != c.want {
			t.Errorf("completeOwner(%s) = %s, %v; want %s", show(&c.in), show(got), err, c.want)
		}
	}
	if got, _ := completeOwner(nil, sentinel.Owner{ObjectID: ptr(tier2Group)}, nil); show(got) != tier2Group+"|||User" {
		t.Errorf("without a directory: %s", show(got))
	}
}
