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
	if n := len(c.Names()); n != 17 {
		t.Errorf("catalog has %d tables, want 17", n)
	}
}
