// Package querylog keeps, per tenant, the KQL queries analysts ran on a workspace through the
// query faces (the Log Analytics query API behind `az monitor log-analytics query`, and
// `soclab kql`), so the grader can tell whether a query Security Copilot wrote was actually run.
// It plays the part of Log Analytics' query audit (the LAQueryLogs table of a workspace with
// query auditing on); it is not a table of the workspace.
//
// Entries live in the tenant collection "querylog" (dropped by reset), stamped with the tenant
// clock; the newest MaxEntries are kept.
package querylog
