package xdr

import "testing"

// TestMergeSentinel: when both sides changed an incident since the last sync and Defender's
// change is the later one, Sentinel's changes to the fields Defender left alone survive.
func TestMergeSentinel(t *testing.T) {
	base := SentinelView{Status: "New", Owner: "", Classification: ""}
	tests := []struct {
		name     string
		defender Incident
		sentinel SentinelView
		want     Incident
	}{
		{"Sentinel assigned, Defender classified",
			Incident{Status: "active", Classification: "truePositive", Determination: "multiStagedAttack"},
			SentinelView{Status: "New", Owner: "SOC Tier 2"},
			Incident{Status: "active", AssignedTo: "SOC Tier 2", Classification: "truePositive", Determination: "multiStagedAttack"}},
		{"both assigned: Defender's later owner wins",
			Incident{Status: "active", AssignedTo: "analyst@contoso.com"},
			SentinelView{Status: "New", Owner: "SOC Tier 2"},
			Incident{Status: "active", AssignedTo: "analyst@contoso.com"}},
		{"Sentinel activated, Defender assigned",
			Incident{Status: "active", AssignedTo: "analyst@contoso.com"},
			SentinelView{Status: "Active"},
			Incident{Status: "inProgress", AssignedTo: "analyst@contoso.com"}},
		{"Sentinel closed, Defender resolved too",
			Incident{Status: "resolved", Classification: "falsePositive"},
			SentinelView{Status: "Closed", Classification: "TruePositive"},
			Incident{Status: "resolved", Classification: "falsePositive"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.defender
			mergeSentinel(&got, base, tc.sentinel)
			if got.Status != tc.want.Status || got.AssignedTo != tc.want.AssignedTo || got.Classification != tc.want.Classification || got.Determination != tc.want.Determination {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
