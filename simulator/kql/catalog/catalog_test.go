package catalog

import "testing"

func TestCatalogHasLabTables(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		table, column, typ, timeCol string
	}{
		{"SigninLogs", "ResultType", "string", "TimeGenerated"},
		{"SigninLogs", "LocationDetails", "dynamic", "TimeGenerated"},
		{"AzureDiagnostics", "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s", "string", "TimeGenerated"},
		{"CloudAppEvents", "ActionType", "string", "Timestamp"},
		{"IdentityLogonEvents", "Timestamp", "datetime", "Timestamp"},
		{"DeviceProcessEvents", "ProcessCommandLine", "string", "Timestamp"},
		{"DeviceProcessEvents", "ReportId", "long", "Timestamp"},
		{"DeviceNetworkEvents", "RemotePort", "int", "Timestamp"},
		{"DeviceFileEvents", "IsAzureInfoProtectionApplied", "bool", "Timestamp"},
		{"DeviceEvents", "RegistryValueData", "string", "Timestamp"},
		{"DeviceLogonEvents", "IsLocalAdmin", "bool", "Timestamp"},
		{"DeviceInfo", "OSBuild", "long", "Timestamp"},
		{"EmailEvents", "EmailClusterId", "long", "Timestamp"},
		{"EmailEvents", "ReportId", "string", "Timestamp"},
		{"EmailUrlInfo", "UrlLocation", "string", "Timestamp"},
		{"EmailAttachmentInfo", "FileSize", "long", "Timestamp"},
		{"UrlClickEvents", "IsClickedThrough", "bool", "Timestamp"},
		{"SecurityEvent", "EventID", "int", "TimeGenerated"},
		{"SecurityEvent", "LogonType", "int", "TimeGenerated"},
		{"OfficeActivity", "Parameters", "string", "TimeGenerated"},
		{"DnsEvents", "QueryType", "string", "TimeGenerated"},
		{"Heartbeat", "ComputerIP", "string", "TimeGenerated"},
		{"AADServicePrincipalSignInLogs", "ServicePrincipalId", "string", "TimeGenerated"},
		{"UserPeerAnalytics", "PeerUserPrincipalName", "string", "TimeGenerated"},
		{"ThreatIntelligenceIndicator", "NetworkCidrBlock", "string", "TimeGenerated"},
	}
	for _, tc := range cases {
		tb, ok := c.Table(tc.table)
		if !ok {
			t.Fatalf("table %s missing", tc.table)
		}
		if tb.TimeColumn != tc.timeCol {
			t.Errorf("%s time column = %q, want %q", tc.table, tb.TimeColumn, tc.timeCol)
		}
		col, ok := tb.Column(tc.column)
		if !ok {
			t.Errorf("%s.%s missing", tc.table, tc.column)
			continue
		}
		if col.Type != tc.typ {
			t.Errorf("%s.%s type = %q, want %q", tc.table, tc.column, col.Type, tc.typ)
		}
	}
	if n := len(c.Names()); n != 33 {
		t.Errorf("catalog has %d tables, want 33", n)
	}
}

// TestEveryTableHasItsTimeColumn: every table has its time column as a datetime, and the
// workspace variant of an advanced hunting table has TimeGenerated and TenantId.
func TestEveryTableHasItsTimeColumn(t *testing.T) {
	c := MustLoad()
	for _, name := range c.Names() {
		tb, _ := c.Table(name)
		if col, ok := tb.Column(tb.TimeColumn); !ok || col.Type != "datetime" {
			t.Errorf("%s: time column %q missing or not datetime", name, tb.TimeColumn)
		}
		if len(tb.LogAnalyticsColumns) == 0 {
			continue
		}
		la := Table{Columns: tb.LogAnalyticsColumns}
		for _, want := range []string{"TimeGenerated", "TenantId", "Type"} {
			if _, ok := la.Column(want); !ok {
				t.Errorf("%s: workspace variant lacks %s", name, want)
			}
		}
	}
}
