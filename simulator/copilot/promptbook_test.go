package copilot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// TestPromptbook: the lab's promptbook runs Task 4's six prompts in one session on the lab's
// incident (found from the user), each answered; the run is kept and reads back the same.
func TestPromptbook(t *testing.T) {
	l := newLab(t, true)
	ctx := context.Background()
	tenant, _ := l.World.TenantByID(l.Tenant.ID)
	run, err := l.svc.RunPromptbook(ctx, l.Tenant.ID, LabPromptbookID, nil, "", Analyst(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if run.Inputs["incident"] != fmt.Sprint(xdr.FirstIncidentID) || run.Inputs["user"] != labUser || run.Inputs["range"] != "185.220.101.0/24" {
		t.Errorf("inputs %v", run.Inputs)
	}
	var intents []Intent
	for _, r := range run.Results {
		intents = append(intents, r.Intent)
		if r.Outcome != OutcomeAnswered || r.Type != "success" || len(r.Sources) == 0 {
			t.Errorf("%q: outcome %s type %s sources %v", r.Prompt, r.Outcome, r.Type, r.Sources)
		}
	}
	want := []Intent{IntentIncidentSummary, IntentUserRisk, IntentIPEnrichment, IntentBlastRadius, IntentKQL, IntentContainment}
	if !slices.Equal(intents, want) {
		t.Fatalf("intents %v, want %v", intents, want)
	}
	wantInOrder(t, run.Results[0].Content, "**Techniques in order:** T1078 → T1555 → T1530 → T1098")
	back, err := l.svc.PromptbookRunOf(l.Tenant.ID, run.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(back) != fmt.Sprint(run) {
		t.Errorf("kept run differs:\n%v\n%v", back, run)
	}
	sessions, err := l.svc.ListSessions(l.Tenant.ID)
	if err != nil || len(sessions) != 1 || sessions[0].Prompts != 6 || sessions[0].DisplayName != "Promptbook: Investigate a compromised account (Task 4)" {
		t.Errorf("sessions %+v %v", sessions, err)
	}
	// A session without a promptbook run, and an unknown one.
	var plain Session
	l.World.Update(l.Tenant.ID, func(tx *simulator.TenantTx) (err error) { plain, err = CreateSession(tx, "x", "a"); return err })
	for _, sid := range []string{plain.ID, "00000000-0000-0000-0000-000000000000"} {
		if _, err := l.svc.PromptbookRunOf(l.Tenant.ID, sid); !errors.Is(err, ErrNotFound) {
			t.Errorf("PromptbookRunOf(%s): %v", sid, err)
		}
	}
	// Inputs override the defaults.
	run, err = l.svc.RunPromptbook(ctx, l.Tenant.ID, "investigate a compromised account (task 4)", map[string]string{"IP": "185.220.101.23"}, plain.ID, Analyst(tenant))
	if err != nil || run.SessionID != plain.ID || run.Results[2].Prompt != "Enrich the IP address 185.220.101.23 with threat intelligence." {
		t.Errorf("run with inputs: %v %+v", err, run)
	}
}

// TestPromptbookBadInput: each refusal names the problem and stores nothing.
func TestPromptbookBadInput(t *testing.T) {
	l := newLab(t, false)
	tenant, _ := l.World.TenantByID(l.Tenant.ID)
	for _, c := range []struct {
		id     string
		inputs map[string]string
		is     error
		msg    string
	}{
		{"nope", nil, ErrUnknownPromptbook, `copilot: unknown promptbook "nope" (the lab has soclab-task4-investigation)`},
		{LabPromptbookID, map[string]string{"host": "x"}, ErrBadInput, `copilot: bad promptbook input: "host" is not an input of soclab-task4-investigation (inputs: incident, ip, range, user)`},
		{LabPromptbookID, map[string]string{"ip": " "}, ErrBadInput, "copilot: bad promptbook input: ip must be a value on one line"},
		{LabPromptbookID, map[string]string{"user": "a\nb"}, ErrBadInput, "copilot: bad promptbook input: user must be a value on one line"},
		{LabPromptbookID, map[string]string{"ip": "<range>"}, ErrBadInput, "copilot: bad promptbook input: ip must be a value on one line"},
		// Before the attack no incident involves the user.
		{LabPromptbookID, nil, ErrBadInput, "copilot: bad promptbook input: no Defender XDR incident involves alex.johnson@contoso.com yet: give the incident input"},
	} {
		_, err := l.svc.RunPromptbook(context.Background(), l.Tenant.ID, c.id, c.inputs, "", Analyst(tenant))
		if !errors.Is(err, c.is) || err.Error() != c.msg {
			t.Errorf("%s %v: %v", c.id, c.inputs, err)
		}
	}
	if ss, _ := l.svc.ListSessions(l.Tenant.ID); len(ss) != 0 {
		t.Errorf("refused runs stored %d sessions", len(ss))
	}
}

// TestConnector: the Logic Apps connector's two actions with their output shapes, and a
// playbook's use: submit a prompt about the incident and post the answer as a Sentinel comment.
func TestConnector(t *testing.T) {
	l := newLab(t, true)
	ctx := context.Background()
	tenant, _ := l.World.TenantByID(l.Tenant.ID)
	app := Caller{AppID: tenant.ServicePrincipal.AppID}
	out, err := l.svc.ProcessPrompt(ctx, l.Tenant.ID, ProcessPromptInput{PromptContent: fmt.Sprintf("Summarize incident %d", xdr.FirstIncidentID)}, app)
	if err != nil {
		t.Fatal(err)
	}
	if out.EvaluationResultType != "Success" || out.SessionId == "" || out.PromptId == "" || len(out.SkillSources) == 0 ||
		!strings.HasPrefix(out.SkillSources[0].DisplayName, "Microsoft Defender XDR incident") {
		t.Errorf("process-prompt outputs %+v", out)
	}
	again, err := l.svc.ProcessPrompt(ctx, l.Tenant.ID, ProcessPromptInput{PromptContent: "Give containment steps", SessionId: out.SessionId}, app)
	if err != nil || again.SessionId != out.SessionId {
		t.Errorf("continuing the session: %v %s", err, again.SessionId)
	}
	for _, bad := range []ProcessPromptInput{{}, {PromptContent: "  "}, {PromptContent: "x", SkillName: "GetIncidents"}, {SkillInputs: map[string]any{"a": 1}}} {
		if _, err := l.svc.ProcessPrompt(ctx, l.Tenant.ID, bad, app); !errors.Is(err, ErrConnectorInput) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := l.svc.ProcessPrompt(ctx, l.Tenant.ID, ProcessPromptInput{PromptContent: "x", SessionId: "nope"}, app); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	// The playbook posts the answer on the Sentinel incident.
	ws := "/subscriptions/" + tenant.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/" + LabWorkspace
	err = l.World.Update(l.Tenant.ID, func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, ws)
		if err != nil || len(incs) == 0 {
			return fmt.Errorf("sentinel incidents: %d %v", len(incs), err)
		}
		_, err = sentinel.AddComment(tx, incs[0].ID, IncidentComment(out, sentinel.MaxCommentLength), sentinel.ClientInfo{Name: "playbook-compromise-response"}, sentinel.Actor{Name: "playbook-compromise-response"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := IncidentComment(ProcessPromptOutput{EvaluationResultType: "Success", SessionId: "s", EvaluationResultContent: strings.Repeat("é", 50)}, 40); len([]rune(c)) != 40 || !strings.HasSuffix(c, "…") {
		t.Errorf("cut comment %q", c)
	}
	pb, err := l.svc.RunPromptbookAction(ctx, l.Tenant.ID, RunPromptbookInput{PromptbookId: LabPromptbookID}, app)
	if err != nil || len(pb.EvaluationResults) != 6 || pb.EvaluationResults[4].EvaluationResultType != "Success" || !strings.Contains(pb.EvaluationResults[4].EvaluationResultContent, "```kusto") {
		t.Errorf("run-promptbook: %v %+v", err, pb)
	}
	if _, err := l.svc.RunPromptbookAction(ctx, l.Tenant.ID, RunPromptbookInput{}, app); !errors.Is(err, ErrConnectorInput) {
		t.Errorf("no id: %v", err)
	}
}
