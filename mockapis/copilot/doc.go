// Package copilot serves Security Copilot's Graph beta API (api-surface §9.1) over
// simulator/copilot: security/securityCopilot/workspaces/{workspaceId}/sessions, their prompts
// and the prompts' evaluations (create, list, get), per tenant of the caller's token.
package copilot
