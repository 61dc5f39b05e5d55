package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
)

// labRules are challenge.md's three rules (simulator/detect/testdata: the bodies az sentinel sends).
var labRules = []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"}

// socLab is a running lab after challenge.md's Tasks 1-2 through ARM with the real az.
type socLab struct {
	*lab
	sub, tenant string
	wsID        string // the workspace's ARM id
	si          string // https://management.azure.com<wsID>/providers/Microsoft.SecurityInsights/
	ws          workspaceOut
}

// newSOCLab starts a server, signs az in as the service principal, freezes the clock at 07:30
// and creates the workspace, onboards Sentinel, with connector the MicrosoftThreatProtection
// connector (incidents on, as az sentinel 0.2.0 sends it), and PUTs the given rules.
func newSOCLab(t *testing.T, connector bool, rules ...string) *socLab {
	t.Helper()
	l := newLab(t)
	l.start()
	return newSOCLabOn(t, l, connector, rules...)
}

// newSOCLabOn is newSOCLab on a lab whose server already runs.
func newSOCLabOn(t *testing.T, l *lab, connector bool, rules ...string) *socLab {
	t.Helper()
	s := &socLab{lab: l, sub: l.vars["SOCLAB_SUBSCRIPTION_ID"], tenant: l.vars["SOCLAB_TENANT_ID"]}
	s.wsID = "/subscriptions/" + s.sub + "/resourceGroups/" + socGroup + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace
	s.si = "https://management.azure.com" + s.wsID + "/providers/Microsoft.SecurityInsights/"
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", s.tenant)
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.setClock(t, "2025-01-15T07:30:00Z")
	l.azJSON(&s.ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	s.put("onboardingStates/default", "{}")
	if connector {
		s.put("dataConnectors/MicrosoftThreatProtection", fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"}}}}`, s.tenant))
	}
	for _, r := range rules {
		body, err := filepath.Abs(filepath.Join("..", "simulator", "detect", "testdata", r+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s.put("alertRules/"+r, "@"+body)
	}
	return s
}

// put PUTs a Sentinel resource of the workspace (api-version 2022-06-01-preview, the CLI's).
func (s *socLab) put(path, body string) {
	s.t.Helper()
	var out map[string]any
	s.azJSON(&out, "rest", "--method", "PUT", "--url", s.si+path+"?api-version=2022-06-01-preview", "--body", body)
}
