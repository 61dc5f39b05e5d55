package controlauth

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testGuard knows tenants contoso (default; also by id "t-contoso") and learner01.
func testGuard(t testing.TB) (*Guard, map[string]string) {
	state := t.TempDir()
	toks, err := Open(state, []string{"contoso", "learner01"})
	if err != nil {
		t.Fatal(err)
	}
	instructor, _ := ReadToken(InstructorPath(state))
	contoso, _ := toks.TenantToken("contoso")
	l1, _ := toks.TenantToken("learner01")
	names := map[string]string{"contoso": "contoso", "t-contoso": "contoso", "learner01": "learner01", "t-learner01": "learner01"}
	g := &Guard{
		Tokens: toks,
		Resolve: func(ref string) (string, error) {
			if n, ok := names[strings.ToLower(ref)]; ok {
				return n, nil
			}
			return "", errors.New("tenant not found")
		},
		DefaultTenant:  "contoso",
		InstructorOnly: func(p string) bool { return p == "tenants" },
	}
	return g, map[string]string{"instructor": instructor, "contoso": contoso, "learner01": l1}
}

func TestGuard(t *testing.T) {
	g, tok := testGuard(t)
	var reached *Caller
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := CallerFrom(r.Context())
		reached = &c
	}))
	cases := []struct {
		name, who, method, target, body, auth string
		status                                int
		want                                  string
	}{
		{"no token", "", "GET", "/_soclab/clock?tenant=learner01", "", "", 401, `{"error":{"code":"Unauthorized","message":"soclab control endpoints need a control token`},
		{"basic auth", "", "GET", "/_soclab/clock", "", "Basic YTpi", 401, `"code":"Unauthorized"`},
		{"unknown token", "", "GET", "/_soclab/clock", "", "Bearer soclab_00", 401, `{"error":{"code":"Unauthorized","message":"the control token is not valid for this soclab server"}}`},
		{"own tenant by query", "learner01", "GET", "/_soclab/clock?tenant=learner01", "", "", 200, ""},
		{"own tenant by id", "learner01", "GET", "/_soclab/clock?tenant=T-LEARNER01", "", "", 200, ""},
		{"own tenant in body", "learner01", "POST", "/_soclab/clock/freeze", `{"tenant":"learner01"}`, "", 200, ""},
		{"own tenant, body key in other case", "learner01", "POST", "/_soclab/clock/freeze", `{"TENANT":"learner01"}`, "", 200, ""},
		{"default tenant, its own token", "contoso", "POST", "/_soclab/reset", ``, "", 200, ""},
		{"lower-case bearer", "learner01", "GET", "/_soclab/clock?tenant=learner01", "", "bearer " + tok["learner01"], 200, ""},
		{"other tenant by query", "learner01", "GET", "/_soclab/clock?tenant=contoso", "", "", 403, `{"error":{"code":"Forbidden","message":"the control token of tenant learner01 cannot act on tenant \"contoso\""}}`},
		{"unknown tenant", "learner01", "GET", "/_soclab/clock?tenant=nosuch", "", "", 403, `cannot act on tenant \"nosuch\"`},
		{"no tenant named: the default", "learner01", "GET", "/_soclab/clock", "", "", 403, `cannot act on tenant \"contoso\"`},
		{"empty query value", "learner01", "GET", "/_soclab/clock?tenant=", "", "", 403, `cannot act on tenant \"contoso\"`},
		{"second query value", "learner01", "GET", "/_soclab/clock?tenant=learner01&tenant=contoso", "", "", 403, `cannot act on tenant \"contoso\"`},
		{"body disagrees with query", "learner01", "POST", "/_soclab/clock/freeze?tenant=learner01", `{"tenant":"contoso"}`, "", 403, `cannot act on tenant \"contoso\"`},
		{"POST naming only the query", "learner01", "POST", "/_soclab/attack/launch?tenant=learner01", ``, "", 403, `cannot act on tenant \"contoso\"`},
		{"body without tenant", "learner01", "POST", "/_soclab/attack/launch?tenant=learner01", `{"speed":"x60"}`, "", 403, `cannot act on tenant \"contoso\"`},
		{"duplicate keys: last wins as in the handlers", "learner01", "POST", "/_soclab/reset", `{"tenant":"learner01","tenant":"contoso"}`, "", 403, `cannot act on tenant \"contoso\"`},
		{"duplicate keys in other case", "learner01", "POST", "/_soclab/reset", `{"tenant":"learner01","Tenant":"contoso"}`, "", 403, `cannot act on tenant \"contoso\"`},
		{"not an object", "learner01", "POST", "/_soclab/reset", `"learner01"`, "", 400, `"code":"InvalidRequestContent"`},
		{"tenant not a string", "learner01", "POST", "/_soclab/reset", `{"tenant":["learner01"]}`, "", 400, `"code":"InvalidRequestContent"`},
		{"too large", "learner01", "POST", "/_soclab/kql", `{"tenant":"learner01","query":"` + strings.Repeat("x", MaxBody) + `"}`, "", 413, `{"error":{"code":"RequestEntityTooLarge","message":"the request content size exceeds the maximum allowed 1048576 bytes"}}`},
		{"instructor-only path", "learner01", "GET", "/_soclab/tenants", "", "", 403, `/_soclab/tenants is not open to a tenant's control token and needs the instructor's token`},
		{"instructor-only path with a trailing slash", "learner01", "GET", "/_soclab/tenants/", "", "", 403, `needs the instructor's token`},
		{"instructor: any tenant", "instructor", "POST", "/_soclab/reset", `{"tenant":"learner01"}`, "", 200, ""},
		{"instructor: the default", "instructor", "GET", "/_soclab/clock", "", "", 200, ""},
		{"instructor: tenant list", "instructor", "GET", "/_soclab/tenants", "", "", 200, ""},
	}
	for _, tc := range cases {
		reached = nil
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		switch {
		case tc.auth != "":
			req.Header.Set("Authorization", tc.auth)
		case tc.who != "":
			req.Header.Set("Authorization", "Bearer "+tok[tc.who])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s\nwant %d containing %s", tc.name, rec.Code, rec.Body, tc.status, tc.want)
		}
		if (reached != nil) != (tc.status == 200) {
			t.Errorf("%s: handler reached = %v with status %d", tc.name, reached != nil, rec.Code)
		}
		if reached != nil && (reached.Instructor != (tc.who == "instructor") || (!reached.Instructor && reached.TenantName != tc.who)) {
			t.Errorf("%s: handler saw caller %+v", tc.name, *reached)
		}
	}
}

// TestGuardKeepsTheBody: the handler reads the same body the guard read.
func TestGuardKeepsTheBody(t *testing.T) {
	g, tok := testGuard(t)
	var got string
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	}))
	body := `{"tenant":"learner01","duration":"1h"}`
	req := httptest.NewRequest("POST", "/_soclab/clock/advance", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok["learner01"])
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != body {
		t.Fatalf("handler read %q, want %q", got, body)
	}
}
