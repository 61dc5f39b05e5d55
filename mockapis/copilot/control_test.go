package copilot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/xdr"
)

// ctl calls the control face: status and the JSON body.
func (f *fixture) ctl(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	h := NewControl(f.svc, http.NotFoundHandler())
	req := httptest.NewRequest(method, "http://127.0.0.1/_soclab/"+path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: body not JSON: %s", method, path, rec.Body)
	}
	return rec.Code, m
}

func ctlErr(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	return fmt.Sprintf("%v: %v", e["code"], e["message"])
}

// TestControlPromptbook: the promptbook runs over the control face, reads back by session, and
// a session of another tenant is unknown.
func TestControlPromptbook(t *testing.T) {
	f := newFixture(t)
	code, run := f.ctl(t, "POST", PromptbookPath, `{"tenant":"contoso"}`)
	if code != 200 {
		t.Fatalf("%d %v", code, run)
	}
	wantKeys(t, run, "tenant", "promptbookId", "sessionId", "inputs", "results")
	results, _ := run["results"].([]any)
	if len(results) != 6 {
		t.Fatalf("%d results", len(results))
	}
	first, _ := results[0].(map[string]any)
	if first["intent"] != "incidentSummary" || first["outcome"] != "answered" || !strings.Contains(fmt.Sprint(first["content"]), "T1078 → T1555 → T1530") {
		t.Errorf("first result %v", first)
	}
	sid := fmt.Sprint(run["sessionId"])
	code, back := f.ctl(t, "GET", PromptbookPath+"?tenant=contoso&session="+sid, "")
	if code != 200 || fmt.Sprint(back["results"]) != fmt.Sprint(run["results"]) {
		t.Errorf("read back %d %v", code, back)
	}
	for _, c := range []struct{ method, path, body, want string }{
		{"GET", PromptbookPath + "?tenant=fabrikam&session=" + sid, "", "SessionNotFound: copilot: not found: session \"" + sid + "\""},
		{"GET", PromptbookPath + "?tenant=contoso", "", "InvalidArgument: give session: the session the promptbook ran in"},
		{"POST", PromptbookPath, `{"tenant":"contoso","promptbook":"nope"}`, `InvalidArgument: copilot: unknown promptbook "nope" (the lab has soclab-task4-investigation)`},
		{"POST", PromptbookPath, `{"tenant":"contoso","inputs":{"host":"x"}}`, `InvalidArgument: copilot: bad promptbook input: "host" is not an input of soclab-task4-investigation (inputs: incident, ip, range, user)`},
		{"POST", PromptbookPath, `{"tenant":"fabrikam"}`, "InvalidArgument: copilot: bad promptbook input: no Defender XDR incident involves alex.johnson@contoso.com yet: give the incident input"},
		{"POST", PromptbookPath, `{"tenant":"nobody"}`, "TenantNotFound: "},
		{"POST", PromptbookPath, `{"tenant":"contoso","extra":1}`, "InvalidRequestContent: "},
		{"DELETE", PromptbookPath, "", "MethodNotAllowed: DELETE is not supported on /_soclab/copilot/promptbook"},
	} {
		_, m := f.ctl(t, c.method, c.path, c.body)
		if got := ctlErr(m); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s %s %s: %s, want %s", c.method, c.path, c.body, got, c.want)
		}
	}
	ss, _ := f.svc.ListSessions(f.other.ID)
	if len(ss) != 0 {
		t.Errorf("fabrikam got %d sessions", len(ss))
	}
}

// TestControlConnector: the connector's actions answer with their documented output keys.
func TestControlConnector(t *testing.T) {
	f := newFixture(t)
	code, out := f.ctl(t, "POST", ProcessPromptPath+"?tenant=contoso", fmt.Sprintf(`{"PromptContent":"Summarize incident %d"}`, xdr.FirstIncidentID))
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	wantKeys(t, out, "EvaluationResultContent", "EvaluationResultType", "SessionId", "PromptId", "SkillName", "SkillSources")
	if out["EvaluationResultType"] != "Success" || !strings.Contains(fmt.Sprint(out["EvaluationResultContent"]), "T1078") {
		t.Errorf("outputs %v", out)
	}
	sid := fmt.Sprint(out["SessionId"])
	// Logic Apps' keys are case-insensitive: a camelCase body continues the session.
	code, again := f.ctl(t, "POST", ProcessPromptPath+"?tenant=contoso", `{"promptContent":"List my incidents","sessionId":"`+sid+`"}`)
	if code != 200 || again["SessionId"] != sid {
		t.Errorf("continue: %d %v", code, again)
	}
	code, pb := f.ctl(t, "POST", RunPromptbookPath+"?tenant=contoso", `{"PromptbookId":"soclab-task4-investigation","PromptbookInputs":{"ip":"185.220.101.23"}}`)
	if code != 200 {
		t.Fatalf("%d %v", code, pb)
	}
	wantKeys(t, pb, "SessionId", "evaluationResults")
	ers, _ := pb["evaluationResults"].([]any)
	if len(ers) != 6 {
		t.Fatalf("%d results", len(ers))
	}
	third, _ := ers[2].(map[string]any)
	wantKeys(t, third, "skillName", "promptContent", "evaluationResultType", "evaluationResultContent", "skillSources")
	if third["promptContent"] != "Enrich the IP address 185.220.101.23 with threat intelligence." {
		t.Errorf("third %v", third["promptContent"])
	}
	for _, c := range []struct{ path, body, want string }{
		{ProcessPromptPath + "?tenant=contoso", `{}`, "InvalidArgument: copilot: connector input: PromptContent is required"},
		{ProcessPromptPath + "?tenant=contoso", `{"PromptContent":"x","SkillName":"GetIncidents"}`, `InvalidArgument: copilot: connector input: calling a skill directly (SkillName "GetIncidents") is not available in the lab: send PromptContent`},
		{ProcessPromptPath + "?tenant=fabrikam", `{"PromptContent":"x","SessionId":"` + sid + `"}`, "SessionNotFound: "},
		{ProcessPromptPath + "?tenant=contoso", `{"PromptContent":` + fmt.Sprintf("%q", strings.Repeat("a", maxContent+1)) + `}`, "InvalidArgument: PromptContent is longer than 16000 characters"},
		{ProcessPromptPath + "?tenant=contoso", `{"PromptContent":1}`, "InvalidRequestContent: "},
		{RunPromptbookPath + "?tenant=contoso", `{}`, "InvalidArgument: copilot: connector input: PromptbookId is required"},
		{RunPromptbookPath + "?tenant=contoso", `{"PromptbookId":"x"}`, `InvalidArgument: copilot: unknown promptbook "x"`},
	} {
		_, m := f.ctl(t, "POST", c.path, c.body)
		if got := ctlErr(m); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s %s: %s, want %s", c.path, c.body, got, c.want)
		}
	}
}

// TestGraphRoleRefusal: through the Graph API Copilot acts for the token's user: a user
// without a Defender-capable role is refused the incident, the analyst is not.
func TestGraphRoleRefusal(t *testing.T) {
	f := newFixture(t)
	ask := func(token string) string {
		t.Helper()
		do := func(method, path, body string) map[string]any {
			req := httptest.NewRequest(method, "https://graph.microsoft.com"+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			var m map[string]any
			json.Unmarshal(rec.Body.Bytes(), &m)
			if rec.Code >= 300 {
				t.Fatalf("%s %s: %d %v", method, path, rec.Code, m)
			}
			return m
		}
		s := do("POST", sessions, `{"displayName":"x"}`)["id"]
		p := do("POST", fmt.Sprintf("%s/%v/prompts", sessions, s), `{"type":"prompt","content":"List my recent incidents in Defender XDR"}`)["id"]
		e := do("POST", fmt.Sprintf("%s/%v/prompts/%v/evaluations", sessions, s, p), `{}`)["id"]
		path := fmt.Sprintf("%s/%v/prompts/%v/evaluations/%v", sessions, s, p, e)
		do("GET", path, "")
		res, _ := do("GET", path, "")["result"].(map[string]any)
		return fmt.Sprint(res["content"])
	}
	if got := ask(f.contoso.ID + "|emma.brown@contoso.com"); !strings.HasPrefix(got, "I don't have access to that incident. Security Copilot reads Microsoft Defender XDR on your behalf, and your account emma.brown@contoso.com has no Microsoft Entra role") {
		t.Errorf("emma.brown: %s", got)
	}
	if got := ask(f.contoso.ID); !strings.HasPrefix(got, "Your recent Defender XDR incidents:") {
		t.Errorf("analyst: %s", got)
	}
}
