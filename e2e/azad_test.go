package e2e

import (
	"strings"
	"testing"
)

// TestAzAdCommands: the az ad commands a learner reaches for instead of az rest read and change
// the same directory through Graph.
func TestAzAdCommands(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	loginLaunch(t, l)
	run := func(args ...string) string {
		t.Helper()
		r := l.az(args...)
		if r.code != 0 {
			t.Fatalf("az %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}
	if got := run("ad", "user", "show", "--id", "alex.johnson@contoso.com", "--query", "displayName", "-o", "tsv"); got != "Alex Johnson" {
		t.Fatalf("az ad user show: %q", got)
	}
	if got := run("ad", "group", "show", "--group", "SOC Tier 2", "--query", "id", "-o", "tsv"); !guidPattern.MatchString(got) {
		t.Fatalf("az ad group show: %q", got)
	}
	if got := run("ad", "group", "member", "list", "--group", "SOC Tier 2", "--query", "length(@)"); got != "2" {
		t.Fatalf("az ad group member list: %q", got)
	}
	run("ad", "user", "update", "--id", "alex.johnson@contoso.com", "--account-enabled", "false")
	// az ad user show asks for the default properties only (no accountEnabled), as Graph answers
	if got := run("rest", "--url", "https://graph.microsoft.com/v1.0/users/alex.johnson@contoso.com?$select=accountEnabled", "--query", "accountEnabled", "-o", "tsv"); got != "false" && got != "False" {
		t.Fatalf("accountEnabled after az ad user update: %q", got)
	}
	if got := run("ad", "user", "list", "--filter", "displayName eq 'Alex Johnson'", "--query", "[].userPrincipalName", "-o", "tsv"); got != "alex.johnson@contoso.com" {
		t.Fatalf("az ad user list --filter: %q", got)
	}
}
