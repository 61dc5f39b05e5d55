package sentinel

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// newWorld opens a world whose tenant clock stands at the scenario start and returns the
// default tenant with a stored workspace (onboarded when onboard is true).
func newWorld(t *testing.T, onboard bool) (*simulator.World, simulator.Tenant, string) {
	t.Helper()
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	ten, err := w.TenantByName("contoso")
	if err != nil {
		t.Fatal(err)
	}
	ws := "/subscriptions/" + ten.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law"
	err = w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		if err := tx.PutResource(simulator.Resource{ID: ws, Type: "Microsoft.OperationalInsights/workspaces", Body: json.RawMessage(`{"properties":{"customerId":"c0ffee00-0000-4000-8000-000000000001"}}`)}); err != nil {
			return err
		}
		if !onboard {
			return nil
		}
		return tx.PutResource(simulator.Resource{ID: OnboardingID(ws), Type: OnboardingStateType, Body: json.RawMessage(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, ten, ws
}

func TestStoreAlertsAndIncidents(t *testing.T) {
	w, ten, ws := newWorld(t, true)
	err := w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		got, err := OnboardedWorkspaces(tx)
		if err != nil || len(got) != 1 || got[0] != ws {
			t.Fatalf("OnboardedWorkspaces = %v, %v", got, err)
		}
		acct := NewEntity{Kind: "Account", Properties: map[string]any{"accountName": "alex.johnson", "upnSuffix": "contoso.com"}}
		ip := NewEntity{Kind: "Ip", Properties: map[string]any{"address": "185.220.101.42"}}
		a1, err := CreateAlert(tx, ws, NewAlert{RuleID: ws + "/providers/Microsoft.SecurityInsights/alertRules/r1", DisplayName: "A1", Severity: "High",
			Tactics: []string{"InitialAccess"}, StartTime: time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), Entities: []NewEntity{acct, ip}})
		if err != nil {
			return err
		}
		a2, err := CreateAlert(tx, ws, NewAlert{RuleID: ws + "/providers/Microsoft.SecurityInsights/alertRules/r2", DisplayName: "A2", Severity: "Medium",
			Tactics: []string{"Collection", "InitialAccess"}, StartTime: time.Date(2025, 1, 15, 8, 40, 0, 0, time.UTC), Entities: []NewEntity{acct}})
		if err != nil {
			return err
		}
		ids := a1.Properties["resourceIdentifiers"].([]map[string]any)
		if ids[0]["workspaceId"] != "c0ffee00-0000-4000-8000-000000000001" {
			t.Errorf("resource identifiers = %v", ids)
		}
		inc, err := CreateIncident(tx, ws, NewIncident{Title: "Compromise", Severity: "high"}, a1.ID)
		if err != nil {
			return err
		}
		if inc.Properties.IncidentNumber != 1 || *inc.Properties.Severity != "High" || inc.Properties.AdditionalData.AlertsCount != 1 {
			t.Errorf("incident = %+v", inc.Properties)
		}
		if err := AttachAlert(tx, inc.ID, a2.ID); err != nil {
			return err
		}
		inc, _, err = IncidentByID(tx, inc.ID)
		if err != nil {
			return err
		}
		p := inc.Properties
		if p.AdditionalData.AlertsCount != 2 || len(p.RelatedAnalyticRuleIDs) != 2 || *p.FirstActivityTimeUtc != "2025-01-15T08:30:00.0000000Z" ||
			*p.LastActivityTimeUtc != "2025-01-15T08:40:00.0000000Z" || len(p.AdditionalData.Tactics) != 2 {
			t.Errorf("after attach: %+v", p)
		}
		ents, counts, err := IncidentEntities(tx, inc.ID)
		if err != nil {
			return err
		}
		if len(ents) != 2 || counts["Account"] != 1 || counts["Ip"] != 1 {
			t.Errorf("entities = %v %v (the account is shared by both alerts and must appear once)", ents, counts)
		}
		second, err := CreateIncident(tx, ws, NewIncident{Title: "Other", Severity: "Low", ProviderName: ProviderDefender, ProviderIncidentID: "12345"})
		if err != nil {
			return err
		}
		if second.Properties.IncidentNumber != 2 || second.Properties.ProviderIncidentID != "12345" || second.Properties.ProviderName != "Microsoft 365 Defender" {
			t.Errorf("second incident = %+v", second.Properties)
		}
		etag := second.Etag
		upd, err := UpdateIncident(tx, second.ID, func(i *Incident) error { i.Properties.Status = ptr("Active"); return nil })
		if err != nil || upd.Etag == etag || *upd.Properties.Status != "Active" {
			t.Errorf("update = %+v, %v", upd, err)
		}
		all, err := Incidents(tx, ws)
		if err != nil || len(all) != 2 || all[0].Properties.IncidentNumber != 1 {
			t.Errorf("Incidents = %d, %v", len(all), err)
		}
		if _, err := CreateAlert(tx, ws, NewAlert{DisplayName: "x", Severity: "Critical"}); err == nil {
			t.Errorf("an alert with severity Critical was created")
		}
		if err := AttachAlert(tx, inc.ID, ws+"/providers/Microsoft.SecurityInsights/entities/none"); err == nil {
			t.Errorf("attaching a missing alert succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNotOnboardedWorkspace(t *testing.T) {
	w, ten, ws := newWorld(t, false)
	w.View(ten.ID, func(tx *simulator.TenantTx) error {
		if ok, err := IsOnboarded(tx, ws); ok || err != nil {
			t.Errorf("IsOnboarded = %v, %v", ok, err)
		}
		if got, _ := OnboardedWorkspaces(tx); len(got) != 0 {
			t.Errorf("OnboardedWorkspaces = %v", got)
		}
		return nil
	})
	e := ErrNotOnboarded("law")
	var inner struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(e.Message), &inner); err != nil || inner.Error.Code != "BadRequest" || e.Status != 400 {
		t.Errorf("not-onboarded error %+v: nested body %v", e, err)
	}
}
