package sentinel

import (
	"encoding/json"
	"strings"
	"testing"
)

// validAutomation is the lab's automation rule with a GUID owner (challenge.md Task 5).
const validAutomation = `{"properties":{"displayName":"Auto-Respond","order":1,
 "triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created","conditions":[
  {"conditionType":"Property","conditionProperties":{"propertyName":"IncidentSeverity","operator":"Equals","propertyValues":["High"]}},
  {"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[
    {"conditionType":"Property","conditionProperties":{"propertyName":"IncidentTactics","operator":"Contains","propertyValues":["InitialAccess"]}},
    {"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Alerts","changeType":"Added"}}]}}]},
 "actions":[{"actionType":"ModifyProperties","order":1,"actionConfiguration":{"severity":"High","status":"Active","owner":{"objectId":"5f3b1c2a-7d4e-4a8b-9c1d-2e3f4a5b6c7d","assignedTo":"SOC Tier 2"}}},
  {"actionType":"RunPlaybook","order":2,"actionConfiguration":{"logicAppResourceId":"/subscriptions/{subA}/resourceGroups/rg/providers/Microsoft.Logic/workflows/pb","tenantId":"{tidA}"}}]}}`

// TestAutomationRuleInvalid: each invalid property is refused naming it; nothing stored.
func TestAutomationRuleInvalid(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	path := siPath + "/automationRules/a1?api-version=" + apiV
	if r := f.do("tok-a", "PUT", path, validAutomation); r.status != 201 {
		t.Fatalf("valid rule: %d %s", r.status, r.body)
	}
	f.do("tok-a", "DELETE", path, "")
	cases := []struct{ name, from, to, msg string }{
		{"owner not a GUID", `"5f3b1c2a-7d4e-4a8b-9c1d-2e3f4a5b6c7d"`, `"soc-tier2-group-object-id"`,
			"Error converting value \"soc-tier2-group-object-id\" to type 'System.Nullable`1[System.Guid]'. Path 'properties.actions[0].actionConfiguration.owner.objectId'."},
		{"order out of range", `"order":1,`, `"order":1001,`, "The value 1001 of property 'properties.order' is out of range: it must be between 1 and 1000."},
		{"no display name", `"displayName":"Auto-Respond",`, ``, "Required property 'displayName' not found in JSON. Path 'properties'."},
		{"alerts trigger in 2022-06-01-preview", `"triggersOn":"Incidents"`, `"triggersOn":"Alerts"`, "The value 'Alerts' of property 'properties.triggeringLogic.triggersOn' is not valid. Valid values are: Incidents."},
		{"bad trigger time", `"triggersWhen":"Created"`, `"triggersWhen":"Closed"`, "The value 'Closed' of property 'properties.triggeringLogic.triggersWhen' is not valid. Valid values are: Created, Updated."},
		{"bad property name", `"IncidentSeverity"`, `"Severity"`, "The value 'Severity' of property 'properties.triggeringLogic.conditions[0].conditionProperties.propertyName' is not valid. Valid values are: " + strings.Join(conditionNames(), ", ") + "."},
		{"bad operator", `"operator":"Equals"`, `"operator":"Is"`, "The value 'Is' of property 'properties.triggeringLogic.conditions[0].conditionProperties.operator' is not valid. Valid values are: Equals, NotEquals, Contains, NotContains, StartsWith, NotStartsWith, EndsWith, NotEndsWith."},
		{"bad condition type", `"conditionType":"PropertyArrayChanged"`, `"conditionType":"ArrayChanged"`, "The value 'ArrayChanged' of property 'properties.triggeringLogic.conditions[1].conditionProperties.innerConditions[1].conditionType' is not valid. Valid values are: Property, PropertyArray, PropertyChanged, PropertyArrayChanged, Boolean."},
		{"bad action type", `"actionType":"RunPlaybook"`, `"actionType":"Playbook"`, "The value 'Playbook' of property 'properties.actions[1].actionType' is not valid. Valid values are: ModifyProperties, RunPlaybook, AddIncidentTask."},
		{"bad playbook id", `/providers/Microsoft.Logic/workflows/pb`, `/providers/Microsoft.Web/sites/pb`, "The value '/subscriptions/{subA}/resourceGroups/rg/providers/Microsoft.Web/sites/pb' of property 'properties.actions[1].actionConfiguration.logicAppResourceId' is not the resource id of a Logic App (/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name})."},
		{"bad status", `"status":"Active"`, `"status":"Open"`, "The value 'Open' of property 'properties.actions[0].actionConfiguration.status' is not valid. Valid values are: New, Active, Closed."},
		{"closing without classification", `"status":"Active"`, `"status":"Closed"`, "Closing an incident requires a classification: property 'properties.actions[0].actionConfiguration.classification' is missing."},
		{"no actions", `"actions":[`, `"actions":[],"x":[`, "The property 'properties.actions' must contain at least one action."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(validAutomation, tc.from, tc.to, 1)
			if body == validAutomation {
				t.Fatalf("case does not change the body")
			}
			r := f.do("tok-a", "PUT", path, body)
			msg := f.expand(tc.msg)
			if r.status != 400 || field(t, r.body, "error.code") != "BadRequest" || field(t, r.body, "error.message") != msg {
				t.Fatalf("%d %s\nwant message %s", r.status, r.body, msg)
			}
			if g := f.do("tok-a", "GET", path, ""); g.status != 404 {
				t.Fatalf("refused rule stored: %d", g.status)
			}
		})
	}
}

// conditionNames is the propertyName enum as the refusal lists it.
func conditionNames() []string {
	return []string{"IncidentTitle", "IncidentDescription", "IncidentSeverity", "IncidentStatus",
		"IncidentRelatedAnalyticRuleIds", "IncidentTactics", "IncidentLabel", "IncidentProviderName", "IncidentUpdatedBySource",
		"IncidentCustomDetailsKey", "IncidentCustomDetailsValue", "AccountAadTenantId", "AccountAadUserId", "AccountName",
		"AccountNTDomain", "AccountPUID", "AccountSid", "AccountObjectGuid", "AccountUPNSuffix", "AlertProductNames",
		"AlertAnalyticRuleIds", "AzureResourceResourceId", "AzureResourceSubscriptionId", "CloudApplicationAppId",
		"CloudApplicationAppName", "DNSDomainName", "FileDirectory", "FileName", "FileHashValue", "HostAzureID", "HostName",
		"HostNetBiosName", "HostNTDomain", "HostOSVersion", "IoTDeviceId", "IoTDeviceName", "IoTDeviceType", "IoTDeviceVendor",
		"IoTDeviceModel", "IoTDeviceOperatingSystem", "IPAddress", "MailboxDisplayName", "MailboxPrimaryAddress", "MailboxUPN",
		"MailMessageDeliveryAction", "MailMessageDeliveryLocation", "MailMessageRecipient", "MailMessageSenderIP",
		"MailMessageSubject", "MailMessageP1Sender", "MailMessageP2Sender", "MalwareCategory", "MalwareName",
		"ProcessCommandLine", "ProcessId", "RegistryKey", "RegistryValueData", "Url"}
}

// TestAutomationRuleBody checks the stored rule: conditions and actions keep their shape,
// creation and modification info is filled; a later api-version accepts Alerts triggers.
func TestAutomationRuleBody(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	r := f.do("tok-a", "PUT", siPath+"/automationRules/a1?api-version="+apiV, validAutomation)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var got struct {
		Properties struct {
			TriggeringLogic struct {
				Conditions []map[string]any `json:"conditions"`
			} `json:"triggeringLogic"`
			Actions        []map[string]any `json:"actions"`
			CreatedTimeUtc string           `json:"createdTimeUtc"`
			CreatedBy      map[string]any   `json:"createdBy"`
		} `json:"properties"`
	}
	json.Unmarshal([]byte(r.body), &got)
	p := got.Properties
	if len(p.TriggeringLogic.Conditions) != 2 || len(p.Actions) != 2 || p.CreatedTimeUtc != "2025-01-15T07:00:00.0000000Z" || p.CreatedBy["objectId"] != f.a.ServicePrincipal.ObjectID {
		t.Fatalf("body: %s", r.body)
	}
	inner := p.TriggeringLogic.Conditions[1]["conditionProperties"].(map[string]any)["innerConditions"].([]any)
	if len(inner) != 2 || inner[1].(map[string]any)["conditionProperties"].(map[string]any)["arrayType"] != "Alerts" {
		t.Fatalf("boolean condition: %s", r.body)
	}
	alerts := strings.Replace(validAutomation, `"triggersOn":"Incidents"`, `"triggersOn":"alerts"`, 1)
	if r := f.do("tok-a", "PUT", siPath+"/automationRules/a2?api-version=2025-07-01-preview", alerts); r.status != 201 || field(t, r.body, "properties.triggeringLogic.triggersOn") != "Alerts" {
		t.Fatalf("Alerts trigger in 2025-07-01-preview: %d %s", r.status, r.body)
	}
}

// TestDataConnector covers the MicrosoftThreatProtection connector and its refusals.
func TestDataConnector(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	path := siPath + "/dataConnectors/MicrosoftThreatProtection?api-version="
	good := `{"kind":"MicrosoftThreatProtection","properties":{"tenantId":"{tidA}","dataTypes":{"incidents":{"state":"enabled"},"alerts":{"state":"Enabled"}}}}`
	// 2022-06-01-preview has no alerts data type: it is dropped, as the service's model does.
	r := f.do("tok-a", "PUT", path+apiV, good)
	if r.status != 201 || field(t, r.body, "properties.dataTypes.incidents.state") != "Enabled" || field(t, r.body, "properties.dataTypes.alerts") != nil {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "PUT", path+"2025-07-01-preview", good); r.status != 200 || field(t, r.body, "properties.dataTypes.alerts.state") != "Enabled" {
		t.Fatalf("update in a later preview: %d %s", r.status, r.body)
	}
	for _, tc := range []struct{ name, version, body, msg string }{
		{"stable version", "2024-09-01", good, "The data connector kind 'MicrosoftThreatProtection' is not valid for this api-version."},
		{"unknown kind", apiV, strings.Replace(good, `"MicrosoftThreatProtection"`, `"DefenderXDR"`, 1), "The data connector kind 'DefenderXDR' is not valid for this api-version."},
		{"other kind", apiV, strings.Replace(good, `"MicrosoftThreatProtection"`, `"Office365"`, 1), "Data connectors of kind 'Office365' are not available in this lab; the lab connects Microsoft Defender XDR with kind 'MicrosoftThreatProtection'."},
		{"no tenant", apiV, strings.Replace(good, `"tenantId":"{tidA}",`, ``, 1), "Required property 'tenantId' not found in JSON. Path 'properties'."},
		{"other tenant", apiV, strings.Replace(good, `{tidA}`, `{tidB}`, 1), "The tenant '{tidB}' in property 'properties.tenantId' is not the workspace's tenant '{tidA}'; the connector can only connect the workspace's own tenant."},
		{"bad state", apiV, strings.Replace(good, `"enabled"`, `"On"`, 1), "The value 'On' of property 'properties.dataTypes.incidents.state' is not valid. Valid values are: Enabled, Disabled."},
		{"no incidents", apiV, `{"kind":"MicrosoftThreatProtection","properties":{"tenantId":"{tidA}","dataTypes":{}}}`, "Required property 'incidents' not found in JSON. Path 'properties.dataTypes'."},
	} {
		r := f.do("tok-a", "PUT", strings.Replace(path, "MicrosoftThreatProtection?", "c2?", 1)+tc.version, tc.body)
		if r.status != 400 || field(t, r.body, "error.message") != f.expand(tc.msg) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
	}
	if r := f.do("tok-a", "GET", strings.Replace(path, "MicrosoftThreatProtection?", "c2?", 1)+apiV, ""); r.status != 404 {
		t.Errorf("refused connector stored: %d", r.status)
	}
	if r := f.do("tok-a", "GET", siPath+"/dataConnectors?api-version="+apiV, ""); len(field(t, r.body, "value").([]any)) != 1 {
		t.Errorf("list: %s", r.body)
	}
}
