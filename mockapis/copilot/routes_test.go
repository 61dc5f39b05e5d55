package copilot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/xdr"
)

// tokenVerifier accepts "Bearer <tenant id>" as an analyst of that tenant, and
// "Bearer <tenant id>|<upn>" as that user.
type tokenVerifier struct{ w *simulator.World }

func (v tokenVerifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	tid, upn, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "|")
	t, err := v.w.TenantByID(tid)
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	if upn == "" {
		upn = "analyst@" + t.Domain
	}
	return auth.Principal{TenantID: t.ID, UPN: upn}, nil
}

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
)

type fixture struct {
	world          *simulator.World
	h              http.Handler
	svc            *copilot.Service
	contoso, other simulator.Tenant
}

// newFixture: contoso has the attack launched and Defender XDR advanced to 10:30, clock frozen;
// fabrikam has nothing.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	scenOnce.Do(func() { scen, _ = scenario.LoadBuiltin("alex-johnson") })
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, scen, logs.Options{Seed: 1, Users: 20, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	contoso, _ := w.TenantByName(simulator.DefaultTenantName)
	other, err := w.AddTenant("fabrikam")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := le.Launch(contoso.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	to := time.Date(2025, 1, 15, 10, 30, 0, 0, time.UTC)
	for _, ten := range []simulator.Tenant{contoso, other} {
		if _, err := w.Freeze(ten.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.SetTime(ten.ID, to); err != nil {
			t.Fatal(err)
		}
	}
	if err := xdr.New(le).Advance(contoso.ID, to); err != nil {
		t.Fatal(err)
	}
	svc := copilot.New(le)
	return &fixture{world: w, h: graph.NewHandler(tokenVerifier{w}, GraphRoutes(svc)...), svc: svc, contoso: contoso, other: other}
}

func (f *fixture) do(t testing.TB, ten simulator.Tenant, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "https://graph.microsoft.com"+path, rd)
	req.Header.Set("Authorization", "Bearer "+ten.ID)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil && rec.Body.Len() > 0 {
		t.Fatalf("%s %s: body not JSON: %s", method, path, rec.Body)
	}
	return rec.Code, m
}

const sessions = "/beta/security/securityCopilot/workspaces/default/sessions"

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func wantKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func graphErr(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	return fmt.Sprintf("%v: %v", e["code"], e["message"])
}

func TestFlow(t *testing.T) {
	f := newFixture(t)
	st, s := f.do(t, f.contoso, "POST", sessions, `{"displayName":"Incident 2972395"}`)
	if st != 201 {
		t.Fatalf("create session %d %v", st, s)
	}
	wantKeys(t, s, "@odata.context", "id", "createdDateTime", "lastModifiedDateTime", "displayName")
	if s["@odata.context"] != "https://graph.microsoft.com/beta/$metadata#security/securityCopilot/workspaces('default')/sessions/$entity" || s["displayName"] != "Incident 2972395" || s["createdDateTime"] != "2025-01-15T10:30:00Z" {
		t.Errorf("session %v", s)
	}
	sid := s["id"].(string)
	st, p := f.do(t, f.contoso, "POST", sessions+"/"+sid+"/prompts", `{"type":"prompt","content":"Summarise Defender XDR incident 2972395: its alerts, entities and timeline, each step mapped to MITRE ATT&CK."}`)
	if st != 201 {
		t.Fatalf("create prompt %d %v", st, p)
	}
	wantKeys(t, p, "@odata.context", "id", "type", "createdDateTime", "lastModifiedDateTime", "skillName", "content", "inputs", "skillInputDescriptors")
	if p["skillName"] != nil || p["type"] != "prompt" || fmt.Sprint(p["inputs"]) != "map[keyValuePairs:[]]" {
		t.Errorf("prompt %v", p)
	}
	pid := p["id"].(string)
	evals := sessions + "/" + sid + "/prompts/" + pid + "/evaluations"
	st, e := f.do(t, f.contoso, "POST", evals, `{}`)
	if st != 201 {
		t.Fatalf("create evaluation %d %v", st, e)
	}
	wantKeys(t, e, "@odata.context", "id", "createdDateTime", "runStartDateTime", "completedDateTime", "lastModifiedDateTime", "state", "executionCount", "isCancelled", "result")
	if e["state"] != "created" || e["result"] != nil || e["runStartDateTime"] != "0001-01-01T00:00:00Z" || e["completedDateTime"] != "0001-01-01T00:00:00Z" || e["executionCount"] != 0.0 || e["isCancelled"] != false {
		t.Errorf("new evaluation %v", e)
	}
	eid := e["id"].(string)
	// The clock is frozen: the first poll sees it running, the second completed.
	for i, want := range []string{"running", "completed", "completed"} {
		st, e = f.do(t, f.contoso, "GET", evals+"/"+eid, "")
		if st != 200 || e["state"] != want {
			t.Fatalf("poll %d: %d %v, want %s", i, st, e, want)
		}
	}
	res := e["result"].(map[string]any)
	wantKeys(t, res, "content", "type", "previewState")
	content := res["content"].(string)
	if res["type"] != "success" || !strings.Contains(content, "T1078 → T1555 → T1530") || !strings.Contains(content, "alex.johnson@contoso.com") || e["completedDateTime"] != "2025-01-15T10:30:02Z" {
		t.Errorf("completed evaluation %v", e)
	}
	for path, n := range map[string]int{sessions: 1, sessions + "/" + sid + "/prompts": 1, evals: 1} {
		st, l := f.do(t, f.contoso, "GET", path, "")
		if v, _ := l["value"].([]any); st != 200 || len(v) != n || !strings.HasPrefix(l["@odata.context"].(string), "https://graph.microsoft.com/beta/$metadata#security/securityCopilot/workspaces('default')/sessions") {
			t.Errorf("GET %s: %d %v", path, st, l)
		}
	}
	for _, path := range []string{sessions + "/" + sid, sessions + "/" + sid + "/prompts/" + pid} {
		if st, m := f.do(t, f.contoso, "GET", path, ""); st != 200 || m["id"] == nil {
			t.Errorf("GET %s: %d %v", path, st, m)
		}
	}

	t.Run("another tenant sees nothing and cannot write", func(t *testing.T) {
		for _, path := range []string{sessions + "/" + sid, sessions + "/" + sid + "/prompts", sessions + "/" + sid + "/prompts/" + pid, evals, evals + "/" + eid} {
			if st, m := f.do(t, f.other, "GET", path, ""); st != 404 || !strings.HasPrefix(graphErr(m), "NotFound: session") {
				t.Errorf("fabrikam GET %s: %d %v", path, st, m)
			}
		}
		if st, m := f.do(t, f.other, "GET", sessions, ""); st != 200 || len(m["value"].([]any)) != 0 {
			t.Errorf("fabrikam lists %d %v", st, m)
		}
		if st, _ := f.do(t, f.other, "POST", sessions+"/"+sid+"/prompts", `{"type":"prompt","content":"list incidents"}`); st != 404 {
			t.Errorf("fabrikam prompt in contoso's session: %d", st)
		}
		if st, _ := f.do(t, f.other, "POST", evals, `{}`); st != 404 {
			t.Errorf("fabrikam evaluation of contoso's prompt: %d", st)
		}
		_, m := f.do(t, f.contoso, "GET", sessions+"/"+sid+"/prompts", "")
		_, ev := f.do(t, f.contoso, "GET", evals, "")
		if len(m["value"].([]any)) != 1 || len(ev["value"].([]any)) != 1 {
			t.Errorf("contoso's session changed: %v %v", m, ev)
		}
	})
	t.Run("the clock completes an evaluation", func(t *testing.T) {
		_, e := f.do(t, f.contoso, "POST", evals, ``)
		if _, err := f.world.Advance(f.contoso.ID, copilot.EvalDuration); err != nil {
			t.Fatal(err)
		}
		if st, g := f.do(t, f.contoso, "GET", evals+"/"+e["id"].(string), ""); st != 200 || g["state"] != "completed" {
			t.Errorf("after the clock moved: %d %v", st, g)
		}
	})
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	_, s := f.do(t, f.contoso, "POST", sessions, `{"displayName":"ok"}`)
	sid := s["id"].(string)
	_, p := f.do(t, f.contoso, "POST", sessions+"/"+sid+"/prompts", `{"type":"prompt","content":"list incidents"}`)
	pid := p["id"].(string)
	cases := []struct {
		method, path, body string
		status             int
		err                string
	}{
		{"POST", sessions, `{}`, 400, "BadRequest: The displayName property is required."},
		{"POST", sessions, `{"displayName":"  "}`, 400, "BadRequest: The displayName property is required."},
		{"POST", sessions, `{"displayName":5}`, 400, "BadRequest: Cannot convert the value of property 'displayName' to the expected type 'Edm.String'."},
		{"POST", sessions, `[1]`, 400, "BadRequest: Invalid JSON. The request body must be a JSON object."},
		{"POST", sessions, `{"displayName":"` + strings.Repeat("a", 257) + `"}`, 400, "BadRequest: The displayName property must be at most 256 characters."},
		{"POST", "/beta/security/securityCopilot/workspaces/other/sessions", `{"displayName":"x"}`, 404, `NotFound: workspace "other" was not found.`},
		{"GET", "/beta/security/securityCopilot/workspaces/other/sessions", ``, 404, `NotFound: workspace "other" was not found.`},
		{"GET", sessions + "/nope", ``, 404, `NotFound: session "nope" was not found.`},
		{"POST", sessions + "/" + sid + "/prompts", `{"type":"skill","content":"x"}`, 400, "BadRequest: Prompt type 'skill' is not supported. Only 'prompt' is supported."},
		{"POST", sessions + "/" + sid + "/prompts", `{"type":"question","content":"x"}`, 400, "BadRequest: Cannot convert the literal 'question' to the expected type 'microsoft.graph.security.securityCopilot.promptType'."},
		{"POST", sessions + "/" + sid + "/prompts", `{"content":"x"}`, 400, "BadRequest: The type property is required."},
		{"POST", sessions + "/" + sid + "/prompts", `{"type":"prompt"}`, 400, "BadRequest: The content property is required."},
		{"POST", sessions + "/" + sid + "/prompts", `{"type":"prompt","content":"` + strings.Repeat("a", 16001) + `"}`, 400, "BadRequest: The content property must be at most 16000 characters."},
		{"POST", sessions + "/nope/prompts", `{"type":"prompt","content":"x"}`, 404, `NotFound: session "nope" was not found.`},
		{"GET", sessions + "/" + sid + "/prompts/nope", ``, 404, `NotFound: prompt "nope" was not found.`},
		{"POST", sessions + "/" + sid + "/prompts/nope/evaluations", `{}`, 404, `NotFound: prompt "nope" was not found.`},
		{"POST", sessions + "/" + sid + "/prompts/" + pid + "/evaluations", `nope`, 400, "BadRequest: Invalid JSON. The request body must be a JSON object."},
		{"GET", sessions + "/" + sid + "/prompts/" + pid + "/evaluations/nope", ``, 404, `NotFound: evaluation "nope" was not found.`},
	}
	for _, c := range cases {
		st, m := f.do(t, f.contoso, c.method, c.path, c.body)
		if st != c.status || graphErr(m) != c.err {
			t.Errorf("%s %.80s %.60s: %d %q, want %d %q", c.method, c.path, c.body, st, graphErr(m), c.status, c.err)
		}
	}
	// Nothing was stored by the refusals.
	for path, n := range map[string]int{sessions: 1, sessions + "/" + sid + "/prompts": 1, sessions + "/" + sid + "/prompts/" + pid + "/evaluations": 0} {
		if _, l := f.do(t, f.contoso, "GET", path, ""); len(l["value"].([]any)) != n {
			t.Errorf("GET %s: %v, want %d", path, l, n)
		}
	}
	// beta only.
	if st, _ := f.do(t, f.contoso, "GET", "/v1.0/security/securityCopilot/workspaces/default/sessions", ""); st == 200 {
		t.Errorf("v1.0 answers %d", st)
	}
}

func BenchmarkPromptToCompletedEvaluation(b *testing.B) {
	f := newFixture(b)
	_, s := f.do(b, f.contoso, "POST", sessions, `{"displayName":"bench"}`)
	sid := s["id"].(string)
	prompts := []string{
		"Summarise Defender XDR incident 2972395: its alerts, entities and timeline, each step mapped to MITRE ATT&CK.",
		"What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?",
		"Enrich the IP address 185.220.101.45 with threat intelligence.",
		"Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.",
		"Give containment and remediation steps in priority order.",
		"List my recent incidents in Defender XDR",
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, p := f.do(b, f.contoso, "POST", sessions+"/"+sid+"/prompts", fmt.Sprintf(`{"type":"prompt","content":%q}`, prompts[i%len(prompts)]))
		evals := sessions + "/" + sid + "/prompts/" + p["id"].(string) + "/evaluations"
		_, e := f.do(b, f.contoso, "POST", evals, `{}`)
		for st := ""; st != "completed"; {
			_, g := f.do(b, f.contoso, "GET", evals+"/"+e["id"].(string), "")
			st, _ = g["state"].(string)
		}
	}
}
