package aad

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// Grant types the token endpoint accepts.
const (
	grantClientCredentials = "client_credentials"
	grantPassword          = "password"
	grantRefreshToken      = "refresh_token"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
)

// token is POST /{tenant}/oauth2/v2.0/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request, seg tenantSegment) {
	now := h.now()
	if err := r.ParseForm(); err != nil {
		writeSTSError(w, r, now, &stsError{http.StatusBadRequest, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded: " + err.Error()})
		return
	}
	if id, secret, ok := r.BasicAuth(); ok { // client_secret_basic
		r.Form.Set("client_id", id)
		r.Form.Set("client_secret", secret)
	}
	var resp map[string]any
	var serr *stsError
	switch grant := r.Form.Get("grant_type"); grant {
	case "":
		serr = errMissingParam("grant_type")
	case grantClientCredentials:
		resp, serr = h.clientCredentials(r, seg, now)
	case grantPassword:
		resp, serr = h.passwordGrant(r, seg, now)
	case grantDeviceCode, "device_code":
		resp, serr = h.deviceCodeGrant(r, now)
	case grantRefreshToken:
		resp, serr = h.refreshGrant(r, seg, now)
	default:
		serr = errUnsupportedGrant(grant)
	}
	if serr != nil {
		writeSTSError(w, r, now, serr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// requestedScope is the scope (v2.0) or resource (v1.0) of a token request.
func requestedScope(r *http.Request) string {
	if s := strings.TrimSpace(r.Form.Get("scope")); s != "" {
		return s
	}
	if res := strings.TrimSpace(r.Form.Get("resource")); res != "" {
		return strings.TrimSuffix(res, "/") + "/.default"
	}
	return ""
}

func (h *Handler) clientCredentials(r *http.Request, seg tenantSegment, now time.Time) (map[string]any, *stsError) {
	if seg.generic {
		return nil, errNoTenantInfo()
	}
	t, serr := h.resolveTenant(seg)
	if serr != nil {
		return nil, serr
	}
	appID := strings.TrimSpace(r.Form.Get("client_id"))
	if appID == "" {
		return nil, errMissingParam("client_id")
	}
	scope := requestedScope(r)
	if scope == "" {
		return nil, errMissingParam("scope")
	}
	sp, ok := t.servicePrincipal(appID)
	if !ok {
		return nil, errUnknownApp(appID, t.DisplayName)
	}
	secret := r.Form.Get("client_secret")
	if secret == "" {
		return nil, errNoSecret()
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(sp.Secret)) != 1 {
		return nil, errBadSecret(appID)
	}
	if !strings.HasSuffix(strings.Fields(scope)[0], "/.default") {
		return nil, errClientCredentialScope(scope)
	}
	resource := resourceOf(scope)
	if !isKnownResource(resource) {
		return nil, errUnknownResource(resource, t.DisplayName)
	}
	at, err := h.keys.sign(typeJWT, accessClaims{
		Aud: resource, Iss: stsIssuer(t.ID), Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(accessTokenLifetime).Unix(),
		AppID: sp.AppID, AppIDAcr: "1", IDType: "app", OID: sp.ObjectID, Sub: sp.ObjectID, TID: t.ID, Ver: "1.0",
	})
	if err != nil {
		return nil, &stsError{http.StatusInternalServerError, "server_error", 90000, err.Error()}
	}
	secs := int(accessTokenLifetime / time.Second)
	return map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": at}, nil
}

func (h *Handler) passwordGrant(r *http.Request, seg tenantSegment, now time.Time) (map[string]any, *stsError) {
	if seg.consumer {
		return nil, errConsumersNotSupported()
	}
	clientID := strings.TrimSpace(r.Form.Get("client_id"))
	upn := strings.TrimSpace(r.Form.Get("username"))
	switch {
	case clientID == "":
		return nil, errMissingParam("client_id")
	case upn == "":
		return nil, errMissingParam("username")
	case r.Form.Get("password") == "":
		return nil, errMissingParam("password")
	}
	t, u, serr := h.findUser(seg, upn)
	if serr != nil {
		return nil, serr
	}
	if subtle.ConstantTimeCompare([]byte(r.Form.Get("password")), []byte(u.Password)) != 1 {
		return nil, errBadPassword()
	}
	return h.userTokens(t, u, clientID, requestedScope(r), now)
}

// findUser resolves a UPN within the named tenant, or through its domain for common/organizations.
func (h *Handler) findUser(seg tenantSegment, upn string) (Tenant, User, *stsError) {
	var t Tenant
	if seg.generic {
		var err error
		if t, err = h.dir.LookupTenant(domainOf(upn)); err != nil || domainOf(upn) == "" {
			return Tenant{}, User{}, errUnknownUser("requested")
		}
	} else {
		var serr *stsError
		if t, serr = h.resolveTenant(seg); serr != nil {
			return Tenant{}, User{}, serr
		}
	}
	u, ok := t.user(upn)
	if !ok {
		return Tenant{}, User{}, errUnknownUser(t.DisplayName)
	}
	return t, u, nil
}

func (h *Handler) refreshGrant(r *http.Request, seg tenantSegment, now time.Time) (map[string]any, *stsError) {
	raw := r.Form.Get("refresh_token")
	if raw == "" {
		return nil, errMissingParam("refresh_token")
	}
	var rc refreshClaims
	if err := h.keys.parse(raw, typeRefresh, &rc); err != nil || rc.Aud != refreshAudience {
		return nil, errBadRefreshToken()
	}
	if now.After(time.Unix(rc.Exp, 0)) {
		return nil, errRefreshTokenExpired()
	}
	clientID := strings.TrimSpace(r.Form.Get("client_id"))
	if clientID == "" {
		return nil, errMissingParam("client_id")
	}
	if !strings.EqualFold(clientID, rc.ClientID) {
		return nil, &stsError{http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to a different client."}
	}
	t, err := h.dir.LookupTenant(rc.TID)
	if err != nil {
		return nil, errBadRefreshToken()
	}
	if !seg.generic && !containsFold(append([]string{t.ID}, t.Domains...), seg.raw) {
		// Entra ID redeems a multi-tenant refresh token in another tenant only for guests.
		return nil, errUnknownUser(seg.raw)
	}
	u, ok := t.user(rc.UPN)
	if !ok || !strings.EqualFold(u.ObjectID, rc.OID) {
		return nil, errBadRefreshToken()
	}
	return h.userTokens(t, u, clientID, requestedScope(r), now)
}

// userTokens is the token response for a signed-in user: access, refresh and id tokens and
// MSAL's client_info. scope is repeated as asked, so MSAL caches the token under that target.
func (h *Handler) userTokens(t Tenant, u User, clientID, scope string, now time.Time) (map[string]any, *stsError) {
	resource := resourceOf(scope)
	if resource == "" {
		return nil, errMissingParam("scope")
	}
	if !isKnownResource(resource) {
		return nil, errUnknownResource(resource, t.DisplayName)
	}
	exp := now.Add(accessTokenLifetime)
	at, err := h.keys.sign(typeJWT, accessClaims{
		Aud: resource, Iss: stsIssuer(t.ID), Iat: now.Unix(), Nbf: now.Unix(), Exp: exp.Unix(),
		AppID: clientID, AppIDAcr: "0", IDType: "user", Name: u.DisplayName, OID: u.ObjectID, Scp: "user_impersonation",
		Sub: u.ObjectID, TID: t.ID, UniqueName: u.UPN, UPN: u.UPN, Ver: "1.0",
	})
	if err != nil {
		return nil, &stsError{http.StatusInternalServerError, "server_error", 90000, err.Error()}
	}
	idt, err := h.keys.sign(typeJWT, idClaims{
		Aud: clientID, Iss: loginIssuer(t.ID), Iat: now.Unix(), Nbf: now.Unix(), Exp: exp.Unix(),
		Name: u.DisplayName, OID: u.ObjectID, PreferredUsername: u.UPN, Sub: u.ObjectID, TID: t.ID, Ver: "2.0",
	})
	if err != nil {
		return nil, &stsError{http.StatusInternalServerError, "server_error", 90000, err.Error()}
	}
	rt, err := h.keys.sign(typeRefresh, refreshClaims{
		Aud: refreshAudience, Iat: now.Unix(), Exp: now.Add(refreshTokenLifetime).Unix(),
		ClientID: clientID, TID: t.ID, OID: u.ObjectID, UPN: u.UPN,
	})
	if err != nil {
		return nil, &stsError{http.StatusInternalServerError, "server_error", 90000, err.Error()}
	}
	secs := int(accessTokenLifetime / time.Second)
	return map[string]any{
		"token_type": "Bearer", "scope": scope, "expires_in": secs, "ext_expires_in": secs,
		"access_token": at, "refresh_token": rt, "id_token": idt, "client_info": clientInfo(u.ObjectID, t.ID),
	}, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
