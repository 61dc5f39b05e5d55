package sentinel

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/sentinel"
)

// raise creates, through the simulator's API (as the rule engine will), one alert with
// alex.johnson, his IP and the Key Vault as entities, and an incident holding it.
func (f *fixture) raise(ruleID string) (model.Incident, model.Entity) {
	f.t.Helper()
	var inc model.Incident
	var alert model.Entity
	f.update(func(tx *simulator.TenantTx) error {
		var err error
		alert, err = model.CreateAlert(tx, f.wsID(), model.NewAlert{
			RuleID: ruleID, DisplayName: "Post-Compromise Credential Access Attempt", Severity: "High",
			Component: "NRT Alerts", Tactics: []string{"CredentialAccess"}, Techniques: []string{"T1555"},
			StartTime: time.Date(2025, 1, 15, 8, 47, 0, 0, time.UTC), EndTime: time.Date(2025, 1, 15, 8, 52, 0, 0, time.UTC),
			Entities: []model.NewEntity{
				{Kind: "Account", Properties: map[string]any{"accountName": "alex.johnson", "upnSuffix": "contoso.com"}},
				{Kind: "Ip", Properties: map[string]any{"address": "185.220.101.42"}},
				{Kind: "AzureResource", Properties: map[string]any{"resourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"}},
				{Kind: "Account", Properties: map[string]any{"accountName": "alex.johnson", "upnSuffix": "contoso.com"}},
			}})
		if err != nil {
			return err
		}
		inc, err = model.CreateIncident(tx, f.wsID(), model.NewIncident{Title: "Post-Compromise Credential Access Attempt", Severity: "High"}, alert.ID)
		return err
	})
	return inc, alert
}

func TestIncidents(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	ruleID := f.expand(siPath) + "/alertRules/rule-post-compromise-cred-access"
	inc, alert := f.raise(ruleID)
	incPath := siPath + "/incidents/" + inc.Name
	q := "?api-version=" + apiV

	got := f.do("tok-a", "GET", incPath+q, "")
	want := compact(t, `{"id":"`+f.normalize(inc.ID)+`","name":"{guid}","type":"Microsoft.SecurityInsights/Incidents","etag":"\"{guid}\"",
	 "properties":{"title":"Post-Compromise Credential Access Attempt","description":"","severity":"High","status":"New",
	  "owner":{"ownerType":"Unknown"},"labels":[],"firstActivityTimeUtc":"2025-01-15T08:47:00.0000000Z","lastActivityTimeUtc":"2025-01-15T08:52:00.0000000Z",
	  "createdTimeUtc":"2025-01-15T07:00:00.0000000Z","lastModifiedTimeUtc":"2025-01-15T07:00:00.0000000Z","incidentNumber":1,
	  "incidentUrl":"https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident`+f.normalize(inc.ID)+`",
	  "providerName":"Azure Sentinel","providerIncidentId":"1","relatedAnalyticRuleIds":["`+f.normalize(ruleID)+`"],
	  "additionalData":{"alertsCount":1,"bookmarksCount":0,"commentsCount":0,"alertProductNames":["Azure Sentinel"],"tactics":["CredentialAccess"],"techniques":["T1555"]}}}`)
	if got.status != 200 || compact(t, f.normalize(got.body)) != want {
		t.Fatalf("GET incident %d\n got %s\nwant %s", got.status, compact(t, f.normalize(got.body)), want)
	}

	alerts := f.do("tok-a", "POST", incPath+"/alerts"+q, "")
	if alerts.status != 200 || len(field(t, alerts.body, "value").([]any)) != 1 || !strings.Contains(alerts.body, `"kind":"SecurityAlert"`) ||
		!strings.Contains(alerts.body, `"alertDisplayName":"Post-Compromise Credential Access Attempt"`) || !strings.Contains(alerts.body, alert.Name) {
		t.Fatalf("alerts: %d %s", alerts.status, alerts.body)
	}
	ents := f.do("tok-a", "POST", incPath+"/entities"+q, "")
	if ents.status != 200 || len(field(t, ents.body, "entities").([]any)) != 3 ||
		compact(t, fmt.Sprint(mustJSON(field(t, ents.body, "metaData")))) != `[{"count":1,"entityKind":"Account"},{"count":1,"entityKind":"AzureResource"},{"count":1,"entityKind":"Ip"}]` {
		t.Fatalf("entities: %d %s", ents.status, ents.body)
	}
	if !strings.Contains(ents.body, `"friendlyName":"185.220.101.42"`) {
		t.Errorf("entity friendly names missing: %s", ents.body)
	}
	if r := f.do("tok-a", "POST", siPath+"/incidents/"+simulator.NewGUID()+"/alerts"+q, ""); r.status != 404 {
		t.Errorf("alerts of a missing incident: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "POST", incPath+"/bookmarks"+q, ""); r.status != 200 || r.body != `{"value":[]}` {
		t.Errorf("bookmarks: %d %s", r.status, r.body)
	}
	rels := f.do("tok-a", "GET", incPath+"/relations"+q, "")
	if !strings.Contains(rels.body, `"relatedResourceKind":"SecurityAlert"`) {
		t.Errorf("relations: %s", rels.body)
	}

	// Comments count on the incident.
	c := f.do("tok-a", "PUT", incPath+"/comments/c1"+q, `{"properties":{"message":"Reset alex.johnson's password"}}`)
	if c.status != 201 || field(t, c.body, "properties.author.objectId") != f.a.ServicePrincipal.ObjectID || field(t, c.body, "type") != "Microsoft.SecurityInsights/Incidents/Comments" {
		t.Fatalf("comment: %d %s", c.status, c.body)
	}
	if r := f.do("tok-a", "PUT", incPath+"/comments/c2"+q, `{"properties":{"message":""}}`); r.status != 400 || field(t, r.body, "error.message") != "The property 'properties.message' must not be empty." {
		t.Errorf("empty comment: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "GET", incPath+q, ""); field(t, r.body, "properties.additionalData.commentsCount") != 1.0 {
		t.Errorf("comment count: %s", r.body)
	}
	if r := f.do("tok-a", "GET", incPath+"/comments"+q, ""); len(field(t, r.body, "value").([]any)) != 1 {
		t.Errorf("comment list: %s", r.body)
	}
	if r := f.do("tok-a", "DELETE", incPath+"/comments/c1"+q, ""); r.status != 200 {
		t.Errorf("delete comment: %d", r.status)
	}
	if r := f.do("tok-a", "GET", incPath+q, ""); field(t, r.body, "properties.additionalData.commentsCount") != 0.0 {
		t.Errorf("comment count after delete: %s", r.body)
	}

	// Update with the current etag; a stale one is 409 and changes nothing.
	cur := f.do("tok-a", "GET", incPath+q, "")
	etag := field(t, cur.body, "etag").(string)
	upd := fmt.Sprintf(`{"etag":%q,"properties":{"title":"Post-Compromise Credential Access Attempt","severity":"High","status":"Active","owner":{"objectId":"5f3b1c2a-7d4e-4a8b-9c1d-2e3f4a5b6c7d","assignedTo":"SOC Tier 2"}}}`, etag)
	u := f.do("tok-a", "PUT", incPath+q, upd)
	if u.status != 200 || field(t, u.body, "properties.status") != "Active" || field(t, u.body, "properties.owner.ownerType") != "User" ||
		field(t, u.body, "properties.incidentNumber") != 1.0 || field(t, u.body, "etag") == etag {
		t.Fatalf("update: %d %s", u.status, u.body)
	}
	if r := f.do("tok-a", "PUT", incPath+q, strings.Replace(upd, "Active", "New", 1)); r.status != 409 || field(t, r.body, "error.code") != "Conflict" {
		t.Fatalf("stale incident etag: %d %s", r.status, r.body)
	}
	closeNoClass := `{"properties":{"title":"t","severity":"High","status":"Closed"}}`
	if r := f.do("tok-a", "PUT", incPath+q, closeNoClass); r.status != 400 || field(t, r.body, "error.message") != "Closing an incident requires a classification: property 'properties.classification' is missing." {
		t.Fatalf("close without classification: %d %s", r.status, r.body)
	}
	closeOK := `{"properties":{"title":"t","severity":"High","status":"Closed","classification":"TruePositive","classificationReason":"SuspiciousActivity"}}`
	if r := f.do("tok-a", "PUT", incPath+q, closeOK); r.status != 200 || field(t, r.body, "properties.classification") != "TruePositive" {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "PUT", incPath+q, `{"properties":{"title":"t","severity":"High","status":"Active","owner":{"objectId":"nobody"}}}`); r.status != 400 {
		t.Fatalf("owner objectId not a GUID: %d %s", r.status, r.body)
	}

	// A second incident, list with $filter/$orderby/$top, relation to its alert, delete.
	inc2, alert2 := f.raise(ruleID)
	list := f.do("tok-a", "GET", siPath+"/incidents"+q+"&$orderby=properties/incidentNumber%20desc&$top=1", "")
	if v := field(t, list.body, "value").([]any); len(v) != 1 || v[0].(map[string]any)["name"] != inc2.Name {
		t.Fatalf("ordered list: %s", list.body)
	}
	filtered := f.do("tok-a", "GET", siPath+"/incidents"+q+"&$filter=properties/status%20eq%20'Closed'", "")
	if v := field(t, filtered.body, "value").([]any); len(v) != 1 || v[0].(map[string]any)["name"] != inc.Name {
		t.Fatalf("filtered list: %s", filtered.body)
	}
	if r := f.do("tok-a", "GET", siPath+"/incidents"+q+"&$filter=contains(title,'x')", ""); r.status != 400 {
		t.Errorf("unsupported filter: %d %s", r.status, r.body)
	}
	rel := f.do("tok-a", "PUT", incPath+"/relations/rel-1"+q, fmt.Sprintf(`{"properties":{"relatedResourceId":%q}}`, alert2.ID))
	if rel.status != 201 || field(t, rel.body, "properties.relatedResourceKind") != "SecurityAlert" {
		t.Fatalf("relation: %d %s", rel.status, rel.body)
	}
	if r := f.do("tok-a", "GET", incPath+q, ""); field(t, r.body, "properties.additionalData.alertsCount") != 2.0 {
		t.Errorf("alerts after relation: %s", r.body)
	}
	if r := f.do("tok-a", "PUT", incPath+"/relations/rel-2"+q, `{"properties":{"relatedResourceId":"/subscriptions/x/nothing"}}`); r.status != 400 {
		t.Errorf("relation to nothing: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "DELETE", incPath+q, ""); r.status != 200 {
		t.Fatalf("delete incident: %d", r.status)
	}
	if r := f.do("tok-a", "GET", incPath+"/comments"+q, ""); r.status != 404 {
		t.Errorf("comments of a deleted incident: %d %s", r.status, r.body)
	}
	if r := f.do("tok-b", "GET", strings.Replace(siPath, "{subA}", "{subB}", 1)+"/incidents/"+inc2.Name+q, ""); r.status != 404 {
		t.Errorf("tenant b reads a's incident: %d", r.status)
	}
	// A manual incident created with PUT gets the next number; its entity is readable.
	manual := f.do("tok-a", "PUT", siPath+"/incidents/"+simulator.NewGUID()+q, `{"properties":{"title":"Manual","severity":"Low","status":"New"}}`)
	if manual.status != 201 || field(t, manual.body, "properties.incidentNumber") != 3.0 || field(t, manual.body, "properties.providerName") != "Azure Sentinel" {
		t.Fatalf("manual incident: %d %s", manual.status, manual.body)
	}
	if r := f.do("tok-a", "GET", siPath+"/entities/"+alert2.Name+q, ""); r.status != 200 || field(t, r.body, "kind") != "SecurityAlert" {
		t.Errorf("GET entity: %d %s", r.status, r.body)
	}
}

func mustJSON(v any) string {
	return compactAny(v)
}
