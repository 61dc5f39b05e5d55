// Package hunting runs the query faces' queries. Run is advanced hunting: KQL over a tenant's Defender XDR tables at its
// clock, over the last 30 days, within the service's limits (rows, result size, memory, time) and
// the server's fair admission. Graph's runHuntingQuery, the Defender API's advancedhunting/run
// (mockapis/hunting) and the portal's advanced hunting page (mockapis/portal) all call Run, so
// the three faces answer the same query the same way. RunWorkspace is a Log Analytics
// workspace query, for the query API (mockapis/loganalytics) and the portal's Logs blade.
package hunting
