package identity

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	dir "github.com/soclab/soclab/simulator/identity"
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

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

// lab is two tenants (A: contoso, attack launched; B: learner02, untouched) behind the Graph
// handler with the directory routes. Tokens: "a" (A's analyst), "app" (A's service
// principal), "b" (B's analyst).
type lab struct {
	t     testing.TB
	world *simulator.World
	eng   *logs.Engine
	srv   *httptest.Server
	a, b  simulator.Tenant
}

func newLab(t testing.TB) *lab { return newLabSized(t, logs.Options{Seed: 1, Users: 40, Days: 2}) }

// newLabSized is newLab with telemetry of the given size (zero: the served default, 200 users
// over 30 days).
func newLabSized(t testing.TB, opts logs.Options) *lab {
	t.Helper()
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
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
	e, err := logs.New(w, scen, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Launch(a.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	v := tokens{
		"a":   {TenantID: a.ID, ObjectID: a.Users[0].ObjectID, UPN: a.Users[0].UserPrincipalName, Name: a.Users[0].DisplayName},
		"app": {TenantID: a.ID, ObjectID: a.ServicePrincipal.ObjectID, AppID: a.ServicePrincipal.AppID, Name: a.ServicePrincipal.DisplayName, IsServicePrincipal: true},
		"b":   {TenantID: b.ID, ObjectID: b.Users[0].ObjectID, UPN: b.Users[0].UserPrincipalName},
	}
	srv := httptest.NewServer(graph.NewHandlerClock(v, graph.WorldClock(w), GraphRoutes(dir.NewService(e))...))
	t.Cleanup(srv.Close)
	return &lab{t: t, world: w, eng: e, srv: srv, a: a, b: b}
}

// do sends a request and returns status and body.
func (l *lab) do(method, path, token, body string) (int, string) {
	l.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, l.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// digest is everything a directory write touches in a tenant: the write log and the
// appended log rows.
func (l *lab) digest(tenantID string) string {
	l.t.Helper()
	var b strings.Builder
	err := l.world.View(tenantID, func(tx *simulator.TenantTx) error {
		for _, coll := range []string{"identity", "logs-rows"} {
			if err := tx.Scan(coll, "", func(k string, v []byte) error {
				fmt.Fprintf(&b, "%s/%s=%s\n", coll, k, v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return b.String()
}

func (l *lab) advance(d time.Duration) {
	l.t.Helper()
	if _, err := l.world.Advance(l.a.ID, d); err != nil {
		l.t.Fatal(err)
	}
}
