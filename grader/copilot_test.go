package grader

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/simulator/copilot"
)

// askCopilot asks prompts in one new session through Security Copilot's Graph beta API and polls
// each evaluation once the clock has moved (they complete on the lab clock).
func (c *socTenant) askCopilot(prompts ...string) {
	c.t.Helper()
	const ws = "/security/securityCopilot/workspaces/default"
	session := gjson.Get(c.call(c.graph.URL, "POST", "/beta"+ws+"/sessions", `{"displayName":"Task 4"}`), "id").String()
	for _, p := range prompts {
		body, _ := json.Marshal(map[string]string{"type": "prompt", "content": p})
		prompt := gjson.Get(c.call(c.graph.URL, "POST", "/beta"+ws+"/sessions/"+session+"/prompts", string(body)), "id").String()
		c.call(c.graph.URL, "POST", "/beta"+ws+"/sessions/"+session+"/prompts/"+prompt+"/evaluations", "{}")
	}
}

// runWorkspaceQuery runs a query on the lab workspace through the Log Analytics query API, as
// the learner does with az rest (the query log notes it).
func (c *socTenant) runWorkspaceQuery(q string) {
	c.t.Helper()
	la := httptest.NewServer(loganalytics.NewHandler(c.engine, tenantTokens{c.world}))
	defer la.Close()
	body, _ := json.Marshal(map[string]string{"query": q})
	c.call(la.URL, "POST", "/v1/workspaces/law-contoso-unified/query", string(body))
}

// TestGradeCopilot: Task 4 passes once the six prompts are answered in one session (five do
// not); break and fix 2 fails with the Defender plugin disconnected and passes once it is
// connected and the incidents are listed.
func TestGradeCopilot(t *testing.T) {
	s := newSOCWorld(t)
	six := []string{
		"Summarise Defender XDR incident %s: its alerts, entities and timeline, each step mapped to MITRE ATT&CK.",
		"What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?",
		"Enrich the IP address 185.220.101.45 with threat intelligence.",
		"Which Azure resources could alex.johnson@contoso.com reach, which secrets were read, which storage was touched? Estimate the blast radius.",
		"Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.",
		"Give containment and remediation steps in priority order.",
	}
	const missingSix = "no session has successful answers to all six kinds of prompt (missing containment; found " +
		`["blastRadius","incidentSummary","ipEnrichment","naturalLanguageToKql","userRiskProfile"])`

	c := s.tenant(t, "copilot01")
	c.play(response{noResolve: true, noSync: true})
	six[0] = fmt.Sprintf(six[0], c.xdrIncident)
	c.askCopilot(six[:5]...)
	wantFailures(t, c.grade(4), map[string]string{"copilot-prompts": missingSix})
	c.askCopilot(six...)
	const notRun = "the KQL Copilot wrote (prompt 5) has not been run on the workspace yet (az monitor log-analytics query, or soclab kql) (found false)"
	wantFailures(t, c.grade(4), map[string]string{"copilot-prompts": notRun})
	// Another query, and Copilot's query against another range, do not count; the answer's
	// query reflowed onto one line with a take added does (through the query API).
	runKQL := c.runWorkspaceQuery
	runKQL("SigninLogs | take 1")
	runKQL(copilot.SigninsFromRangeKQL(copilot.KQLParams{CIDR: "185.220.102.0/24", Days: 30}))
	wantFailures(t, c.grade(4), map[string]string{"copilot-prompts": notRun})
	runKQL(strings.ReplaceAll(copilot.SigninsFromRangeKQL(copilot.KQLParams{CIDR: "185.220.101.0/24", Days: 30}), "\n", " ") + " | take 100")
	wantFailures(t, c.grade(4), nil)
	// A later KQL ask that is not run does not undo it.
	c.askCopilot("Write a KQL query to detect password spraying")
	wantFailures(t, c.grade(4), nil)

	const bf1 = "no alert of rule-lateral-movement-detection reached a Defender XDR incident (missing rule-lateral-movement-detection; found [\"rule-suspicious-signin-resource-access\"])"
	c.setFault("copilot-defender-plugin-disconnected", true)
	c.askCopilot("List my recent incidents in Defender XDR")
	// Break and fix 3 (the judge's checks) is not played here.
	const bf3Off = "the fault kv-diagnostics-missing is not on (break and fix 3 has not started) (found false)"
	const bf3Rule = "workspace law-contoso-unified has no analytics rule rule-post-compromise-cred-access"
	wantFailures(t, c.grade(6), map[string]string{
		"bf2-plugin":      "the Defender XDR plugin of Security Copilot is disconnected (missing defender; found [\"sentinel\"])",
		"bf1-sync":        bf1,
		"bf3-diagnostics": bf3Off,
		"bf3-replay":      bf3Rule,
	})
	c.call(c.ctl.URL, "POST", "/_soclab/copilot/plugins", `{"tenant":"copilot01","plugin":"defender","connected":true}`)
	c.askCopilot("List my recent incidents in Defender XDR")
	wantFailures(t, c.grade(6), map[string]string{
		"bf1-sync":        bf1,
		"bf3-diagnostics": bf3Off,
		"bf3-replay":      bf3Rule,
	})

	// The role cause: the fault takes the analyst's Global Administrator away (applied when
	// Copilot or the grade next reads its faults); Security Reader through Graph fixes it.
	c.setFault("copilot-analyst-role-missing", true)
	wantFailures(t, c.grade(6), map[string]string{
		"bf2-plugin":      "the analyst holds no Microsoft Entra role that can read Defender XDR (Security Reader at least) (found false)",
		"bf1-sync":        bf1,
		"bf3-diagnostics": bf3Off,
		"bf3-replay":      bf3Rule,
	})
	analyst := copilot.Analyst(c.tenant)
	c.call(c.graph.URL, "POST", "/v1.0/roleManagement/directory/roleAssignments",
		fmt.Sprintf(`{"principalId":%q,"roleDefinitionId":%q,"directoryScopeId":"/"}`, analyst.ObjectID, copilot.SecurityReaderRole))
	wantFailures(t, c.grade(6), map[string]string{
		"bf1-sync":        bf1,
		"bf3-diagnostics": bf3Off,
		"bf3-replay":      bf3Rule,
	})
	// With both faults off the case has not started (nothing was broken to fix).
	c.setFault("copilot-defender-plugin-disconnected", false)
	c.setFault("copilot-analyst-role-missing", false)
	wantFailures(t, c.grade(6), map[string]string{
		"bf2-plugin":      "neither fault of break and fix 2 (copilot-defender-plugin-disconnected, copilot-analyst-role-missing) is on, so the case has not started (missing true; found [false,false])",
		"bf1-sync":        bf1,
		"bf3-diagnostics": bf3Off,
		"bf3-replay":      bf3Rule,
	})
}
