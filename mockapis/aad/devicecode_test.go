package aad

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
)

const armScope = "https://management.core.windows.net//.default offline_access openid profile"

func TestDeviceCodeFlow(t *testing.T) {
	f := newFixture(t)
	status, dc := f.post(t, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {AzureCLIClientID}, "scope": {armScope}})
	if status != 200 {
		t.Fatalf("devicecode: %d %v", status, dc)
	}
	userCode, device := dc["user_code"].(string), dc["device_code"].(string)
	if len(userCode) != 9 || dc["interval"] != 1.0 || dc["expires_in"] != 900.0 || dc["verification_uri"] != "http://127.0.0.1:9/_soclab/devicelogin" {
		t.Errorf("devicecode response = %v", dc)
	}
	wantMsg := "To sign in, use a web browser to open the page http://127.0.0.1:9/_soclab/devicelogin and enter the code " + userCode + " to authenticate."
	if msg, _ := dc["message"].(string); !strings.HasPrefix(msg, wantMsg) {
		t.Errorf("message = %q, want prefix %q", msg, wantMsg)
	}
	poll := url.Values{"client_id": {AzureCLIClientID}, "grant_type": {grantDeviceCode}, "device_code": {device}, "code": {device}}

	status, body := f.post(t, "/organizations/oauth2/v2.0/token", poll)
	if status != 400 || body["error"] != "authorization_pending" {
		t.Fatalf("poll before approval: %d %v", status, body)
	}
	if _, _, err := f.h.ApproveDeviceCode(Approval{UserCode: "NOPE12345", DefaultTenant: "contoso.com"}); !errors.Is(err, ErrUnknownCode) {
		t.Errorf("approve unknown code: err = %v", err)
	}
	for _, a := range []Approval{
		{UserCode: userCode, DefaultTenant: "contoso.com", CheckPassword: true},
		{UserCode: userCode, UPN: "analyst@contoso.com", Password: "wrong", CheckPassword: true},
	} {
		if _, _, err := f.h.ApproveDeviceCode(a); !errors.Is(err, ErrBadPassword) {
			t.Errorf("approve %+v: err = %v, want ErrBadPassword", a, err)
		}
	}
	tn, u, err := f.h.ApproveDeviceCode(Approval{UserCode: strings.ToLower(userCode), DefaultTenant: "contoso.com"})
	if err != nil || tn.ID != tenantID || u.UPN != "analyst@contoso.com" {
		t.Fatalf("approve = %v %v %v", tn.ID, u.UPN, err)
	}
	if _, _, err := f.h.ApproveDeviceCode(Approval{UserCode: userCode, UPN: "analyst@contoso.com", Password: "Pa55word!", CheckPassword: true}); !errors.Is(err, ErrCodeUsed) {
		t.Errorf("second approval: err = %v, want ErrCodeUsed", err)
	}
	status, body = f.post(t, "/organizations/oauth2/v2.0/token", poll)
	if status != 200 {
		t.Fatalf("poll after approval: %d %v", status, body)
	}
	if body["scope"] != armScope || body["client_info"] != clientInfo(userOID, tenantID) {
		t.Errorf("scope/client_info = %v / %v", body["scope"], body["client_info"])
	}
	idc := claimsOf(t, body["id_token"].(string))
	if idc["preferred_username"] != "analyst@contoso.com" || idc["aud"] != AzureCLIClientID || idc["tid"] != tenantID || idc["oid"] != userOID {
		t.Errorf("id_token claims = %v", idc)
	}
	p, err := f.v.VerifyToken(body["access_token"].(string), auth.ARMAudiences...)
	if err != nil || p.UPN != "analyst@contoso.com" || p.IsServicePrincipal || p.AppID != AzureCLIClientID {
		t.Errorf("principal = %+v, %v", p, err)
	}
	refresh := body["refresh_token"].(string)
	if status, body = f.post(t, "/organizations/oauth2/v2.0/token", poll); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("redeeming twice: %d %v", status, body)
	}

	// The refresh token works at the tenant's own authority for another resource, as az does it.
	status, body = f.post(t, "/"+tenantID+"/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {"refresh_token"},
		"refresh_token": {refresh}, "scope": {"https://graph.microsoft.com//.default offline_access openid profile"}})
	if status != 200 {
		t.Fatalf("refresh: %d %v", status, body)
	}
	if c := claimsOf(t, body["access_token"].(string)); c["aud"] != "https://graph.microsoft.com/" || c["upn"] != "analyst@contoso.com" {
		t.Errorf("refreshed token claims = %v", c)
	}
	// A refresh token is never accepted as an access token.
	if _, err := f.v.VerifyToken(body["refresh_token"].(string)); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("refresh token accepted as access token: %v", err)
	}
}

func TestDeviceCodeExpires(t *testing.T) {
	f := newFixture(t)
	_, dc := f.post(t, "/"+tenantID+"/oauth2/v2.0/devicecode", url.Values{"client_id": {AzureCLIClientID}, "scope": {armScope}})
	f.now = f.now.Add(16 * time.Minute)
	status, body := f.post(t, "/organizations/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {grantDeviceCode}, "device_code": {dc["device_code"].(string)}})
	if status != 400 || body["error"] != "expired_token" || !strings.HasPrefix(body["error_description"].(string), "AADSTS70020: ") {
		t.Errorf("expired poll: %d %v", status, body)
	}
	if _, _, err := f.h.ApproveDeviceCode(Approval{UserCode: dc["user_code"].(string)}); !errors.Is(err, ErrCodeExpired) {
		t.Errorf("approve expired: %v", err)
	}
}

func TestPasswordGrant(t *testing.T) {
	f := newFixture(t)
	status, body := f.post(t, "/organizations/oauth2/v2.0/token", url.Values{"client_id": {AzureCLIClientID}, "grant_type": {"password"},
		"username": {"Analyst@Contoso.com"}, "password": {"Pa55word!"}, "scope": {armScope}, "client_info": {"1"}})
	if status != 200 {
		t.Fatalf("password grant: %d %v", status, body)
	}
	if c := claimsOf(t, body["access_token"].(string)); c["tid"] != tenantID || c["unique_name"] != "analyst@contoso.com" || c["idtyp"] != "user" {
		t.Errorf("claims = %v", c)
	}
}

func TestDiscoveryDocuments(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path, want string
		status     int
	}{
		{"/" + tenantID + "/v2.0/.well-known/openid-configuration", `"token_endpoint":"https://login.microsoftonline.com/` + tenantID + `/oauth2/v2.0/token"`, 200},
		{"/organizations/v2.0/.well-known/openid-configuration", `"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0"`, 200},
		{"/contoso.com/v2.0/.well-known/openid-configuration", `"issuer":"https://login.microsoftonline.com/` + tenantID + `/v2.0"`, 200},
		{"/nosuch.example/v2.0/.well-known/openid-configuration", `"error":"invalid_tenant"`, 400},
		{"/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/authorize", `"preferred_network":"login.microsoftonline.com"`, 200},
		{"/common/userrealm/analyst@contoso.com?api-version=1.0", `"account_type":"Managed"`, 200},
		{"/common/userrealm/someone@example.org?api-version=1.0", `"account_type":"Unknown"`, 200},
		{"/" + tenantID + "/discovery/v2.0/keys", `"kid":"` + f.h.keys.KeyID() + `"`, 200},
		{"/" + tenantID + "/oauth2/v2.0/authorize", `"error":"not_found"`, 404},
		{"/" + tenantID + "/oauth2/v2.0/token", `AADSTS900561: The endpoint only accepts POST, OPTIONS requests. Received a GET request.`, 400},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://login.microsoftonline.com"+tc.path, nil))
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s = %d %s\nwant %d containing %s", tc.path, rec.Code, rec.Body.String(), tc.status, tc.want)
		}
	}
}
