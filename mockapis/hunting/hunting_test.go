package hunting

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

type tokens map[string]auth.Principal

func (v tokens) Verify(r *http.Request, audiences ...string) (auth.Principal, error) {
	p, ok := v[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		return auth.Principal{}, auth.ErrNoToken
	}
	return p, nil
}

func newServers(t testing.TB) (g, d *httptest.Server) {
	f := newFixture(t)
	return f.g, f.d
}

// fixture is the two hunting faces over one tenant with the attack launched.
type fixture struct {
	g, d   *httptest.Server
	tenant string
}

func newFixture(t testing.TB, opts ...Option) *fixture {
	t.Helper()
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	ten, _ := w.TenantByName(simulator.DefaultTenantName)
	if _, err := w.Freeze(ten.ID); err != nil {
		t.Fatal(err)
	}
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 40, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Launch(ten.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	v := tokens{"tok": {TenantID: ten.ID}}
	f := &fixture{tenant: ten.ID}
	f.g = httptest.NewServer(graph.NewHandler(v, GraphRoutes(e, opts...)...))
	f.d = httptest.NewServer(defender.NewHandler(v, DefenderRoutes(e, opts...)...))
	t.Cleanup(f.g.Close)
	t.Cleanup(f.d.Close)
	return f
}

var volatile = regexp.MustCompile(`"(date|request-id|client-request-id|target)":"[^"]*"|"Stats":\{.*?\},"Schema"`)

func post(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, volatile.ReplaceAllStringFunc(string(data), func(m string) string {
		if strings.HasPrefix(m, `"Stats"`) {
			return `"Stats":*,"Schema"`
		}
		return m[:strings.Index(m, ":")] + `:"*"`
	})
}

func TestHuntingFaces(t *testing.T) {
	g, d := newServers(t)
	const q = `{"Query":"AADSignInEventsBeta | where IPAddress == '185.220.101.45' and ErrorCode == 0 | summarize n = count(), t0 = min(Timestamp), d = make_set(Application)"}`
	cases := []struct {
		name, url, token, body string
		status                 int
		want                   string
	}{
		{"graph", g.URL + "/v1.0/security/runHuntingQuery", "tok", q, 200,
			`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults","schema":[{"name":"n","type":"Int64"},{"name":"t0","type":"DateTime"},{"name":"d","type":"Object"}],"results":[{"n":12,"t0":"2025-01-15T08:32:05Z","d":"[\"Azure Portal\",\"Microsoft Azure CLI\"]"}]}`},
		{"defender", d.URL + "/api/advancedhunting/run", "tok", q, 200,
			`{"Stats":*,"Schema":[{"Name":"n","Type":"Int64"},{"Name":"t0","Type":"DateTime"},{"Name":"d","Type":"Object"}],"Results":[{"n":12,"t0":"2025-01-15T08:32:05Z","d":"[\"Azure Portal\",\"Microsoft Azure CLI\"]"}]}`},
		{"graph: not a hunting table", g.URL + "/v1.0/security/runHuntingQuery", "tok", `{"Query":"SigninLogs | take 1"}`, 400,
			`{"error":{"code":"BadRequest","message":"'take' operator: Failed to resolve table or column expression named 'SigninLogs'","innerError":{"date":"*","request-id":"*","client-request-id":"*"}}}`},
		{"graph: syntax error", g.URL + "/v1.0/security/runHuntingQuery", "tok", `{"Query":"CloudAppEvents | where"}`, 400,
			`{"error":{"code":"BadRequest","message":"Query could not be parsed at '' on line [1,22]","innerError":{"date":"*","request-id":"*","client-request-id":"*"}}}`},
		{"graph: no token", g.URL + "/v1.0/security/runHuntingQuery", "", q, 401,
			`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"date":"*","request-id":"*","client-request-id":"*"}}}`},
		{"defender: empty query", d.URL + "/api/advancedhunting/run", "tok", `{"Query":""}`, 400,
			`{"error":{"code":"MissingRequiredParameter","message":"The 'Query' parameter is required.","target":"*"}}`},
		{"defender: not JSON", d.URL + "/api/advancedhunting/run", "tok", `Query=x`, 400,
			`{"error":{"code":"InvalidRequestBody","message":"the request body is not valid JSON: invalid character 'Q' looking for beginning of value","target":"*"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := post(t, c.url, c.token, c.body)
			if status != c.status || body != c.want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, c.status, c.want)
			}
		})
	}
}
