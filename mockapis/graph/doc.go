// Package graph is Microsoft Graph (graph.microsoft.com): an extensible route table under
// /v1.0 and /beta. Other packages contribute routes (Route values: method, path template,
// handler); this package checks the token (Graph audiences), decodes nothing itself, and writes
// answers as JSON or in Graph's OData error envelope:
//
//	{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
//
// The advanced hunting route (POST /v1.0/security/runHuntingQuery) comes from mockapis/hunting.
package graph
