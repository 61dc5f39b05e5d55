package loganalytics

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// tokens is a Verifier over fixed bearer tokens.
type tokens map[string]auth.Principal

func (v tokens) Verify(r *http.Request, audiences ...string) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Principal{}, auth.ErrNoToken
	}
	p, ok := v[strings.TrimPrefix(h, "Bearer ")]
	if !ok {
		return auth.Principal{}, fmt.Errorf("%w: signature", auth.ErrInvalidToken)
	}
	return p, nil
}

type fixture struct {
	srv        *httptest.Server
	gate       *sched.Gate
	verifier   tokens
	wsA, wsB   string // customerIds of tenant A's and tenant B's workspaces
	tokA, tokB string
	subA       string // tenant A's subscription
	world      *simulator.World
	a, b       simulator.Tenant
}

func newFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	a, _ := w.TenantByName(simulator.DefaultTenantName)
	b, err := w.AddTenant("learner02")
	if err != nil {
		t.Fatal(err)
	}
	for _, ten := range []simulator.Tenant{a, b} {
		if _, err := w.Freeze(ten.ID); err != nil {
			t.Fatal(err)
		}
	}
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 40, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{wsA: workspace(t, w, a), wsB: workspace(t, w, b), tokA: "token-a", tokB: "token-b", subA: a.Subscription.ID, world: w, a: a, b: b}
	v := tokens{f.tokA: {TenantID: a.ID, UPN: "analyst@" + a.Domain}, f.tokB: {TenantID: b.ID}}
	f.verifier = v
	f.gate = sched.New(sched.Options{PerTenant: 1, Total: 4, MaxWait: 100 * time.Millisecond})
	f.srv = httptest.NewServer(NewHandler(e, v, append([]Option{WithGate(f.gate)}, opts...)...))
	t.Cleanup(f.srv.Close)
	return f
}

// workspace creates law-contoso-unified in the tenant and returns its customerId.
func workspace(t *testing.T, w *simulator.World, ten simulator.Tenant) string {
	t.Helper()
	id := simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":"law-contoso-unified","properties":{"customerId":%q}}`, id, cust)
	err := w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return cust
}

var correlation = regexp.MustCompile(`"correlationId":"[0-9a-f-]{36}"`)

// do sends a request and returns the status and the body with correlation ids masked.
func (f *fixture) do(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(correlation.ReplaceAllString(string(data), `"correlationId":"*"`))
}

func TestQueryAPI(t *testing.T) {
	f := newFixture(t)
	q := func(s string) string { return strings.NewReplacer(" ", "%20", "|", "%7C", "=", "%3D").Replace(s) }
	cases := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"GET with the query in the URL", "GET", "/v1/workspaces/" + f.wsA + "/query?query=" + q("print x = 1, s = 'a'"), f.tokA, "", 200,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"x","type":"long"},{"name":"s","type":"string"}],"rows":[[1,"a"]]}]}`},
		{"POST with dynamic values as JSON text", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"print d = dynamic({\"city\":\"Bucharest\"}), t = datetime(2025-01-15T08:32:05Z)"}`, 200,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"d","type":"dynamic"},{"name":"t","type":"datetime"}],"rows":[["{\"city\":\"Bucharest\"}","2025-01-15T08:32:05Z"]]}]}`},
		{"now() is the tenant clock", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"print n = now()"}`, 200,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"datetime"}],"rows":[["2025-01-15T07:00:00Z"]]}]}`},
		{"timespan cuts the tables", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"SigninLogs | where TimeGenerated < datetime(2025-01-14T00:00:00Z) | count","timespan":"PT12H"}`, 200,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"Count","type":"long"}],"rows":[[0]]}]}`},
		{"the resource-centric path", "POST", "/v1/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope/query", f.tokA, `{"query":"print 1"}`, 404,
			`{"error":{"message":"The workspace could not be found","code":"WorkspaceNotFoundError","correlationId":"*","innererror":{"code":"WorkspaceNotFoundError","message":"Workspace with id '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope' was not found or you do not have access to it."}}}`},
		{"the resource-centric path of the caller's workspace", "GET", "/v1/subscriptions/" + f.subA + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified/query?query=print%20ok%3D1", f.tokA, "", 200,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"ok","type":"long"}],"rows":[[1]]}]}`},
		{"the resource-centric path is case-insensitive", "POST", "/v1/SUBSCRIPTIONS/x/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/nope/query", f.tokA, `{"query":"print 1"}`, 404,
			`{"error":{"message":"The workspace could not be found","code":"WorkspaceNotFoundError","correlationId":"*","innererror":{"code":"WorkspaceNotFoundError","message":"Workspace with id '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/nope' was not found or you do not have access to it."}}}`},
		{"syntax error with line, pos and token", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"SigninLogs\n| summarize by by"}`, 400,
			`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"*","innererror":{"code":"SyntaxError","message":"A recognition error occurred in the query.","innererror":{"code":"SYN0002","message":"Query could not be parsed at 'by' on line [2,15]","line":2,"pos":15,"token":"by"}}}}`},
		{"semantic error", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"AADSignInEventsBeta | take 1"}`, 400,
			`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"*","innererror":{"code":"SemanticError","message":"A semantic error occurred.","innererror":{"code":"SEM0100","message":"'take' operator: Failed to resolve table or column expression named 'AADSignInEventsBeta'","line":1,"pos":0}}}}`},
		{"no query", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"timespan":"P1D"}`, 400,
			`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"*","innererror":{"code":"QueryValidationError","message":"Query is required. Please specify a query in the query parameter of the url or the body of the request."}}}`},
		{"bad timespan", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"print 1","timespan":"yesterday"}`, 400,
			`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"*","innererror":{"code":"InvalidTimespan","message":"The timespan \"yesterday\" is not an ISO-8601 duration"}}}`},
		{"timespan out of range", "POST", "/v1/workspaces/" + f.wsA + "/query", f.tokA, `{"query":"print 1","timespan":"P99999999999Y"}`, 400,
			`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"*","innererror":{"code":"InvalidTimespan","message":"The timespan \"P99999999999Y\" is out of range: a timespan is at most 10675199 days"}}}`},
		{"no token", "GET", "/v1/workspaces/" + f.wsA + "/query?query=print%201", "", "", 401,
			`{"error":{"message":"Valid authentication was not provided","code":"AuthorizationRequiredError","correlationId":"*"}}`},
		{"bad token", "GET", "/v1/workspaces/" + f.wsA + "/query?query=print%201", "forged", "", 401,
			`{"error":{"message":"The provided authentication is not valid for this resource","code":"InvalidTokenError","correlationId":"*","innererror":{"code":"InvalidTokenError","message":"the access token is invalid: signature"}}}`},
		{"another tenant's workspace is not found", "GET", "/v1/workspaces/" + f.wsB + "/query?query=print%201", f.tokA, "", 404,
			`{"error":{"message":"The workspace could not be found","code":"WorkspaceNotFoundError","correlationId":"*","innererror":{"code":"WorkspaceNotFoundError","message":"Workspace with id '` + f.wsB + `' was not found or you do not have access to it."}}}`},
		{"unknown path", "GET", "/v1/workspaces/" + f.wsA + "/metadata", f.tokA, "", 404,
			`{"error":{"message":"The requested path does not exist: /v1/workspaces/` + f.wsA + `/metadata","code":"PathNotFoundError","correlationId":"*"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := f.do(t, c.method, c.path, c.token, c.body)
			if status != c.status || body != c.want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, c.status, c.want)
			}
		})
	}
	// Each tenant sees its own workspace only.
	_, body := f.do(t, "POST", "/v1/workspaces/"+f.wsB+"/query", f.tokB, `{"query":"print 1"}`)
	var res struct{ Tables []json.RawMessage }
	if json.Unmarshal([]byte(body), &res) != nil || len(res.Tables) != 1 {
		t.Fatalf("tenant B on its own workspace: %s", body)
	}
}
