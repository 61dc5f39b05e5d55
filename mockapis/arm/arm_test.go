package arm

import (
	"strings"
	"testing"
)

// step is one request of a scenario and its exact expected answer. Bodies are compared after
// normalize (tenant ids and GUIDs replaced by placeholders) and key-order-insensitive
// compaction.
type step struct {
	name   string
	tok    string
	method string
	path   string
	body   string
	status int
	want   string            // expected body, "" for none, "*" for any
	header map[string]string // expected headers (normalized)
}

func runSteps(t *testing.T, f *fixture, steps []step) {
	t.Helper()
	for _, s := range steps {
		got := f.do(s.tok, s.method, f.expand(s.path), f.expand(s.body))
		if got.status != s.status {
			t.Errorf("%s: status %d, want %d; body %s", s.name, got.status, s.status, got.body)
			continue
		}
		if s.want == "*" {
			// status only
		} else if s.want == "" {
			if got.body != "" {
				t.Errorf("%s: body %s, want none", s.name, got.body)
			}
		} else if g, w := compact(t, f.normalize(got.body)), compact(t, s.want); g != w {
			t.Errorf("%s: body\n got %s\nwant %s", s.name, g, w)
		}
		for k, v := range s.header {
			if g := f.normalize(got.header.Get(k)); g != v {
				t.Errorf("%s: header %s = %q, want %q", s.name, k, g, v)
			}
		}
	}
}

const (
	rgSOC   = "/subscriptions/{subA}/resourcegroups/rg-contoso-unified-soc"
	wsPath  = "/subscriptions/{subA}/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	kvPath  = "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
	diagKV  = kvPath + "/providers/Microsoft.Insights/diagnosticSettings"
	wsID    = "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	kvID    = "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
	v2021   = "?api-version=2021-04-01"
	vWS     = "?api-version=2021-12-01-preview"
	vDiag   = "?api-version=2021-05-01-preview"
	tsStart = "2025-01-15T07:00:00.0000000Z"
)

const wsBody = `{"id":"` + wsID + `","name":"law-contoso-unified","type":"Microsoft.OperationalInsights/workspaces",
 "location":"eastus","tags":{},"etag":"\"{guid}\"",
 "systemData":{"createdBy":"{appA}","createdByType":"Application","createdAt":"` + tsStart + `",
   "lastModifiedBy":"{appA}","lastModifiedByType":"Application","lastModifiedAt":"` + tsStart + `"},
 "properties":{"customerId":"{guid}","provisioningState":"Succeeded","sku":{"name":"PerGB2018","lastSkuUpdate":"` + tsStart + `"},
   "retentionInDays":30,"features":{"legacy":0,"searchVersion":1,"enableLogAccessUsingOnlyResourcePermissions":true},
   "workspaceCapping":{"dailyQuotaGb":-1,"dataIngestionStatus":"RespectQuota","quotaNextResetTime":"2025-01-16T00:00:00.0000000Z"},
   "publicNetworkAccessForIngestion":"Enabled","publicNetworkAccessForQuery":"Enabled",
   "createdDate":"` + tsStart + `","modifiedDate":"` + tsStart + `"}}`

func TestSubscriptionsAndAuth(t *testing.T) {
	f := newFixture(t)
	runSteps(t, f, []step{
		{name: "list subscriptions", tok: "tok-a", method: "GET", path: "/subscriptions?api-version=2019-11-01", status: 200,
			want: `{"count":{"type":"Total","value":1},"value":[{"id":"/subscriptions/{subA}","authorizationSource":"RoleBased","managedByTenants":[],
				"subscriptionId":"{subA}","tenantId":"{tidA}","displayName":"Contoso Production","state":"Enabled",
				"subscriptionPolicies":{"locationPlacementId":"Public_2014-09-01","quotaId":"PayAsYouGo_2014-09-01","spendingLimit":"Off"}}]}`},
		{name: "other tenant sees only its own", tok: "tok-b", method: "GET", path: "/subscriptions?api-version=2022-12-01", status: 200,
			want: `{"count":{"type":"Total","value":1},"value":[{"id":"/subscriptions/{subB}","authorizationSource":"RoleBased","managedByTenants":[],
				"subscriptionId":"{subB}","tenantId":"{tidB}","displayName":"Contoso Production (learner01)","state":"Enabled",
				"subscriptionPolicies":{"locationPlacementId":"Public_2014-09-01","quotaId":"PayAsYouGo_2014-09-01","spendingLimit":"Off"}}]}`},
		{name: "get subscription, upper-case keyword", tok: "tok-a", method: "GET", path: "/SUBSCRIPTIONS/{subA}?api-version=2022-12-01", status: 200,
			want: `{"id":"/subscriptions/{subA}","authorizationSource":"RoleBased","managedByTenants":[],
				"subscriptionId":"{subA}","tenantId":"{tidA}","displayName":"Contoso Production","state":"Enabled",
				"subscriptionPolicies":{"locationPlacementId":"Public_2014-09-01","quotaId":"PayAsYouGo_2014-09-01","spendingLimit":"Off"}}`},
		{name: "tenants", tok: "tok-a", method: "GET", path: "/tenants?api-version=2019-11-01", status: 200,
			want: `{"count":{"type":"Total","value":1},"value":[{"id":"/tenants/{tidA}","tenantId":"{tidA}","countryCode":"US","displayName":"Contoso Ltd",
				"domains":["contoso.com","contoso.onmicrosoft.com"],"tenantCategory":"Home","defaultDomain":"contoso.com","tenantType":"AAD"}]}`},
		{name: "no token", method: "GET", path: "/subscriptions?api-version=2022-12-01", status: 401,
			want:   `{"error":{"code":"AuthenticationFailed","message":"Authentication failed. The 'Authorization' header is missing."}}`,
			header: map[string]string{"WWW-Authenticate": `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`}},
		{name: "bad token", tok: "garbage", method: "GET", path: "/subscriptions?api-version=2022-12-01", status: 401,
			want: `{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}`},
		{name: "the lab verifier's own ARM wording is kept", tok: "expired", method: "GET", path: "/subscriptions?api-version=2022-12-01", status: 401,
			want:   `{"error":{"code":"ExpiredAuthenticationToken","message":"The access token expiry UTC time '1/15/2025 7:00:00 AM' is earlier than current UTC time '1/15/2025 8:00:00 AM'."}}`,
			header: map[string]string{"WWW-Authenticate": `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token expiry UTC time '1/15/2025 7:00:00 AM' is earlier than current UTC time '1/15/2025 8:00:00 AM'."`}},
		{name: "wrong audience", tok: "wrong-aud", method: "GET", path: "/subscriptions?api-version=2022-12-01", status: 401,
			want: `{"error":{"code":"InvalidAuthenticationTokenAudience","message":"The access token has been obtained for wrong audience or resource ''. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."}}`},
		{name: "missing api-version", tok: "tok-a", method: "GET", path: "/subscriptions", status: 400,
			want: `{"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter (?api-version=) is required for all requests."}}`},
		{name: "another tenant's subscription looks absent", tok: "tok-b", method: "GET", path: "/subscriptions/{subA}/resourcegroups?api-version=2021-04-01", status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{subA}' could not be found."}}`},
		{name: "unknown subscription", tok: "tok-a", method: "GET", path: "/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2022-12-01", status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{guid}' could not be found."}}`},
	})
}

func TestInvalidAPIVersionListsSupported(t *testing.T) {
	f := newFixture(t)
	got := f.do("tok-a", "GET", f.expand(rgSOC+"?api-version=2099-01-01"), "")
	want := `{"error":{"code":"InvalidApiVersionParameter","message":"The api-version '2099-01-01' is invalid. The supported versions are '` +
		strings.Join(resourcesAPIVersions, ",") + `'."}}`
	if got.status != 400 || got.body != want {
		t.Fatalf("got %d %s\nwant 400 %s", got.status, got.body, want)
	}
	got = f.do("tok-a", "GET", f.expand(wsPath+"?api-version=2014-01-01"), "")
	if got.status != 400 || !strings.HasPrefix(got.body, `{"error":{"code":"NoRegisteredProviderFound","message":"No registered resource provider found for location 'eastus' and API version '2014-01-01' for type 'workspaces'. The supported api-versions are '2015-03-20, 2015-11-01-preview,`) {
		t.Fatalf("workspace api-version: got %d %s", got.status, got.body)
	}
}
