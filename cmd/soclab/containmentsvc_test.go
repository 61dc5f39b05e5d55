package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// TestControlEndpointsPlayTheReturn drives the control endpoints as `soclab attack launch` and
// `soclab clock set --wait` do through the server's handler chain: moving the clock past 13:40
// plays the attacker's return (the pipeline's first stage, before the rules), and (until the identity plane is wired) the
// attacker gets back in and reads a secret again.
func TestControlEndpointsPlayTheReturn(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
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
	h := withDetection(e, logcontrol.NewHandler(e, control.NewHandler(w), logcontrol.Options{}), false)
	var st logs.AttackStatus
	if err := callLocal(h, "POST", "attack/launch", logcontrol.LaunchRequest{Speed: "instant"}, &st); err != nil {
		t.Fatal(err)
	}
	last := st.Steps[len(st.Steps)-1]
	if last.ID != "attacker-return" || !last.Conditional || last.Played {
		t.Fatalf("status after launch lists %+v last", last)
	}
	var clk control.Clock
	if err := callLocal(h, "POST", "clock/set", control.ClockRequest{Time: "2025-01-15T14:10:00Z"}, &clk); err != nil {
		t.Fatal(err)
	}
	// The engines run in the background; without a server, engine/wait runs them here.
	var status map[string]any
	if err := callLocal(h, "POST", "engine/wait?timeout=60s", nil, &status); err != nil {
		t.Fatal(err)
	}
	if stages := fmt.Sprint(status["stages"]); !strings.HasPrefix(stages, "[map[name:containment reached:2025-01-15T14:10:00") {
		t.Errorf("engine stages: %s", stages)
	}
	ws, err := e.Workspace(ten.ID, cust)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile(`union SigninLogs, AADNonInteractiveUserSignInLogs, AzureDiagnostics
		| where TimeGenerated > datetime(2025-01-15T13:00:00Z) and (IPAddress == '185.220.101.45' or CallerIPAddress == '185.220.101.45')
		| project TimeGenerated, Type, ResultType, OperationName | order by TimeGenerated asc`, e.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows(true) {
		got = append(got, fmt.Sprintln(r...))
	}
	want := []string{
		"2025-01-15T13:40:00Z AADNonInteractiveUserSignInLogs 0 Sign-in activity\n",
		"2025-01-15T13:42:30Z SigninLogs 0 Sign-in activity\n",
		"2025-01-15T13:45:10Z AzureDiagnostics Success SecretList\n",
		"2025-01-15T13:45:40Z AzureDiagnostics Success SecretGet\n",
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, ""), strings.Join(want, ""))
	}
	if err := callLocal(h, "GET", "attack", nil, &st); err != nil {
		t.Fatal(err)
	}
	if last := st.Steps[len(st.Steps)-1]; last.ID != "attacker-return" || !last.Played {
		t.Errorf("status at 14:10 lists %+v last", last)
	}
}
