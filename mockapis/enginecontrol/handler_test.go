package enginecontrol

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/pipeline"
)

// gateStage records the instants it is asked to reach; while closed it blocks its caller
// (a long catch-up), and fail makes it fail.
type gateStage struct {
	mu      sync.Mutex
	open    chan struct{}
	entered chan string
	calls   []string
	fail    error
}

func newGate() *gateStage {
	return &gateStage{open: make(chan struct{}), entered: make(chan string, 100)}
}

func (g *gateStage) Advance(tenantID string, to time.Time) error {
	g.entered <- tenantID
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, tenantID+" "+to.UTC().Format(time.RFC3339))
	return g.fail
}

type fixture struct {
	t     *testing.T
	world *simulator.World
	srv   *httptest.Server
	gate  *gateStage
	p     *pipeline.Pipeline
}

func newFixture(t *testing.T) *fixture {
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddTenant("learner01"); err != nil {
		t.Fatal(err)
	}
	g := newGate()
	ids := func() ([]string, error) {
		ts, err := w.Tenants()
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out, err
	}
	p := pipeline.New(pipeline.Options{Clock: w.Now, Tenants: ids}, pipeline.Named{Name: "detect", Stage: g})
	ctx, cancel := context.WithCancel(context.Background())
	p.Start(ctx)
	srv := httptest.NewServer(NewHandler(w, p, control.NewHandler(w), Options{}))
	t.Cleanup(func() {
		srv.Close()
		select {
		case <-g.open:
		default:
			close(g.open)
		}
		cancel()
		p.Stop()
		w.Close()
	})
	return &fixture{t: t, world: w, srv: srv, gate: g, p: p}
}

func (f *fixture) do(method, path, body string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(data))
}

func (f *fixture) status(path string) Status {
	f.t.Helper()
	code, body := f.do("GET", path, "")
	var st Status
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil {
		f.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return st
}

// TestControlAnswersWhileEnginesRun: while a tenant's catch-up is stuck in a stage, its
// clock request is answered with the new clock, the engine endpoint shows the catch-up under
// way, a bounded wait says how far it got, and once the stage goes on the wait succeeds.
func TestControlAnswersWhileEnginesRun(t *testing.T) {
	f := newFixture(t)
	code, body := f.do("POST", "/_soclab/clock/freeze", `{}`)
	if code != 200 {
		t.Fatalf("freeze: %d %s", code, body)
	}
	contoso := <-f.gate.entered // the freeze enqueued contoso; its slice is stuck in the stage
	code, body = f.do("POST", "/_soclab/clock/advance", `{"duration":"2h"}`)
	if code != 200 || !strings.Contains(body, `"now":"2025-01-15T09:00:00Z","frozen":true`) {
		t.Fatalf("advance while the engines run: %d %s", code, body)
	}
	st := f.status("/_soclab/engine")
	if st.Tenant != contoso || st.TenantName != "contoso" || st.State != "running" || st.CaughtUp || !st.Now.Equal(time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)) ||
		len(st.Stages) != 1 || st.Stages[0].Name != "detect" || !st.Stages[0].Reached.IsZero() {
		t.Errorf("engine while stuck: %+v", st)
	}
	code, body = f.do("POST", "/_soclab/engine/wait?timeout=50ms", "")
	if want := `{"error":{"code":"EngineBehind","message":"the engines had not caught tenant contoso up to its clock within 50ms: detect reached nothing yet of 2025-01-15T09:00:00Z"}}`; code != 504 || body != want {
		t.Errorf("bounded wait: %d %s\nwant 504 %s", code, body, want)
	}
	close(f.gate.open)
	code, body = f.do("POST", "/_soclab/engine/wait", `{"tenant":"contoso","timeout":"30s"}`)
	if code != 200 || !strings.Contains(body, `"caughtUp":true`) || !strings.Contains(body, `"reached":"2025-01-15T09:00:00Z"`) {
		t.Fatalf("wait after the stage went on: %d %s", code, body)
	}
	if st := f.status("/_soclab/engine?tenant=learner01"); st.TenantName != "learner01" || st.Tenant == contoso || st.Slices != 0 {
		t.Errorf("learner01 shows another tenant's catch-up: %+v", st)
	}
}

// TestEngineEndpointsBadInput: bad requests get the control API's errors, and a refused
// control request enqueues nothing.
func TestEngineEndpointsBadInput(t *testing.T) {
	f := newFixture(t)
	close(f.gate.open)
	for _, tc := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/_soclab/engine?tenant=nobody", "", 404, `{"error":{"code":"TenantNotFound","message":"tenant \"nobody\": tenant not found"}}`},
		{"POST", "/_soclab/engine/wait?tenant=nobody", "", 404, `{"error":{"code":"TenantNotFound","message":"tenant \"nobody\": tenant not found"}}`},
		{"POST", "/_soclab/engine/wait?timeout=forever", "", 400, `{"error":{"code":"InvalidArgument","message":"timeout \"forever\": give a positive duration up to 10m0s, e.g. 30s or 2m"}}`},
		{"POST", "/_soclab/engine/wait?timeout=11m", "", 400, `{"error":{"code":"InvalidArgument","message":"timeout \"11m\": give a positive duration up to 10m0s, e.g. 30s or 2m"}}`},
		{"POST", "/_soclab/engine/wait", `{"tenant":"contoso","extra":1}`, 400, `{"error":{"code":"InvalidRequestContent","message":"the request body is not valid JSON for this endpoint: json: unknown field \"extra\""}}`},
		{"GET", "/_soclab/engine/wait", "", 405, `{"error":{"code":"MethodNotAllowed","message":"GET is not supported on /_soclab/engine/wait"}}`},
		{"POST", "/_soclab/engine", "", 405, `{"error":{"code":"MethodNotAllowed","message":"POST is not supported on /_soclab/engine"}}`},
		{"GET", "/_soclab/engine/stages", "", 404, `{"error":{"code":"NotFound","message":"no control endpoint GET /_soclab/engine/stages"}}`},
		{"POST", "/_soclab/clock/advance", `{"tenant":"learner01","duration":"1000000000d"}`, 400, `{"error":{"code":"InvalidDuration","message":"the duration \"1000000000d\" is too long: a clock step is at most 106751 days"}}`},
		{"POST", "/_soclab/clock/advance", `{"tenant":"learner01","duration":"1h"`, 400, `{"error":{"code":"InvalidRequestContent","message":"the request body is not valid JSON for this endpoint: unexpected EOF"}}`},
	} {
		if code, body := f.do(tc.method, tc.path, tc.body); code != tc.status || body != tc.want {
			t.Errorf("%s %s %s: %d %s\nwant %d %s", tc.method, tc.path, tc.body, code, body, tc.status, tc.want)
		}
	}
	if st := f.status("/_soclab/engine?tenant=learner01"); st.State != "idle" || st.Slices != 0 || st.CaughtUp {
		t.Errorf("refused requests enqueued learner01: %+v", st)
	}
}

// TestEnqueuedTenant: a successful clock request enqueues the tenant it names (body or
// query, default contoso), not the others.
func TestEnqueuedTenant(t *testing.T) {
	for _, tc := range []struct {
		name, path, body, want string
	}{
		{"body names the tenant", "/_soclab/clock/advance", `{"tenant":"learner01","duration":"1h"}`, "learner01"},
		{"query names the tenant", "/_soclab/clock/advance?tenant=learner01", `{"duration":"1h"}`, "learner01"},
		{"default tenant", "/_soclab/clock/freeze", ``, "contoso"},
		{"reset", "/_soclab/reset", `{"tenant":"learner01"}`, "learner01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if code, body := f.do("POST", tc.path, tc.body); code != 200 {
				t.Fatalf("%d %s", code, body)
			}
			want, err := f.world.LookupTenant(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := <-f.gate.entered; got != want.ID {
				t.Errorf("enqueued %s, want %s (%s)", got, want.ID, tc.want)
			}
		})
	}
}

// TestWaitReportsAFailedStage: a failing stage makes engine/wait a 500 EngineFailed with the
// stage's error.
func TestWaitReportsAFailedStage(t *testing.T) {
	f := newFixture(t)
	f.gate.fail = errors.New("the store is read-only")
	close(f.gate.open)
	code, body := f.do("POST", "/_soclab/engine/wait", "")
	if want := `{"error":{"code":"EngineFailed","message":"the engines failed to catch tenant contoso up: stage detect: the store is read-only"}}`; code != 500 || body != want {
		t.Errorf("%d %s\nwant 500 %s", code, body, want)
	}
	if st := f.status("/_soclab/engine"); st.Error != "stage detect: the store is read-only" || st.Stages[0].Error != "the store is read-only" {
		t.Errorf("status after the failure: %+v", st)
	}
}
