package grader

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tidwall/gjson"
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
}
