package containment_test

import (
	"slices"
	"testing"
)

// TestReturnInUEBA: the return's interactive sign-ins reach BehaviorAnalytics like every
// interactive sign-in, judged against a baseline that has learned the attack's morning sign-in
// from Bucharest (so the attacker's return is not "first time from the country"; the spray's
// victims never signed in from there, so theirs are;
// the priorities are the generator's own scoring of each user's baseline).
func TestReturnInUEBA(t *testing.T) {
	f := newFixture(t)
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:40") // UEBA processes about 17 minutes late
	got := f.query(f.tenant, f.wsID, `BehaviorAnalytics | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and SourceIPAddress startswith '185.220.101.'
		| summarize n = count(), firstCountry = countif(tobool(ActivityInsights.FirstTimeUserConnectedFromCountry)), maxPriority = max(InvestigationPriority)
		  by UserPrincipalName, SourceIPLocation | order by UserPrincipalName asc`)
	want := []string{
		"alex.johnson@contoso.com\tRomania\t1\t0\t2",
		"david.chen@contoso.com\tRomania\t2\t2\t4",
		"lisa.wong@contoso.com\tRomania\t2\t2\t4",
		"maria.garcia@contoso.com\tRomania\t2\t2\t2",
		"olivia.bennett@contoso.com\tRomania\t2\t2\t4",
		"sarah.miller@contoso.com\tRomania\t2\t2\t4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("BehaviorAnalytics:\ngot  %q\nwant %q", got, want)
	}
}
