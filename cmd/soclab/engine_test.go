package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/logcontrol"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/sentinel"
)

// engineLab is a state folder served by the control chain `soclab serve` builds (engines,
// attack/faults/kql, grader, tenants/clock/reset) over small telemetry, with the rule
// engine's options of the test; restart closes it and opens the state again.
type engineLab struct {
	t     testing.TB
	state string
	opts  detect.Options
	world *simulator.World
	logs  *logs.Engine
	srv   *httptest.Server
	p     *pipeline.Pipeline
	stop  context.CancelFunc
	log   *syncBuffer
}

// syncBuffer is the server log, written by the engine goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	engScenOnce sync.Once
	engScen     *scenario.Scenario
	engScenErr  error
)

func openEngineLab(t testing.TB, state string, opts detect.Options) *engineLab {
	t.Helper()
	engScenOnce.Do(func() { engScen, engScenErr = scenario.LoadBuiltin(labScenario) })
	if engScenErr != nil {
		t.Fatal(engScenErr)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(state, simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	le, err := logs.New(w, engScen, logs.Options{Seed: 1, Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	l := &engineLab{t: t, state: state, opts: opts, world: w, logs: le, log: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	var h http.Handler
	h, l.p = withEngines(ctx, le, logcontrol.NewHandler(le, withGrader(le, control.NewHandler(w), nil), logcontrol.Options{}), true, l.log, opts)
	l.stop = cancel
	l.srv = httptest.NewServer(h)
	return l
}

func (l *engineLab) close() {
	l.srv.Close()
	l.stop()
	l.p.Stop()
	l.world.Close()
}

// restart stops the lab and serves its state again, as a new `soclab serve` would.
func (l *engineLab) restart() *engineLab {
	l.close()
	return openEngineLab(l.t, l.state, l.opts)
}

func (l *engineLab) do(method, path, body string) (int, string) {
	l.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, l.srv.URL+"/_soclab/"+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(data))
}

func (l *engineLab) mustDo(method, path, body string) string {
	l.t.Helper()
	code, out := l.do(method, path, body)
	if code != 200 {
		l.t.Fatalf("%s %s: %d %s", method, path, code, out)
	}
	return out
}

// kql runs a query over the lab workspace through the control endpoint; CSV lines.
func (l *engineLab) kql(query string) []string {
	l.t.Helper()
	body, _ := json.Marshal(logcontrol.KQLRequest{Query: query, Format: "csv"})
	var out logcontrol.KQLOutput
	if err := json.Unmarshal([]byte(l.mustDo("POST", "kql", string(body))), &out); err != nil {
		l.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(out.Output), "\n")
}

// armVerifier accepts any bearer token as the tenant's service principal.
type armVerifier struct{ t simulator.Tenant }

func (v armVerifier) Verify(*http.Request, ...string) (auth.Principal, error) {
	return auth.Principal{TenantID: v.t.ID, ObjectID: v.t.ServicePrincipal.ObjectID, AppID: v.t.ServicePrincipal.AppID, IsServicePrincipal: true}, nil
}

// putLabRule creates the lab workspace, onboards Sentinel and PUTs one analytics rule
// through ARM, as az would.
func (l *engineLab) putLabRule(name, body string) {
	l.t.Helper()
	l.putRules(simulator.DefaultTenantName, map[string]string{name: body})
}

// putRules is putLabRule for a tenant and several rules.
func (l *engineLab) putRules(tenant string, rules map[string]string) {
	l.t.Helper()
	ten, err := l.world.TenantByName(tenant)
	if err != nil {
		l.t.Fatal(err)
	}
	h := arm.NewHandler(l.world, armVerifier{ten}, mocksentinel.LabTypes()...)
	ws := simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	si := ws + "/providers/Microsoft.SecurityInsights/"
	calls := []struct{ path, body string }{
		{ws + "?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`},
		{si + "onboardingStates/default?api-version=2022-06-01-preview", `{}`},
	}
	for name, body := range rules {
		calls = append(calls, struct{ path, body string }{si + "alertRules/" + name + "?api-version=2022-06-01-preview", body})
	}
	for _, c := range calls {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("PUT", "https://management.azure.com"+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 201 {
			l.t.Fatalf("PUT %s: %d %s", c.path, rec.Code, rec.Body)
		}
	}
}

// hostileNRT is an NRT rule whose query needs more memory than the test's limit allows.
const hostileNRT = `{"kind":"NRT","properties":{"displayName":"Hostile rule","severity":"Low","enabled":true,
	"query":"range x from 1 to 200000 step 1 | extend s = strcat(\"row \", x) | summarize n = count()",
	"suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":[],"techniques":[]}}`

// TestStoredHostileRule: a stored NRT rule whose query goes over its memory limit fails its
// runs with Sentinel's reason, is auto-disabled after five, and the server (restarted on
// the same state) starts and answers; the grade says nothing is pending.
func TestStoredHostileRule(t *testing.T) {
	l := openEngineLab(t, t.TempDir(), detect.Options{QueryMaxMemory: 1 << 20})
	l.mustDo("POST", "clock/freeze", `{}`)
	l.putLabRule("hostile", hostileNRT)
	if out := l.mustDo("POST", "clock/advance", `{"duration":"30m"}`); !strings.Contains(out, `"now":"2025-01-15T07:30:00Z"`) {
		t.Fatalf("advance: %s", out)
	}
	if out := l.mustDo("POST", "engine/wait?timeout=2m", ""); !strings.Contains(out, `"caughtUp":true`) {
		t.Fatalf("wait: %s", out)
	}
	health := `SentinelHealth | summarize n = count() by Status, Reason, SentinelResourceName | order by Reason asc`
	want := []string{
		"Status,Reason,SentinelResourceName,n",
		"Failure,The analytics rule is disabled and was not executed.,AUTO DISABLED Hostile rule,1",
		"Failure,This query was found to use too many system resources and was prevented from running.,Hostile rule,5",
	}
	if got := l.kql(health); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("health rows\n got %q\nwant %q", got, want)
	}
	l = l.restart()
	defer l.close()
	// The first requests answer from the tenant's state while the restart's catch-up runs.
	if out := l.mustDo("GET", "clock", ""); !strings.Contains(out, `"now":"2025-01-15T07:30:00Z","frozen":true`) {
		t.Fatalf("first request after the restart: %s", out)
	}
	l.mustDo("POST", "clock/advance", `{"duration":"1h"}`)
	var rep struct {
		Clock time.Time `json:"clock"`
		Notes []string  `json:"notes"`
	}
	if err := json.Unmarshal([]byte(l.mustDo("GET", "grade?task=1", "")), &rep); err != nil || rep.Notes != nil || !rep.Clock.Equal(time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)) {
		t.Fatalf("grade after the restart: %+v %v", rep, err)
	}
	if got := l.kql(health); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("health rows after the restart (the disabled rule must not run)\n got %q\nwant %q", got, want)
	}
	var rule sentinel.AlertRule
	err := l.world.View(mustTenant(t, l.world).ID, func(tx *simulator.TenantTx) error {
		ws, err := sentinel.OnboardedWorkspaces(tx)
		if err != nil || len(ws) != 1 {
			return err
		}
		rules, err := sentinel.Rules(tx, ws[0])
		if len(rules) == 1 {
			rule = rules[0]
		}
		return err
	})
	if err != nil || rule.IsEnabled() || !strings.HasPrefix(*rule.Properties.DisplayName, "AUTO DISABLED") {
		t.Errorf("stored rule: %+v %v", rule.Properties, err)
	}
}

// stageFunc is a pipeline stage from a function.
type stageFunc func(tenantID string, to time.Time) error

func (f stageFunc) Advance(tenantID string, to time.Time) error { return f(tenantID, to) }

// TestGradeNotesLaggingEngines: when the engines fail or do not catch the tenant up within
// the bound, the grade is still answered and its report says why.
func TestGradeNotesLaggingEngines(t *testing.T) {
	l := openEngineLab(t, t.TempDir(), detect.Options{})
	defer l.close()
	l.mustDo("POST", "clock/freeze", `{}`)
	release := make(chan struct{})
	defer close(release)
	for _, tc := range []struct {
		name  string
		stage stageFunc
		want  string
	}{
		{"a failing stage", func(string, time.Time) error { return io.ErrUnexpectedEOF },
			"The rule engine had not caught tenant contoso up to its clock when this grade was taken (stage detect: unexpected EOF): " +
				"checks of alerts and incidents may miss runs still due. Grade again in a moment, or run `soclab engine wait` first."},
		{"a stage slower than the bound", func(string, time.Time) error { <-release; return nil },
			"The rule engine had not caught tenant contoso up to its clock when this grade was taken (detect reached nothing yet of 2025-01-15T07:00:00Z): " +
				"checks of alerts and incidents may miss runs still due. Grade again in a moment, or run `soclab engine wait` first."},
		{"caught up", func(string, time.Time) error { return nil }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pipeline.New(pipeline.Options{Clock: l.world.Now}, pipeline.Named{Name: "detect", Stage: tc.stage})
			ctx, cancel := context.WithCancel(context.Background())
			p.Start(ctx)
			defer cancel()
			h := withGradeWait(l.world, p, withGrader(l.logs, control.NewHandler(l.world), nil), 100*time.Millisecond)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/_soclab/grade?task=1", nil))
			var rep struct{ Notes []string }
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); rec.Code != 200 || err != nil {
				t.Fatalf("grade: %d %s", rec.Code, rec.Body)
			}
			if got := strings.Join(rep.Notes, "\n"); got != tc.want {
				t.Errorf("notes\n got %q\nwant %q", got, tc.want)
			}
			timing := rec.Header().Values("Server-Timing")
			if len(timing) != 2 || !regexp.MustCompile(`^engine;desc="rule engine catch-up";dur=\d+\.\d$`).MatchString(timing[0]) ||
				!regexp.MustCompile(`^grade;dur=\d+\.\d$`).MatchString(timing[1]) {
				t.Errorf("Server-Timing %q, want the engine's wait and the grade's time", timing)
			}
		})
	}
}

func mustTenant(t testing.TB, w *simulator.World) simulator.Tenant {
	t.Helper()
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	return ten
}

// TestEngineCommands: soclab engine status|wait and attack launch --wait through a server.
func TestEngineCommands(t *testing.T) {
	l := openEngineLab(t, t.TempDir(), detect.Options{})
	defer l.close()
	l.mustDo("POST", "clock/freeze", `{}`)
	l.putLabRule("cheap", strings.Replace(hostileNRT, `range x from 1 to 200000 step 1 | extend s = strcat(\"row \", x) | summarize n = count()`, "print n = 1", 1))
	state := t.TempDir() // holds only server.json
	addr := strings.TrimPrefix(l.srv.URL, "http://")
	info, _ := json.Marshal(map[string]any{"addr": addr, "pid": 1, "started": "2026-03-01T12:00:00Z"})
	if err := os.WriteFile(filepath.Join(state, "server.json"), info, 0o600); err != nil {
		t.Fatal(err)
	}
	via := "" // "(via the soclab server at …)" only with --verbose
	var out, errw bytes.Buffer
	if err := runAttack(attackOptions{State: state, Action: "launch", Speed: "instant", Wait: true}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(errw.String(), "(engines caught up to 2025-01-15T10:05:00Z in ") || !strings.HasSuffix(errw.String(), "s)\n"+via) {
		t.Errorf("attack launch --wait: stderr %q", errw.String())
	}
	for _, tc := range []struct {
		o    engineOptions
		want string
	}{
		{engineOptions{State: state, Action: "status"}, "tenant contoso  clock 2025-01-15T10:05:00Z  engines caught up\n" + stagesAt(l.p.Stages(), "2025-01-15T10:05:00Z")},
		{engineOptions{State: state, Action: "wait", Tenant: "contoso", Timeout: time.Minute}, "tenant contoso  clock 2025-01-15T10:05:00Z  engines caught up\n" + stagesAt(l.p.Stages(), "2025-01-15T10:05:00Z")},
	} {
		out.Reset()
		errw.Reset()
		if err := runEngine(tc.o, &out, &errw); err != nil || out.String() != tc.want || errw.String() != via {
			t.Errorf("engine %s: %v\nstdout %q\nwant   %q\nstderr %q", tc.o.Action, err, out.String(), tc.want, errw.String())
		}
	}
	out.Reset()
	errw.Reset()
	if err := runClock(clockOptions{State: state, Action: "advance", Arg: "10m", Wait: true}, &out, &errw); err != nil ||
		out.String() != "2025-01-15T10:15:00Z  frozen  (contoso)\n" || !strings.HasPrefix(errw.String(), "(engines caught up to 2025-01-15T10:15:00Z in ") {
		t.Errorf("clock advance --wait: %v\nstdout %q\nstderr %q", err, out.String(), errw.String())
	}
	if err := runEngine(engineOptions{State: state, Action: "status", Tenant: "nobody"}, &out, &errw); err == nil || err.Error() != `tenant "nobody": tenant not found` {
		t.Errorf("engine status of an unknown tenant: %v", err)
	}
	// The rule ran every minute from 07:01 to 10:15 (the last run's row is not ingested yet).
	if got := l.kql(`SentinelHealth | summarize n = count() by Status`); strings.Join(got, ";") != "Status,n;Success,194" {
		t.Errorf("health after the launch: %q", got)
	}
}

// stagesAt is printEngine's stage lines when every stage has run up to at.
func stagesAt(stages []string, at string) string {
	var b strings.Builder
	for _, s := range stages {
		fmt.Fprintf(&b, "  %-12s ran up to %s\n", s, at)
	}
	return b.String()
}
