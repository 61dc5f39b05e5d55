package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestDefenderIncidentSyncThroughServer: Task 1 and 2 with the real az (workspace, onboarding, the
// MicrosoftThreatProtection connector and the three rules through az rest), `soclab attack
// launch`; the Sentinel incident whose provider is "Microsoft 365 Defender" holds the alerts of
// at least three products; resolving it through Graph closes it in Sentinel after the sync delay.
func TestDefenderIncidentSyncThroughServer(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	s := newSOCLab(t, false, labRules...)
	l, tenant, wsID, si, ws := s.lab, s.tenant, s.wsID, s.si, s.ws
	var put map[string]any
	l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"dataConnectors/MicrosoftThreatProtection?api-version=2023-02-01-preview",
		"--body", fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, tenant))
	if out, err := l.soclab("xdr", "settings", "show"); err != nil || !strings.Contains(out, "connected workspace "+wsID) {
		t.Fatalf("soclab xdr settings show: %v\n%s", err, out)
	}
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	waitClock(t, l, "2025-01-15T10:30:00Z")

	type sentinelIncident struct {
		Name       string `json:"name"`
		Properties struct {
			Title              string `json:"title"`
			Status             string `json:"status"`
			Classification     string `json:"classification"`
			ProviderName       string `json:"providerName"`
			ProviderIncidentID string `json:"providerIncidentId"`
			AdditionalData     struct {
				AlertsCount         int      `json:"alertsCount"`
				AlertProductNames   []string `json:"alertProductNames"`
				ProviderIncidentURL string   `json:"providerIncidentUrl"`
			} `json:"additionalData"`
		} `json:"properties"`
	}
	defenderIncident := func() sentinelIncident {
		var list struct {
			Value []sentinelIncident `json:"value"`
		}
		l.azJSON(&list, "rest", "--method", "GET", "--url", si+"incidents?api-version=2022-06-01-preview")
		var best sentinelIncident
		for _, inc := range list.Value {
			if inc.Properties.ProviderName == "Microsoft 365 Defender" && inc.Properties.AdditionalData.AlertsCount > best.Properties.AdditionalData.AlertsCount {
				best = inc
			}
		}
		if best.Name == "" {
			t.Fatalf("no Microsoft 365 Defender incident in Sentinel: %+v", list.Value)
		}
		return best
	}
	inc := defenderIncident()
	p := inc.Properties
	if len(p.AdditionalData.AlertProductNames) < 3 || !strings.HasPrefix(p.Title, "Multi-stage incident involving Initial access & Credential access") ||
		p.Status != "New" || p.AdditionalData.ProviderIncidentURL != "https://security.microsoft.com/incidents/"+p.ProviderIncidentID+"?tid="+tenant {
		t.Fatalf("Defender incident in Sentinel: %+v", p)
	}
	graphURL := "https://graph.microsoft.com/v1.0/security/incidents/" + p.ProviderIncidentID
	var gi struct {
		ID          string           `json:"id"`
		DisplayName string           `json:"displayName"`
		Status      string           `json:"status"`
		Alerts      []map[string]any `json:"alerts"`
	}
	l.azJSON(&gi, "rest", "--method", "GET", "--url", graphURL+"?$expand=alerts")
	if gi.DisplayName != p.Title || gi.Status != "active" || len(gi.Alerts) != p.AdditionalData.AlertsCount {
		t.Fatalf("Graph incident %s: %s %s, %d alerts (Sentinel: %d)", gi.ID, gi.DisplayName, gi.Status, len(gi.Alerts), p.AdditionalData.AlertsCount)
	}
	bad := l.azError(t, "rest", "--method", "PATCH", "--url", graphURL, "--body", `{"classification":"falsePositive","determination":"malware"}`)
	errBody, _ := bad["error"].(map[string]any)
	if msg := toString(errBody["message"]); msg != "The determination 'malware' is not valid for the classification 'falsePositive'." {
		t.Errorf("PATCH with a wrong pair: %v", bad)
	}
	l.azJSON(&gi, "rest", "--method", "PATCH", "--url", graphURL, "--body", `{"status":"resolved","classification":"truePositive","determination":"multiStagedAttack"}`)
	if gi.Status != "resolved" {
		t.Fatalf("PATCH answered %+v", gi)
	}
	if got := defenderIncident().Properties; got.Status != "New" {
		t.Fatalf("Sentinel closed the incident before the sync delay: %+v", got)
	}
	waitClock(t, l, "2025-01-15T10:36:00Z")
	if got := defenderIncident().Properties; got.Status != "Closed" || got.Classification != "TruePositive" {
		t.Fatalf("after the sync delay Sentinel shows %s/%s, want Closed/TruePositive", got.Status, got.Classification)
	}
	var api map[string]any
	l.azJSON(&api, "rest", "--method", "GET", "--resource", "https://api.security.microsoft.com", "--url", "https://api.security.microsoft.com/api/incidents/"+p.ProviderIncidentID)
	if api["status"] != "Resolved" || api["classification"] != "TruePositive" || api["determination"] != "MultiStagedAttack" {
		b, _ := json.Marshal(api)
		t.Fatalf("Defender API incident: %s", b)
	}
	rows := l.laQuery(t, ws.CustomerID, `SecurityIncident | where ProviderName == "Microsoft 365 Defender" and ProviderIncidentId == "`+p.ProviderIncidentID+`" | summarize arg_max(TimeGenerated, Status) | project Status`)
	if got := column(rows, "Status"); len(got) != 1 || got[0] != "Closed" {
		t.Fatalf("SecurityIncident rows: %v", rows)
	}
}

// waitClock sets the clock and waits for the engines (rules, Defender XDR, automation) to catch up.
func waitClock(t *testing.T, l *lab, at string) {
	t.Helper()
	if out, err := l.soclab("clock", "set", "--wait", at); err != nil {
		t.Fatalf("clock set --wait %s: %v\n%s", at, err, out)
	}
}
