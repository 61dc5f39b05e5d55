// Package auth is the contract between the login service (mockapis/aad), which issues and
// verifies access tokens, and every other mock API, which only needs to know who is calling.
// Each service verifies the bearer token for its own audience and answers failures in its own
// error envelope; nothing here writes HTTP responses.
package auth

import (
	"context"
	"errors"
	"net/http"
)

// Principal is the verified identity behind an access token.
type Principal struct {
	// TenantID is the token's tid claim: it selects the learner's tenant.
	TenantID string
	// ObjectID is the oid claim: the user's or service principal's object id.
	ObjectID string
	// AppID is the appid/azp claim: the client application that asked for the token.
	AppID string
	// UPN is the user principal name for user tokens, empty for service principals.
	UPN string
	// Name is a display name for logs and systemData.
	Name string
	// Audience is the aud claim the token was issued for.
	Audience string
	// IsServicePrincipal is true for app-only (client credentials) tokens.
	IsServicePrincipal bool
}

// Errors a Verifier returns. Services map them to their own status codes and envelopes.
var (
	// ErrNoToken: the request carries no bearer token.
	ErrNoToken = errors.New("authentication failed: the Authorization header is missing")
	// ErrInvalidToken: the token is malformed, badly signed, expired or not yet valid.
	ErrInvalidToken = errors.New("the access token is invalid")
	// ErrWrongAudience: the token is valid but issued for another service.
	ErrWrongAudience = errors.New("the access token has an invalid audience")
)

// Verifier checks the bearer token of a request against the audiences a service accepts.
type Verifier interface {
	// Verify returns the caller, or an error wrapping one of ErrNoToken, ErrInvalidToken,
	// ErrWrongAudience with a message that names the problem.
	Verify(r *http.Request, audiences ...string) (Principal, error)
}

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal stored by WithPrincipal.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Audiences accepted by each service, as the real services accept them.
var (
	// ARMAudiences are accepted by management.azure.com (az asks for management.core.windows.net).
	ARMAudiences = []string{"https://management.core.windows.net/", "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com"}
	// GraphAudiences are accepted by graph.microsoft.com.
	GraphAudiences = []string{"https://graph.microsoft.com/", "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"}
	// LogAnalyticsAudiences are accepted by api.loganalytics.io.
	LogAnalyticsAudiences = []string{"https://api.loganalytics.io", "https://api.loganalytics.io/", "https://api.loganalytics.azure.com"}
	// DefenderAudiences are accepted by api.security.microsoft.com.
	DefenderAudiences = []string{"https://api.security.microsoft.com", "https://api.security.microsoft.com/", "https://security.microsoft.com/mtp", "https://api.securitycenter.microsoft.com"}
)
