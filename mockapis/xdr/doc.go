// Package xdr serves Defender XDR's incidents and alerts over the tenant's simulator/xdr state:
// Microsoft Graph security/incidents and security/alerts_v2 (GraphRoutes, for mockapis/graph),
// the Defender API's /api/incidents on api.security.microsoft.com (DefenderRoutes, for
// mockapis/defender), and the /_soclab/xdr/settings control endpoint (NewControl) behind
// `soclab xdr settings`.
//
// Shapes are the services' own (api-surface.md §7.6, §8): Graph's camelCase enums and string ids,
// the Defender API's PascalCase enums and numeric ids; OData options come from mockapis/odata.
// Every write is one transaction at the tenant clock: refused input changes nothing.
package xdr
