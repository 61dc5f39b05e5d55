package aad

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzTokenEndpoint posts arbitrary form bodies to the token endpoint of a tenant given by
// path: the answer is JSON, a token on 200 and Entra ID's error shape (error,
// error_description starting with AADSTS, error_codes) otherwise.
func FuzzTokenEndpoint(f *testing.F) {
	for _, s := range []struct{ tenant, body string }{
		{"contoso.com", spForm(secret, "https://management.core.windows.net//.default").Encode()},
		{tenantID, spForm("wrong", "https://management.core.windows.net//.default").Encode()},
		{"organizations", "grant_type=password&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&username=analyst%40contoso.com&password=Pa55word%21&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default+offline_access"},
		{"common", "grant_type=refresh_token&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&refresh_token=eyJ.x.y&scope=openid"},
		{"contoso.com", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=x&device_code=ABC"},
		{"contoso.com", "grant_type=client_credentials&client_id=" + appID + "&client_secret=" + secret + "&resource=https%3A%2F%2Fapi.loganalytics.io"},
		{"nope.example", "grant_type=bogus"},
		{"contoso.com", "%zz=1&&=&scope=%"},
		{"x", ""},
	} {
		f.Add(s.tenant, s.body)
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, tenant, body string) {
		if tenant == "" || strings.ContainsAny(tenant, "/?#%\x00 \r\n\t") {
			t.Skip("tenant must be one path segment")
		}
		if _, err := url.Parse("https://login.microsoftonline.com/" + tenant); err != nil {
			t.Skip("not a URL a client can send")
		}
		req := httptest.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+tenant+"/oauth2/v2.0/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("server error %d: %s", rec.Code, rec.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%d body is not a JSON object: %q", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusOK {
			if s, _ := m["access_token"].(string); s == "" {
				t.Fatalf("200 without access_token: %s", rec.Body)
			}
			return
		}
		code, _ := m["error"].(string)
		desc, _ := m["error_description"].(string)
		if code == "" || !strings.HasPrefix(desc, "AADSTS") {
			t.Fatalf("%d is not Entra ID's error shape: %s", rec.Code, rec.Body)
		}
		if codes, ok := m["error_codes"].([]any); !ok || len(codes) == 0 {
			t.Fatalf("%d without error_codes: %s", rec.Code, rec.Body)
		}
	})
}
