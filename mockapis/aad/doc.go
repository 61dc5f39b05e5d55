// Package aad is the lab's Entra ID (Azure AD) login service, served as
// login.microsoftonline.com. It implements what the real az CLI and MSAL Python need: OpenID
// configuration per tenant and for common/organizations, instance discovery, user realm
// discovery, the v2.0 token endpoint (client credentials, device code, password, refresh token)
// and the device code endpoint, with errors in AAD's own format and real AADSTS codes.
//
// Access tokens are RS256 JWTs signed by the lab's key (kept in the state folder, 0600); their
// claims follow v1.0 ARM tokens (tid, oid, appid, aud, iss, upn, ...). Refresh tokens are signed
// too, so they survive a server restart without being stored. Verifier checks access tokens for
// every other mock API (the auth.Verifier contract). Tenants, service principals and users come
// from a Directory; device codes live in memory.
package aad
