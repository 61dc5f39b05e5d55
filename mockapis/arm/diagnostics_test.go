package arm

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/soclab/soclab/simulator"
)

const diagSetting = `{"id":"` + kvID + `/providers/microsoft.insights/diagnosticSettings/send-to-sentinel","name":"send-to-sentinel",
	"type":"Microsoft.Insights/diagnosticSettings","properties":{"storageAccountId":null,"serviceBusRuleId":null,
	"workspaceId":"/subscriptions/{subA}/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified",
	"eventHubAuthorizationRuleId":null,"eventHubName":null,"marketplacePartnerId":null,"metrics":[],
	"logs":[{"category":"AuditEvent","categoryGroup":null,"enabled":true,"retentionPolicy":{"enabled":false,"days":0}}],
	"logAnalyticsDestinationType":null}}`

func TestDiagnosticSettingsAndStandingResources(t *testing.T) {
	f := newFixture(t)
	lawID := "/subscriptions/{subA}/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	azBody := `{"properties": {"logs": [{"category": "AuditEvent", "enabled": true}], "workspaceId": "` + lawID + `"}}`
	runSteps(t, f, []step{
		{name: "key vault GET", tok: "tok-a", method: "GET", path: kvPath + "?api-version=2024-11-01", status: 200,
			want: `{"id":"` + kvID + `","name":"kv-contoso-prod","type":"Microsoft.KeyVault/vaults","location":"eastus","tags":{},
				"systemData":{"createdBy":"admin@contoso.com","createdByType":"User","createdAt":"2024-06-03T14:22:10.123Z","lastModifiedBy":"admin@contoso.com","lastModifiedByType":"User","lastModifiedAt":"2024-06-03T14:22:10.123Z"},
				"properties":{"tenantId":"{tidA}","sku":{"family":"A","name":"standard"},"accessPolicies":[],"enableRbacAuthorization":true,"enableSoftDelete":true,
				"softDeleteRetentionInDays":90,"enablePurgeProtection":true,"enabledForDeployment":false,"enabledForDiskEncryption":false,"enabledForTemplateDeployment":false,
				"vaultUri":"https://kv-contoso-prod.vault.azure.net/","provisioningState":"Succeeded","publicNetworkAccess":"Enabled",
				"networkAcls":{"bypass":"AzureServices","defaultAction":"Allow","ipRules":[],"virtualNetworkRules":[]}}}`},
		{name: "key vault is read-only", tok: "tok-a", method: "PUT", path: kvPath + "?api-version=2024-11-01", body: `{"location":"eastus"}`, status: 403,
			want: `{"error":{"code":"AuthorizationFailed","message":"The client '{appA}' with object id '{guid}' does not have authorization to perform action 'Microsoft.KeyVault/vaults/write' over scope '` + kvID + `' or the scope is invalid. If access was recently granted, please refresh your credentials."}}`},
		{name: "storage account GET", tok: "tok-a", method: "GET", path: rgSOC + "/providers/Microsoft.Storage/storageAccounts/stcontosoprod?api-version=2024-01-01", status: 200, want: "*"},
		{name: "no settings yet", tok: "tok-a", method: "GET", path: diagKV + vDiag, status: 200, want: `{"value":[]}`},
		{name: "workspace must exist", tok: "tok-a", method: "PUT", path: diagKV + "/send-to-sentinel" + vDiag, body: azBody, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.OperationalInsights/workspaces/law-contoso-unified' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
		{name: "create workspace", tok: "tok-a", method: "PUT", path: wsPath + vWS, body: `{"location":"eastus"}`, status: 201, want: "*"},
		{name: "create setting answers 200", tok: "tok-a", method: "PUT", path: diagKV + "/send-to-sentinel" + vDiag, body: azBody, status: 200, want: diagSetting},
		{name: "update answers 200", tok: "tok-a", method: "PUT", path: diagKV + "/send-to-sentinel" + vDiag, body: azBody, status: 200, want: diagSetting},
		{name: "get setting", tok: "tok-a", method: "GET", path: diagKV + "/send-to-sentinel" + vDiag, status: 200, want: diagSetting},
		{name: "list settings", tok: "tok-a", method: "GET", path: diagKV + vDiag, status: 200, want: `{"value":[` + diagSetting + `]}`},
		{name: "unknown category", tok: "tok-a", method: "PUT", path: diagKV + "/x" + vDiag,
			body: `{"properties":{"logs":[{"category":"SignInLogs","enabled":true}],"workspaceId":"` + lawID + `"}}`, status: 400,
			want: `{"error":{"code":"BadRequest","message":"Category 'SignInLogs' is not supported."}}`},
		{name: "category group", tok: "tok-a", method: "PUT", path: diagKV + "/grp" + vDiag,
			body: `{"properties":{"logs":[{"categoryGroup":"allLogs","enabled":true}],"metrics":[{"category":"AllMetrics","enabled":false}],"workspaceId":"` + lawID + `"}}`, status: 200, want: "*"},
		{name: "unknown metric", tok: "tok-a", method: "PUT", path: diagKV + "/x" + vDiag,
			body: `{"properties":{"metrics":[{"category":"Bogus","enabled":true}],"workspaceId":"` + lawID + `"}}`, status: 400,
			want: `{"error":{"code":"BadRequest","message":"Metric category 'Bogus' is not supported."}}`},
		{name: "enabled is required", tok: "tok-a", method: "PUT", path: diagKV + "/x" + vDiag,
			body: `{"properties":{"logs":[{"category":"AuditEvent"}],"workspaceId":"` + lawID + `"}}`, status: 400,
			want: `{"error":{"code":"BadRequest","message":"Required property 'enabled' not found in JSON. Path 'properties.logs[0]'."}}`},
		{name: "workspace id must be an ARM id", tok: "tok-a", method: "PUT", path: diagKV + "/x" + vDiag,
			body: `{"properties":{"logs":[{"category":"AuditEvent","enabled":true}],"workspaceId":"8c1b6f3e-1111-2222-3333-444455556666"}}`, status: 400,
			want: `{"error":{"code":"LinkedInvalidPropertyId","message":"Property id '{guid}' at path 'properties.workspaceId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'."}}`},
		{name: "a destination is required", tok: "tok-a", method: "PUT", path: diagKV + "/x" + vDiag,
			body: `{"properties":{"logs":[{"category":"AuditEvent","enabled":true}]}}`, status: 400,
			want: `{"error":{"code":"BadRequest","message":"At least one destination (storage account, event hub, Log Analytics workspace or partner solution) must be specified."}}`},
		{name: "parent must exist", tok: "tok-a", method: "GET", path: rgSOC + "/providers/Microsoft.KeyVault/vaults/kv-nope/providers/Microsoft.Insights/diagnosticSettings" + vDiag, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.KeyVault/vaults/kv-nope' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
		{name: "categories", tok: "tok-a", method: "GET", path: kvPath + "/providers/Microsoft.Insights/diagnosticSettingsCategories" + vDiag, status: 200,
			want: `{"value":[{"id":"` + kvID + `/providers/microsoft.insights/diagnosticSettingsCategories/AuditEvent","name":"AuditEvent","type":"Microsoft.Insights/diagnosticSettingsCategories","properties":{"categoryType":"Logs","categoryGroups":["audit","allLogs"]}},
				{"id":"` + kvID + `/providers/microsoft.insights/diagnosticSettingsCategories/AzurePolicyEvaluationDetails","name":"AzurePolicyEvaluationDetails","type":"Microsoft.Insights/diagnosticSettingsCategories","properties":{"categoryType":"Logs","categoryGroups":["audit","allLogs"]}},
				{"id":"` + kvID + `/providers/microsoft.insights/diagnosticSettingsCategories/AllMetrics","name":"AllMetrics","type":"Microsoft.Insights/diagnosticSettingsCategories","properties":{"categoryType":"Metrics","categoryGroups":[]}}]}`},
		{name: "other tenant cannot point at it", tok: "tok-b", method: "PUT",
			path: "/subscriptions/{subB}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/steal" + vDiag,
			body: azBody, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.OperationalInsights/workspaces/law-contoso-unified' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
		{name: "other tenant's vault has no settings", tok: "tok-b", method: "GET",
			path:   "/subscriptions/{subB}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings" + vDiag,
			status: 200, want: `{"value":[]}`},
		{name: "delete setting", tok: "tok-a", method: "DELETE", path: diagKV + "/send-to-sentinel" + vDiag, status: 200},
		{name: "delete again", tok: "tok-a", method: "DELETE", path: diagKV + "/send-to-sentinel" + vDiag, status: 204},
		{name: "gone", tok: "tok-a", method: "GET", path: diagKV + "/send-to-sentinel" + vDiag, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'microsoft.insights/diagnosticSettings/send-to-sentinel' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
	})
}

// TestActivityRecorded checks the action log entries of successful writes: operation name,
// caller, tenant-clock time, status, and that failed writes record nothing.
func TestActivityRecorded(t *testing.T) {
	f := newFixture(t)
	f.do("tok-a", "PUT", f.expand(rgSOC+v2021), `{"location":"eastus"}`)
	f.do("tok-a", "PUT", f.expand(rgSOC+v2021), `{"location":"westus"}`) // refused: nothing recorded
	f.do("tok-b", "PUT", f.expand("/subscriptions/{subB}/resourcegroups/rg-b"+v2021), `{"location":"eastus"}`)
	f.do("tok-a", "DELETE", f.expand("/subscriptions/{subA}/resourcegroups/rg-contoso-dev"+v2021), "")
	var got []string
	err := f.world.View(f.a.ID, func(tx *simulator.TenantTx) error {
		acts, err := tx.Activities()
		for _, a := range acts {
			got = append(got, fmt.Sprintf("%d %s %s %s %s %s %s", a.Seq, a.OperationName, a.Status, a.SubStatus, f.normalize(a.Caller), a.Time.Format("15:04:05"), f.normalize(a.ResourceID)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE Started  {guid} 07:00:00 /subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc",
		"2 MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE Succeeded OK {guid} 07:00:00 /subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc",
		"3 MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE Started  {guid} 07:00:00 /subscriptions/{subA}/resourceGroups/rg-contoso-dev",
		"4 MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE Accepted Accepted {guid} 07:00:00 /subscriptions/{subA}/resourceGroups/rg-contoso-dev",
		"5 MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE Succeeded Accepted {guid} 07:00:00 /subscriptions/{subA}/resourceGroups/rg-contoso-dev",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("activity\n got %s\nwant %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var bCaller string
	f.world.View(f.b.ID, func(tx *simulator.TenantTx) error {
		acts, _ := tx.Activities()
		if len(acts) == 2 {
			bCaller = acts[1].Caller
		}
		return nil
	})
	if bCaller != "analyst@learner01.onmicrosoft.com" {
		t.Fatalf("tenant b caller %q", bCaller)
	}
}

// TestConcurrentWrites creates groups and workspaces from many goroutines at once: every
// acknowledged create is there afterwards and the action log has exactly two entries each.
func TestConcurrentWrites(t *testing.T) {
	f := newFixture(t)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.do("tok-a", "PUT", f.expand(fmt.Sprintf("%s/providers/Microsoft.OperationalInsights/workspaces/law-%03d%s", rgSOC, i, vWS)), `{"location":"eastus"}`)
			if r.status != http.StatusCreated {
				errs <- fmt.Sprintf("workspace %d: %d %s", i, r.status, r.body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	r := f.do("tok-a", "GET", f.expand(rgSOC+"/providers/Microsoft.OperationalInsights/workspaces"+vWS), "")
	if c := strings.Count(r.body, `"customerId"`); c != n {
		t.Fatalf("listed %d workspaces, want %d", c, n)
	}
	f.world.View(f.a.ID, func(tx *simulator.TenantTx) error {
		acts, _ := tx.Activities()
		if len(acts) != 2*n {
			t.Errorf("activity entries %d, want %d", len(acts), 2*n)
		}
		for i, a := range acts {
			if a.Seq != uint64(i+1) {
				t.Errorf("entry %d has seq %d", i, a.Seq)
			}
		}
		return nil
	})
}
