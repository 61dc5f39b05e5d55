// Package automation runs Microsoft Sentinel automation rules: on every incident event of
// simulator/sentinel (an incident created or updated, by an analytics rule, the Defender sync,
// a user, a playbook or an automation rule) it evaluates the enabled, unexpired incident rules
// of the incident's workspace in their order, with conditions evaluated as Sentinel does
// (Property, PropertyChanged, PropertyArrayChanged, PropertyArray, Boolean; case-insensitive),
// and applies the matching rules' actions in their order: ModifyProperties, AddIncidentTask and
// RunPlaybook. The changes go through sentinel.UpdateIncidentAs, so they are incident events
// themselves (update-trigger rules see them) and entries of the incident's activity log.
//
// RunPlaybook runs the lab's Logic App playbook (simulator/logicapps): it queries the
// incident's workspace for the activity of the incident's accounts over the last 4 hours at the
// run's lab time (the context query of challenge.md Task 5) and posts the summary as an
// incident comment; the run is recorded under the workflow (…/workflows/{name}/runs). A playbook
// that does not exist in the tenant's subscription fails the action with Sentinel's message,
// which the incident's activity log shows; nothing else changes.
//
// Engine.Advance(tenant, to) is clock-driven (CONTRACTS §1): it handles the tenant's pending
// incident events up to lab time to, each in one transaction stamped with the event's time that
// also moves the engine's cursor (collection "automation"), so every event is handled exactly
// once across repeated calls and restarts. Sources and choices: docs/sentinel-automation.md.
package automation
