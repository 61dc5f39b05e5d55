package arm

import (
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// standingKV is the standing Key Vault setting as ARM answers it: it names the lab workspace
// before that workspace exists (the lab's prerequisites say the connection is active).
const standingKV = `{"id":"` + kvID + `/providers/Microsoft.Insights/diagnosticSettings/kv-audit-to-sentinel","name":"kv-audit-to-sentinel",
	"type":"Microsoft.Insights/diagnosticSettings","properties":{"eventHubAuthorizationRuleId":null,"eventHubName":null,
	"logAnalyticsDestinationType":null,"logs":[{"category":"AuditEvent","categoryGroup":null,"enabled":true,"retentionPolicy":{"days":0,"enabled":false}}],
	"marketplacePartnerId":null,"metrics":[],"serviceBusRuleId":null,"storageAccountId":null,
	"workspaceId":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"}}`

const blobService = "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Storage/storageAccounts/stcontosoprod/blobServices/default"

// TestStandingDiagnosticSettings: the seed's settings are ARM resources from the start; a
// DELETE removes one (its past kept for log routing) and a PUT brings it back.
func TestStandingDiagnosticSettings(t *testing.T) {
	seed := simulator.StaticSeed()
	seed.DiagnosticSettings = []simulator.SeedDiagnosticSetting{
		{Name: "kv-audit-to-sentinel", ResourceGroup: "rg-contoso-unified-soc", ResourceType: "Microsoft.KeyVault/vaults", ResourceName: "kv-contoso-prod",
			WorkspaceGroup: "rg-contoso-unified-soc", WorkspaceName: "law-contoso-unified", Categories: []string{"AuditEvent"}},
		{Name: "blob-to-sentinel", ResourceGroup: "rg-contoso-unified-soc", ResourceType: "Microsoft.Storage/storageAccounts", ResourceName: "stcontosoprod",
			SubPath: "/blobServices/default", WorkspaceGroup: "rg-contoso-unified-soc", WorkspaceName: "law-contoso-unified", Categories: []string{"StorageRead"}},
	}
	f := newSeededFixture(t, seed)
	recreate := `{"properties":{"logs":[{"category":"AuditEvent","enabled":true}],"workspaceId":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"}}`
	runSteps(t, f, []step{
		{name: "listed on the vault", tok: "tok-a", method: "GET", path: diagKV + vDiag, status: 200, want: `{"value":[` + standingKV + `]}`},
		{name: "get by name", tok: "tok-a", method: "GET", path: diagKV + "/kv-audit-to-sentinel" + vDiag, status: 200, want: standingKV},
		{name: "blob service setting listed", tok: "tok-a", method: "GET", path: blobService + "/providers/Microsoft.Insights/diagnosticSettings" + vDiag, status: 200, want: "*"},
		{name: "blob service categories", tok: "tok-a", method: "GET", path: blobService + "/providers/Microsoft.Insights/diagnosticSettingsCategories/StorageRead" + vDiag, status: 200,
			want: `{"id":"` + blobService + `/providers/microsoft.insights/diagnosticSettingsCategories/StorageRead","name":"StorageRead","type":"Microsoft.Insights/diagnosticSettingsCategories","properties":{"categoryGroups":["audit","allLogs"],"categoryType":"Logs"}}`},
		{name: "another tenant cannot read them", tok: "tok-b", method: "GET", path: diagKV + vDiag, status: 404, want: "*"},
		{name: "delete", tok: "tok-a", method: "DELETE", path: diagKV + "/kv-audit-to-sentinel" + vDiag, status: 200},
		{name: "gone", tok: "tok-a", method: "GET", path: diagKV + vDiag, status: 200, want: `{"value":[]}`},
		{name: "re-create needs the workspace", tok: "tok-a", method: "PUT", path: diagKV + "/kv-audit-to-sentinel" + vDiag, body: recreate, status: 404, want: "*"},
		{name: "create workspace", tok: "tok-a", method: "PUT", path: wsPath + vWS, body: `{"location":"eastus"}`, status: 201, want: "*"},
		{name: "re-create", tok: "tok-a", method: "PUT", path: diagKV + "/kv-audit-to-sentinel" + vDiag, body: recreate, status: 200, want: "*"},
	})
	var periods []simulator.SettingPeriod
	err := f.world.View(f.a.ID, func(tx *simulator.TenantTx) error {
		var err error
		periods, err = tx.DiagnosticSettingPeriods()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	start := simulator.ScenarioStart
	type span struct{ name, from, to string }
	var got []span
	for _, p := range periods {
		got = append(got, span{lastSegment(p.ID), fmtTime(p.From), fmtTime(p.To)})
	}
	want := []span{
		{"kv-audit-to-sentinel", fmtTime(start), ""}, // re-created at the clock
		{"blob-to-sentinel", "", ""},                 // standing, in force
		{"kv-audit-to-sentinel", "", fmtTime(start)}, // standing until deleted
	}
	if len(got) != len(want) {
		t.Fatalf("periods %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("period %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
