package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRulesFireThroughServer: the lab's three rules (challenge.md's bodies, PUT with az rest),
// created at 07:30 on a frozen clock, then `soclab attack launch` and `soclab clock set`; the
// server's rule engine has made alerts, incidents and health rows the learner can query (after
// `soclab clock set --wait`: the engine runs in the background).
func TestRulesFireThroughServer(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	var ws workspaceOut
	sub := l.vars["SOCLAB_SUBSCRIPTION_ID"]
	wsID := "/subscriptions/" + sub + "/resourceGroups/" + socGroup + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace
	si := "https://management.azure.com" + wsID + "/providers/Microsoft.SecurityInsights/"
	rules := []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"}

	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.setClock(t, "2025-01-15T07:30:00Z")
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	var put map[string]any
	l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"onboardingStates/default?api-version=2022-06-01-preview", "--body", "{}")
	for _, r := range rules {
		body, err := filepath.Abs(filepath.Join("..", "simulator", "detect", "testdata", r+".json"))
		if err != nil {
			t.Fatal(err)
		}
		l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"alertRules/"+r+"?api-version=2022-06-01-preview", "--body", "@"+body)
	}
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	// The rule engine catches up in the background: wait for it explicitly.
	if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T10:30:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, out)
	}
	if out, err := l.soclab("engine", "status"); err != nil || !strings.Contains(out, "engines caught up") || !strings.Contains(out, "detect       ran up to 2025-01-15T10:30:00Z") {
		t.Fatalf("engine status after the wait: %v\n%s", err, out)
	}

	rows := l.laQuery(t, ws.CustomerID, `SecurityAlert | summarize n = count() by AlertName | order by AlertName asc`)
	if got := column(rows, "AlertName"); !slices.Equal(got, []string{"Lateral Movement via Azure Resource Access Escalation",
		"Post-Compromise Credential Access Attempt", "Suspicious Sign-in Followed by Azure Resource Access"}) {
		t.Fatalf("alerts by rule: %v", rows)
	}
	rows = l.laQuery(t, ws.CustomerID, `SentinelHealth | summarize runs = count(), failures = countif(Status != "Success") by SentinelResourceKind | order by SentinelResourceKind asc`)
	if got := column(rows, "SentinelResourceKind"); !slices.Equal(got, []string{"NRT", "Scheduled"}) || toString(rows[0]["failures"]) != "0" {
		t.Fatalf("health rows: %v", rows)
	}
	var incs struct {
		Value []struct {
			Name       string `json:"name"`
			Properties struct {
				Title string `json:"title"`
			} `json:"properties"`
		} `json:"value"`
	}
	l.azJSON(&incs, "rest", "--method", "GET", "--url", si+"incidents?api-version=2022-06-01-preview")
	entities := map[string]bool{}
	for _, inc := range incs.Value {
		if !strings.HasPrefix(inc.Properties.Title, "Suspicious Sign-in") {
			continue
		}
		var ents struct {
			Entities []struct {
				Properties map[string]any `json:"properties"`
			} `json:"entities"`
		}
		l.azJSON(&ents, "rest", "--method", "POST", "--url", si+"incidents/"+inc.Name+"/entities?api-version=2022-06-01-preview")
		for _, e := range ents.Entities {
			entities[strings.ToLower(toString(e.Properties["friendlyName"]))] = true
		}
	}
	for _, want := range []string{"alex.johnson", attackIP} {
		if !entities[want] {
			t.Errorf("rule 1 incidents lack entity %s: %v", want, entities)
		}
	}
}
