// Package sentinel is Microsoft Sentinel's ARM face (Microsoft.SecurityInsights under a Log
// Analytics workspace): onboardingStates, alertRules (Scheduled and NRT), dataConnectors
// (MicrosoftThreatProtection), automationRules, incidents with their alerts, entities,
// comments and relations, and entities. Types returns the resource types to hand to
// arm.NewHandler; handlers decode, call the simulator's Sentinel model (simulator/sentinel)
// and answer Sentinel's JSON, status codes and errors.
//
// Every call on a workspace without onboardingStates/default is refused as Sentinel does.
// Writes carry an etag: a PUT whose body etag or If-Match header is stale gets 409 Conflict.
// Every successful write is recorded in the tenant's activity log.
package sentinel
