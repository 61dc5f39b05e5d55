package e2e

import (
	"strings"
	"testing"
)

// TestAttackerReturnsThroughServer: after `soclab attack launch`, moving the clock past 13:40
// plays the attacker's return on the server; without containment the stolen session and the
// attacker's password sign in again (ResultType 0 in AADNonInteractiveUserSignInLogs and
// SigninLogs), the spray keeps failing with 50126, the attacker reads Key Vault again, and
// `soclab attack status` shows the return as played.
func TestAttackerReturnsThroughServer(t *testing.T) {
	requireAz(t)
	l := newLab(t)
	l.start()
	var ws workspaceOut
	var subs []map[string]any
	// --password=: a secret may start with "-" (base64url), which az would take for an option.
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	if out, err := l.soclab("clock", "freeze"); err != nil {
		t.Fatalf("clock freeze: %v %s", err, out)
	}
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v\n%s", err, out)
	}
	out, err := l.soclab("attack", "status")
	if err != nil || !strings.Contains(out, "attacker-return      T1550.001 13:40:00  pending") {
		t.Fatalf("attack status at 10:05: %v\n%s", err, out)
	}
	if out, err := l.soclab("clock", "set", "--wait", "2025-01-15T14:10:00Z"); err != nil {
		t.Fatalf("clock set --wait: %v\n%s", err, out)
	}
	if out, err := l.soclab("engine", "status"); err != nil || !strings.Contains(out, "containment") {
		t.Fatalf("engine status does not list the containment stage: %v\n%s", err, out)
	}
	rows := l.laQuery(t, ws.CustomerID, `union SigninLogs, AADNonInteractiveUserSignInLogs
		| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress startswith "185.220.101."
		| summarize n = count() by Type, ResultType | order by Type asc, ResultType asc`)
	got := []string{}
	for _, r := range rows {
		got = append(got, toString(r["Type"])+" "+toString(r["ResultType"])+" "+toString(r["n"]))
	}
	want := "AADNonInteractiveUserSignInLogs 0 1|SigninLogs 0 1|SigninLogs 50126 10"
	if strings.Join(got, "|") != want {
		t.Fatalf("return sign-ins: %q, want %q", strings.Join(got, "|"), want)
	}
	rows = l.laQuery(t, ws.CustomerID, `AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and CallerIPAddress == "185.220.101.45" | project OperationName`)
	if got := column(rows, "OperationName"); strings.Join(got, ",") != "SecretList,SecretGet" {
		t.Fatalf("follow-up Key Vault reads: %v", got)
	}
	out, err = l.soclab("attack", "status")
	if err != nil || !strings.Contains(out, "attacker-return      T1550.001 13:40:00  played") {
		t.Fatalf("attack status at 14:10: %v\n%s", err, out)
	}
}
