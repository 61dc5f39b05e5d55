package sentinel

import (
	"encoding/json"
	"strings"
	"testing"
)

// fullRule is a valid Scheduled rule using every property group.
func fullRule() map[string]any {
	var m map[string]any
	json.Unmarshal([]byte(`{"kind":"Scheduled","properties":{
	 "displayName":"Risky sign-in","description":"d","severity":"high","enabled":true,
	 "query":"SigninLogs | where ResultType == 0 | project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName",
	 "queryFrequency":"PT15M","queryPeriod":"PT1H","triggerOperator":"GreaterThan","triggerThreshold":0,
	 "suppressionDuration":"PT1H","suppressionEnabled":false,
	 "tactics":["InitialAccess"],"techniques":["T1078"],"subTechniques":["T1078.004"],
	 "eventGroupingSettings":{"aggregationKind":"AlertPerResult"},
	 "entityMappings":[{"entityType":"Account","fieldMappings":[{"identifier":"FullName","columnName":"UserPrincipalName"}]},
	                   {"entityType":"IP","fieldMappings":[{"identifier":"Address","columnName":"IPAddress"}]}],
	 "customDetails":{"App":"AppDisplayName"},
	 "alertDetailsOverride":{"alertDisplayNameFormat":"Sign-in by {{UserPrincipalName}}","alertDynamicProperties":[{"alertProperty":"ProductName","value":"AppDisplayName"}]},
	 "incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,
	   "lookbackDuration":"PT5H","matchingMethod":"Selected","groupByEntities":["Account"],"groupByAlertDetails":["DisplayName"],"groupByCustomDetails":["App"]}}}}`), &m)
	return m
}

func props(m map[string]any) map[string]any { return m["properties"].(map[string]any) }

func grouping(m map[string]any) map[string]any {
	return props(m)["incidentConfiguration"].(map[string]any)["groupingConfiguration"].(map[string]any)
}

// TestRuleFullBody checks the exact body of a created rule: canonical enum case, defaults
// and read-only fields.
func TestRuleFullBody(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	body, _ := json.Marshal(fullRule())
	r := f.do("tok-a", "PUT", siPath+"/alertRules/rule-1?api-version="+apiV, string(body))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	got := f.do("tok-a", "GET", siPath+"/alertRules/RULE-1?api-version=2024-09-01", "")
	want := compact(t, `{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified/providers/Microsoft.SecurityInsights/alertRules/rule-1",
	 "name":"rule-1","type":"Microsoft.SecurityInsights/alertRules","kind":"Scheduled","etag":"\"{guid}\"",
	 "properties":{"displayName":"Risky sign-in","description":"d","severity":"High","enabled":true,
	  "query":"SigninLogs | where ResultType == 0 | project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName",
	  "queryFrequency":"PT15M","queryPeriod":"PT1H","triggerOperator":"GreaterThan","triggerThreshold":0,
	  "suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":["InitialAccess"],"techniques":["T1078"],"subTechniques":["T1078.004"],
	  "alertRuleTemplateName":null,"lastModifiedUtc":"2025-01-15T07:00:00.0000000Z","eventGroupingSettings":{"aggregationKind":"AlertPerResult"},
	  "customDetails":{"App":"AppDisplayName"},
	  "entityMappings":[{"entityType":"Account","fieldMappings":[{"identifier":"FullName","columnName":"UserPrincipalName"}]},{"entityType":"IP","fieldMappings":[{"identifier":"Address","columnName":"IPAddress"}]}],
	  "alertDetailsOverride":{"alertDisplayNameFormat":"Sign-in by {{UserPrincipalName}}","alertDynamicProperties":[{"alertProperty":"ProductName","value":"AppDisplayName"}]},
	  "incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT5H","matchingMethod":"Selected","groupByEntities":["Account"],"groupByAlertDetails":["DisplayName"],"groupByCustomDetails":["App"]}}},
	 "systemData":{"createdBy":"{appA}","createdByType":"Application","createdAt":"2025-01-15T07:00:00.0000000Z","lastModifiedBy":"{appA}","lastModifiedByType":"Application","lastModifiedAt":"2025-01-15T07:00:00.0000000Z"}}`)
	if got.status != 200 || compact(t, f.normalize(got.body)) != want {
		t.Fatalf("GET: %d\n got %s\nwant %s", got.status, f.normalize(got.body), want)
	}
}

// TestRuleInvalid sends one invalid property per case: each gets Sentinel's 400 naming it
// and nothing is stored.
func TestRuleInvalid(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	cases := []struct {
		name    string
		version string
		change  func(m map[string]any)
		raw     string // a raw body instead of the changed full rule
		code    string
		msg     string
		// parts replace msg where the text comes from the KQL engine and may be reworded.
		parts []string
	}{
		{name: "no kind", change: func(m map[string]any) { delete(m, "kind") }, msg: "Required property 'kind' not found in JSON. Path ''."},
		{name: "unknown kind", change: func(m map[string]any) { m["kind"] = "Bogus" }, msg: "The value 'Bogus' of property 'kind' is not valid. Valid values are: Scheduled, MicrosoftSecurityIncidentCreation, Fusion, MLBehaviorAnalytics, ThreatIntelligence, NRT."},
		{name: "NRT in a stable version", version: "2024-09-01", change: func(m map[string]any) { m["kind"] = "NRT" }, msg: "The value 'NRT' of property 'kind' is not valid. Valid values are: Scheduled, MicrosoftSecurityIncidentCreation, Fusion, MLBehaviorAnalytics, ThreatIntelligence."},
		{name: "Fusion", change: func(m map[string]any) { m["kind"] = "Fusion" }, msg: "Alert rules of kind 'Fusion' are managed by Microsoft in this lab; create Scheduled or NRT rules."},
		{name: "no displayName", change: func(m map[string]any) { delete(props(m), "displayName") }, msg: "Required property 'displayName' not found in JSON. Path 'properties'."},
		{name: "no enabled", change: func(m map[string]any) { delete(props(m), "enabled") }, msg: "Required property 'enabled' not found in JSON. Path 'properties'."},
		{name: "no severity", change: func(m map[string]any) { delete(props(m), "severity") }, msg: "Required property 'severity' not found in JSON. Path 'properties'."},
		{name: "bad severity", change: func(m map[string]any) { props(m)["severity"] = "Critical" }, msg: "The value 'Critical' of property 'properties.severity' is not valid. Valid values are: High, Medium, Low, Informational."},
		{name: "empty query", change: func(m map[string]any) { props(m)["query"] = " " }, msg: "The property 'properties.query' must not be empty."},
		{name: "query too long", change: func(m map[string]any) { props(m)["query"] = "SigninLogs" + strings.Repeat(" ", 10000) }, msg: "The property 'properties.query' is 10010 characters long; the limit is 10000."},
		{name: "no queryFrequency", change: func(m map[string]any) { delete(props(m), "queryFrequency") }, msg: "Required property 'queryFrequency' not found in JSON. Path 'properties'."},
		{name: "bad duration", change: func(m map[string]any) { props(m)["queryFrequency"] = "15m" }, msg: "The value '15m' of property 'properties.queryFrequency' is not a valid ISO 8601 duration (for example PT5M, PT1H, P1D)."},
		{name: "frequency too short", change: func(m map[string]any) { props(m)["queryFrequency"] = "PT1M" }, msg: "Query frequency must be between 5 minutes and 14 days; 'PT1M' was given in property 'properties.queryFrequency'."},
		{name: "period too long", change: func(m map[string]any) { props(m)["queryPeriod"] = "P15D" }, msg: "Query period must be between 5 minutes and 14 days; 'P15D' was given in property 'properties.queryPeriod'."},
		{name: "frequency above period", change: func(m map[string]any) { props(m)["queryFrequency"] = "PT2H" }, msg: "Query frequency ('PT2H' in property 'properties.queryFrequency') must be less than or equal to the query period ('PT1H' in property 'properties.queryPeriod'), otherwise the rule would not look at every event."},
		{name: "bad trigger operator", change: func(m map[string]any) { props(m)["triggerOperator"] = "GreaterOrEqual" }, msg: "The value 'GreaterOrEqual' of property 'properties.triggerOperator' is not valid. Valid values are: GreaterThan, LessThan, Equal, NotEqual."},
		{name: "negative threshold", change: func(m map[string]any) { props(m)["triggerThreshold"] = -1 }, msg: "The value -1 of property 'properties.triggerThreshold' is out of range: it must be between 0 and 10000."},
		{name: "threshold as text", change: func(m map[string]any) { props(m)["triggerThreshold"] = "1" }, code: "InvalidRequestContent"},
		{name: "suppression too long", change: func(m map[string]any) { props(m)["suppressionDuration"] = "P2D" }, msg: "Suppression duration must be between 5 minutes and 24 hours; 'P2D' was given in property 'properties.suppressionDuration'."},
		{name: "bad tactic", change: func(m map[string]any) { props(m)["tactics"] = []string{"InitialAcces"} }, msg: "The value 'InitialAcces' of property 'properties.tactics[0]' is not valid. Valid values are: Reconnaissance, ResourceDevelopment, InitialAccess, Execution, Persistence, PrivilegeEscalation, DefenseEvasion, CredentialAccess, Discovery, LateralMovement, Collection, Exfiltration, CommandAndControl, Impact, PreAttack, ImpairProcessControl, InhibitResponseFunction."},
		{name: "bad technique", change: func(m map[string]any) { props(m)["techniques"] = []string{"1078"} }, msg: "The technique '1078' in property 'properties.techniques[0]' is not valid: techniques are MITRE ATT&CK ids of the form T1234."},
		{name: "sub-technique as technique", change: func(m map[string]any) { props(m)["techniques"] = []string{"T1078.004"} }, msg: "The technique 'T1078.004' in property 'properties.techniques[0]' is not valid: techniques are MITRE ATT&CK ids of the form T1234. Sub-techniques such as 'T1078.004' go in 'properties.subTechniques'."},
		{name: "sub-technique without technique", change: func(m map[string]any) { props(m)["subTechniques"] = []string{"T1530.001"} }, msg: "The sub-technique 'T1530.001' in property 'properties.subTechniques[0]' requires its technique 'T1530' in 'properties.techniques'."},
		{name: "bad aggregation", change: func(m map[string]any) {
			props(m)["eventGroupingSettings"] = map[string]any{"aggregationKind": "PerRow"}
		}, msg: "The value 'PerRow' of property 'properties.eventGroupingSettings.aggregationKind' is not valid. Valid values are: SingleAlert, AlertPerResult."},
		{name: "bad entity type", change: func(m map[string]any) {
			props(m)["entityMappings"].([]any)[0].(map[string]any)["entityType"] = "User"
		}, msg: "The value 'User' of property 'properties.entityMappings[0].entityType' is not valid. Valid values are: Account, Host, IP, Malware, File, Process, CloudApplication, DNS, AzureResource, FileHash, RegistryKey, RegistryValue, SecurityGroup, URL, Mailbox, MailCluster, MailMessage, SubmissionMail."},
		{name: "bad identifier", change: func(m map[string]any) {
			props(m)["entityMappings"].([]any)[0].(map[string]any)["fieldMappings"].([]any)[0].(map[string]any)["identifier"] = "Upn"
		}, msg: "Error in EntityMappings: the identifier 'Upn' in property 'properties.entityMappings[0].fieldMappings[0].identifier' is not valid for entity type 'Account'. Valid identifiers are: Name, FullName, NTDomain, DnsDomain, UPNSuffix, Sid, AadTenantId, AadUserId, PUID, IsDomainJoined, DisplayName, ObjectGuid."},
		{name: "mapped column missing", change: func(m map[string]any) {
			props(m)["entityMappings"].([]any)[1].(map[string]any)["fieldMappings"].([]any)[0].(map[string]any)["columnName"] = "IpAddress"
		}, msg: "Error in EntityMappings: The given column 'IpAddress' does not exist."},
		{name: "no field mappings", change: func(m map[string]any) {
			props(m)["entityMappings"].([]any)[1].(map[string]any)["fieldMappings"] = []any{}
		}, msg: "Error in EntityMappings: the entity 'IP' in property 'properties.entityMappings[1].fieldMappings' needs at least one field mapping."},
		{name: "too many entities", change: func(m map[string]any) {
			l := props(m)["entityMappings"].([]any)
			for len(l) < 11 {
				l = append(l, l[1])
			}
			props(m)["entityMappings"] = l
		}, msg: "Error in EntityMappings: a rule may map at most 10 entities; 11 were given in property 'properties.entityMappings'."},
		{name: "custom detail column missing", change: func(m map[string]any) { props(m)["customDetails"] = map[string]any{"App": "Application"} }, msg: "Error in CustomDetails: The given column 'Application' does not exist."},
		{name: "override column missing", change: func(m map[string]any) {
			props(m)["alertDetailsOverride"].(map[string]any)["alertDisplayNameFormat"] = "Sign-in by {{User}}"
		}, msg: "Error in AlertDetailsOverride: The given column 'User' does not exist."},
		{name: "bad alert property", change: func(m map[string]any) {
			props(m)["alertDetailsOverride"].(map[string]any)["alertDynamicProperties"] = []any{map[string]any{"alertProperty": "Owner", "value": "AppDisplayName"}}
		}, msg: "The value 'Owner' of property 'properties.alertDetailsOverride.alertDynamicProperties[0].alertProperty' is not valid. Valid values are: AlertLink, ConfidenceLevel, ConfidenceScore, ExtendedLinks, ProductName, ProviderName, ProductComponentName, RemediationSteps, Techniques, SubTechniques."},
		{name: "no createIncident", change: func(m map[string]any) {
			delete(props(m)["incidentConfiguration"].(map[string]any), "createIncident")
		}, msg: "Required property 'createIncident' not found in JSON. Path 'properties.incidentConfiguration'."},
		{name: "lookback too short", change: func(m map[string]any) { grouping(m)["lookbackDuration"] = "PT1M" }, msg: "Grouping lookback duration must be between 5 minutes and 7 days; 'PT1M' was given in property 'properties.incidentConfiguration.groupingConfiguration.lookbackDuration'."},
		{name: "bad matching method", change: func(m map[string]any) { grouping(m)["matchingMethod"] = "Some" }, msg: "The value 'Some' of property 'properties.incidentConfiguration.groupingConfiguration.matchingMethod' is not valid. Valid values are: AllEntities, AnyAlert, Selected."},
		{name: "selected without keys", change: func(m map[string]any) {
			g := grouping(m)
			g["groupByEntities"], g["groupByAlertDetails"], g["groupByCustomDetails"] = []any{}, []any{}, []any{}
		}, msg: "When property 'properties.incidentConfiguration.groupingConfiguration.matchingMethod' is 'Selected', at least one of groupByEntities, groupByAlertDetails and groupByCustomDetails must be provided and not empty."},
		{name: "group by unmapped entity", change: func(m map[string]any) { grouping(m)["groupByEntities"] = []any{"Host"} }, msg: "The entity type 'Host' in property 'properties.incidentConfiguration.groupingConfiguration.groupByEntities[0]' is not mapped by this rule; only entities defined in the rule's entityMappings may be used for grouping."},
		{name: "group by unknown detail", change: func(m map[string]any) { grouping(m)["groupByCustomDetails"] = []any{"Country"} }, msg: "The custom detail 'Country' in property 'properties.incidentConfiguration.groupingConfiguration.groupByCustomDetails[0]' is not defined in the rule's customDetails."},
		{name: "missing table", change: func(m map[string]any) { props(m)["query"] = "SignInLogs | take 1" }, msg: "Failed to run the analytics rule query. One of the tables does not exist. Semantic error: SEM0100: 'take' operator: Failed to resolve table or column expression named 'SignInLogs' at line 1, column 1"},
		{name: "missing column", change: func(m map[string]any) { props(m)["query"] = "SigninLogs\n| where Foo == 1" }, parts: []string{"Failed to run the analytics rule query. Semantic error: SEM0100: 'where' operator: Failed to resolve ", " named 'Foo' at line 2, column 9"}},
		{name: "syntax error", change: func(m map[string]any) { props(m)["query"] = "SigninLogs | wher x" }, msg: "Failed to run the analytics rule query. Syntax error: SYN0002: Query operator expected. at line 1, column 14"},
		{name: "malformed JSON", raw: `{"kind":"Scheduled","properties":{`, code: "InvalidRequestContent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.raw
			if body == "" {
				m := fullRule()
				tc.change(m)
				data, _ := json.Marshal(m)
				body = string(data)
			}
			v := tc.version
			if v == "" {
				v = apiV
			}
			r := f.do("tok-a", "PUT", siPath+"/alertRules/bad?api-version="+v, body)
			code := tc.code
			if code == "" {
				code = "BadRequest"
			}
			if r.status != 400 || field(t, r.body, "error.code") != code {
				t.Fatalf("status %d, want 400 %s\n%s", r.status, code, r.body)
			}
			if tc.msg != "" && field(t, r.body, "error.message") != tc.msg {
				t.Fatalf("message\n got %v\nwant %s", field(t, r.body, "error.message"), tc.msg)
			}
			for _, p := range tc.parts {
				if msg, _ := field(t, r.body, "error.message").(string); !strings.Contains(msg, p) {
					t.Fatalf("message %q does not contain %q", msg, p)
				}
			}
			if g := f.do("tok-a", "GET", siPath+"/alertRules/bad?api-version="+apiV, ""); g.status != 404 {
				t.Fatalf("after a refused PUT, GET answered %d: %s", g.status, g.body)
			}
		})
	}
}

// TestSpecNrtExample sends the spec's CreateNrtAlertRule example (2022-06-01-preview): its
// ProtectionStatus table does not exist in the lab's workspace, so it is refused; over a lab
// table the same body is created, grouping by legacy custom entities, and the response drops
// eventGroupingSettings as that version's NRT model does.
func TestSpecNrtExample(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	body := `{"kind":"NRT","etag":"\"0300bf09-0000-0000-0000-5c37296e0000\"","properties":{"displayName":"Rule2","description":"","severity":"High","enabled":true,
	 "tactics":["Persistence","LateralMovement"],"techniques":["T1037","T1021"],
	 "query":"ProtectionStatus | extend HostCustomEntity = Computer | extend IPCustomEntity = ComputerIP_Hidden",
	 "suppressionDuration":"PT1H","suppressionEnabled":false,"eventGroupingSettings":{"aggregationKind":"AlertPerResult"},
	 "incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT5H","matchingMethod":"Selected","groupByEntities":["Host","Account"]}}}}`
	path := siPath + "/alertRules/73e01a99-5cd7-4139-a149-9f2736ff2ab5?api-version=" + apiV
	r := f.do("tok-a", "PUT", path, body)
	if r.status != 400 || !strings.HasPrefix(field(t, r.body, "error.message").(string), "Failed to run the analytics rule query. One of the tables does not exist.") {
		t.Fatalf("ProtectionStatus: %d %s", r.status, r.body)
	}
	body = strings.Replace(body, "ProtectionStatus | extend HostCustomEntity = Computer | extend IPCustomEntity = ComputerIP_Hidden",
		"SigninLogs | extend AccountCustomEntity = UserPrincipalName | extend IPCustomEntity = IPAddress", 1)
	r = f.do("tok-a", "PUT", path, body)
	if r.status != 201 || field(t, r.body, "properties.eventGroupingSettings") != nil || field(t, r.body, "properties.description") != "" ||
		compactAny(field(t, r.body, "properties.incidentConfiguration.groupingConfiguration.groupByEntities")) != `["Host","Account"]` {
		t.Fatalf("example over SigninLogs: %d %s", r.status, r.body)
	}
}

// TestSuppressionDefaults: az sentinel 0.2.0 lets users leave out suppressionDuration and
// suppressionEnabled (the lab's NRT rule does); the rule is accepted with the portal's
// defaults rather than refused (az-cli.md §7.6), and NRT rules carry no schedule.
func TestSuppressionDefaults(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	r := f.do("tok-a", "PUT", siPath+"/alertRules/r1?api-version="+apiV,
		`{"kind":"NRT","properties":{"displayName":"n","severity":"High","enabled":true,"query":"AuditLogs | take 1","queryFrequency":"PT5M"}}`)
	if r.status != 201 || field(t, r.body, "properties.suppressionDuration") != "PT5H" || field(t, r.body, "properties.suppressionEnabled") != false ||
		field(t, r.body, "properties.queryFrequency") != nil || field(t, r.body, "properties.incidentConfiguration.createIncident") != true {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
