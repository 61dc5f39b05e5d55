package identity

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// TestRiskTiming: real-time detections appear with their sign-in, offline ones
// (maliciousIPAddress) two hours later; an administrator's decision applies to the detections
// made before it, not to later ones.
func TestRiskTiming(t *testing.T) {
	f := newFixture(t)
	f.launch()
	row := func(at, types string) map[string]any {
		return map[string]any{"TimeGenerated": at, "Id": "req-" + at, "UserId": "u1", "UserPrincipalName": "x@contoso.com",
			"UserDisplayName": "X", "IPAddress": "185.220.101.45", "RiskLevelDuringSignIn": "high", "RiskEventTypes_V2": types}
	}
	rows := []map[string]any{row("2025-01-15T08:00:00Z", `["anonymizedIPAddress","maliciousIPAddress"]`), row("2025-01-15T11:00:00Z", `["unfamiliarFeatures"]`)}
	var d *Directory
	if err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
		var err error
		d, err = Load(tx, NewBase(scen, nil, f.tenant), time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d.Risk["u1"] = RiskDecision{State: "dismissed", Level: "none", Detail: "adminDismissedAllRiskForUser", At: time.Date(2025, 1, 15, 10, 30, 0, 0, time.UTC)}
	summary := func(now string) string {
		at, _ := time.Parse(time.RFC3339, now)
		r := d.risk(rows, at)
		out := ""
		for _, det := range r.Detections {
			out += fmt.Sprintf("%s/%s/%s/%s ", det["riskEventType"], det["detectionTimingType"], det["detectedDateTime"], det["riskState"])
		}
		for _, u := range r.Users {
			out += fmt.Sprintf("| %s %s %s", u["id"], u["riskState"], u["riskLevel"])
		}
		return out
	}
	for _, c := range []struct{ now, want string }{
		{"2025-01-15T09:00:00Z", "anonymizedIPAddress/realtime/2025-01-15T08:00:00Z/atRisk | u1 atRisk high"},
		{"2025-01-15T10:00:00Z", "anonymizedIPAddress/realtime/2025-01-15T08:00:00Z/atRisk maliciousIPAddress/offline/2025-01-15T10:00:00Z/atRisk | u1 atRisk high"},
		{"2025-01-15T10:45:00Z", "anonymizedIPAddress/realtime/2025-01-15T08:00:00Z/dismissed maliciousIPAddress/offline/2025-01-15T10:00:00Z/dismissed | u1 dismissed none"},
		{"2025-01-15T11:30:00Z", "anonymizedIPAddress/realtime/2025-01-15T08:00:00Z/dismissed maliciousIPAddress/offline/2025-01-15T10:00:00Z/dismissed unfamiliarFeatures/realtime/2025-01-15T11:00:00Z/atRisk | u1 atRisk high"},
	} {
		if got := summary(c.now); got != c.want {
			t.Errorf("at %s:\n%s\nwant\n%s", c.now, got, c.want)
		}
	}
}
