package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// returnLab is a state with the lab workspace behind the server's control chain (engines run
// in the request by engine/wait, as on a state file without a server).
type returnLab struct {
	t      testing.TB
	world  *simulator.World
	logs   *logs.Engine
	h      http.Handler
	tenant simulator.Tenant
	cust   string
}

func newReturnLab(t testing.TB) *returnLab {
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	s, err := scenario.LoadBuiltin(labScenario)
	if err != nil {
		t.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	ten, _ := w.TenantByName(simulator.DefaultTenantName)
	id := simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":"law-contoso-unified","type":%q,"location":"eastus","properties":{"customerId":%q}}`, id, simulator.WorkspaceType, cust)
	if err := w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	}); err != nil {
		t.Fatal(err)
	}
	h := withDetection(e, logcontrol.NewHandler(e, control.NewHandler(w), logcontrol.Options{}), false, nil)
	return &returnLab{t: t, world: w, logs: e, h: h, tenant: ten, cust: cust}
}

// clock sets the clock and waits for the engines, as `soclab clock set --wait` does.
func (l *returnLab) clock(at string) map[string]any {
	l.t.Helper()
	var clk control.Clock
	if err := callLocal(l.h, "POST", "clock/set", control.ClockRequest{Time: at}, &clk); err != nil {
		l.t.Fatal(err)
	}
	var status map[string]any
	if err := callLocal(l.h, "POST", "engine/wait?timeout=60s", nil, &status); err != nil {
		l.t.Fatal(err)
	}
	return status
}

func (l *returnLab) query(src string) []string {
	l.t.Helper()
	ws, err := l.logs.Workspace(l.tenant.ID, l.cust)
	if err != nil {
		l.t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		l.t.Fatal(err)
	}
	q, err := kql.Compile(src, l.logs.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		l.t.Fatal(err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		l.t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows(true) {
		got = append(got, strings.TrimSuffix(fmt.Sprintln(r...), "\n"))
	}
	return got
}

var analyst = identity.Caller{UserID: "00000000-0000-0000-0000-0000000000aa", UPN: "analyst@contoso.com", IP: "127.0.0.1"}

// blockRange is what challenge.md's Task 5 does: a named location and a CA policy blocking it.
func blockRange(cidr string) func(w *identity.Writer) error {
	return func(w *identity.Writer) error {
		loc, err := identity.NormalizeLocation(map[string]any{"@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "Blocked - Attack Source IPs",
			"ipRanges": []any{map[string]any{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": cidr}}}, nil, w.Dir.At)
		if err != nil {
			return err
		}
		loc["id"] = "a1b2c3d4-0000-4000-8000-000000000001"
		w.PutLocation(loc, nil)
		p, err := identity.NormalizePolicy(w.Dir, map[string]any{"displayName": "Block - Attack Source IPs", "state": "enabled",
			"conditions": map[string]any{"clientAppTypes": []any{"all"}, "applications": map[string]any{"includeApplications": []any{"All"}},
				"users": map[string]any{"includeUsers": []any{"All"}}, "locations": map[string]any{"includeLocations": []any{loc["id"]}}},
			"grantControls": map[string]any{"operator": "OR", "builtInControls": []any{"block"}}}, nil, w.Dir.At)
		if err != nil {
			return err
		}
		p["id"] = "a1b2c3d4-0000-4000-8000-000000000002"
		w.PutPolicy(p, nil)
		return nil
	}
}

// TestReturnDecidedByTheDirectory plays the return through the server's handler chain with the
// real identity plane: the containment a learner does at 11:00 through the directory decides
// the codes of the 13:40 refresh and the 13:42:30 password sign-in, and whether the attacker
// reads Key Vault again at 13:45.
func TestReturnDecidedByTheDirectory(t *testing.T) {
	const alex = "alex.johnson@contoso.com"
	cases := []struct {
		name    string
		contain func(w *identity.Writer) error
		want    []string
	}{
		{"no containment", nil, []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 0 success Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 0 success Sign-in activity",
			"2025-01-15T13:45:10Z AzureDiagnostics Success  SecretList",
			"2025-01-15T13:45:40Z AzureDiagnostics Success  SecretGet"}},
		{"sessions revoked", func(w *identity.Writer) error { return w.RevokeSessions(alex) }, []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 50173 notApplied Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 0 success Sign-in activity",
			"2025-01-15T13:45:10Z AzureDiagnostics Success  SecretList",
			"2025-01-15T13:45:40Z AzureDiagnostics Success  SecretGet"}},
		{"CA block on 185.220.101.0/24", blockRange("185.220.101.0/24"), []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 53003 failure Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 53003 failure Sign-in activity"}},
		{"CA block on 185.0.0.0/24 (the original lab's range)", blockRange("185.0.0.0/24"), []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 0 success Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 0 success Sign-in activity",
			"2025-01-15T13:45:10Z AzureDiagnostics Success  SecretList",
			"2025-01-15T13:45:40Z AzureDiagnostics Success  SecretGet"}},
		{"account disabled", func(w *identity.Writer) error { return w.PatchUser(alex, map[string]any{"accountEnabled": false}) }, []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 50057 notApplied Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 50057 notApplied Sign-in activity"}},
		{"password reset", func(w *identity.Writer) error {
			return w.PatchUser(alex, map[string]any{"passwordProfile": map[string]any{"password": "Contained-2025!x", "forceChangePasswordNextSignIn": true}})
		}, []string{
			"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 50173 notApplied Sign-in activity",
			"2025-01-15T13:42:30Z SigninLogs 50126 notApplied Sign-in activity"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newReturnLab(t)
			var st logs.AttackStatus
			if err := callLocal(l.h, "POST", "attack/launch", logcontrol.LaunchRequest{Speed: "instant"}, &st); err != nil {
				t.Fatal(err)
			}
			if last := st.Steps[len(st.Steps)-1]; last.ID != "attacker-return" || !last.Conditional || last.Played {
				t.Fatalf("status after launch lists %+v last", last)
			}
			l.clock("2025-01-15T11:00:00Z")
			if c.contain != nil {
				if err := identity.NewService(l.logs).Write(l.tenant.ID, analyst, c.contain); err != nil {
					t.Fatal(err)
				}
			}
			status := l.clock("2025-01-15T14:10:00Z")
			if stages := fmt.Sprint(status["stages"]); !strings.HasPrefix(stages, "[map[name:containment reached:2025-01-15T14:10:00") {
				t.Errorf("engine stages: %s", stages)
			}
			got := l.query(`union SigninLogs, AADNonInteractiveUserSignInLogs, AzureDiagnostics
				| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and (IPAddress == '185.220.101.45' or CallerIPAddress == '185.220.101.45')
				| project TimeGenerated, Type, ResultType, ConditionalAccessStatus, OperationName | order by TimeGenerated asc`)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			// Failures before Conditional Access list the tenant's policies, none applied.
			early := l.query(`union (SigninLogs | extend pol = ConditionalAccessPolicies), (AADNonInteractiveUserSignInLogs | extend pol = parse_json(ConditionalAccessPolicies))
				| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45' and ConditionalAccessStatus == 'notApplied'
				| mv-expand p = pol | summarize n = count(), applied = countif(tostring(p.result) !in ('notApplied', 'reportOnlyNotApplied', 'notEnabled')) by ResultType
				| order by ResultType asc`)
			wantEarly := map[string]string{"sessions revoked": "50173 2 0", "account disabled": "50057 4 0", "password reset": "50126 2 0|50173 2 0"}[c.name]
			if strings.Join(early, "|") != wantEarly {
				t.Errorf("policies of failures before CA: %q, want %q", early, wantEarly)
			}
			spray := l.query(`SigninLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress in ('185.220.101.23', '185.220.101.89')
				| mv-expand p = ConditionalAccessPolicies | summarize count() by ResultType, ConditionalAccessStatus, policy = tostring(p.displayName), result = tostring(p.result)`)
			wantSpray := "50126 notApplied Require MFA for all users notApplied 10|50126 notApplied Require compliant device for Azure management reportOnlyNotApplied 10"
			if strings.HasPrefix(c.name, "CA block") {
				wantSpray += "|50126 notApplied Block - Attack Source IPs notApplied 10"
			}
			if strings.Join(spray, "|") != wantSpray {
				t.Errorf("the spray's guesses:\n%s\nwant\n%s", strings.Join(spray, "\n"), strings.ReplaceAll(wantSpray, "|", "\n"))
			}
			if err := callLocal(l.h, "GET", "attack", nil, &st); err != nil {
				t.Fatal(err)
			}
			if last := st.Steps[len(st.Steps)-1]; last.ID != "attacker-return" || !last.Played {
				t.Errorf("status at 14:10 lists %+v last", last)
			}
		})
	}
}
