package arm

import (
	"strings"
	"testing"
)

// TestDiagnosticSettingForeignWorkspace: tenant A cannot route its resources' logs into
// tenant B's workspace (the destination is looked up in A's tenant only, as nonexistent), and
// nothing is stored.
func TestDiagnosticSettingForeignWorkspace(t *testing.T) {
	f := newFixture(t)
	wsB := "/subscriptions/" + f.b.Subscription.ID + "/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	if r := f.do("tok-b", "PUT", wsB+vWS, `{"location":"eastus"}`); r.status != 201 {
		t.Fatalf("B's workspace: %d %s", r.status, r.body)
	}
	before := f.do("tok-a", "GET", f.expand(diagKV+vDiag), "")
	r := f.do("tok-a", "PUT", f.expand(diagKV+"/to-b"+vDiag), `{"properties":{"logs":[{"category":"AuditEvent","enabled":true}],"workspaceId":"`+wsB+`"}}`)
	want := `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.OperationalInsights/workspaces/law-contoso-unified' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`
	if r.status != 404 || strings.TrimSpace(r.body) != want {
		t.Errorf("setting into B's workspace: %d %s\nwant 404 %s", r.status, r.body, want)
	}
	if after := f.do("tok-a", "GET", f.expand(diagKV+vDiag), ""); after.status != before.status || after.body != before.body {
		t.Errorf("the refused setting changed A's settings:\nbefore %s\nafter  %s", before.body, after.body)
	}
	// B's view of its workspace's incoming settings is unchanged too: B cannot see A's vault.
	if r := f.do("tok-b", "GET", "/subscriptions/"+f.a.Subscription.ID+"/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings"+vDiag, ""); r.status != 404 {
		t.Errorf("B lists A's vault settings: %d %s", r.status, r.body)
	}
}
