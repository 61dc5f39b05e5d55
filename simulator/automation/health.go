package automation

import (
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// report is what one rule run did, for its SentinelHealth "Automation rule run" record
// (monitor-automation-health.md; the extended properties of the SentinelHealth reference).
type report struct {
	ruleID, ruleName string
	trigger          string
	total, ok        int
	firstFailed      bool
	conditionsFailed bool
	failures         []string
	playbooks        []map[string]any
	incidentName     string
	incidentNumber   int
	triggeredOn      string // "Incident" (when empty) or "Alert"
}

// fail records a failed action with Sentinel's error description.
func (r *report) fail(description string) {
	if r.ok == 0 && len(r.failures) == 0 {
		r.firstFailed = true
	}
	r.failures = append(r.failures, description)
}

// status is Success when every action was triggered, Partial success when some were,
// Failure when the conditions could not be evaluated or the first action failed.
func (r *report) status() string {
	switch {
	case r.conditionsFailed || r.firstFailed:
		return "Failure"
	case len(r.failures) > 0:
		return "Partial success"
	}
	return "Success"
}

// healthRow is the SentinelHealth row of a rule run at time at.
func (r *report) healthRow(workspaceCustomerID string, at time.Time) logs.Row {
	playbooks := []any{}
	for _, p := range r.playbooks {
		playbooks = append(playbooks, p)
	}
	desc := strings.Join(r.failures, "\n")
	on := r.triggeredOn
	if on == "" {
		on = "Incident"
	}
	if r.conditionsFailed {
		desc = "Conditions evaluation failed."
	}
	return logs.Row{Workspace: workspaceCustomerID, Time: at, Values: map[string]any{
		"TimeGenerated": at, "OperationName": "Automation rule run", "SentinelResourceType": "Automation rule",
		"SentinelResourceName": r.ruleName, "SentinelResourceId": r.ruleID, "SentinelResourceKind": "",
		"Status": r.status(), "Description": desc, "Reason": "", "RecordId": simulator.NewGUID(),
		"WorkspaceId": workspaceCustomerID, "SourceSystem": "Azure", "Type": "SentinelHealth", "_IsBillable": "False",
		"ExtendedProperties": map[string]any{"ActionsTriggeredSuccessfully": r.ok, "TotalActions": r.total,
			"IncidentName": r.incidentName, "IncidentNumber": r.incidentNumber, "TriggeredOn": on,
			"TriggeredWhen": r.trigger, "TriggeredPlaybooks": playbooks},
	}}
}

// newReport starts the report of a rule's run on an incident.
func newReport(r *sentinel.AutomationRule, ev sentinel.IncidentEvent, inc sentinel.Incident) *report {
	name := r.Name
	if r.Properties.DisplayName != nil {
		name = *r.Properties.DisplayName
	}
	return &report{ruleID: r.ID, ruleName: name, trigger: ev.Kind, incidentName: inc.Name, incidentNumber: inc.Properties.IncidentNumber}
}
