// Package loganalytics is the Log Analytics query API (api.loganalytics.io and its alias
// api.loganalytics.azure.com): GET and POST /v1/workspaces/{customerId}/query and the
// resource-centric POST /v1/subscriptions/.../workspaces/{name}/query. Queries run on the
// engine over the caller's workspace (simulator/logs), on the tenant's virtual clock, and
// answer in the service's exact shapes:
//
//	200 {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]}
//	400 {"error":{"message","code":"BadArgumentError","correlationId",
//	      "innererror":{"code":"SyntaxError","message","innererror":{"code":"SYN0002","message","line","pos","token"}}}}
//
// A workspace of another tenant is 404 WorkspaceNotFoundError, the same answer as an unknown
// id, so nothing about other tenants leaks. Tokens must be issued for api.loganalytics.io.
package loganalytics
