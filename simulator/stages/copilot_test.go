package stages

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocklogic "github.com/soclab/soclab/mockapis/logicapps"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// TestCopilotConnector: the connector answers as the tenant's service principal with the
// comment a playbook posts; a refusal is a comment; bad bodies and unknown tenants are errors.
func TestCopilotConnector(t *testing.T) {
	l := armtest.New(t)
	c := CopilotConnector{Service: copilot.New(l.Logs)}
	cases := []struct {
		tenant, prompt, want string
		err                  error
	}{
		{l.Tenant.ID, "Summarize Defender XDR incident 4242", "\n\nI don't have access to incident 4242, or it does not exist in Microsoft Defender XDR for this tenant.", nil},
		{l.Tenant.ID, " ", "", copilot.ErrConnectorInput},
		{"00000000-0000-0000-0000-000000000000", "Summarize incident 1", "", simulator.ErrTenantNotFound},
	}
	for _, tc := range cases {
		got, err := c.ProcessPrompt(context.Background(), tc.tenant, tc.prompt)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%q: %q, %v; want %v", tc.prompt, got, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.HasPrefix(got, "Security Copilot (Success; session ") || !strings.Contains(got, tc.want) || len([]rune(got)) > sentinel.MaxCommentLength {
			t.Errorf("%q: %q, %v; want %q", tc.prompt, got, err, tc.want)
		}
	}
}

// TestPipelineCopilotPlaybook: the stages as the server builds them run a playbook's Security
// Copilot action on the Defender incident and post Copilot's summary on it.
func TestPipelineCopilotPlaybook(t *testing.T) {
	l := armtest.New(t, append(mocksentinel.LabTypes(), mocklogic.Types()...)...)
	ws := armtest.WorkspaceID(l.Tenant)
	call := func(method, path, body string) string {
		return armtest.Call(t, l.ARM.URL, l.Tenant.ID, method, path, body)
	}
	call("PUT", ws+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	call("PUT", ws+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+armtest.PreviewAPI, "")
	call("PUT", ws+"/providers/Microsoft.SecurityInsights/dataConnectors/m365d?api-version=2023-02-01-preview",
		fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, l.Tenant.ID))
	engines, err := New(l.Logs, xdr.New(l.Logs), detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := func(hhmm string) {
		to, _ := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
		if _, err := l.World.SetTime(l.Tenant.ID, to); err != nil {
			t.Fatal(err)
		}
		for _, e := range engines {
			if err := e.Stage.Advance(l.Tenant.ID, to); err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
		}
	}
	at("07:30")
	book := strings.Replace(ws, "Microsoft.OperationalInsights/workspaces/"+armtest.Workspace, "Microsoft.Logic/workflows/playbook-copilot", 1)
	body := `{"id":"` + book + `","name":"playbook-copilot","type":"Microsoft.Logic/workflows","location":"eastus","properties":{"state":"Enabled","definition":{
	  "triggers":{"Microsoft_Sentinel_incident":{"type":"ApiConnectionWebhook","inputs":{"path":"/incident-creation"}}},
	  "actions":{"Ask":{"type":"ApiConnection","inputs":{"host":{"connection":{"name":"@parameters('$connections')['securitycopilot']['connectionId']"}},"method":"post","path":"/process-prompt",
	    "body":{"PromptContent":"Summarize Defender XDR incident @{triggerBody()?['object']?['properties']?['providerIncidentId']}"}}}}}}}`
	if err := l.World.Update(l.Tenant.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: book, Type: simulator.WorkflowType, Body: []byte(body)})
	}); err != nil {
		t.Fatal(err)
	}
	call("PUT", ws+"/providers/Microsoft.SecurityInsights/automationRules/ask?api-version=2023-02-01", `{"properties":{"displayName":"Ask","order":1,
	  "triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created","conditions":[{"conditionType":"Property","conditionProperties":
	    {"propertyName":"IncidentProviderName","operator":"Equals","propertyValues":["Microsoft 365 Defender"]}}]},
	  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+book+`"}}]}}`)
	if _, err := l.Logs.Launch(l.Tenant.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	at("10:30")
	var comments []string
	if err := l.World.View(l.Tenant.ID, func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, ws)
		for _, inc := range incs {
			if inc.Properties.ProviderIncidentID != fmt.Sprint(xdr.FirstIncidentID) {
				continue
			}
			cs, err := sentinel.IncidentComments(tx, inc.ID)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Properties.Message != nil {
					comments = append(comments, *c.Properties.Message)
				}
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 || !strings.HasPrefix(comments[0], "Security Copilot (Success; session ") ||
		!strings.Contains(comments[0], fmt.Sprintf("## Incident %d: Multi-stage incident", xdr.FirstIncidentID)) || !strings.Contains(comments[0], "T1078") {
		t.Errorf("comments on the Defender incident: %q", comments)
	}
}
