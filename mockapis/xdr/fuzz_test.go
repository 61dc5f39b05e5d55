package xdr

import (
	"net/url"
	"testing"
)

// FuzzPatchAndFilter sends arbitrary PATCH bodies to both faces and arbitrary $filter values to
// the lists: never a 5xx, and a refused PATCH stores nothing.
func FuzzPatchAndFilter(f *testing.F) {
	for _, s := range []string{`{"status":"resolved"}`, `{"classification":"TruePositive","determination":"Clean"}`,
		`{"customTags":[""]}`, `{"comment":"x"}`, `[]`, `{"status":null}`, `status eq 'Active'`, `createdTime gt 2025-01-15T00:00:00Z`,
		`assignedTo eq null or (status in ('Active','Resolved'))`, `((((`} {
		f.Add(s)
	}
	fx := newAPIFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			graph bool
			path  string
		}{{true, "/v1.0/security/incidents/2972395"}, {false, "/api/incidents/2972395"}} {
			h := fx.api
			if c.graph {
				h = fx.graph
			}
			before := digest(t, fx.world, fx.contoso.ID)
			status, body := fx.do(t, h, fx.contoso, "PATCH", c.path, s)
			if status >= 500 {
				t.Fatalf("PATCH %s %q: %d %v", c.path, s, status, body)
			}
			if status != 200 && digest(t, fx.world, fx.contoso.ID) != before {
				t.Fatalf("PATCH %s %q refused with %d but stored something", c.path, s, status)
			}
		}
		for _, p := range []string{"/v1.0/security/incidents", "/v1.0/security/alerts_v2", "/api/incidents"} {
			h := fx.graph
			if p == "/api/incidents" {
				h = fx.api
			}
			if status, body := fx.do(t, h, fx.contoso, "GET", p+"?$filter="+url.QueryEscape(s), ""); status >= 500 {
				t.Fatalf("GET %s $filter=%q: %d %v", p, s, status, body)
			}
		}
	})
}
