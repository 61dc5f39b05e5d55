// Package hunting is advanced hunting over a tenant's Defender XDR tables (CloudAppEvents,
// IdentityLogonEvents, AADSignInEventsBeta, AlertInfo, AlertEvidence, IdentityInfo; Timestamp
// columns), on the tenant's virtual clock and over the last 30 days, through its two faces:
//
//   - Graph: POST /v1.0/security/runHuntingQuery {"Query","Timespan"} →
//     {"@odata.context":…huntingQueryResults,"schema":[{"name","type"}],"results":[{…}]}
//   - Defender: POST /api/advancedhunting/run {"Query"} →
//     {"Stats":{…},"Schema":[{"Name","Type"}],"Results":[{…}]}
//
// Result objects keep the columns' order; schema types are .NET names (String, DateTime,
// Int64...); dynamic values are JSON text. Query errors are the service's 400 with Kusto's
// message (syntax errors name the token, line and position).
package hunting
