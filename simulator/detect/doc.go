// Package detect is the Sentinel rule engine: it runs a tenant's analytics rules (kinds
// Scheduled and NRT, stored by simulator/sentinel) on the tenant's virtual clock over the
// workspace tables of simulator/logs, and turns results into alerts and incidents.
//
// Schedule (what Azure does, and the lab's choices where Azure does not say):
//
//   - A Scheduled rule runs for the first time when it is created (systemData.createdAt;
//     Sentinel's "Start running: Automatically") and then every queryFrequency, so its first run
//     looks back one queryPeriod over activity from before the rule existed; an NRT rule runs
//     every minute from one minute after its creation.
//   - Scheduled run at T: Sentinel's built-in 5-minute delay. The query runs over the rows
//     ingested by T whose TimeGenerated lies in [T-5m-queryPeriod, T-5m], with now() = T-5m,
//     so `ago(queryPeriod)` in the query lines up with the look-back window.
//   - NRT run at T: a 2-minute delay; the query sees rows ingested by T-2m within the last hour
//     of TimeGenerated (NRTLookback), with now() = T-2m, and alerts only on result rows that the
//     previous run did not return: for a one-table query those are exactly the rows ingested in
//     the preceding minute ("events ingested in the preceding minute"), and a query joining
//     several tables (the lab's rule 2) fires once, on the minute its last ingredient arrives.
//   - Limits: 150 alerts per Scheduled run and 30 per NRT run with AlertPerResult (the last one
//     summarises the rows beyond the limit), 150 alerts per incident, catch-up of at most
//     MaxCatchUp of missed runs.
//
// A run's result passes the trigger (triggerOperator/triggerThreshold on the row count; NRT: any
// row), unless the rule is suppressed (suppressionEnabled: no alerts for suppressionDuration
// after an alert). eventGroupingSettings picks one alert per run (SingleAlert) or per row
// (AlertPerResult). Entities come from entityMappings, else from well-known columns
// (UserPrincipalName, Caller, AccountUpn, User, InitiatedBy... for accounts; IPAddress,
// CallerIPAddress... for IPs; ResourceId, _ResourceId, Resource for Azure resources; Computer,
// HostName, DeviceName for hosts). customDetails and alertDetailsOverride shape the alert.
// Alerts make incidents (incidentConfiguration.createIncident) or join an open one of the same
// rule inside the grouping look-back (groupingConfiguration: AnyAlert, AllEntities, Selected;
// reopenClosedIncident).
//
// Every run writes a SentinelHealth row, every alert a SecurityAlert row and every incident
// change a SecurityIncident row through logs.Engine.Append, so learners can query them.
//
// Engine.AdvanceTo(tenant, to) runs every due run between the last evaluated instant and to,
// in time order. The server runs the engine as the "detect" stage of simulator/pipeline, in the
// background: Advance (which yields after Options.Budget) and Progress (how far the rules
// have run) are the stage's methods.
//
// A run that fails is a Failure health row with Sentinel's reason; a panic in a run is one
// too. AutoDisableAfter consecutive permanent failures of one kind (a missing table, a query
// over its memory or row limits, and, the lab's choice, timeouts) disable the rule as Sentinel
// does: "AUTO DISABLED" before its name, the reason in its description, then one "The
// analytics rule is disabled and was not executed." row (docs/sentinel-rule-health.md).
package detect
