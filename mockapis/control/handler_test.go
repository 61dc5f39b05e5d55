package control

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

var realNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestControlEndpoints(t *testing.T) {
	now := realNow
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	srv := httptest.NewServer(NewHandler(w))
	defer srv.Close()
	contoso, _ := w.TenantByName("contoso")
	norm := func(s string) string {
		s = strings.ReplaceAll(s, contoso.ID, "{tid}")
		s = strings.ReplaceAll(s, contoso.Subscription.ID, "{sub}")
		s = strings.ReplaceAll(s, contoso.ServicePrincipal.AppID, "{app}")
		return strings.TrimSpace(s)
	}
	steps := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"list", "GET", "/_soclab/tenants", "", 200,
			`{"value":[{"name":"contoso","id":"{tid}","displayName":"Contoso Ltd","domains":["contoso.com","contoso.onmicrosoft.com"],"subscriptionId":"{sub}","subscriptionName":"Contoso Production","spAppId":"{app}","users":["analyst@contoso.com"]}]}`},
		{"clock starts at the scenario", "GET", "/_soclab/clock", "", 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T07:00:00Z","frozen":false}`},
		{"freeze", "POST", "/_soclab/clock/freeze", `{"tenant":"contoso"}`, 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T07:00:00Z","frozen":true}`},
		{"advance ISO", "POST", "/_soclab/clock/advance", `{"duration":"PT1H30M"}`, 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T08:30:00Z","frozen":true}`},
		{"advance Go", "POST", "/_soclab/clock/advance?tenant=contoso.com", `{"duration":"1h15m"}`, 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T09:45:00Z","frozen":true}`},
		{"advance negative", "POST", "/_soclab/clock/advance", `{"duration":"-5m"}`, 400,
			`{"error":{"code":"InvalidDuration","message":"the clock only moves forward with advance; use set to go back"}}`},
		{"advance by a billion days", "POST", "/_soclab/clock/advance", `{"duration":"1000000000d"}`, 400,
			`{"error":{"code":"InvalidDuration","message":"the duration \"1000000000d\" is too long: a clock step is at most 106751 days"}}`},
		{"advance past the clock's range", "POST", "/_soclab/clock/advance", `{"duration":"100000d"}`, 400,
			`{"error":{"code":"InvalidDuration","message":"advance by 2400000h0m0s: invalid clock change: 2298-10-31T09:45:00Z is outside the lab clock's range 1970-01-01 to 2200-01-01"}}`},
		{"advance garbage", "POST", "/_soclab/clock/advance", `{"duration":"soon"}`, 400,
			`{"error":{"code":"InvalidDuration","message":"invalid duration \"soon\": use e.g. 90m, 1h30m, 2d or PT1H"}}`},
		{"set", "POST", "/_soclab/clock/set", `{"time":"2025-01-15T08:29:00Z"}`, 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T08:29:00Z","frozen":true}`},
		{"set bad", "POST", "/_soclab/clock/set", `{"time":"tomorrow"}`, 400,
			`{"error":{"code":"InvalidTime","message":"invalid time \"tomorrow\": use RFC 3339, e.g. 2025-01-15T08:30:00Z"}}`},
		{"resume", "POST", "/_soclab/clock/resume", ``, 200,
			`{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T08:29:00Z","frozen":false}`},
		{"unknown tenant", "GET", "/_soclab/clock?tenant=nobody", "", 404,
			`{"error":{"code":"TenantNotFound","message":"tenant \"nobody\": tenant not found"}}`},
		{"bad body", "POST", "/_soclab/tenants", `{"nom":"x"}`, 400,
			`{"error":{"code":"InvalidRequestContent","message":"the request body is not valid JSON for this endpoint: json: unknown field \"nom\""}}`},
		{"bad name", "POST", "/_soclab/tenants", `{"name":"Bad Name!"}`, 400,
			`{"error":{"code":"InvalidTenantName","message":"invalid tenant name \"bad name!\": use 3-32 lower-case letters, digits and hyphens, starting with a letter"}}`},
		{"duplicate", "POST", "/_soclab/tenants", `{"name":"contoso"}`, 409,
			`{"error":{"code":"TenantExists","message":"add tenant \"contoso\": tenant already exists"}}`},
		{"wrong method", "DELETE", "/_soclab/tenants", ``, 405,
			`{"error":{"code":"MethodNotAllowed","message":"DELETE is not supported on /_soclab/tenants"}}`},
		{"unknown endpoint", "GET", "/_soclab/nope", ``, 404,
			`{"error":{"code":"NotFound","message":"no control endpoint GET /_soclab/nope"}}`},
		{"body over the limit", "POST", "/_soclab/tenants", `{"name":"` + strings.Repeat("x", 1<<16) + `"}`, 413,
			`{"error":{"code":"RequestEntityTooLarge","message":"the request content size exceeds the maximum allowed 65536 bytes for this endpoint"}}`},
		{"reset", "POST", "/_soclab/reset", `{"tenant":"contoso"}`, 200,
			`{"tenant":"{tid}","tenantName":"contoso","clock":{"tenant":"{tid}","tenantName":"contoso","now":"2025-01-15T07:00:00Z","frozen":false}}`},
	}
	for _, s := range steps {
		req, _ := http.NewRequest(s.method, srv.URL+s.path, strings.NewReader(s.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.status || norm(string(data)) != s.want {
			t.Errorf("%s: %d %s\nwant %d %s", s.name, resp.StatusCode, norm(string(data)), s.status, s.want)
		}
	}

	// Adding a tenant returns its credentials; listing then shows both.
	resp, err := http.Post(srv.URL+"/_soclab/tenants", "application/json", strings.NewReader(`{"name":"learner01"}`))
	if err != nil {
		t.Fatal(err)
	}
	var nt NewTenant
	json.NewDecoder(resp.Body).Decode(&nt)
	resp.Body.Close()
	lt, err := w.TenantByName("learner01")
	if err != nil || resp.StatusCode != 200 || nt.ID != lt.ID || nt.SPSecret != lt.ServicePrincipal.Secret ||
		len(nt.Logins) != 1 || nt.Logins[0].UserPrincipalName != "analyst@learner01.onmicrosoft.com" || nt.Logins[0].Password != lt.Users[0].Password {
		t.Fatalf("add tenant: %d %+v (%v)", resp.StatusCode, nt, err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90m": 90 * time.Minute, "1h30m": 90 * time.Minute, "2d": 48 * time.Hour, "1d6h": 30 * time.Hour,
		"PT1H": time.Hour, "P1DT2H": 26 * time.Hour, "PT30S": 30 * time.Second, "pt5m": 5 * time.Minute,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "P", "PT", "xd", "1y", "h", "5hm"} {
		if _, err := ParseDuration(bad); err == nil || strings.Contains(err.Error(), "too long") {
			t.Errorf("ParseDuration(%q): %v, want invalid", bad, err)
		}
	}
	// Steps that do not fit a time.Duration are refused, never wrapped around.
	for _, long := range []string{"1000000000d", "106752d", "106751d24h", "9999999999h", "99999999999999999999d",
		"P1000000000D", "PT9999999999999H", "P106751DT24H", "PT9999999999999999999S", "P99999999999999999999D"} {
		if d, err := ParseDuration(long); err == nil || !strings.Contains(err.Error(), "is too long") {
			t.Errorf("ParseDuration(%q) = %v, %v; want too long", long, d, err)
		}
	}
	if d, err := ParseDuration("106751d"); err != nil || d != 106751*24*time.Hour {
		t.Errorf("ParseDuration(106751d) = %v, %v", d, err)
	}
	if d, err := ParseDuration("-5d"); err != nil || d != -5*24*time.Hour {
		t.Errorf("ParseDuration(-5d) = %v, %v", d, err)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)
	for _, in := range []string{"2025-01-15T08:30:00Z", "2025-01-15T09:30:00+01:00", "2025-01-15T08:30:00", "2025-01-15 08:30"} {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTime("15/01/2025"); err == nil {
		t.Error("ParseTime accepted 15/01/2025")
	}
}
