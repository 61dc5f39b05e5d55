package sentinel

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/simtest"
)

// checkEnvelope fails unless r is JSON and, for an error status, ARM's
// {"error":{"code","message"}} with both strings non-empty.
func checkEnvelope(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: server error %d: %s", what, r.status, r.body)
	}
	if r.body == "" {
		if r.status >= 400 {
			t.Fatalf("%s: %d with an empty body", what, r.status)
		}
		return
	}
	if !json.Valid([]byte(r.body)) {
		t.Fatalf("%s: %d body is not JSON: %s", what, r.status, r.body)
	}
	if r.status < 400 {
		return
	}
	var e struct {
		Error *struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("%s: %d is not ARM's error envelope: %s", what, r.status, r.body)
	}
}

// fuzzSentinelPut PUTs body at the Sentinel path rel (under the onboarded workspace) and
// checks the envelope; a refused PUT must leave the tenant's stored state as it was.
func fuzzSentinelPut(f *testing.F, rel string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	fx := newFixture(f)
	fx.setup(true)
	f.Fuzz(func(t *testing.T, body string) {
		c := *fx
		c.t = t
		path := siPath + rel + "?api-version=" + apiV
		before := simtest.TenantDigest(t, c.world, c.a.ID)
		r := c.do("tok-a", "PUT", path, body)
		checkEnvelope(t, "PUT", r)
		if r.status < 400 {
			return
		}
		if after := simtest.TenantDigest(t, c.world, c.a.ID); after != before {
			t.Fatalf("refused PUT (%d %s) changed the stored state:\nbefore %s\nafter  %s", r.status, r.body, before, after)
		}
	})
}

// FuzzAlertRulePut sends arbitrary alert rule bodies.
func FuzzAlertRulePut(f *testing.F) {
	full, _ := json.Marshal(fullRule())
	fuzzSentinelPut(f, "/alertRules/fz", []string{
		string(full), nrtRule,
		`{"kind":"Scheduled","properties":{"displayName":"x","severity":"Low","enabled":true,"query":"SigninLogs","queryFrequency":"PT5M","queryPeriod":"PT5M","triggerOperator":"GreaterThan","triggerThreshold":0}}`,
		`{"kind":"Scheduled","properties":{"displayName":"x","severity":"Low","enabled":true,"query":"Nope | where","queryFrequency":"P20D","queryPeriod":"PT1M","triggerOperator":"Gt","triggerThreshold":-1}}`,
		`{"kind":"NRT","properties":{"displayName":"n","severity":"High","enabled":true,"query":"AuditLogs","entityMappings":[{"entityType":"Account","fieldMappings":[{"identifier":"Bogus","columnName":"Nope"}]}]}}`,
		`{"kind":"Scheduled","etag":"\"stale\"","properties":{}}`,
		`{"kind":null,"properties":[]}`, `{"kind":"Fusion"}`, `[]`, `null`, `{`, ``,
	})
}

// FuzzAutomationRulePut sends arbitrary automation rule bodies.
func FuzzAutomationRulePut(f *testing.F) {
	fuzzSentinelPut(f, "/automationRules/fz", []string{
		validAutomation,
		`{"properties":{"displayName":"a","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},"actions":[{"actionType":"ModifyProperties","order":1,"actionConfiguration":{"status":"Closed"}}]}}`,
		`{"properties":{"displayName":"a","order":0,"triggeringLogic":{"isEnabled":true,"triggersOn":"Alerts","triggersWhen":"Updated","expirationTimeUtc":"not a time"},"actions":[]}}`,
		`{"properties":{"displayName":"a","order":1,"triggeringLogic":{"conditions":[{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[]}}]},"actions":[{"actionType":"RunPlaybook","order":1}]}}`,
		`{"properties":{"actions":[{"actionType":"ModifyProperties","order":1,"actionConfiguration":{"owner":{"objectId":"soc-tier2-group-object-id"}}}]}}`,
		`{"properties":null}`, `[]`, `null`, `{`, ``,
	})
}

// FuzzIncidentsQuery lists incidents with arbitrary $filter, $orderby and $top values.
func FuzzIncidentsQuery(f *testing.F) {
	for _, s := range []struct{ filter, orderby, top string }{
		{"properties/status eq 'New'", "properties/createdTimeUtc desc", "10"},
		{"properties/severity eq 'High' and properties/status ne 'Closed'", "properties/incidentNumber", "1"},
		{"properties/incidentNumber eq 3", "properties/lastModifiedTimeUtc asc", "0"},
		{"(properties/title eq 'x')", "bogus", "-1"},
		{"properties/status eq", "", "99999999999999999999"},
		{"'unterminated", "properties/createdTimeUtc sideways", "x"},
		{"", "", ""},
	} {
		f.Add(s.filter, s.orderby, s.top)
	}
	fx := newFixture(f)
	fx.setup(true)
	for i := 0; i < 3; i++ {
		if r := fx.do("tok-a", "PUT", siPath+"/incidents/"+simulator.NewGUID()+"?api-version="+apiV, `{"properties":{"title":"t","severity":"High","status":"New"}}`); r.status != 201 {
			f.Fatalf("incident: %d %s", r.status, r.body)
		}
	}
	f.Fuzz(func(t *testing.T, filter, orderby, top string) {
		c := *fx
		c.t = t
		q := url.Values{"api-version": {apiV}}
		for k, v := range map[string]string{"$filter": filter, "$orderby": orderby, "$top": top} {
			if v != "" {
				q.Set(k, v)
			}
		}
		r := c.do("tok-a", "GET", siPath+"/incidents?"+q.Encode(), "")
		checkEnvelope(t, "list incidents", r)
		if r.status == 200 {
			var list struct{ Value []json.RawMessage }
			if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Value) > 3 {
				t.Fatalf("list: %v %s", err, r.body)
			}
		}
	})
}
