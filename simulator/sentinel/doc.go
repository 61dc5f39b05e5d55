// Package sentinel is the simulator's model of Microsoft Sentinel on a Log Analytics
// workspace: onboarding, analytics rules (Scheduled and NRT), data connectors, automation
// rules, incidents with their alerts, entities, comments and relations. It is pure Go: the
// ARM face (mockapis/sentinel) decodes requests into these types and answers their JSON; the
// rule engine reads rules and writes alerts and incidents through the functions in store.go.
//
// Every object is kept as an ARM resource of the tenant (simulator.Resource) under the
// workspace id, so deleting the workspace or its resource group removes Sentinel with it.
// The JSON of the types here is exactly what the Sentinel API answers on GET.
//
// Validation follows the 2022-06-01-preview .. 2025-10-01-preview specs (AlertRules.json,
// AutomationRules.json, dataConnectors.json) and the service's documented limits; failures
// are *Error values carrying the HTTP status, code and message Sentinel answers.
package sentinel
