package grader

import (
	"regexp"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// launch plays the attack at once (the clock jumps to 10:05) and runs the rule engine up to
// the tenant's clock, as the server does after `soclab attack launch`.
func (l *lab) launch(rules *detect.Engine) {
	l.t.Helper()
	speed, err := logs.ParseSpeed("instant")
	if err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.engine.Launch(l.tenant.ID, speed); err != nil {
		l.t.Fatal(err)
	}
	if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
		l.t.Fatal(err)
	}
}

// TestGradeLabFlow is the lab's flow: the rules and the connector from the real CLI's requests
// (Task 1-2), the attack launched (Task 3), the rules run on the clock: Tasks 1-2 pass in full.
func TestGradeLabFlow(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.replay(nil)
	l.launch(rules)
	rep := l.grade(1, 2)
	for _, r := range rep.Results {
		if !r.Passed {
			t.Errorf("%s failed: %s", r.ID, r.Detail)
		}
	}
	if !rep.AllPassed || rep.Score != 34 {
		t.Errorf("score %d/%d, all passed %v", rep.Score, rep.MaxScore, rep.AllPassed)
	}
	// Tasks 1-2 done, the rest not: grading everything never says all passed, and no check of
	// the Copilot, containment, break-and-fix or knowledge tasks passes.
	if all := l.grade(); all.AllPassed {
		t.Errorf("all tasks graded after Tasks 1-2 only: all passed")
	} else {
		for _, r := range all.Results {
			if r.Task >= 4 && r.Passed {
				t.Errorf("%s passed without its task: %s", r.ID, r.Detail)
			}
		}
	}
	text, _, junit := reports(t, rep)
	golden(t, "lab-flow.txt", text)
	checkJUnit(t, junit, 12, 0)
	checkOutcomes(t, rep, map[string]outcome{
		"rule1-fired": {true, "3 alert(s) about the attack step(s) initial-access, data-exfiltration, lateral-movement, the earliest about activity from 2025-01-15 08:32Z"},
		"rule2-fired": {true, "3 alert(s) about the attack step(s) credential-access, password-change, the earliest about activity from 2025-01-15 08:36Z"},
		"rule3-fired": {true, "11 alert(s) about the attack step(s) lateral-movement, the earliest about activity from 2025-01-15 09:05Z"},
	})
}

// TestGradeRulesAfterAttack creates the rules after the attack (a fooling attempt): rules 1 and 2
// run but never see it, and rule 3's first run looks back over its query period and alerts on the
// sweep from before it existed, which does not count as detecting it.
func TestGradeRulesAfterAttack(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.launch(rules)
	l.replay(nil)
	if _, err := l.world.Advance(l.tenant.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule1-query": {true, "names the attacker at 2025-01-15 08:45Z, catches the 2 variants of the attack and matches none of the background"},
		"rule1-fired": {false, "no alert from this rule: it ran 4 time(s) and never matched"},
		"rule2-fired": {false, "no alert from this rule: it ran 59 time(s) and never matched"},
		// Its first run (10:05) looks back an hour and sees the sweep of 09:05-09:08.
		"rule3-fired": {false, "its 2 alert(s) are about lateral-movement at 2025-01-15 09:05Z, before the rule existed (created 2025-01-15 10:05Z): " +
			"Sentinel runs a new scheduled rule at once over its query period, so it reported activity from the past, which is not detecting it " +
			"(create the rule before the attack, or replay the step with `soclab attack replay lateral-movement`)"},
	})
}

// TestGradeKeyVaultDiagnosticsMissing is break-and-fix 3 seen by the grader: without Key Vault's
// logs in the workspace the NRT rule runs but never fires (the password change comes more than 15
// minutes after the risky sign-in), while its query (judged over the scenario's telemetry,
// whatever the routing) still passes.
func TestGradeKeyVaultDiagnosticsMissing(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.engine.SetFault(l.tenant.ID, "kv-diagnostics-missing", true); err != nil {
		t.Fatal(err)
	}
	l.replay(nil)
	l.launch(rules)
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule2-query": {true, "names the attacker at 2025-01-15 08:37Z, catches the 2 variants of the attack and matches none of the background"},
		// Only the password change (AuditLogs, the query's other branch) reaches the workspace.
		"rule2-fired": {false, "no alert from this rule: it ran 184 time(s) and never matched"},
	})
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {false, "no diagnostic setting sends kv-contoso-prod's AuditEvent logs to law-contoso-unified (found false)"},
		"bf3-replay":      {false, "no alert from this rule about a replay: the attack step(s) credential-access have not been replayed yet (after the repair, `soclab attack replay credential-access`)"},
	})

	// The repair as challenge.md gives it: a diagnostic setting for the vault, then a replay of
	// the step. The NRT rule's alerts about the replayed reads count as the rule firing.
	rg := "/subscriptions/" + l.tenant.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/"
	setting := `{"properties":{"workspaceId":"` + rg + `Microsoft.OperationalInsights/workspaces/law-contoso-unified","logs":[{"category":"AuditEvent","enabled":true}]}}`
	if st, body := l.do("PUT", rg+"Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/send-to-sentinel?api-version=2021-05-01-preview", setting); st != 200 {
		t.Fatalf("create the diagnostic setting: %d %s", st, body)
	}
	rep, err := l.engine.Replay(l.tenant.ID, "credential-access")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.world.SetTime(l.tenant.ID, rep.At.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule2-fired": {true, "2 alert(s) about the attack step(s) credential-access, password-change, the earliest about activity from 2025-01-15 10:10Z"},
	})
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {true, ""},
		"bf3-replay":      {true, "2 alert(s) about replays of the attack step(s) credential-access, the earliest about activity from 2025-01-15 10:10Z"},
	})
}

// TestGradeKQLAndActivityChecks runs the kql and activity kinds over the lab flow's state.
func TestGradeKQLAndActivityChecks(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.replay(nil)
	l.launch(rules)
	none := 0
	g := NewWithChecks(l.engine, &Checks{
		Workspace: l.grader.Checks().Workspace,
		Tasks:     map[int]string{1: "One"},
		Checks: []Check{
			{ID: "rule-writes", Task: 1, Title: "rules written", Points: 1, Hint: "h",
				Activity: &ActivityCheck{Operation: "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE", Resource: "rule-lateral-movement-detection"}},
			{ID: "no-deletes", Task: 1, Title: "no rule deleted", Points: 1, Hint: "h",
				Activity: &ActivityCheck{Operation: "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/DELETE"}},
			{ID: "health", Task: 1, Title: "rule 2 ran", Points: 1, Hint: "h",
				KQL: &KQLCheck{Query: `SentinelHealth | where SentinelResourceName == "Post-Compromise Credential Access Attempt" | summarize Runs = count() | where Runs > 100`}},
			{ID: "alerts", Task: 1, Title: "alerts name alex", Points: 1, Hint: "h",
				KQL: &KQLCheck{Query: `SecurityAlert | project AlertName, Entities`, Mentions: []string{"alex.johnson"}}},
			{ID: "quiet", Task: 1, Title: "nothing failed", Points: 1, Hint: "h",
				KQL: &KQLCheck{Query: `SentinelHealth | where Status != "Success"`, MinRows: &none, MaxRows: &none}},
			{ID: "no-alerts", Task: 1, Title: "no alert at all", Points: 1, Hint: "h",
				KQL: &KQLCheck{Query: `SecurityAlert | project AlertName`, MinRows: &none, MaxRows: &none}},
		},
	})
	rep, err := g.Grade(t.Context(), l.tenant.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, rep, map[string]outcome{
		"rule-writes": {true, "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE at 2025-01-15 07:00Z"},
		"no-deletes":  {false, "the action log has no Succeeded MICROSOFT.SECURITYINSIGHTS/ALERTRULES/DELETE"},
		"health":      {true, "1 row(s)"},
		"alerts":      {true, "16 row(s)"},
		"quiet":       {true, "0 row(s)"},
		"no-alerts":   {false, "the workspace query returns 16 row(s), at most 0 expected (first: AlertName=Post-Compromise Credential Access Attempt)"},
	})
}

// TestGradeAlertOutsideAttack: an alert of the rule about other activity does not count.
func TestGradeAlertOutsideAttack(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	snap, err := TakeSnapshot(l.engine, l.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	ws := snap.Workspaces[0]
	var ruleID string
	for _, r := range ws.Rules {
		if r.Name == "rule-suspicious-signin-resource-access" {
			ruleID = r.ID
		}
	}
	day := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	err = l.world.Update(l.tenant.ID, func(tx *simulator.TenantTx) error {
		_, err := sentinel.CreateAlert(tx, ws.ID, sentinel.NewAlert{RuleID: ruleID, DisplayName: "old", Severity: "High", StartTime: day, EndTime: day.Add(time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule1-fired": {false, "1 alert(s) from this rule, none about the attack step(s) initial-access, data-exfiltration, lateral-movement (activity within the step, naming the attacker's account or addresses)"},
	})
}

// TestGradeTakeFive is a fooling attempt: rules whose query returns whatever rows the window
// holds (`| take 5`) fire during the attack, and some alerts name alex.johnson, but each also names
// other people: neither the query nor the firing counts.
func TestGradeTakeFive(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.replay(func(name string, body map[string]any) {
		switch name {
		case "rule-suspicious-signin-resource-access":
			body["properties"].(map[string]any)["query"] = "SigninLogs | take 5"
		case "rule-lateral-movement-detection":
			body["properties"].(map[string]any)["query"] = "AzureActivity | take 5"
		}
	})
	l.launch(rules)
	rep := l.grade(1)
	// Which rows `take` returns is up to the engine (as in Kusto): name the other person X.
	for i, r := range rep.Results {
		rep.Results[i].Detail = regexp.MustCompile(`also name [a-z.0-9]+@contoso\.com,`).ReplaceAllString(r.Detail, "also name X,")
	}
	checkOutcomes(t, rep, map[string]outcome{
		"rule1-query": {false, "it also matches benign activity: run at 2024-12-16 08:00Z without the attack it returns 1 row(s), e.g. AADTenantId=4f1e2d3c-5b6a-4978-8a1b-2c3d4e5f6a7b, AlternateSignInName=garfield.weber@contoso.com, AppDisplayName=Outlook Mobile, AppId=27922004-5251-4030-b22d-91ecd9a37ea4, AppliedConditionalAccessPolicies=[], AppliedEventListeners=[], AuthenticationContextClassReferences=[], ..."},
		"rule1-fired": {false, "3 alert(s) about the time of the attack step(s) initial-access, data-exfiltration, lateral-movement also name X, who is not the attacker: the alerts are not about the attack step (a rule must return the attacker's rows, not whatever rows the window holds)"},
		"rule3-query": {false, `it also matches benign activity: run at 2024-12-16 16:00Z without the attack it returns 2 row(s), e.g. ActivityStatus=Started, ActivityStatusValue=Start, ActivitySubstatus=, ActivitySubstatusValue=, Authorization={"action":"Microsoft.Resources/deployments/write","eviden..., Authorization_d={"action":"Microsoft.Resources/deployments/write","eviden..., ...`},
		// During the sweep AzureActivity holds the attacker's rows only, so some alerts name alex
		// alone: the rule still does not detect anything, its query fails its check.
		"rule3-fired": {false, "4 alert(s) about the attack step(s) lateral-movement, but the rule's query fails its own check (rule3-query): alerts of a query that also returns other activity, or misses the attack played differently, are luck, not detection"},
	})
}

// TestGradeAlertNamingOthers: an alert during the attack that names alex.johnson and someone
// else is not about the attack step.
func TestGradeAlertNamingOthers(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.launch(rules)
	l.replay(nil)
	snap, err := TakeSnapshot(l.engine, l.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	ws := snap.Workspaces[0]
	var ruleID string
	for _, r := range ws.Rules {
		if r.Name == "rule-lateral-movement-detection" {
			ruleID = r.ID
		}
	}
	at := time.Date(2025, 1, 15, 9, 5, 0, 0, time.UTC)
	account := func(name string) sentinel.NewEntity {
		return sentinel.NewEntity{Kind: "Account", Properties: map[string]any{"accountName": name, "upnSuffix": "contoso.com"}}
	}
	err = l.world.Update(l.tenant.ID, func(tx *simulator.TenantTx) error {
		_, err := sentinel.CreateAlert(tx, ws.ID, sentinel.NewAlert{RuleID: ruleID, DisplayName: "sweep", Severity: "Medium", StartTime: at, EndTime: at,
			Entities: []sentinel.NewEntity{account("alex.johnson"), account("james.lee")}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule3-fired": {false, "1 alert(s) about the time of the attack step(s) lateral-movement also name james.lee@contoso.com, who is not the attacker: the alerts are not about the attack step (a rule must return the attacker's rows, not whatever rows the window holds)"},
	})
}

// TestGradeBreakAndFix3 goes through break and fix 3 out of order: before the fault nothing of it
// passes; a replay before the repair cannot fire the rule (Key Vault's reads are not routed),
// the repair alone proves nothing, a replay after it does.
func TestGradeBreakAndFix3(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.replay(nil)
	l.launch(rules) // the rule fires on the attack (3 alerts): no replay yet
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {false, "the fault kv-diagnostics-missing is not on (break and fix 3 has not started) (found false)"},
	})
	if _, err := l.engine.SetFault(l.tenant.ID, "kv-diagnostics-missing", true); err != nil {
		t.Fatal(err)
	}
	replay := func() {
		rep, err := l.engine.Replay(l.tenant.ID, "credential-access")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.world.SetTime(l.tenant.ID, rep.At.Add(20*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
			t.Fatal(err)
		}
	}
	replay()
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {false, "no diagnostic setting sends kv-contoso-prod's AuditEvent logs to law-contoso-unified (found false)"},
		"bf3-replay":      {false, "3 alert(s) from this rule, none about replays of the attack step(s) credential-access (activity within the step, naming the attacker's account or addresses)"},
	})
	rg := "/subscriptions/" + l.tenant.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/"
	// A setting to another workspace, or without AuditEvent, is not the repair.
	setting := `{"properties":{"workspaceId":"` + rg + `Microsoft.OperationalInsights/workspaces/law-contoso-unified","logs":[{"category":"AzurePolicyEvaluationDetails","enabled":true}]}}`
	if st, body := l.do("PUT", rg+"Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/policy-only?api-version=2021-05-01-preview", setting); st != 200 {
		t.Fatalf("create the diagnostic setting: %d %s", st, body)
	}
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {false, "no diagnostic setting sends kv-contoso-prod's AuditEvent logs to law-contoso-unified (found false)"},
	})
	setting = `{"properties":{"workspaceId":"` + rg + `Microsoft.OperationalInsights/workspaces/law-contoso-unified","logs":[{"categoryGroup":"audit","enabled":true}]}}`
	if st, body := l.do("PUT", rg+"Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/send-to-sentinel?api-version=2021-05-01-preview", setting); st != 200 {
		t.Fatalf("create the diagnostic setting: %d %s", st, body)
	}
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {true, ""},
		"bf3-replay":      {false, "3 alert(s) from this rule, none about replays of the attack step(s) credential-access (activity within the step, naming the attacker's account or addresses)"},
	})
	replay()
	checkOutcomes(t, l.grade(6), map[string]outcome{
		"bf3-diagnostics": {true, ""},
		"bf3-replay":      {true, "2 alert(s) about replays of the attack step(s) credential-access, the earliest about activity from 2025-01-15 10:30Z"},
	})
}

// TestGradeRuleFixedAfterAttack: rule 3 was in place during the attack with a query that could not
// match; fixed after the attack, its runs look back and alert on the sweep. That is not the rule
// in place detecting it: the fired check fails until the step is replayed.
func TestGradeRuleFixedAfterAttack(t *testing.T) {
	l := newLab(t)
	rules, err := detect.New(l.engine, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fixed string
	l.replay(func(name string, body map[string]any) {
		if name == "rule-lateral-movement-detection" {
			p := body["properties"].(map[string]any)
			fixed = p["query"].(string)
			p["query"] = mustReplace(fixed, "OperationCount > 10", "OperationCount > 1000")
		}
	})
	l.launch(rules) // the clock is at 10:05
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule3-fired": {false, "no alert from this rule: it ran 37 time(s) and never matched"},
	})
	l.replay(func(name string, body map[string]any) {
		if name == "rule-lateral-movement-detection" {
			body["properties"].(map[string]any)["query"] = fixed
		}
	})
	if _, err := l.world.Advance(l.tenant.ID, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule3-fired": {false, "its 1 alert(s) are about lateral-movement at 2025-01-15 09:05Z, before the rule's current version (changed 2025-01-15 10:05Z): " +
			"its runs after the change looked back over its query period and reported activity from the past, which the rule in place then did not detect " +
			"(replay the step with `soclab attack replay lateral-movement`)"},
	})
	if _, err := l.engine.Replay(l.tenant.ID, "lateral-movement"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.world.Advance(l.tenant.ID, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.AdvanceToNow(l.tenant.ID); err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, l.grade(1), map[string]outcome{
		"rule3-fired": {true, "2 alert(s) about the attack step(s) lateral-movement, the earliest about activity from 2025-01-15 10:15Z"},
	})
}
