package grader

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

// TestGradeFullRun plays the whole lab in one tenant as challenge.md gives it, with the three
// break-and-fix faults on from the start (as an instructor would switch them on): Tasks 1-5,
// each case diagnosed, repaired and proved on new activity, the knowledge check answered. Every
// check of every task passes.
func TestGradeFullRun(t *testing.T) {
	c := newSOCWorld(t).tenant(t, "fullrun")
	c.setFault("xdr-sync-severity-filter", true)
	c.setFault("kv-diagnostics-missing", true)
	c.play(response{allRules: true})

	// Task 4: the six prompts in one session.
	c.askCopilot(
		fmt.Sprintf("Summarise Defender XDR incident %s: its alerts, entities and timeline, each step mapped to MITRE ATT&CK.", c.xdrIncident),
		"What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?",
		"Enrich the IP address 185.220.101.45 with threat intelligence.",
		"Which Azure resources could alex.johnson@contoso.com reach, which secrets were read, which storage was touched? Estimate the blast radius.",
		"Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.",
		"Give containment and remediation steps in priority order.")
	// ... and prompt 5's KQL run on the workspace through the query API.
	la := httptest.NewServer(loganalytics.NewHandler(c.engine, tenantTokens{c.world}))
	defer la.Close()
	body, _ := json.Marshal(map[string]string{"query": copilot.SigninsFromRangeKQL(copilot.KQLParams{CIDR: "185.220.101.0/24", Days: 30})})
	c.call(la.URL, "POST", "/v1/workspaces/law-contoso-unified/query", string(body))

	// Break and fix 2: the plugin disconnected, reconnected, the incidents listed.
	c.setFault("copilot-defender-plugin-disconnected", true)
	c.askCopilot("List my recent incidents in Defender XDR")
	c.call(c.ctl.URL, "POST", "/_soclab/copilot/plugins", `{"tenant":"fullrun","plugin":"defender","connected":true}`)
	c.askCopilot("List my recent incidents in Defender XDR")

	// Break and fix 1: every severity synced, then the sweep again.
	c.xdrSettings(map[string]any{"syncEnabled": true, "severities": []string{"High", "Medium", "Low", "Informational"}})
	c.replayStep("lateral-movement", 15*time.Minute)

	// Break and fix 3: Key Vault's audit logs to the workspace, then the secret reads again.
	rg := "/subscriptions/" + c.tenant.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/"
	c.call(c.arm.URL, "PUT", rg+"Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/send-to-sentinel?api-version=2021-05-01-preview",
		`{"properties":{"workspaceId":"`+rg+`Microsoft.OperationalInsights/workspaces/law-contoso-unified","logs":[{"category":"AuditEvent","enabled":true}]}}`)
	c.replayStep("credential-access", 20*time.Minute)

	// The knowledge check.
	err := c.world.Update(c.tenant.ID, func(tx *simulator.TenantTx) error {
		_, err := c.grader.Checks().SaveAnswers(tx, map[string]string{"1": "Microsoft Defender XDR", "2": "the NL2KQL plugin",
			"3": "Near-real-time (NRT) rules", "4": "POST /users/{id}/revokeSignInSessions", "5": "It is closed in Sentinel too"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	rep := c.grade()
	for _, r := range rep.Results {
		if !r.Passed {
			t.Errorf("%s failed: %s", r.ID, r.Detail)
		}
	}
	if !rep.AllPassed || rep.Score != 69 || rep.Passed != len(c.grader.Checks().Checks) {
		t.Errorf("score %d/%d, %d passed, all passed %v", rep.Score, rep.MaxScore, rep.Passed, rep.AllPassed)
	}
}

// replayStep replays an attack step and lets the engines run for d.
func (c *socTenant) replayStep(step string, d time.Duration) {
	c.t.Helper()
	if _, err := c.engine.Replay(c.tenant.ID, step); err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.world.Advance(c.tenant.ID, d); err != nil {
		c.t.Fatal(err)
	}
	c.wait()
}
