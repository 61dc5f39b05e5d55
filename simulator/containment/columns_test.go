package containment_test

import (
	"slices"
	"testing"
)

// TestReturnRowsFillTheColumnsGeneratedRowsFill: the return's rows carry a value in exactly the
// columns the generator fills for the morning's attack sign-ins of the same kind and outcome
// (so they read like the rest of the telemetry, in every table that records a sign-in).
func TestReturnRowsFillTheColumnsGeneratedRowsFill(t *testing.T) {
	f := newFixture(t)
	f.launch(f.tenant)
	if err := writeContainment(f.world, f.tenant.ID, containmentDone{Blocked: []string{"185.220.101.0/24"}, BlockAt: clockAt(t, "13:41")}); err != nil {
		t.Fatal(err)
	}
	f.advanceTo(f.tenant, "14:10") // session at 13:40 signs in; password at 13:42:30 blocked (53003)
	cases := []struct {
		name, ws, table, timeCol, ip, morning, afternoon string
		// onlyMorning are columns only the morning's row fills, for a reason in the outcome.
		onlyMorning []string
	}{
		// non-interactive successes: the morning's refresh at 08:40:00 and the return's session
		{"non-interactive success", f.wsID, "AADNonInteractiveUserSignInLogs", "TimeGenerated", "185.220.101.45", "2025-01-15T08:40:00Z", "2025-01-15T13:40:00Z", nil},
		// interactive failures: the morning's 50074 (MFA required: MfaDetail) and the return's 53003
		{"interactive failure", f.wsID, "SigninLogs", "TimeGenerated", "185.220.101.45", "2025-01-15T08:31:40Z", "2025-01-15T13:42:30Z", []string{"MfaDetail"}},
		// the spray's first try, this morning and this afternoon (50126 both)
		{"spray", f.wsID, "SigninLogs", "TimeGenerated", "185.220.101.23", "2025-01-15T09:30:00Z", "2025-01-15T13:50:00Z", nil},
		{"Defender sign-in, non-interactive", "", "AADSignInEventsBeta", "Timestamp", "185.220.101.45", "2025-01-15T08:40:00Z", "2025-01-15T13:40:00Z", nil},
		{"Defender sign-in, interactive failure", "", "AADSignInEventsBeta", "Timestamp", "185.220.101.45", "2025-01-15T08:31:40Z", "2025-01-15T13:42:30Z", nil},
		{"Defender for Identity logon failure", "", "IdentityLogonEvents", "Timestamp", "185.220.101.45", "2025-01-15T08:31:40Z", "2025-01-15T13:42:30Z", nil},
		{"Defender for Identity spray", "", "IdentityLogonEvents", "Timestamp", "185.220.101.23", "2025-01-15T09:30:00Z", "2025-01-15T13:50:00Z", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.table + " | where IPAddress == '" + c.ip + "' and " + c.timeCol + " in (datetime(" + c.morning + "), datetime(" + c.afternoon + ")) | order by " + c.timeCol + " asc"
			rows := f.filled(f.tenant, c.ws, q)
			if len(rows) != 2 {
				t.Fatalf("%d rows, want the morning's and the return's", len(rows))
			}
			morning := slices.DeleteFunc(rows[0], func(col string) bool { return slices.Contains(c.onlyMorning, col) })
			if !slices.Equal(morning, rows[1]) {
				t.Errorf("filled columns differ:\nmorning %v\nreturn  %v", rows[0], rows[1])
			}
		})
	}
}
