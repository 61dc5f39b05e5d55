package sentinel

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// TestIncidentEvents walks an incident through the store API and checks the events and the
// activity log each step appends (exact kinds, sources, before/after and wording).
func TestIncidentEvents(t *testing.T) {
	w, ten, ws := newWorld(t, true)
	var incID string
	step := func(fn func(tx *simulator.TenantTx) error) {
		t.Helper()
		if err := w.Update(ten.ID, fn); err != nil {
			t.Fatal(err)
		}
	}
	step(func(tx *simulator.TenantTx) error {
		a, err := CreateAlert(tx, ws, NewAlert{DisplayName: "A1", Severity: "Medium", Tactics: []string{"InitialAccess"}})
		if err != nil {
			return err
		}
		inc, err := CreateIncident(tx, ws, NewIncident{Title: "A1", Severity: "Medium"}, a.ID)
		incID = inc.ID
		return err
	})
	step(func(tx *simulator.TenantTx) error { // alert grouping: alerts and a tactic added
		a, err := CreateAlert(tx, ws, NewAlert{DisplayName: "A2", Severity: "High", Tactics: []string{"CredentialAccess"}})
		if err != nil {
			return err
		}
		return AttachAlert(tx, incID, a.ID)
	})
	step(func(tx *simulator.TenantTx) error { // a no-op update records nothing
		_, err := UpdateIncident(tx, incID, func(*Incident) error { return nil })
		return err
	})
	step(func(tx *simulator.TenantTx) error {
		by := Actor{Source: SourceAutomationRule, Name: "Automation rule 'Triage'", Cause: 1, AutomationTrigger: "Created"}
		_, err := UpdateIncidentAs(tx, incID, by, func(inc *Incident) error {
			p := &inc.Properties
			p.Severity, p.Status = ptr("High"), ptr("Active")
			p.Owner = &Owner{ObjectID: ptr("5f1c7a52-8f7e-4a8e-9d53-2f0b3b6c1e01"), AssignedTo: ptr("SOC Tier 2"), OwnerType: ptr("Group")}
			p.Labels = append(p.Labels, IncidentLabel{LabelName: "compromise", LabelType: "AutoAssigned"})
			return nil
		})
		return err
	})
	step(func(tx *simulator.TenantTx) error {
		_, err := AddComment(tx, incID, "context", ClientInfo{Name: "playbook-compromise-response"}, Actor{Source: SourcePlaybook, Name: "Playbook 'playbook-compromise-response'"})
		return err
	})
	step(func(tx *simulator.TenantTx) error {
		_, err := AddTask(tx, incID, "Reset the password", "", Actor{Source: SourceAutomationRule, Name: "Automation rule 'Triage'"})
		return err
	})

	var evs []IncidentEvent
	var log []ActivityEntry
	w.View(ten.ID, func(tx *simulator.TenantTx) error {
		var err error
		if evs, err = PendingIncidentEvents(tx, 0); err != nil {
			t.Fatal(err)
		}
		if log, err = IncidentActivity(tx, incID); err != nil {
			t.Fatal(err)
		}
		if later, err := PendingIncidentEvents(tx, 3); err != nil || len(later) != 1 || later[0].Seq != 4 {
			t.Fatalf("PendingIncidentEvents(3) = %+v, %v", later, err)
		}
		return nil
	})
	type row struct {
		Seq                       uint64
		Kind                      string
		Source                    Source
		Cause                     uint64
		Trigger                   string
		Severity, Status, Owner   string
		Alerts, Comments          int
		Tactics, Labels, Products []string
		HasBefore                 bool
	}
	var got []row
	for _, e := range evs {
		if e.Workspace != ws || e.IncidentID != incID || !e.At.Equal(time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)) {
			t.Errorf("event %d: workspace %q incident %q at %v", e.Seq, e.Workspace, e.IncidentID, e.At)
		}
		a := e.After
		slices.Sort(a.Tactics) // alerts of one instant have no order
		got = append(got, row{e.Seq, e.Kind, e.Source, e.Cause, e.AutomationTrigger, a.Severity, a.Status, OwnerName(a.Owner),
			a.AlertsCount, a.CommentsCount, a.Tactics, a.Labels, a.AlertProductNames, e.Before != nil})
	}
	want := []row{
		{1, "Created", SourceAnalyticsRule, 0, "", "Medium", "New", "", 1, 0, []string{"InitialAccess"}, []string{}, []string{"Azure Sentinel"}, false},
		{2, "Updated", SourceAnalyticsRule, 0, "", "Medium", "New", "", 2, 0, []string{"CredentialAccess", "InitialAccess"}, []string{}, []string{"Azure Sentinel"}, true},
		{3, "Updated", SourceAutomationRule, 1, "Created", "High", "Active", "SOC Tier 2", 2, 0, []string{"CredentialAccess", "InitialAccess"}, []string{"compromise"}, []string{"Azure Sentinel"}, true},
		{4, "Updated", SourcePlaybook, 0, "", "High", "Active", "SOC Tier 2", 2, 1, []string{"CredentialAccess", "InitialAccess"}, []string{"compromise"}, []string{"Azure Sentinel"}, true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n got %+v\nwant %+v", got, want)
	}
	if evs[2].Before.Severity != "Medium" || evs[2].Before.Status != "New" || OwnerName(evs[2].Before.Owner) != "" {
		t.Errorf("event 3 before = %+v", *evs[2].Before)
	}
	var lines []string
	for _, e := range log {
		lines = append(lines, e.Text())
	}
	wantLog := []string{
		"Microsoft Sentinel created the incident",
		"Microsoft Sentinel added an alert",
		"Microsoft Sentinel added tactic CredentialAccess",
		"Automation rule 'Triage' changed severity from Medium to High",
		"Automation rule 'Triage' changed status from New to Active",
		"Automation rule 'Triage' assigned the incident to SOC Tier 2",
		"Automation rule 'Triage' added tag 'compromise'",
		"Playbook 'playbook-compromise-response' added a comment",
		"Automation rule 'Triage' added task 'Reset the password'",
	}
	if strings.Join(lines, "\n") != strings.Join(wantLog, "\n") {
		t.Fatalf("activity log:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLog, "\n"))
	}
}

// TestIncidentEventsRollBack: a failed transaction leaves no event behind.
func TestIncidentEventsRollBack(t *testing.T) {
	w, ten, ws := newWorld(t, true)
	err := w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		if _, err := CreateIncident(tx, ws, NewIncident{Title: "x", Severity: "Low"}); err != nil {
			return err
		}
		return errTest
	})
	if err != errTest {
		t.Fatalf("Update = %v", err)
	}
	w.View(ten.ID, func(tx *simulator.TenantTx) error {
		evs, err := PendingIncidentEvents(tx, 0)
		if err != nil || len(evs) != 0 {
			t.Fatalf("events after rollback = %v, %v", evs, err)
		}
		return nil
	})
	// Bad input: an unknown incident changes nothing.
	err = w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		_, err := UpdateIncidentAs(tx, ws+"/providers/Microsoft.SecurityInsights/incidents/nope", Actor{Source: SourceUser}, func(*Incident) error { return nil })
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "no such incident") {
		t.Fatalf("update of a missing incident = %v", err)
	}
}

var errTest = errTestType("boom")

type errTestType string

func (e errTestType) Error() string { return string(e) }
