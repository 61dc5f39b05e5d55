package aad

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Lifetimes. Access tokens last about an hour as in Entra ID; refresh tokens 90 days.
const (
	accessTokenLifetime  = 3599 * time.Second
	refreshTokenLifetime = 90 * 24 * time.Hour
	refreshAudience      = "urn:soclab:refresh_token"
)

// accessClaims are the claims of a v1.0 access token, as ARM tokens carry them.
type accessClaims struct {
	Aud        string `json:"aud"`
	Iss        string `json:"iss"`
	Iat        int64  `json:"iat"`
	Nbf        int64  `json:"nbf"`
	Exp        int64  `json:"exp"`
	AppID      string `json:"appid"`
	AppIDAcr   string `json:"appidacr"`
	IDType     string `json:"idtyp"`
	Name       string `json:"name,omitempty"`
	OID        string `json:"oid"`
	Scp        string `json:"scp,omitempty"`
	Sub        string `json:"sub"`
	TID        string `json:"tid"`
	UniqueName string `json:"unique_name,omitempty"`
	UPN        string `json:"upn,omitempty"`
	Ver        string `json:"ver"`
}

// idClaims are the claims of a v2.0 id token (MSAL reads preferred_username, oid, tid).
type idClaims struct {
	Aud               string `json:"aud"`
	Iss               string `json:"iss"`
	Iat               int64  `json:"iat"`
	Nbf               int64  `json:"nbf"`
	Exp               int64  `json:"exp"`
	Name              string `json:"name"`
	OID               string `json:"oid"`
	PreferredUsername string `json:"preferred_username"`
	Sub               string `json:"sub"`
	TID               string `json:"tid"`
	Ver               string `json:"ver"`
}

// refreshClaims make a refresh token self-contained: the server keeps no token store.
type refreshClaims struct {
	Aud      string `json:"aud"`
	Iat      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	ClientID string `json:"cid"`
	TID      string `json:"tid"`
	OID      string `json:"oid"`
	UPN      string `json:"upn"`
}

// stsIssuer is the v1.0 issuer ARM tokens carry.
func stsIssuer(tenantID string) string { return "https://sts.windows.net/" + tenantID + "/" }

// loginIssuer is the v2.0 issuer of id tokens and OpenID configuration.
func loginIssuer(tenantID string) string { return "https://" + LoginHost + "/" + tenantID + "/v2.0" }

// clientInfo is MSAL's client_info: base64url of {"uid":oid,"utid":tid}.
func clientInfo(oid, tid string) string {
	b, _ := json.Marshal(map[string]string{"uid": oid, "utid": tid})
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcScopes are requested alongside a resource scope and name no resource themselves.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// resourceOf returns the resource (token audience) a scope list asks for: the first scope
// that is not an OpenID scope, without its permission part. "https://management.core.windows.net//.default"
// gives "https://management.core.windows.net/", as Entra ID does.
func resourceOf(scope string) string {
	for _, s := range strings.Fields(scope) {
		if oidcScopes[strings.ToLower(s)] {
			continue
		}
		if !strings.Contains(s, "://") {
			if i := strings.IndexByte(s, '/'); i > 0 {
				return s[:i] // "<app-id-guid>/.default"
			}
			return "https://graph.microsoft.com" // a bare permission like User.Read is Graph's
		}
		if i := strings.LastIndexByte(s, '/'); i > len("https://") {
			return s[:i]
		}
		return s
	}
	return ""
}

// knownResources are the resources tokens can be issued for: what the lab serves and the
// resources az asks for on the side (Key Vault and Storage data planes).
var knownResources = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range []string{
		"https://management.core.windows.net", "https://management.azure.com",
		"https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000", "https://graph.windows.net",
		"https://api.loganalytics.io", "https://api.loganalytics.azure.com",
		"https://api.security.microsoft.com", "https://security.microsoft.com/mtp", "https://api.securitycenter.microsoft.com",
		"https://vault.azure.net", "https://storage.azure.com", "https://api.securitycopilot.microsoft.com",
	} {
		m[r] = true
	}
	return m
}()

func isKnownResource(resource string) bool {
	return knownResources[strings.ToLower(strings.TrimSuffix(resource, "/"))]
}
