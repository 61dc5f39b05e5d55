// Package arm is the mock Azure Resource Manager (management.azure.com): subscriptions,
// tenants, resource groups, Log Analytics workspaces, diagnostic settings on any resource,
// and the scenario's standing Key Vault and storage account, with ARM's envelopes, status
// codes, error bodies and long-running operation protocol.
//
// Requests are routed by a small registry of resource types (registry.go): a type names its
// api-versions, where it lives (in a resource group, under a parent, or as an extension on any
// resource) and the functions that answer each method. Later services (Sentinel) add their
// types with NewHandler's variadic argument without touching the core. Handlers return a
// Response or an *Error; one adapter (response.go) writes JSON or ARM's error envelope.
package arm
