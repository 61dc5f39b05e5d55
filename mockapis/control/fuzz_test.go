package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// FuzzClockAndTenants posts arbitrary bodies to the clock and tenant endpoints: the answer is
// JSON (the error envelope on failure, never a 5xx), and afterwards the tenant's clock still
// reads as a valid time.
func FuzzClockAndTenants(f *testing.F) {
	ops := []string{"clock/freeze", "clock/resume", "clock/advance", "clock/set", "tenants"}
	for _, s := range []struct {
		op   uint8
		body string
	}{
		{2, `{"tenant":"contoso","duration":"1h"}`}, {2, `{"duration":"-10000000h"}`}, {2, `{"duration":"2562047h"}`},
		{2, `{"duration":"P1D"}`}, {2, `{"duration":"9223372036854775807ns"}`}, {2, `{"duration":"1000000000d"}`}, {2, `{"duration":"P99999999999D"}`}, {3, `{"time":"2025-01-15T08:30:00Z"}`},
		{3, `{"time":"9999-12-31T23:59:59Z"}`}, {3, `{"time":"0001-01-01T00:00:00Z"}`}, {3, `{"time":"yesterday"}`},
		{0, `{"tenant":"nosuch"}`}, {1, ``}, {4, `{"name":"learner01"}`}, {4, `{"name":"../x"}`}, {4, `{"name":""}`},
		{2, `{`}, {3, `[]`}, {0, `null`},
	} {
		f.Add(s.op, s.body)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulator.Open(f.TempDir(), simulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { w.Close() })
	h := NewHandler(w)
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		req := httptest.NewRequest(http.MethodPost, "/_soclab/"+ops[int(op)%len(ops)], strings.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_soclab/clock?tenant=contoso", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("clock after %s %q: %d %s", ops[int(op)%len(ops)], body, rec.Code, rec.Body)
		}
		var c struct{ Now time.Time }
		if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil || c.Now.IsZero() {
			t.Fatalf("clock after %s %q does not read: %v %s", ops[int(op)%len(ops)], body, err, rec.Body)
		}
	})
}

func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("server error %d: %s", rec.Code, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%d body is not a JSON object: %s", rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		e, _ := m["error"].(map[string]any)
		if code, _ := e["code"].(string); code == "" {
			t.Fatalf("%d is not the error envelope: %s", rec.Code, rec.Body)
		}
	}
}

// TestClockOutOfRange: times the clock cannot hold are refused with 400 naming the range,
// and the clock stays where it was (it used to answer 500 for year 1, and to wrap 9999 to
// 2318 and then to 1733 on the next advance).
func TestClockOutOfRange(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h := NewHandler(w)
	const rng = " is outside the lab clock's range 1970-01-01 to 2200-01-01"
	cases := []struct{ path, body, want string }{
		{"clock/set", `{"time":"0001-01-01T00:00:00Z"}`, `{"error":{"code":"InvalidTime","message":"set clock: invalid clock change: the time is zero"}}`},
		{"clock/set", `{"time":"9999-12-31T23:59:59Z"}`, `{"error":{"code":"InvalidTime","message":"set clock: invalid clock change: 9999-12-31T23:59:59Z` + rng + `"}}`},
		{"clock/set", `{"time":"1700-01-01T00:00:00Z"}`, `{"error":{"code":"InvalidTime","message":"set clock: invalid clock change: 1700-01-01T00:00:00Z` + rng + `"}}`},
		{"clock/advance", `{"duration":"2562047h"}`, `{"error":{"code":"InvalidDuration","message":"advance by 2562047h0m0s: invalid clock change: 2317-04-27T06:00:00Z` + rng + `"}}`},
	}
	for _, frozen := range []bool{false, true} {
		if frozen {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_soclab/clock/freeze", nil))
		}
		for _, tc := range cases {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_soclab/"+tc.path, strings.NewReader(tc.body)))
			if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusBadRequest || got != tc.want {
				t.Errorf("frozen=%v %s %s = %d %s\nwant 400 %s", frozen, tc.path, tc.body, rec.Code, got, tc.want)
			}
			st, err := w.Clock(mustTenant(t, w))
			if err != nil || !st.Now.Equal(time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)) {
				t.Errorf("frozen=%v after %s %s the clock reads %v, %v; want the scenario start", frozen, tc.path, tc.body, st.Now, err)
			}
		}
	}
}

func mustTenant(t *testing.T, w *simulator.World) string {
	t.Helper()
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	return ten.ID
}

// FuzzParseDuration: a clock step never wraps around: an input without a minus sign parses
// to a non-negative duration or fails; whole days parse exactly.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90m", "2d", "1d6h", "PT1H", "P1DT2H", "1000000000d", "106751d", "106752d", "9999999999h",
		"P99999999999D", "PT9223372036.854775807S", "-5d", "", "P", "1d-5h", "0d", "PT1.5S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 && !strings.Contains(s, "-") {
			t.Fatalf("ParseDuration(%q) = %v: wrapped around", s, d)
		}
		if n, cerr := strconv.ParseInt(strings.TrimSuffix(s, "d"), 10, 64); cerr == nil && strings.HasSuffix(s, "d") && n >= 0 && d != time.Duration(n)*24*time.Hour {
			t.Fatalf("ParseDuration(%q) = %v, want %d days", s, d, n)
		}
	})
}
