package logicapps

import (
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

func TestRuns(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ten, _ := w.TenantByName(simulator.DefaultTenantName)
	id := simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", WorkflowType, "playbook-compromise-response")
	start := time.Date(2025, 1, 15, 9, 0, 1, 0, time.UTC)
	err = w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		wf, ok, err := GetWorkflow(tx, id)
		if err != nil || !ok {
			t.Fatalf("the seeded playbook: %v %v", ok, err)
		}
		if wf.SentinelTrigger != TriggerIncident || wf.Properties.State != "Enabled" || wf.Identity.PrincipalID == "" {
			t.Errorf("workflow = %+v", wf)
		}
		if _, ok, _ := GetWorkflow(tx, id+"x"); ok {
			t.Error("a missing workflow was found")
		}
		for i, st := range []string{StatusSucceeded, StatusFailed} {
			nr := NewRun{Trigger: "Microsoft_Sentinel_incident", Start: start.Add(time.Duration(i) * time.Minute), End: start.Add(time.Duration(i)*time.Minute + 4*time.Second), Status: st}
			if st == StatusFailed {
				nr.Error = &RunError{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded."}
			}
			if _, err := RecordRun(tx, wf, nr); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.View(ten.ID, func(tx *simulator.TenantTx) error {
		runs, err := Runs(tx, id)
		if err != nil || len(runs) != 2 {
			t.Fatalf("runs = %+v, %v", runs, err)
		}
		// Newest first, as the API lists them; history names sort the same way.
		r0, r1 := runs[0].Properties, runs[1].Properties
		if r0.Status != StatusFailed || r0.Code != "ActionFailed" || r0.StartTime != "2025-01-15T09:01:01.0000000Z" || r1.Status != StatusSucceeded || r1.Error != nil {
			t.Errorf("runs: %+v / %+v", r0, r1)
		}
		if !(runs[0].Name < runs[1].Name) || len(runs[0].Name) != 29 || !strings.HasPrefix(runs[0].Name, "08584") || runs[0].Name[25:27] != "CU" {
			t.Errorf("history names %q, %q", runs[0].Name, runs[1].Name)
		}
		if runs[0].ID != id+"/runs/"+runs[0].Name || runs[0].Type != RunType || r0.Workflow.Type != VersionType || r0.Trigger.Name != "Microsoft_Sentinel_incident" {
			t.Errorf("run shape: %+v", runs[0])
		}
		return nil
	})
}
