package grader

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// fakeVerifier accepts "Bearer tok-<tenant name>" as that tenant's service principal.
type fakeVerifier struct{ principals map[string]auth.Principal }

func (f fakeVerifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	p, ok := f.principals[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		return auth.Principal{}, fmt.Errorf("verify: %w", auth.ErrInvalidToken)
	}
	return p, nil
}

// testUsers keeps the generated directory small (the named people, the attack and the noise
// are all there) so each test generates its telemetry quickly.
const testUsers = 60

// realNow is the fake real clock: tenant clocks read the scenario's start (07:00).
var realNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// lab is a world with the default tenant, its routing engine, ARM with Sentinel, and a grader.
type lab struct {
	t      testing.TB
	world  *simulator.World
	engine *logs.Engine
	grader *Grader
	arm    *httptest.Server
	tenant simulator.Tenant
}

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

func newLab(t testing.TB) *lab {
	t.Helper()
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return realNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	e, err := logs.New(w, scen, logs.Options{Users: testUsers})
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(e)
	if err != nil {
		t.Fatal(err)
	}
	v := fakeVerifier{principals: map[string]auth.Principal{
		"tok": {TenantID: ten.ID, ObjectID: ten.ServicePrincipal.ObjectID, AppID: ten.ServicePrincipal.AppID, IsServicePrincipal: true},
	}}
	srv := httptest.NewServer(arm.NewHandler(w, v, sentinel.LabTypes()...))
	t.Cleanup(srv.Close)
	return &lab{t: t, world: w, engine: e, grader: g, arm: srv, tenant: ten}
}

// recordedSub and recordedTenant are the ids in the recorded az traffic.
const (
	recordedSub    = "22222222-2222-2222-2222-222222222222"
	recordedTenant = "11111111-1111-1111-1111-111111111111"
)

// recorded is one request of the real az CLI (2.45 + sentinel 0.2.0), from
// ../shared/reference/az-traffic.jsonl: Tasks 1 and 2's PUTs.
type recorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Body    *string           `json:"body"`
	Headers map[string]string `json:"headers"`
}

// replay sends the recorded requests (Tasks 1-2), letting edit change a body per rule name
// (the last path segment); it fails the test on any non-2xx answer.
func (l *lab) replay(edit func(name string, body map[string]any)) {
	l.t.Helper()
	f, err := os.Open("testdata/az-traffic-tasks12.jsonl")
	if err != nil {
		l.t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r recorded
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			l.t.Fatal(err)
		}
		body := ""
		if r.Body != nil {
			body = strings.NewReplacer(recordedSub, l.tenant.Subscription.ID, recordedTenant, l.tenant.ID).Replace(*r.Body)
			if edit != nil && strings.Contains(r.Path, "/alertRules/") {
				var m map[string]any
				if err := json.Unmarshal([]byte(body), &m); err != nil {
					l.t.Fatal(err)
				}
				edit(r.Path[strings.LastIndex(r.Path, "/")+1:], m)
				b, _ := json.Marshal(m)
				body = string(b)
			}
		}
		path := strings.ReplaceAll(r.Path, recordedSub, l.tenant.Subscription.ID) + "?" + r.Query
		st, answer := l.do(r.Method, path, body)
		if st/100 != 2 {
			l.t.Fatalf("%s %s: %d %s", r.Headers["CommandName"], path, st, answer)
		}
	}
	if err := sc.Err(); err != nil {
		l.t.Fatal(err)
	}
}

func (l *lab) do(method, path, body string) (int, string) {
	l.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, l.arm.URL+path, rd)
	if err != nil {
		l.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func (l *lab) grade(tasks ...int) *Report {
	l.t.Helper()
	rep, err := l.grader.Grade(context.Background(), l.tenant.ID, tasks)
	if err != nil {
		l.t.Fatal(err)
	}
	return rep
}

// addTenant is another tenant of the same world, engine and grader, with its own ARM front.
func (l *lab) addTenant(name string) *lab {
	l.t.Helper()
	ten, err := l.world.AddTenant(name)
	if err != nil {
		l.t.Fatal(err)
	}
	v := fakeVerifier{principals: map[string]auth.Principal{
		"tok": {TenantID: ten.ID, ObjectID: ten.ServicePrincipal.ObjectID, AppID: ten.ServicePrincipal.AppID, IsServicePrincipal: true},
	}}
	srv := httptest.NewServer(arm.NewHandler(l.world, v, sentinel.LabTypes()...))
	l.t.Cleanup(srv.Close)
	other := *l
	other.arm, other.tenant = srv, ten
	return &other
}
