package aad

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// stsError is a token endpoint failure in Entra ID's format: an OAuth error code, an AADSTS
// code and its message.
type stsError struct {
	status int    // HTTP status
	oauth  string // "invalid_client", "invalid_grant", ...
	code   int    // AADSTS number
	text   string // message after "AADSTSnnnn: "
}

func (e *stsError) Error() string { return fmt.Sprintf("AADSTS%d: %s", e.code, e.text) }

// The failures the lab produces, with Entra ID's codes and wording.
func errTenantNotFound(t string) *stsError {
	return &stsError{http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", t)}
}

func errNoTenantInfo() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials."}
}

func errMissingParam(name string) *stsError {
	return &stsError{http.StatusBadRequest, "invalid_request", 900144, fmt.Sprintf("The request body must contain the following parameter: '%s'.", name)}
}

func errUnknownApp(appID, tenantName string) *stsError {
	return &stsError{http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", appID, tenantName)}
}

func errBadSecret(appID string) *stsError {
	return &stsError{http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", appID)}
}

func errNoSecret() *stsError {
	return &stsError{http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
}

func errBadPassword() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_grant", 50126, "Error validating credentials due to invalid username or password."}
}

func errUnknownUser(tenantName string) *stsError {
	return &stsError{http.StatusBadRequest, "invalid_grant", 50034, fmt.Sprintf("The user account {EmailHidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", tenantName)}
}

func errUnknownResource(resource, tenantName string) *stsError {
	return &stsError{http.StatusBadRequest, "invalid_resource", 500011, fmt.Sprintf("The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, tenantName)}
}

func errClientCredentialScope(scope string) *stsError {
	return &stsError{http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)}
}

func errUnsupportedGrant(grant string) *stsError {
	return &stsError{http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'.", grant)}
}

func errAuthorizationPending() *stsError {
	return &stsError{http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."}
}

func errDeviceCodeExpired() *stsError {
	return &stsError{http.StatusBadRequest, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."}
}

func errBadDeviceCode() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid."}
}

func errBadRefreshToken() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."}
}

func errRefreshTokenExpired() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00."}
}

func errConsumersNotSupported() *stsError {
	return &stsError{http.StatusBadRequest, "invalid_request", 9002346, "Application is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request."}
}

// writeSTSError writes e as Entra ID does: the description carries trace, correlation id and
// timestamp lines after the message.
func writeSTSError(w http.ResponseWriter, r *http.Request, now time.Time, e *stsError) {
	trace := newGUID()
	corr := r.Header.Get("client-request-id")
	if corr == "" {
		corr = newGUID()
	}
	ts := now.UTC().Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", e.code, e.text, trace, corr, ts)
	body := map[string]any{
		"error":             e.oauth,
		"error_description": desc,
		"error_codes":       []int{e.code},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://%s/error?code=%d", LoginHost, e.code),
	}
	writeJSON(w, e.status, body)
}

// writeJSON writes v with Entra ID's content type and no caching.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// lowerTrim normalises a form value.
func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// newGUID returns a random (version 4) GUID in lower-case text form.
func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
