// Package hunting runs advanced hunting queries: KQL over a tenant's Defender XDR tables at its
// clock, over the last 30 days, within the service's limits (rows, result size, memory, time) and
// the server's fair admission. Graph's runHuntingQuery, the Defender API's advancedhunting/run
// (mockapis/hunting) and the portal's advanced hunting page (mockapis/portal) all call Run, so
// the three faces answer the same query the same way.
package hunting
