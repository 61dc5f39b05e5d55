package aad

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
)

const (
	tenantID = "11111111-1111-1111-1111-111111111111"
	appID    = "77777777-7777-7777-7777-777777777777"
	secret   = "lab-secret"
	userOID  = "44444444-4444-4444-4444-444444444444"
)

type fakeDirectory map[string]Tenant

func (d fakeDirectory) LookupTenant(s string) (Tenant, error) {
	for _, t := range d {
		if strings.EqualFold(t.ID, s) || containsFold(t.Domains, s) {
			return t, nil
		}
	}
	return Tenant{}, fmt.Errorf("tenant %q: %w", s, ErrNotFound)
}

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// testKeys shares one RSA key between tests: generating one costs a noticeable fraction of a second.
func testKeys(t testing.TB) *Keys {
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	})
	return NewKeys(testKey)
}

type fixture struct {
	h   *Handler
	v   *Verifier
	now time.Time
}

func newFixture(t testing.TB) *fixture {
	keys := testKeys(t)
	f := &fixture{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dir := fakeDirectory{"contoso": {
		ID: tenantID, DisplayName: "Contoso", Domains: []string{"contoso.com", "contoso.onmicrosoft.com"},
		ServicePrincipals: []ServicePrincipal{{AppID: appID, ObjectID: "33333333-3333-3333-3333-333333333333", DisplayName: "soclab-automation", Secret: secret}},
		Users:             []User{{ObjectID: userOID, UPN: "analyst@contoso.com", DisplayName: "SOC Analyst", Password: "Pa55word!"}},
	}}
	clock := func() time.Time { return f.now }
	f.h = NewHandler(Config{Directory: dir, Keys: keys, DeviceLoginURL: "http://127.0.0.1:9/_soclab/devicelogin", Now: clock})
	f.v = NewVerifier(keys, clock)
	return f
}

func (f *fixture) post(t testing.TB, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "https://login.microsoftonline.com"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: body is not JSON: %q", path, rec.Body.String())
	}
	return rec.Code, body
}

func spForm(secretValue, scope string) url.Values {
	return url.Values{"client_id": {appID}, "grant_type": {"client_credentials"}, "client_info": {"1"}, "client_secret": {secretValue}, "scope": {scope}}
}

func TestTokenEndpointErrors(t *testing.T) {
	f := newFixture(t)
	arm := "https://management.core.windows.net//.default"
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		oauth      string
		code       float64
		text       string
	}{
		{"unknown tenant", "/99999999-9999-9999-9999-999999999999/oauth2/v2.0/token", spForm(secret, arm), 400, "invalid_tenant", 90002, "Tenant '99999999-9999-9999-9999-999999999999' not found."},
		{"bad secret", "/" + tenantID + "/oauth2/v2.0/token", spForm("wrong", arm), 401, "invalid_client", 7000215, "Invalid client secret provided."},
		{"unknown app", "/contoso.com/oauth2/v2.0/token", url.Values{"client_id": {"00000000-0000-0000-0000-000000000001"}, "grant_type": {"client_credentials"}, "client_secret": {secret}, "scope": {arm}}, 400, "unauthorized_client", 700016, "Application with identifier '00000000-0000-0000-0000-000000000001' was not found in the directory 'Contoso'."},
		{"client credentials at common", "/common/oauth2/v2.0/token", spForm(secret, arm), 400, "invalid_request", 50059, "No tenant-identifying information found"},
		{"no secret", "/" + tenantID + "/oauth2/v2.0/token", spForm("", arm), 401, "invalid_client", 7000218, "'client_assertion' or 'client_secret'"},
		{"scope without .default", "/" + tenantID + "/oauth2/v2.0/token", spForm(secret, "https://graph.microsoft.com/User.Read"), 400, "invalid_scope", 1002012, "Client credential flows must have a scope value with /.default"},
		{"unknown resource", "/" + tenantID + "/oauth2/v2.0/token", spForm(secret, "https://example.com/.default"), 400, "invalid_resource", 500011, "The resource principal named https://example.com was not found in the tenant named Contoso."},
		{"bad user password", "/organizations/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {"password"}, "username": {"analyst@contoso.com"}, "password": {"nope"}, "scope": {arm}}, 400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password."},
		{"unknown user", "/" + tenantID + "/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {"password"}, "username": {"ghost@contoso.com"}, "password": {"x"}, "scope": {arm}}, 400, "invalid_grant", 50034, "does not exist in the Contoso directory"},
		{"missing grant", "/" + tenantID + "/oauth2/v2.0/token", url.Values{"client_id": {appID}}, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."},
		{"unsupported grant", "/" + tenantID + "/oauth2/v2.0/token", url.Values{"grant_type": {"implicit"}}, 400, "unsupported_grant_type", 70003, "unsupported grant type 'implicit'"},
		{"garbage refresh token", "/organizations/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {"refresh_token"}, "refresh_token": {"abc.def.ghi"}, "scope": {arm}}, 400, "invalid_grant", 9002313, "Request is malformed or invalid."},
		{"unknown device code", "/organizations/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {grantDeviceCode}, "device_code": {"nope"}}, 400, "invalid_grant", 70000, "'device_code' is not valid."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.post(t, tc.path, tc.form)
			if status != tc.status || body["error"] != tc.oauth {
				t.Fatalf("got %d %v, want %d %s; body %v", status, body["error"], tc.status, tc.oauth, body)
			}
			codes, _ := body["error_codes"].([]any)
			if len(codes) != 1 || codes[0] != tc.code {
				t.Errorf("error_codes = %v, want [%v]", body["error_codes"], tc.code)
			}
			desc, _ := body["error_description"].(string)
			wantPrefix := fmt.Sprintf("AADSTS%d: ", int(tc.code))
			if !strings.HasPrefix(desc, wantPrefix) || !strings.Contains(desc, tc.text) || !strings.Contains(desc, "\r\nTrace ID: ") {
				t.Errorf("error_description = %q, want %q...%q and a trace id", desc, wantPrefix, tc.text)
			}
			for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
				if body[k] == "" || body[k] == nil {
					t.Errorf("missing %s", k)
				}
			}
		})
	}
}

// claimsOf decodes a JWT's claims without checking it.
func claimsOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

func TestServicePrincipalTokenVerifies(t *testing.T) {
	f := newFixture(t)
	status, body := f.post(t, "/"+tenantID+"/oauth2/v2.0/token", spForm(secret, "https://management.core.windows.net//.default"))
	if status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	if body["token_type"] != "Bearer" || body["expires_in"] != 3599.0 {
		t.Errorf("response = %v", body)
	}
	at := body["access_token"].(string)
	c := claimsOf(t, at)
	want := map[string]any{"aud": "https://management.core.windows.net/", "tid": tenantID, "appid": appID, "idtyp": "app",
		"oid": "33333333-3333-3333-3333-333333333333", "iss": "https://sts.windows.net/" + tenantID + "/", "ver": "1.0"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c[k], v)
		}
	}
	for _, k := range []string{"iat", "nbf", "exp"} {
		if _, ok := c[k].(float64); !ok {
			t.Errorf("claim %s missing", k)
		}
	}
	p, err := f.v.VerifyToken(at, auth.ARMAudiences...)
	if err != nil {
		t.Fatal(err)
	}
	if p != (auth.Principal{TenantID: tenantID, ObjectID: "33333333-3333-3333-3333-333333333333", AppID: appID, Name: appID, Audience: "https://management.core.windows.net/", IsServicePrincipal: true}) {
		t.Errorf("principal = %+v", p)
	}
}

func TestVerifierRejections(t *testing.T) {
	f := newFixture(t)
	_, body := f.post(t, "/"+tenantID+"/oauth2/v2.0/token", spForm(secret, "https://management.core.windows.net//.default"))
	good := body["access_token"].(string)
	_, gbody := f.post(t, "/"+tenantID+"/oauth2/v2.0/token", spForm(secret, "https://graph.microsoft.com//.default"))
	graph := gbody["access_token"].(string)
	other := NewKeys(mustKey(t))
	forged, _ := other.sign(typeJWT, claimsFromToken(t, good))
	tampered := good[:strings.LastIndexByte(good, '.')] + ".AAAA"

	tests := []struct {
		name, header string
		later        time.Duration
		kind         error
		code, msg    string
	}{
		{"no header", "", 0, auth.ErrNoToken, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."},
		{"not bearer", "Basic dXNlcjpwYXNz", 0, auth.ErrNoToken, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format."},
		{"garbage", "Bearer not-a-jwt", 0, auth.ErrInvalidToken, "InvalidAuthenticationToken", "The access token is invalid."},
		{"signed by another key", "Bearer " + forged, 0, auth.ErrInvalidToken, "InvalidAuthenticationToken", "The access token is invalid."},
		{"tampered signature", "Bearer " + tampered, 0, auth.ErrInvalidToken, "InvalidAuthenticationToken", "The access token is invalid."},
		{"expired", "Bearer " + good, 2 * time.Hour, auth.ErrInvalidToken, "ExpiredAuthenticationToken", "The access token expiry UTC time '11/26/2026 12:59:59 PM' is earlier than current UTC time '11/26/2026 2:00:00 PM'."},
		{"wrong audience", "Bearer " + graph, 0, auth.ErrWrongAudience, "InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com/'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."},
	}
	start := f.now
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.now = start.Add(tc.later)
			req := httptest.NewRequest(http.MethodGet, "https://management.azure.com/subscriptions", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			_, err := f.v.Verify(req, auth.ARMAudiences...)
			var ve *VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want a VerifyError of kind %v", err, tc.kind)
			}
			if ve.Code != tc.code || ve.Message != tc.msg {
				t.Errorf("got %s %q\nwant %s %q", ve.Code, ve.Message, tc.code, tc.msg)
			}
		})
	}
}

func mustKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func claimsFromToken(t *testing.T, tok string) accessClaims {
	var c accessClaims
	b, _ := json.Marshal(claimsOf(t, tok))
	json.Unmarshal(b, &c)
	return c
}
