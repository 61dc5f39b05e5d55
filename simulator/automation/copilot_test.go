package automation

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
	"github.com/tidwall/gjson"
)

// testCopilot is stages.CopilotConnector (stages imports this package, so the test cannot).
type testCopilot struct{ svc *copilot.Service }

func (c testCopilot) ProcessPrompt(ctx context.Context, tenantID, prompt string) (string, error) {
	t, err := c.svc.World().TenantByID(tenantID)
	if err != nil {
		return "", err
	}
	out, err := c.svc.ProcessPrompt(ctx, tenantID, copilot.ProcessPromptInput{PromptContent: prompt}, copilot.Caller{AppID: t.ServicePrincipal.AppID})
	if err != nil {
		return "", err
	}
	return copilot.IncidentComment(out, sentinel.MaxCommentLength), nil
}

// copilotWorkflow is a Sentinel incident playbook whose one action is the Security Copilot
// connector's "Submit a Security Copilot prompt" (api-surface §9.2) with prompt as its
// PromptContent, over a connection named conn to the managed API api.
func copilotWorkflow(id, prompt, conn, api string) []byte {
	return []byte(`{"id":"` + id + `","name":"` + id[strings.LastIndex(id, "/")+1:] + `","type":"Microsoft.Logic/workflows","location":"eastus",
	"properties":{"state":"Enabled","definition":{"triggers":{"Microsoft_Sentinel_incident":{"type":"ApiConnectionWebhook",
	  "inputs":{"host":{"connection":{"name":"@parameters('$connections')['azuresentinel']['connectionId']"}},"path":"/incident-creation"}}},
	 "actions":{"Condition":{"type":"If","expression":{},"actions":{"Submit_a_Security_Copilot_prompt":{"type":"ApiConnection","runAfter":{},
	  "inputs":{"host":{"connection":{"name":"@parameters('$connections')['` + conn + `']['connectionId']"}},"method":"post","path":"/process-prompt",
	   "body":{"PromptContent":` + jsonString(prompt) + `}}}}}}},
	 "parameters":{"$connections":{"value":{"` + conn + `":{"connectionId":"/x/connections/` + conn + `","connectionName":"` + conn + `",
	   "id":"/subscriptions/s/providers/Microsoft.Web/locations/eastus/managedApis/` + api + `"}}}}}}`)
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

const xdrNumber = "@{triggerBody()?['object']?['properties']?['providerIncidentId']}"

// TestPlaybookCopilot: a playbook with the Security Copilot connector's action, run by an
// automation rule on the Defender incident synced into Sentinel, submits its prompt with the
// incident's Defender XDR number and posts Copilot's answer as the playbook's comment: the
// summary naming the attack's techniques, or, with the Defender plugin disconnected by the
// fault, Copilot's refusal. An expression the lab does not evaluate, a connector body Copilot
// refuses and no connector fail the run in the action; another connector's /process-prompt is
// not Copilot's.
func TestPlaybookCopilot(t *testing.T) {
	cases := []struct {
		name, prompt, conn, api string
		fault, noCopilot        bool
		status                  string // the run's status
		comment                 []string
		activity                string // the playbook's failure in the activity log
	}{
		{name: "summary", prompt: "Summarize Defender XDR incident " + xdrNumber + ": its alerts, entities and timeline, each step mapped to MITRE ATT&CK.",
			conn: "securitycopilot", api: "securitycopilot", status: "Succeeded",
			comment: []string{"Security Copilot (Success; session ", fmt.Sprintf("\n\n## Incident %d: Multi-stage incident", xdr.FirstIncidentID),
				"\n**Techniques in order:** T1078 → T1555 → T1530\n", "\n- User: alex.johnson@contoso.com\n", fmt.Sprintf("1. Microsoft Defender XDR incident %d\n", xdr.FirstIncidentID)}},
		{name: "plugin disconnected", prompt: "Summarize Defender XDR incident " + xdrNumber, conn: "securitycopilot-1", api: "securitycopilot", fault: true,
			status: "Succeeded", comment: []string{"Security Copilot (Success; session ", "):\n\nI don't have access to that incident. The Microsoft Defender XDR plugin is turned off, so I can't read Defender XDR incidents or alerts. Turn the plugin on in Security Copilot's plugin settings (soclab copilot plugins connect defender) and ask again."}},
		{name: "unsupported expression", prompt: "Summarize incident @{triggerBody()?['object']?['properties']?['owner']}", conn: "securitycopilot", api: "securitycopilot",
			status: "Failed", activity: "failed in action 'Submit_a_Security_Copilot_prompt': the expression @{triggerBody()?['object']?['properties']?['owner']} of PromptContent is not supported in the lab"},
		{name: "empty prompt", prompt: "  ", conn: "securitycopilot", api: "securitycopilot",
			status: "Failed", activity: "failed in action 'Submit_a_Security_Copilot_prompt': copilot: connector input: PromptContent is required"},
		{name: "no connector", prompt: "Summarize incident " + xdrNumber, conn: "securitycopilot", api: "securitycopilot", noCopilot: true,
			status: "Failed", activity: "failed in action 'Submit_a_Security_Copilot_prompt': the Security Copilot connector is not available"},
		{name: "another API", prompt: "Summarize incident " + xdrNumber, conn: "securitycopilot", api: "office365", status: "Succeeded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			opts := Options{Directory: groups{tier2Group: "SOC Tier 2"}, Copilot: testCopilot{copilot.New(f.logs)}}
			if c.noCopilot {
				opts.Copilot = nil
			}
			f.auto = New(f.logs, opts)
			f.onboard()
			f.connector()
			f.at("07:30")
			book := strings.Replace(f.playbookID(), "playbook-compromise-response", "playbook-copilot-summary", 1)
			if err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
				return tx.PutResource(simulator.Resource{ID: book, Type: simulator.WorkflowType, Body: copilotWorkflow(book, c.prompt, c.conn, c.api)})
			}); err != nil {
				t.Fatal(err)
			}
			f.automationRule("copilot", `{"displayName":"Ask Copilot","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created",
			  "conditions":[`+prop("IncidentProviderName", "Equals", "Microsoft 365 Defender")+`]},
			  "actions":[{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"`+book+`"}}]}`)
			if c.fault {
				if _, err := f.logs.SetFault(f.tenant.ID, "copilot-defender-plugin-disconnected", true); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{}); err != nil {
				t.Fatal(err)
			}
			f.at("10:30")
			var multi *incidentView
			for _, inc := range f.incidents() {
				if strings.HasPrefix(inc.Title, "Multi-stage incident") && inc.Status != "Closed" {
					inc := inc
					multi = &inc
				}
			}
			if multi == nil {
				t.Fatal("no multi-stage Defender incident in Sentinel")
			}
			runs := gjson.Get(f.call("GET", book+"/runs?api-version=2019-05-01", ""), "value.#.properties.status").Array()
			if len(runs) == 0 || runs[len(runs)-1].String() != c.status {
				t.Errorf("runs %v; want the last %s", runs, c.status)
			}
			if c.comment == nil {
				if len(multi.Comments) != 0 {
					t.Errorf("comments %q; want none", multi.Comments)
				}
			} else if len(multi.Comments) != 1 || !strings.HasPrefix(multi.Comments[0], "playbook-copilot-summary: "+c.comment[0]) {
				t.Errorf("comments %q; want one starting %q", multi.Comments, c.comment[0])
			} else {
				for _, want := range c.comment[1:] {
					if !strings.Contains(multi.Comments[0], want) {
						t.Errorf("comment lacks %q:\n%s", want, multi.Comments[0])
					}
				}
				if c.fault && strings.Contains(multi.Comments[0], "T1078") {
					t.Errorf("a refusal naming techniques:\n%s", multi.Comments[0])
				}
			}
			if c.activity != "" && !strings.Contains(strings.Join(multi.Activity, "\n"), "Playbook 'playbook-copilot-summary' "+c.activity) {
				t.Errorf("activity %q; want %q", multi.Activity, c.activity)
			}
		})
	}
}
