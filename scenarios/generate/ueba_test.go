package generate_test

import (
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

// TestBehaviorAnalyticsPointsAtItsRecords: every BehaviorAnalytics row's SourceRecordId is the
// _ItemId of a record of its NativeTableName (what the UEBA rules join on), and UEBA covers
// every source it reads: sign-ins (LogOn, FailedLogOn), directory changes, Azure operations.
func TestBehaviorAnalyticsPointsAtItsRecords(t *testing.T) {
	tel := defaultTelemetry(t)
	ba := table(t, tel, "BehaviorAnalytics")
	items := map[string]string{}
	for name, col := range generate.ItemIDColumns {
		tb := table(t, tel, name)
		for _, row := range tb.Rows {
			items[generate.ItemID(name, str(tb, row, col))] = name
		}
	}
	kinds := map[string]int{}
	for r, row := range ba.Rows {
		native := str(ba, row, "NativeTableName")
		if got := items[str(ba, row, "SourceRecordId")]; got != native {
			t.Fatalf("BehaviorAnalytics row %d (%s %s): SourceRecordId %s is no %s record's _ItemId", r, native,
				str(ba, row, "ActionType"), str(ba, row, "SourceRecordId"), native)
		}
		kinds[native+"/"+str(ba, row, "ActivityType")]++
	}
	for _, k := range []string{"SigninLogs/LogOn", "SigninLogs/FailedLogOn", "AuditLogs/UserManagement", "AuditLogs/RoleManagement",
		"AzureActivity/Storage", "AzureActivity/KeyVault", "AzureActivity/Authorization"} {
		if kinds[k] == 0 {
			t.Errorf("no BehaviorAnalytics row of %s (have %v)", k, kinds)
		}
	}
}

// TestBehaviorAnalyticsFlagsTheNewCountry: the attacker's sign-in is the tenant's first
// connection from Romania (FirstTimeConnectionFromCountryObservedInTenant) and uncommon among
// alex's peers, the insights the UEBA "anomalous sign-in location" rules filter on; sign-ins from
// the offices never are.
func TestBehaviorAnalyticsFlagsTheNewCountry(t *testing.T) {
	tel := defaultTelemetry(t)
	ba := table(t, tel, "BehaviorAnalytics")
	attack := time.Date(2025, 1, 15, 8, 32, 5, 0, time.UTC)
	firstInTenant := map[string]int{}
	for _, row := range ba.Rows {
		in, _ := cell(ba, row, "ActivityInsights").(map[string]any)
		if in["FirstTimeConnectionFromCountryObservedInTenant"] == true {
			firstInTenant[str(ba, row, "SourceIPLocation")]++
		}
		if str(ba, row, "NativeTableName") != "SigninLogs" || !cell(ba, row, "TimeGenerated").(time.Time).Equal(attack) {
			continue
		}
		if str(ba, row, "UserPrincipalName") != victim || in["FirstTimeConnectionFromCountryObservedInTenant"] != true ||
			in["CountryUncommonlyConnectedFromAmongPeers"] != true || in["FirstTimeUserConnectedFromCountry"] != true ||
			str(ba, row, "ActivityType") != "LogOn" || str(ba, row, "SourceIPLocation") != "Romania" {
			t.Errorf("attack sign-in insights: %v %v", str(ba, row, "UserPrincipalName"), in)
		}
		dev, _ := cell(ba, row, "DevicesInsights").(map[string]any)
		if dev["ThreatIntelIndicatorType"] != "Proxy" {
			t.Errorf("attack sign-in DevicesInsights lacks the TI match: %v", dev)
		}
	}
	if firstInTenant["Romania"] == 0 || firstInTenant["United States"] != 0 || firstInTenant["United Kingdom"] != 0 {
		t.Errorf("first connections from a country in the tenant: %v", firstInTenant)
	}
}
