package controlauth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
)

// FuzzGuardedControl sends learner01's token with arbitrary paths, query strings and bodies
// through the guard to the real control handler: whatever gets through, contoso's clock
// never moves or freezes and contoso is never reset.
func FuzzGuardedControl(f *testing.F) {
	for _, s := range []struct{ method, target, body string }{
		{"POST", "/_soclab/clock/freeze", `{"tenant":"learner01"}`},
		{"POST", "/_soclab/clock/advance?tenant=learner01", `{"duration":"1h"}`},
		{"POST", "/_soclab/clock/advance?tenant=learner01", ``},
		{"POST", "/_soclab/clock/set", `{"tenant":"learner01","Tenant":"contoso","time":"2025-01-16T00:00:00Z"}`},
		{"POST", "/_soclab/reset", `{"tenant":"LEARNER01"} {"tenant":"contoso"}`},
		{"POST", "/_soclab/reset?tenant=learner01&tenant=contoso", `{"tenant":"learner01"}`},
		{"POST", "/_soclab//clock/freeze", `{"tenant":"learner01.onmicrosoft.com"}`},
		{"POST", "/_soclab/clock/freeze", `{"tenant":"contoso.com"}`},
		{"GET", "/_soclab/clock?tenant=learner01", ``},
		{"POST", "/_soclab/tenants", `{"name":"x1234"}`},
	} {
		f.Add(s.method, s.target, s.body)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	state := f.TempDir()
	w, err := simulator.Open(state, simulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { w.Close() })
	if _, err := w.AddTenant("learner01"); err != nil {
		f.Fatal(err)
	}
	contoso, _ := w.TenantByName("contoso")
	toks, err := Open(state, []string{"contoso", "learner01"})
	if err != nil {
		f.Fatal(err)
	}
	l1, _ := toks.TenantToken("learner01")
	g := &Guard{Tokens: toks, DefaultTenant: simulator.DefaultTenantName, InstructorOnly: func(p string) bool { return p == "tenants" },
		Resolve: func(ref string) (string, error) { t, err := w.LookupTenant(ref); return t.Name, err }}
	h := g.Wrap(control.NewHandler(w))
	// contoso's clock stands where neither a reset nor any clock change would leave it.
	if _, err := w.SetTime(contoso.ID, time.Date(2025, 1, 15, 10, 17, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	start, _ := w.Clock(contoso.ID)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method != "GET" && method != "POST" {
			method = "POST"
		}
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1:8443"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+l1)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, target, body, rec.Code, rec.Body)
		}
		st, err := w.Clock(contoso.ID)
		if err != nil || st.Frozen != start.Frozen || !st.Now.Equal(start.Now) {
			t.Fatalf("%s %s %q changed contoso's clock: %+v -> %+v (%v)", method, target, body, start, st, err)
		}
	})
}
