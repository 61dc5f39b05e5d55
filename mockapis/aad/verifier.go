package aad

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
)

// VerifyError is a token rejection. Kind is one of auth.ErrNoToken, auth.ErrInvalidToken,
// auth.ErrWrongAudience (errors.Is works on it); Code and Message are the ARM-style code and
// text Azure gives for the same failure, so a service can put them in its own envelope.
type VerifyError struct {
	Kind    error
	Code    string
	Message string
}

func (e *VerifyError) Error() string { return e.Message }

// Unwrap returns the auth sentinel error.
func (e *VerifyError) Unwrap() error { return e.Kind }

// clockSkew is how far iat/nbf/exp may be off before a token is refused.
const clockSkew = 5 * time.Minute

// maxAccessTokenLifetime is the longest access token Entra ID issues: 1 day under a token
// lifetime policy, 28 hours for a continuous-access-evaluation token; the lab issues 1 hour.
// A token claiming more was not made by the lab's sign-in, whoever signed it.
const maxAccessTokenLifetime = 28 * time.Hour

// verifyCacheSize bounds the cache of verified tokens; it is cleared when full.
const verifyCacheSize = 4096

// Verifier checks the lab's access tokens; it implements auth.Verifier. It caches tokens whose
// signature verified, so a busy client does not pay an RSA verification per request; expiry
// and audience are still checked on every call.
type Verifier struct {
	keys *Keys
	now  func() time.Time

	mu    sync.RWMutex
	cache map[string]accessClaims
}

// NewVerifier returns a Verifier for tokens signed by keys; now is the real clock (time.Now)
// or a test clock.
func NewVerifier(keys *Keys, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{keys: keys, now: now, cache: map[string]accessClaims{}}
}

var _ auth.Verifier = (*Verifier)(nil)

// Verify implements auth.Verifier.
func (v *Verifier) Verify(r *http.Request, audiences ...string) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrNoToken, Code: "AuthenticationFailed",
			Message: "Authentication failed. The 'Authorization' header is missing."}
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrNoToken, Code: "AuthenticationFailed",
			Message: "Authentication failed. The 'Authorization' header is provided in an invalid format."}
	}
	return v.VerifyToken(token, audiences...)
}

// VerifyToken checks a bare access token.
func (v *Verifier) VerifyToken(token string, audiences ...string) (auth.Principal, error) {
	c, err := v.claims(token)
	if err != nil {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrInvalidToken, Code: "InvalidAuthenticationToken",
			Message: "The access token is invalid."}
	}
	now := v.now()
	if !plausibleLifetime(c, now) {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrInvalidToken, Code: "InvalidAuthenticationToken",
			Message: "The access token is invalid."}
	}
	if exp := time.Unix(c.Exp, 0); now.After(exp.Add(clockSkew)) {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrInvalidToken, Code: "ExpiredAuthenticationToken",
			Message: fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", armTime(exp), armTime(now))}
	}
	if nbf := time.Unix(c.Nbf, 0); now.Add(clockSkew).Before(nbf) {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrInvalidToken, Code: "InvalidAuthenticationToken",
			Message: fmt.Sprintf("The access token is not yet valid: its validity starts at UTC time '%s', after current UTC time '%s'.", armTime(nbf), armTime(now))}
	}
	if c.Iss != stsIssuer(c.TID) || c.TID == "" {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrInvalidToken, Code: "InvalidAuthenticationTokenTenant",
			Message: fmt.Sprintf("The access token is from the wrong issuer '%s'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription.", c.Iss, c.TID)}
	}
	if len(audiences) > 0 && !audienceIn(c.Aud, audiences) {
		return auth.Principal{}, &VerifyError{Kind: auth.ErrWrongAudience, Code: "InvalidAuthenticationTokenAudience",
			Message: fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.", c.Aud, strings.Join(audiences, "','"))}
	}
	p := auth.Principal{TenantID: c.TID, ObjectID: c.OID, AppID: c.AppID, UPN: c.UPN, Name: c.Name, Audience: c.Aud, IsServicePrincipal: c.IDType == "app"}
	if p.Name == "" {
		p.Name = p.AppID
	}
	return p, nil
}

// claims returns the verified claims of token, from the cache when it was seen before.
func (v *Verifier) claims(token string) (accessClaims, error) {
	v.mu.RLock()
	c, ok := v.cache[token]
	v.mu.RUnlock()
	if ok {
		return c, nil
	}
	if err := v.keys.parse(token, typeJWT, &c); err != nil {
		return accessClaims{}, err
	}
	if c.Aud == refreshAudience || c.Exp == 0 {
		return accessClaims{}, errors.New("not an access token")
	}
	v.mu.Lock()
	if len(v.cache) >= verifyCacheSize {
		v.cache = make(map[string]accessClaims, verifyCacheSize)
	}
	v.cache[token] = c
	v.mu.Unlock()
	return c, nil
}

// plausibleLifetime reports whether a token's iat, nbf and exp are ones Entra ID issues: all
// three set, not issued in the future (beyond the skew), and valid from the earlier of iat
// and nbf for at most maxAccessTokenLifetime.
func plausibleLifetime(c accessClaims, now time.Time) bool {
	if c.Iat <= 0 || c.Nbf <= 0 || c.Exp <= 0 {
		return false
	}
	iat, nbf, exp := time.Unix(c.Iat, 0), time.Unix(c.Nbf, 0), time.Unix(c.Exp, 0)
	start := iat
	if nbf.Before(start) {
		start = nbf
	}
	return !exp.Before(start) && exp.Sub(start) <= maxAccessTokenLifetime && !iat.After(now.Add(clockSkew))
}

func audienceIn(aud string, allowed []string) bool {
	for _, a := range allowed {
		if strings.EqualFold(a, aud) {
			return true
		}
	}
	return false
}

// armTime formats a time as ARM's error messages do ("11/26/2026 11:09:43 AM").
func armTime(t time.Time) string { return t.UTC().Format("1/2/2006 3:04:05 PM") }
