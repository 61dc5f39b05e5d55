package sentinel

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/soclab/soclab/simulator"
)

const nrtRule = `{"kind":"NRT","properties":{"displayName":"n","severity":"High","enabled":true,"query":"AuditLogs | take 1"}}`

// TestNotOnboarded: every Sentinel call on a workspace without onboardingStates/default is
// refused with the service's nested BadRequest naming the workspace.
func TestNotOnboarded(t *testing.T) {
	f := newFixture(t)
	f.setup(false)
	want := `{"error":{"code":"BadRequest","message":"{\"error\":{\"code\":\"BadRequest\",\"message\":\"Workspace 'law-contoso-unified' is not onboarded to Microsoft Sentinel. Please onboard through the portal (https://learn.microsoft.com/en-us/azure/sentinel/quickstart-onboard) or use the OnboardingStates ARM api to onboard to Sentinel (https://learn.microsoft.com/en-us/rest/api/securityinsights/sentinel-onboarding-states/create?view=rest-securityinsights-2024-03-01).\"}}"}}`
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/alertRules/r1", nrtRule},
		{"GET", "/alertRules/r1", ""},
		{"GET", "/alertRules", ""},
		{"DELETE", "/alertRules/r1", ""},
		{"GET", "/incidents", ""},
		{"PUT", "/dataConnectors/MicrosoftThreatProtection", `{"kind":"MicrosoftThreatProtection","properties":{"tenantId":"{tidA}","dataTypes":{"incidents":{"state":"Enabled"}}}}`},
		{"GET", "/automationRules", ""},
	} {
		r := f.do("tok-a", c.method, siPath+c.path+"?api-version="+apiV, c.body)
		if r.status != 400 || r.body != want {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
	}
	if r := f.do("tok-a", "GET", siPath+"/onboardingStates?api-version="+apiV, ""); r.status != 200 || r.body != `{"value":[]}` {
		t.Errorf("onboarding list: %d %s", r.status, r.body)
	}
	// A missing workspace is ARM's 404, not Sentinel's refusal.
	r := f.do("tok-a", "GET", strings.Replace(siPath, workspace, "law-missing", 1)+"/alertRules?api-version="+apiV, "")
	if r.status != 404 || field(t, r.body, "error.code") != "ResourceNotFound" {
		t.Errorf("missing workspace: %d %s", r.status, r.body)
	}
	// Onboard, use, offboard: the rules stay but are unreachable until Sentinel is back.
	f.do("tok-a", "PUT", siPath+"/onboardingStates/default?api-version="+apiV, "")
	if r := f.do("tok-a", "PUT", siPath+"/alertRules/r1?api-version="+apiV, nrtRule); r.status != 201 {
		t.Fatalf("rule after onboarding: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "PUT", siPath+"/onboardingStates/other?api-version="+apiV, ""); r.status != 400 {
		t.Errorf("onboarding state 'other': %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "DELETE", siPath+"/onboardingStates/default?api-version="+apiV, ""); r.status != 200 {
		t.Fatalf("offboard: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "GET", siPath+"/alertRules/r1?api-version="+apiV, ""); r.status != 400 {
		t.Errorf("rule after offboarding: %d %s", r.status, r.body)
	}
	f.do("tok-a", "PUT", siPath+"/onboardingStates/default?api-version="+apiV, "")
	if r := f.do("tok-a", "GET", siPath+"/alertRules/r1?api-version="+apiV, ""); r.status != 200 {
		t.Errorf("rule after re-onboarding: %d %s", r.status, r.body)
	}
}

// TestEtagConcurrency: a PUT with a stale etag (body or If-Match) is Sentinel's 409 and
// changes nothing; the current etag, or none, updates (200) with a new etag.
func TestEtagConcurrency(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	path := siPath + "/alertRules/r1?api-version=" + apiV
	first := f.do("tok-a", "PUT", path, nrtRule)
	etag1, _ := field(t, first.body, "etag").(string)
	second := f.do("tok-a", "PUT", path, strings.Replace(nrtRule, `"kind"`, fmt.Sprintf(`"etag":%q,"kind"`, etag1), 1))
	etag2, _ := field(t, second.body, "etag").(string)
	if second.status != 200 || etag2 == etag1 {
		t.Fatalf("update with current etag: %d %s", second.status, second.body)
	}
	stale := strings.Replace(strings.Replace(nrtRule, `"kind"`, fmt.Sprintf(`"etag":%q,"kind"`, etag1), 1), `"n"`, `"changed"`, 1)
	want := `{"error":{"code":"Conflict","message":"Newer version of resource 'r1' exists. Data was not saved"}}`
	if r := f.do("tok-a", "PUT", path, stale); r.status != 409 || r.body != want {
		t.Fatalf("stale body etag: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "PUT", path, strings.Replace(nrtRule, `"n"`, `"changed"`, 1), "If-Match", etag1); r.status != 409 || r.body != want {
		t.Fatalf("stale If-Match: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "GET", path, ""); field(t, r.body, "etag") != etag2 || field(t, r.body, "properties.displayName") != "n" {
		t.Fatalf("a refused write changed the rule: %s", r.body)
	}
	if r := f.do("tok-a", "PUT", path, nrtRule, "If-Match", etag2); r.status != 200 {
		t.Fatalf("current If-Match: %d %s", r.status, r.body)
	}
	// Changing a rule's kind is refused.
	sched := `{"kind":"Scheduled","properties":{"displayName":"s","severity":"Low","enabled":true,"query":"AuditLogs","queryFrequency":"PT5M","queryPeriod":"PT5M","triggerOperator":"GreaterThan","triggerThreshold":0}}`
	if r := f.do("tok-a", "PUT", path, sched); r.status != 400 || !strings.Contains(r.body, "cannot be changed from 'NRT' to 'Scheduled'") {
		t.Fatalf("kind change: %d %s", r.status, r.body)
	}
}

// TestTenantIsolation: tenant b cannot see or change tenant a's Sentinel objects.
func TestTenantIsolation(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	f.do("tok-a", "PUT", siPath+"/alertRules/r1?api-version="+apiV, nrtRule)
	for _, m := range []string{"GET", "DELETE"} {
		r := f.do("tok-b", m, siPath+"/alertRules/r1?api-version="+apiV, "")
		if r.status != 404 || field(t, r.body, "error.code") != "SubscriptionNotFound" {
			t.Errorf("%s as tenant b: %d %s", m, r.status, r.body)
		}
	}
	// Tenant b's own subscription has no such workspace.
	r := f.do("tok-b", "GET", strings.Replace(siPath, "{subA}", "{subB}", 1)+"/alertRules/r1?api-version="+apiV, "")
	if r.status != 404 {
		t.Errorf("tenant b's own path: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "GET", siPath+"/alertRules/r1?api-version="+apiV, ""); r.status != 200 {
		t.Errorf("tenant a lost its rule: %d", r.status)
	}
}

// TestNRTLimit: the 51st NRT rule of a workspace is refused; Scheduled rules are not counted.
func TestNRTLimit(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	for i := 1; i <= 50; i++ {
		if r := f.do("tok-a", "PUT", fmt.Sprintf("%s/alertRules/nrt-%d?api-version=%s", siPath, i, apiV), nrtRule); r.status != 201 {
			t.Fatalf("NRT rule %d: %d %s", i, r.status, r.body)
		}
	}
	r := f.do("tok-a", "PUT", siPath+"/alertRules/nrt-51?api-version="+apiV, nrtRule)
	if r.status != 400 || field(t, r.body, "error.message") != "The workspace already has 50 NRT rules, the maximum Microsoft Sentinel allows; delete one or create a Scheduled rule instead." {
		t.Fatalf("51st NRT rule: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "PUT", siPath+"/alertRules/nrt-50?api-version="+apiV, nrtRule); r.status != 200 {
		t.Fatalf("updating an existing NRT rule at the limit: %d %s", r.status, r.body)
	}
	list := f.do("tok-a", "GET", siPath+"/alertRules?api-version="+apiV, "")
	if n := len(field(t, list.body, "value").([]any)); n != 50 {
		t.Fatalf("list has %d rules", n)
	}
}

// TestActivityLog: Sentinel writes and deletes are recorded as AzureActivity operations.
func TestActivityLog(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	f.do("tok-a", "PUT", siPath+"/alertRules/r1?api-version="+apiV, nrtRule)
	f.do("tok-a", "PUT", siPath+"/alertRules/bad?api-version="+apiV, `{"kind":"NRT","properties":{}}`)
	f.do("tok-a", "DELETE", siPath+"/alertRules/r1?api-version="+apiV, "")
	var ops []string
	f.world.View(f.a.ID, func(tx *simulator.TenantTx) error {
		acts, err := tx.Activities()
		for _, a := range acts {
			if strings.Contains(a.OperationName, "SECURITYINSIGHTS") {
				ops = append(ops, a.OperationName+" "+a.Status+" "+a.ResourceID[strings.LastIndex(a.ResourceID, "/")+1:])
			}
		}
		return err
	})
	got, _ := json.Marshal(ops)
	want := `["MICROSOFT.SECURITYINSIGHTS/ONBOARDINGSTATES/WRITE Started default","MICROSOFT.SECURITYINSIGHTS/ONBOARDINGSTATES/WRITE Succeeded default",` +
		`"MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE Started r1","MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE Succeeded r1",` +
		`"MICROSOFT.SECURITYINSIGHTS/ALERTRULES/DELETE Started r1","MICROSOFT.SECURITYINSIGHTS/ALERTRULES/DELETE Succeeded r1"]`
	if string(got) != want {
		t.Fatalf("activity\n got %s\nwant %s", got, want)
	}
}

// TestRouting: unknown api-versions get ARM's error, Sentinel types only live under
// workspaces, and paths are case-insensitive while ids keep one canonical case.
func TestRouting(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	f.do("tok-a", "PUT", siPath+"/alertRules/Rule-1?api-version="+apiV, nrtRule)
	r := f.do("tok-a", "GET", siPath+"/alertRules/Rule-1?api-version=2021-01-01", "")
	if r.status != 400 || field(t, r.body, "error.code") != "NoRegisteredProviderFound" || !strings.Contains(r.body, "2022-06-01-preview") {
		t.Errorf("unknown api-version: %d %s", r.status, r.body)
	}
	kv := "/subscriptions/{subA}/resourceGroups/" + group + "/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.SecurityInsights/alertRules/x?api-version=" + apiV
	if r := f.do("tok-a", "GET", kv, ""); r.status != 404 || field(t, r.body, "error.code") != "InvalidResourceType" {
		t.Errorf("alert rule under a Key Vault: %d %s", r.status, r.body)
	}
	lower := strings.ToLower(strings.Replace(siPath, "{subA}", "{suba}", 1))
	lower = strings.Replace(lower, "{suba}", "{subA}", 1)
	r = f.do("tok-a", "GET", lower+"/alertrules/rule-1?api-version="+apiV, "")
	if r.status != 200 || field(t, r.body, "id") != f.expand(siPath)+"/alertRules/Rule-1" {
		t.Errorf("lower-case path: %d id %v", r.status, field(t, r.body, "id"))
	}
	if r := f.do("tok-a", "PUT", lower+"/alertrules/RULE-1?api-version="+apiV, nrtRule); r.status != 200 || field(t, r.body, "id") != f.expand(siPath)+"/alertRules/Rule-1" {
		t.Errorf("update through another case: %d %s", r.status, r.body)
	}
	if r := f.do("tok-a", "GET", siPath+"/alertRules?api-version="+apiV, ""); len(field(t, r.body, "value").([]any)) != 1 {
		t.Errorf("one rule expected after updates through other cases: %s", r.body)
	}
}

// TestConcurrentEtagWriters: of several clients updating with the same etag at once,
// exactly one wins; the others get 409 (writes are serialized, none is lost silently).
func TestConcurrentEtagWriters(t *testing.T) {
	f := newFixture(t)
	f.setup(true)
	path := siPath + "/alertRules/r1?api-version=" + apiV
	etag, _ := field(t, f.do("tok-a", "PUT", path, nrtRule).body, "etag").(string)
	const n = 5
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := strings.Replace(nrtRule, `"n"`, fmt.Sprintf(`"writer %d"`, i), 1)
			statuses <- f.do("tok-a", "PUT", path, body, "If-Match", etag).status
		}(i)
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[409] != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 409", count, n-1)
	}
}
