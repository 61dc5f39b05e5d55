// Package identity serves the Entra ID directory of simulator/identity through Microsoft Graph
// (v1.0 and beta): users (get by id or UPN, list, PATCH, DELETE, memberOf, transitiveMemberOf,
// revokeSignInSessions), groups and members, directoryRoles and members/$ref,
// roleManagement/directory roleDefinitions and roleAssignments, identity/conditionalAccess
// namedLocations and policies, identityProtection riskyUsers (confirmCompromised, dismiss) and
// riskDetections, and auditLogs signIns and directoryAudits read from Entra's own logs.
//
// GraphRoutes returns the routes for graph.NewHandlerClock. Query options go through
// mockapis/odata; errors are Graph's OData errors (404 Request_ResourceNotFound, 400
// Request_BadRequest / BadRequest); every tenant sees only its own directory (the token's tid).
package identity
