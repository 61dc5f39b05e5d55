package automation

import (
	"encoding/json"
	"testing"

	"github.com/soclab/soclab/simulator/sentinel"
)

// cond builds a condition from its JSON (the API's shape).
func cond(t *testing.T, js string) sentinel.AutomationCondition {
	t.Helper()
	var c sentinel.AutomationCondition
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return c
}

func prop(name, op string, values ...string) string {
	v, _ := json.Marshal(values)
	return `{"conditionType":"Property","conditionProperties":{"propertyName":"` + name + `","operator":"` + op + `","propertyValues":` + string(v) + `}}`
}

// testSubject is an incident of the lab after the attack, updated by an automation rule.
func testSubject() *subject {
	before := sentinel.IncidentState{Title: "Suspicious sign-in", Severity: "Medium", Status: "New", Labels: []string{"triage"},
		Tactics: []string{"InitialAccess"}, AlertsCount: 1, CommentsCount: 0}
	after := sentinel.IncidentState{Title: "Suspicious sign-in followed by Key Vault access", Description: "Risky sign-in then secrets read",
		Severity: "High", Status: "Active", Labels: []string{"triage", "Compromise"}, Tactics: []string{"InitialAccess", "CredentialAccess"},
		AlertProductNames: []string{"Azure Sentinel"}, ProviderName: "Azure Sentinel",
		RelatedAnalyticRuleIDs: []string{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law/providers/Microsoft.SecurityInsights/alertRules/rule-suspicious-signin-resource-access"},
		Owner:                  sentinel.Owner{ObjectID: ptr("5f1c7a52-8f7e-4a8e-9d53-2f0b3b6c1e01"), AssignedTo: ptr("SOC Tier 2"), OwnerType: ptr("Group")},
		AlertsCount:            2, CommentsCount: 1}
	ents := []sentinel.Entity{
		{Kind: "Account", Properties: map[string]any{"accountName": "alex.johnson", "upnSuffix": "contoso.com", "aadUserId": "1b2c"}},
		{Kind: "Account", Properties: map[string]any{"accountName": "svc-backup", "upnSuffix": "contoso.onmicrosoft.com"}},
		{Kind: "Ip", Properties: map[string]any{"address": "185.220.101.45"}},
		{Kind: "Host", Properties: map[string]any{"hostName": "CONTOSO-LT-0302"}},
		{Kind: "AzureResource", Properties: map[string]any{"resourceId": "/subscriptions/s/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod", "subscriptionId": "s"}},
		{Kind: "CloudApplication", Properties: map[string]any{"appId": "12260", "appName": "Microsoft Azure"}},
		{Kind: "Url", Properties: map[string]any{"url": "https://kv-contoso-prod.vault.azure.net/secrets/sql-admin"}},
	}
	ev := sentinel.IncidentEvent{Kind: sentinel.EventUpdated, Source: sentinel.SourceAutomationRule, Before: &before, After: after}
	return &subject{ev: ev, cur: after, entities: func() ([]sentinel.Entity, error) { return ents, nil },
		details: func() (map[string][]string, error) {
			return map[string][]string{"SecretName": {"sql-admin", "payment-key"}}, nil
		}}
}

func TestConditions(t *testing.T) {
	cases := []struct {
		name, cond string
		want       bool
	}{
		// Operators on a single-valued property; values are any-of; case-insensitive.
		{"severity equals", prop("IncidentSeverity", "Equals", "High"), true},
		{"severity equals case", prop("IncidentSeverity", "Equals", "high"), true},
		{"severity equals other", prop("IncidentSeverity", "Equals", "Low", "Medium"), false},
		{"severity equals any of", prop("IncidentSeverity", "Equals", "Low", "HIGH"), true},
		{"severity not equals", prop("IncidentSeverity", "NotEquals", "Low", "Medium"), true},
		{"severity not equals own", prop("IncidentSeverity", "NotEquals", "Low", "High"), false},
		{"status equals", prop("IncidentStatus", "Equals", "Active"), true},
		{"title contains", prop("IncidentTitle", "Contains", "key vault"), true},
		{"title not contains", prop("IncidentTitle", "NotContains", "key vault"), false},
		{"title starts", prop("IncidentTitle", "StartsWith", "suspicious"), true},
		{"title not starts", prop("IncidentTitle", "NotStartsWith", "Suspicious"), false},
		{"title ends", prop("IncidentTitle", "EndsWith", "ACCESS"), true},
		{"title not ends", prop("IncidentTitle", "NotEndsWith", "sign-in"), true},
		{"description", prop("IncidentDescription", "Contains", "secrets"), true},
		{"provider", prop("IncidentProviderName", "Equals", "Azure Sentinel"), true},
		{"provider defender", prop("IncidentProviderName", "Equals", "Microsoft 365 Defender"), false},
		// Collections: any item matches any value; negatives hold when none does.
		{"tactics contains", prop("IncidentTactics", "Contains", "InitialAccess", "CredentialAccess"), true},
		{"tactics contains one", prop("IncidentTactics", "Contains", "Exfiltration", "credentialaccess"), true},
		{"tactics contains none", prop("IncidentTactics", "Contains", "Exfiltration"), false},
		{"tactics not contains", prop("IncidentTactics", "NotContains", "Exfiltration"), true},
		{"tactics not contains present", prop("IncidentTactics", "NotContains", "InitialAccess"), false},
		{"products", prop("AlertProductNames", "Contains", "Sentinel"), true},
		{"rule ids", prop("IncidentRelatedAnalyticRuleIds", "EndsWith", "/rule-suspicious-signin-resource-access"), true},
		{"alert rule ids", prop("AlertAnalyticRuleIds", "Contains", "rule-lateral"), false},
		// Tags: "any individual tag", negatives included.
		{"label equals", prop("IncidentLabel", "Equals", "compromise"), true},
		{"label not equals some tag", prop("IncidentLabel", "NotEquals", "compromise"), true},
		{"label not equals every tag", prop("IncidentLabel", "NotEquals", "compromise", "triage"), false},
		// Updated by.
		{"updated by automation", prop("IncidentUpdatedBySource", "Equals", "AutomationRule"), true},
		{"updated by user", prop("IncidentUpdatedBySource", "Equals", "User"), false},
		{"updated by not user", prop("IncidentUpdatedBySource", "NotEquals", "User"), true},
		// Custom details.
		{"custom key", prop("IncidentCustomDetailsKey", "Equals", "secretname"), true},
		{"custom value", prop("IncidentCustomDetailsValue", "Contains", "payment"), true},
		// Entities.
		{"upn suffix", prop("AccountUPNSuffix", "Equals", "contoso.com"), true},
		{"upn suffix not", prop("AccountUPNSuffix", "NotEquals", "contoso.com"), false},
		{"account name", prop("AccountName", "StartsWith", "alex"), true},
		{"aad user id", prop("AccountAadUserId", "Equals", "1B2C"), true},
		{"ip", prop("IPAddress", "StartsWith", "185.220.101."), true},
		{"ip not", prop("IPAddress", "NotStartsWith", "185.220."), false},
		{"host", prop("HostName", "Equals", "contoso-lt-0302"), true},
		{"azure resource", prop("AzureResourceResourceId", "EndsWith", "/vaults/kv-contoso-prod"), true},
		{"azure subscription", prop("AzureResourceSubscriptionId", "Equals", "other"), false},
		{"cloud app", prop("CloudApplicationAppName", "Equals", "microsoft azure"), true},
		{"url", prop("Url", "Contains", "/secrets/"), true},
		{"no such entity", prop("FileName", "Equals", "x.exe"), false},
		{"no such entity negated", prop("FileName", "NotEquals", "x.exe"), true},
		// Changes of the triggering update.
		{"severity changed to", `{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentSeverity","changeType":"ChangedTo","operator":"Equals","propertyValues":["High"]}}`, true},
		{"severity changed from", `{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentSeverity","changeType":"ChangedFrom","operator":"Equals","propertyValues":["Medium"]}}`, true},
		{"severity changed from other", `{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentSeverity","changeType":"ChangedFrom","operator":"Equals","propertyValues":["Low"]}}`, false},
		{"status changed", `{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo"}}`, true},
		{"owner changed to group", `{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentOwner","changeType":"ChangedTo","operator":"Equals","propertyValues":["5F1C7A52-8F7E-4A8E-9D53-2F0B3B6C1E01"]}}`, true},
		{"alerts added", `{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Alerts","changeType":"Added"}}`, true},
		{"comments added", `{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Comments","changeType":"Added"}}`, true},
		{"labels added", `{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Labels","changeType":"Added"}}`, true},
		{"tactics added", `{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Tactics","changeType":"Added"}}`, true},
		// Arrays with item conditions.
		{"any label", `{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"IncidentLabels","arrayConditionType":"AnyItem","itemConditions":[` + prop("IncidentLabel", "Equals", "Compromise") + `]}}`, true},
		{"all labels", `{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"IncidentLabels","arrayConditionType":"AllItems","itemConditions":[` + prop("IncidentLabel", "Equals", "Compromise") + `]}}`, false},
		{"all labels short", `{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"IncidentLabels","arrayConditionType":"AllItems","itemConditions":[` + prop("IncidentLabel", "NotContains", "x") + `]}}`, true},
		{"any custom value", `{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"CustomDetailValues","arrayConditionType":"AnyItem","itemConditions":[` + prop("IncidentCustomDetailsValue", "Equals", "SQL-ADMIN") + `]}}`, true},
		// Boolean nesting.
		{"or", `{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[` + prop("IncidentSeverity", "Equals", "Low") + `,` + prop("IPAddress", "Equals", "185.220.101.45") + `]}}`, true},
		{"or none", `{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[` + prop("IncidentSeverity", "Equals", "Low") + `,` + prop("IPAddress", "Equals", "10.0.0.1") + `]}}`, false},
		{"and", `{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[` + prop("IncidentSeverity", "Equals", "High") + `,` + prop("IPAddress", "Equals", "10.0.0.1") + `]}}`, false},
		{"and nested or", `{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[` + prop("IncidentSeverity", "Equals", "High") +
			`,{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[` + prop("HostName", "Equals", "nope") + `,` + prop("AccountName", "Equals", "svc-backup") + `]}}]}}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testSubject().evaluate(cond(t, c.cond))
			if err != nil || got != c.want {
				t.Fatalf("evaluate(%s) = %v, %v; want %v", c.cond, got, err, c.want)
			}
		})
	}
}

// TestConditionsOnCreate: change conditions never hold on a create; Updated by is empty.
func TestConditionsOnCreate(t *testing.T) {
	s := testSubject()
	s.ev.Kind, s.ev.Before = sentinel.EventCreated, nil
	for _, js := range []string{
		`{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo"}}`,
		`{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Alerts","changeType":"Added"}}`,
		prop("IncidentUpdatedBySource", "Equals", "AutomationRule"),
	} {
		if got, err := s.evaluate(cond(t, js)); err != nil || got {
			t.Errorf("evaluate(%s) on a create = %v, %v", js, got, err)
		}
	}
	// Several top-level conditions are ANDed.
	ok, err := s.all([]sentinel.AutomationCondition{cond(t, prop("IncidentSeverity", "Equals", "High")), cond(t, prop("IncidentTactics", "Contains", "CredentialAccess"))})
	if err != nil || !ok {
		t.Fatalf("all = %v, %v", ok, err)
	}
	ok, err = s.all([]sentinel.AutomationCondition{cond(t, prop("IncidentSeverity", "Equals", "High")), cond(t, prop("IncidentTactics", "Contains", "Exfiltration"))})
	if err != nil || ok {
		t.Fatalf("all with a false one = %v, %v", ok, err)
	}
}

// TestConditionErrors: malformed stored conditions are errors, not matches.
func TestConditionErrors(t *testing.T) {
	for _, js := range []string{
		`{"conditionType":"Property","conditionProperties":{"propertyName":"IncidentSeverity"}}`,
		`{"conditionType":"Property","conditionProperties":{"propertyName":"NoSuchProperty","operator":"Equals","propertyValues":["x"]}}`,
		`{"conditionType":"Bogus","conditionProperties":{}}`,
		`{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[{"conditionType":"Bogus"},{"conditionType":"Bogus"}]}}`,
		`{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"Nope","arrayConditionType":"AnyItem"}}`,
	} {
		if got, err := testSubject().evaluate(cond(t, js)); err == nil || got {
			t.Errorf("evaluate(%s) = %v, %v; want an error", js, got, err)
		}
	}
}

// FuzzConditions: any stored condition JSON evaluates to a result or an error, never a panic,
// and evaluation is deterministic.
func FuzzConditions(f *testing.F) {
	for _, s := range []string{
		prop("IncidentSeverity", "Equals", "High"),
		prop("IncidentLabel", "NotEquals", "a", "b"),
		prop("AccountUPNSuffix", "EndsWith", ".com"),
		`{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[` + prop("IncidentTitle", "Contains", "x") + `,{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentOwner","changeType":"ChangedFrom"}}]}}`,
		`{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"IncidentLabels","arrayConditionType":"AllItems","itemConditions":[]}}`,
		`{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Tactics","changeType":"Added"}}`,
		`{"conditionType":"Boolean","conditionProperties":null}`,
		`{}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, js string) {
		var c sentinel.AutomationCondition
		if json.Unmarshal([]byte(js), &c) != nil {
			return
		}
		a, errA := testSubject().evaluate(c)
		b, errB := testSubject().evaluate(c)
		if a != b || (errA == nil) != (errB == nil) {
			t.Fatalf("evaluate(%s) not deterministic: %v %v / %v %v", js, a, errA, b, errB)
		}
		if errA != nil && a {
			t.Fatalf("evaluate(%s) = true with error %v", js, errA)
		}
	})
}
