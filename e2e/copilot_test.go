package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCopilotThroughGraphBeta: the lab's Defender incident (Task 1-2 with az rest, attack
// launched, clock at 10:30), then Task 4's prompt 1 over Security Copilot's Graph beta API with
// the real az: session, prompt, evaluation, polled until completed; the answer names the
// incident's techniques in order and its entities. `soclab copilot ask|sessions` see the same
// sessions.
func TestCopilotThroughGraphBeta(t *testing.T) {
	t.Parallel()
	requireAz(t)
	l := newLab(t)
	l.start()
	sub, tenant := l.vars["SOCLAB_SUBSCRIPTION_ID"], l.vars["SOCLAB_TENANT_ID"]
	wsID := "/subscriptions/" + sub + "/resourceGroups/" + socGroup + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace
	si := "https://management.azure.com" + wsID + "/providers/Microsoft.SecurityInsights/"
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", tenant)
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.setClock(t, "2025-01-15T07:30:00Z")
	var ws workspaceOut
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	var put map[string]any
	l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"onboardingStates/default?api-version=2022-06-01-preview", "--body", "{}")
	l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"dataConnectors/MicrosoftThreatProtection?api-version=2023-02-01-preview",
		"--body", fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, tenant))
	for _, r := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		body, err := filepath.Abs(filepath.Join("..", "simulator", "detect", "testdata", r+".json"))
		if err != nil {
			t.Fatal(err)
		}
		l.azJSON(&put, "rest", "--method", "PUT", "--url", si+"alertRules/"+r+"?api-version=2022-06-01-preview", "--body", "@"+body)
	}
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	waitClock(t, l, "2025-01-15T10:30:00Z")

	// The lab's incident: the Defender incident with the most alerts, by its Defender number.
	var incs struct {
		Value []struct {
			ID     string           `json:"id"`
			Alerts []map[string]any `json:"alerts"`
		} `json:"value"`
	}
	l.azJSON(&incs, "rest", "--method", "GET", "--url", "https://graph.microsoft.com/v1.0/security/incidents?$expand=alerts")
	number, most := "", 0
	for _, i := range incs.Value {
		if len(i.Alerts) > most {
			number, most = i.ID, len(i.Alerts)
		}
	}
	if number == "" {
		t.Fatalf("no Defender incident: %+v", incs)
	}

	sessions := "https://graph.microsoft.com/beta/security/securityCopilot/workspaces/default/sessions"
	var session struct{ ID, DisplayName string }
	l.azJSON(&session, "rest", "--method", "POST", "--url", sessions, "--body", `{"displayName":"Task 4"}`)
	var prompt struct{ ID, Type, Content string }
	content := "Summarise Defender XDR incident " + number + ": its alerts, entities and timeline, each step mapped to MITRE ATT&CK."
	l.azJSON(&prompt, "rest", "--method", "POST", "--url", sessions+"/"+session.ID+"/prompts", "--body", fmt.Sprintf(`{"type":"prompt","content":%q}`, content))
	if prompt.Type != "prompt" || prompt.Content != content {
		t.Fatalf("prompt %+v", prompt)
	}
	evals := sessions + "/" + session.ID + "/prompts/" + prompt.ID + "/evaluations"
	var eval struct {
		ID     string `json:"id"`
		State  string `json:"state"`
		Result *struct {
			Content string `json:"content"`
			Type    string `json:"type"`
		} `json:"result"`
	}
	l.azJSON(&eval, "rest", "--method", "POST", "--url", evals, "--body", "{}")
	if eval.State != "created" || eval.Result != nil {
		t.Fatalf("new evaluation %+v", eval)
	}
	var states []string
	for i := 0; i < 5 && eval.State != "completed"; i++ {
		l.azJSON(&eval, "rest", "--method", "GET", "--url", evals+"/"+eval.ID)
		states = append(states, eval.State)
	}
	if strings.Join(states, ",") != "running,completed" || eval.Result == nil || eval.Result.Type != "success" {
		t.Fatalf("polls %v: %+v", states, eval)
	}
	answer := eval.Result.Content
	if m := regexp.MustCompile(`Techniques in order:\*\* (.*)`).FindStringSubmatch(answer); m == nil || !regexp.MustCompile(`T1078.*T1555.*T1530.*T1098`).MatchString(m[1]) {
		t.Errorf("techniques not in order T1078 → T1555 → T1530 → T1098:\n%s", answer)
	}
	for _, fact := range []string{"Incident " + number, "**Severity:** high", "alex.johnson@contoso.com", "185.220.101.45", "kv-contoso-prod", "stcontosoprod", "**Sources**"} {
		if !strings.Contains(answer, fact) {
			t.Errorf("answer lacks %q:\n%s", fact, answer)
		}
	}
	// Graph's errors through az.
	bad := l.azError(t, "rest", "--method", "POST", "--url", sessions+"/"+session.ID+"/prompts", "--body", `{"type":"skill","content":"x"}`)
	if e, _ := bad["error"].(map[string]any); toString(e["code"]) != "BadRequest" {
		t.Errorf("prompt of type skill: %v", bad)
	}
	// The CLI asks in the same session and lists it.
	out, err := l.soclab("copilot", "ask", "Enrich the IP address 185.220.101.45 with threat intelligence.", "--session", session.ID)
	if err != nil || !strings.Contains(out, "**Verdict:** malicious") || !strings.Contains(out, "Tor exit") {
		t.Errorf("soclab copilot ask: %v\n%s", err, out)
	}
	out, err = l.soclab("copilot", "sessions")
	if err != nil || !regexp.MustCompile(session.ID+`  \S+ +2  Task 4`).MatchString(out) {
		t.Errorf("soclab copilot sessions: %v\n%s", err, out)
	}

	// Break and fix 2: the plugin fault refuses over Graph; connecting the plugin fixes it.
	askGraph := func(text string) string {
		t.Helper()
		var p struct{ ID string }
		l.azJSON(&p, "rest", "--method", "POST", "--url", sessions+"/"+session.ID+"/prompts", "--body", fmt.Sprintf(`{"type":"prompt","content":%q}`, text))
		ev := sessions + "/" + session.ID + "/prompts/" + p.ID + "/evaluations"
		var e struct {
			ID, State string
			Result    *struct{ Content string }
		}
		l.azJSON(&e, "rest", "--method", "POST", "--url", ev, "--body", "{}")
		for i := 0; i < 5 && e.State != "completed"; i++ {
			l.azJSON(&e, "rest", "--method", "GET", "--url", ev+"/"+e.ID)
		}
		if e.Result == nil {
			t.Fatalf("evaluation of %q never completed: %+v", text, e)
		}
		return e.Result.Content
	}
	if out, err := l.soclab("fault", "on", "copilot-defender-plugin-disconnected"); err != nil {
		t.Fatalf("fault on: %v\n%s", err, out)
	}
	if got := askGraph("List my recent incidents in Defender XDR"); !strings.HasPrefix(got, "I don't have access to that incident.") {
		t.Errorf("with the plugin disconnected: %s", got)
	}
	if out, err := l.soclab("copilot", "plugins", "connect", "defender"); err != nil || !strings.Contains(out, "Microsoft Defender XDR   connected") {
		t.Fatalf("plugins connect: %v\n%s", err, out)
	}
	if got := askGraph("List my recent incidents in Defender XDR"); !strings.Contains(got, "| "+number+" | high |") {
		t.Errorf("after the fix: %s", got)
	}

	taskFourAsAnalyst(t, l, number, ws.CustomerID)
}

// taskFourAsAnalyst signs in as the learner's analyst (Copilot acts on that account's behalf),
// asks Task 4's six prompts in one session over the Graph beta API and checks each answer's
// facts (not its wording); runs prompt 5's query on the workspace and grades Task 4; then break
// and fix 2's role cause: the analyst's roles removed, refused, Security Reader assigned
// through Graph's roleManagement, answered.
func taskFourAsAnalyst(t *testing.T, l *lab, number, customerID string) {
	var subs []map[string]any
	l.azJSON(&subs, "login", "-u", l.vars["SOCLAB_USER"], "-p", l.vars["SOCLAB_USER_PASSWORD"])
	sessions := "https://graph.microsoft.com/beta/security/securityCopilot/workspaces/default/sessions"
	var session struct{ ID string }
	l.azJSON(&session, "rest", "--method", "POST", "--url", sessions, "--body", `{"displayName":"Task 4 as the analyst"}`)
	ask := func(text string) string {
		t.Helper()
		var p struct{ ID string }
		l.azJSON(&p, "rest", "--method", "POST", "--url", sessions+"/"+session.ID+"/prompts", "--body", fmt.Sprintf(`{"type":"prompt","content":%q}`, text))
		ev := sessions + "/" + session.ID + "/prompts/" + p.ID + "/evaluations"
		var e struct {
			ID, State string
			Result    *struct{ Content, Type string }
		}
		l.azJSON(&e, "rest", "--method", "POST", "--url", ev, "--body", "{}")
		for i := 0; i < 5 && e.State != "completed"; i++ {
			l.azJSON(&e, "rest", "--method", "GET", "--url", ev+"/"+e.ID)
		}
		if e.Result == nil || e.Result.Type != "success" {
			t.Fatalf("evaluation of %q: %+v", text, e)
		}
		return e.Result.Content
	}
	inOrder := func(name, answer string, facts ...string) {
		t.Helper()
		rest := answer
		for _, f := range facts {
			i := strings.Index(rest, f)
			if i < 0 {
				t.Errorf("%s: answer lacks %q (in order):\n%s", name, f, answer)
				return
			}
			rest = rest[i+len(f):]
		}
	}
	answer := ask("Summarise Defender XDR incident " + number + ": its alerts, entities and timeline, each step mapped to MITRE ATT&CK.")
	if m := regexp.MustCompile(`Techniques in order:\*\* (.*)`).FindStringSubmatch(answer); m == nil || !regexp.MustCompile(`^T1078 → T1555 → T1530 → T1098\b`).MatchString(m[1]) {
		t.Errorf("prompt 1: techniques not T1078 → T1555 → T1530 → T1098 first:\n%s", answer)
	}
	inOrder("prompt 1", answer, "## Incident "+number, "**Severity:** high", "### Entities", "User: alex.johnson@contoso.com", "IP: 185.220.101.45", "**Sources**", "Microsoft Defender XDR incident "+number)
	for _, entity := range []string{"Azure resource: kv-contoso-prod", "Azure resource: stcontosoprod"} {
		if !strings.Contains(answer, entity) {
			t.Errorf("prompt 1: answer lacks the entity %q", entity)
		}
	}

	answer = ask("What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?")
	inOrder("prompt 2", answer, "(alex.johnson@contoso.com)", "**Risk level:** high", "### Risk detections", "185.220.101.45", "**Groups:**", "Finance-Analysts",
		"**Directory roles:** User Administrator", "### Recent sign-ins by address", "185.220.101.45", "### Incidents involving this user", "- "+number+" (high", "**Sources**")

	answer = ask("Enrich the IP address 185.220.101.45 with threat intelligence.")
	inOrder("prompt 3", answer, "**Verdict:** malicious", "Tor exit", "alex.johnson@contoso.com", "**Sources**")

	answer = ask("Which Azure resources could alex.johnson@contoso.com reach, which secrets were read, which storage was touched? Estimate the blast radius.")
	inOrder("prompt 4", answer, "Contributor on subscription", "Entra ID directory role: User Administrator", "**Key Vault secrets read**", "kv-contoso-prod: ",
		"**Storage account keys listed**", "stcontosoprod", "**Blobs downloaded**", "stcontosoprod/finance-reports with AccountKey: 5 downloads",
		"**Resource groups swept**", "rg-contoso-finance", "### Reach vs touched")
	for _, touched := range []string{"payment-gateway-api-key", "sql-finance-admin-password", "payroll-2024-12.csv", "stcontosofinance", "stcontosobackup", "rg-contoso-prod-apps", "rg-contoso-dev"} {
		if !strings.Contains(answer, touched) {
			t.Errorf("prompt 4: blast radius lacks %s", touched)
		}
	}

	answer = ask("Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.")
	m := regexp.MustCompile("(?s)```kusto\n(.*?)\n```").FindStringSubmatch(answer)
	if m == nil || !strings.Contains(m[1], `ipv4_is_in_range(IPAddress, "185.220.101.0/24")`) {
		t.Fatalf("prompt 5: no query for the range:\n%s", answer)
	}
	inOrder("prompt 5", answer, "On law-contoso-unified it returns", "185.220.101.", "**Sources**")
	answer = ask("Give containment and remediation steps in priority order.")
	inOrder("prompt 6", answer, "1. Revoke alex.johnson@contoso.com's sign-in sessions", "revokeSignInSessions", "2. Block 185.220.101.0/24", "3. Reset", "4. Remove the backdoor administrator svc-backup-admin@contoso.com")
	// Six answers, but Task 4 wants prompt 5's query run too: the analyst runs it (on one line,
	// as pasted into az rest), and the grade passes.
	if out, code := l.grade(t, "--task", "4"); code != 1 || !strings.Contains(out, "has not been run on the workspace") {
		t.Errorf("grade before the query ran: exit %d\n%s", code, out)
	}
	ips := map[string]bool{}
	for _, r := range l.laQuery(t, customerID, strings.ReplaceAll(m[1], "\n", " ")) {
		ips[toString(r["IPAddress"])] = true
	}
	for _, ip := range []string{"185.220.101.45", "185.220.101.23", "185.220.101.89", "185.220.101.112"} {
		if !ips[ip] {
			t.Errorf("prompt 5's query: no row for %s (rows %v)", ip, ips)
		}
	}
	if out, code := l.grade(t, "--task", "4"); code != 0 {
		t.Errorf("grade --task 4 after the six prompts and the query: exit %d\n%s", code, out)
	}

	// Break and fix 2, the role cause.
	if out, err := l.soclab("fault", "on", "copilot-analyst-role-missing"); err != nil {
		t.Fatalf("fault on: %v\n%s", err, out)
	}
	if got := ask("List my recent incidents in Defender XDR"); !strings.Contains(got, "has no Microsoft Entra role that can read Defender XDR") {
		t.Errorf("without a role: %s", got)
	}
	var me struct{ ID string }
	l.azJSON(&me, "rest", "--method", "GET", "--url", "https://graph.microsoft.com/v1.0/me")
	var ra map[string]any
	l.azJSON(&ra, "rest", "--method", "POST", "--url", "https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments",
		"--body", fmt.Sprintf(`{"principalId":%q,"roleDefinitionId":"5d6b6bb7-de71-4623-b4af-96380a352509","directoryScopeId":"/"}`, me.ID))
	if got := ask("List my recent incidents in Defender XDR"); !strings.Contains(got, "| "+number+" | high |") {
		t.Errorf("with Security Reader: %s", got)
	}
}
