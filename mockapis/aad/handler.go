package aad

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// LoginHost is the host name the login service is served as.
const LoginHost = "login.microsoftonline.com"

// AzureCLIClientID is the Azure CLI's public client application id.
const AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// Config is what the login service needs.
type Config struct {
	// Directory resolves tenants, applications and users.
	Directory Directory
	// Keys signs tokens.
	Keys *Keys
	// DeviceLoginURL is the page the device code message sends the learner to.
	DeviceLoginURL string
	// Now is the real clock (tokens use real time, not the tenant's virtual clock); nil means time.Now.
	Now func() time.Time
}

// Handler serves login.microsoftonline.com.
type Handler struct {
	dir     Directory
	keys    *Keys
	now     func() time.Time
	devices *deviceCodes
}

// NewHandler returns the login service.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{dir: cfg.Directory, keys: cfg.Keys, now: now, devices: newDeviceCodes(cfg.DeviceLoginURL)}
}

// ServeHTTP routes by path; the first segment is the tenant (id, domain, common, organizations).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i := range seg {
		seg[i], _ = url.PathUnescape(seg[i])
	}
	if len(seg) < 2 {
		h.notFound(w, r)
		return
	}
	tenant, rest := parseTenantSegment(seg[0]), strings.ToLower(strings.Join(seg[1:], "/"))
	get, post := r.Method == http.MethodGet || r.Method == http.MethodHead, r.Method == http.MethodPost
	switch {
	case get && (rest == "v2.0/.well-known/openid-configuration" || rest == ".well-known/openid-configuration"):
		h.openIDConfiguration(w, r, tenant, strings.HasPrefix(rest, "v2.0"))
	case get && rest == "discovery/instance":
		h.instanceDiscovery(w, r)
	case get && len(seg) == 3 && strings.EqualFold(seg[1], "userrealm"):
		h.userRealm(w, r, seg[2])
	case get && (rest == "discovery/v2.0/keys" || rest == "discovery/keys"):
		writeJSON(w, http.StatusOK, h.keys.JWKS())
	case post && (rest == "oauth2/v2.0/token" || rest == "oauth2/token"):
		h.token(w, r, tenant)
	case post && (rest == "oauth2/v2.0/devicecode" || rest == "oauth2/devicecode"):
		h.deviceCode(w, r, tenant)
	case !post && (rest == "oauth2/v2.0/token" || rest == "oauth2/token" || rest == "oauth2/v2.0/devicecode" || rest == "oauth2/devicecode"):
		writeSTSError(w, r, h.now(), &stsError{http.StatusBadRequest, "invalid_request", 900561,
			"The endpoint only accepts POST, OPTIONS requests. Received a " + r.Method + " request."})
	default:
		h.notFound(w, r)
	}
}

// notFound answers paths the lab does not implement. Entra ID answers those with an HTML
// page; a JSON body that says what is served is more useful and no client parses either.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]any{
		"error": "not_found",
		"error_description": "soclab's login service has no endpoint " + r.Method + " " + r.URL.Path +
			"; it serves OpenID configuration, instance and user realm discovery, keys, token and devicecode.",
	})
}

// resolveTenant looks a tenant segment up; generic segments resolve to no tenant.
func (h *Handler) resolveTenant(seg tenantSegment) (Tenant, *stsError) {
	if seg.generic {
		return Tenant{}, nil
	}
	t, err := h.dir.LookupTenant(seg.raw)
	if err != nil {
		return Tenant{}, errTenantNotFound(seg.raw)
	}
	return t, nil
}

func (h *Handler) openIDConfiguration(w http.ResponseWriter, r *http.Request, seg tenantSegment, v2 bool) {
	t, serr := h.resolveTenant(seg)
	if serr != nil {
		writeSTSError(w, r, h.now(), serr)
		return
	}
	issuerTenant := "{tenantid}"
	if !seg.generic {
		issuerTenant = t.ID
	}
	base := "https://" + LoginHost + "/" + seg.raw
	v := "/v2.0"
	issuer := loginIssuer(issuerTenant)
	if !v2 {
		v = ""
		issuer = stsIssuer(issuerTenant)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2" + v + "/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery" + v + "/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2" + v + "/authorize",
		"device_authorization_endpoint":         base + "/oauth2" + v + "/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2" + v + "/logout",
		"claims_supported":                      []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"kerberos_endpoint":                     base + "/kerberos",
		"tenant_region_scope":                   "NA",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
		"rbac_url":                              "https://pas.windows.net",
	})
}

// instanceDiscovery answers MSAL's authority validation; MSAL needs it before the first token
// for a second resource.
func (h *Handler) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := "common"
	if ae, err := url.Parse(r.URL.Query().Get("authorization_endpoint")); err == nil {
		if parts := strings.Split(strings.Trim(ae.Path, "/"), "/"); len(parts) > 0 && parts[0] != "" {
			tenant = parts[0]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + LoginHost + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{
			{"preferred_network": LoginHost, "preferred_cache": "login.windows.net", "aliases": []string{LoginHost, "login.windows.net", "login.microsoft.com", "sts.windows.net"}},
		},
	})
}

// userRealm tells MSAL whether a user is managed (password grant) or federated.
func (h *Handler) userRealm(w http.ResponseWriter, r *http.Request, upn string) {
	domain := domainOf(upn)
	t, err := h.dir.LookupTenant(domain)
	if domain == "" || err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ver": "1.0", "account_type": "Unknown", "cloud_instance_name": "microsoftonline.com"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ver": "1.0", "account_type": "Managed", "domain_name": domain,
		"cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline",
		"federation_brand_name": t.DisplayName,
	})
}
