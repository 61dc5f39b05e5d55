package identity

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// TestAuditRowsReachTheWorkspace: a learner's write is an AuditLogs row of Entra's own log and,
// through Entra's diagnostic setting, of the lab workspace, after the table's delay; a refused
// write leaves no row and no event.
func TestAuditRowsReachTheWorkspace(t *testing.T) {
	f := newFixture(t)
	f.launch()
	id := simulator.ResourceID(f.tenant.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":"law-contoso-unified","type":%q,"location":"eastus","properties":{"customerId":%q}}`, id, simulator.WorkspaceType, cust)
	if err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	}); err != nil {
		t.Fatal(err)
	}
	f.at("11:00")
	if err := f.svc.Write(f.tenant.ID, admin, func(w *Writer) error { return w.PatchUser(alex, map[string]any{"accountEnabled": "no"}) }); err == nil {
		t.Fatal("a bad accountEnabled was accepted")
	}
	f.write(func(w *Writer) error { return w.RevokeSessions(alex) })
	const query = `AuditLogs | where OperationName in ("Update StsRefreshTokenValidFrom Timestamp", "Update user", "Disable account")
| project OperationName, Category, LoggedByService, Result, who = tostring(InitiatedBy.user.userPrincipalName), target = tostring(TargetResources[0].userPrincipalName), prop = tostring(TargetResources[0].modifiedProperties[0].displayName)
| where who == "analyst@contoso.com"`
	ws, err := f.eng.Workspace(f.tenant.ID, cust)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile(query, f.eng.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := func(at time.Time) [][]any {
		db, err := ws.Database(at)
		if err != nil {
			t.Fatal(err)
		}
		res, err := q.Run(context.Background(), db, kql.RunOptions{Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return res.Rows(false)
	}
	at := time.Date(2025, 1, 15, 11, 0, 0, 0, time.UTC)
	if got := rows(at.Add(time.Minute)); len(got) != 0 {
		t.Fatalf("rows before the AuditLogs delay: %v", got)
	}
	got := rows(at.Add(5 * time.Minute))
	want := "[[Update StsRefreshTokenValidFrom Timestamp UserManagement Core Directory success analyst@contoso.com alex.johnson@contoso.com StsRefreshTokensValidFrom]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("workspace AuditLogs:\n%v\nwant\n%v", got, want)
	}
	entra, _, err := f.svc.Logs(context.Background(), f.tenant.ID, `AuditLogs | where OperationName startswith "Update StsRefresh" | count`)
	if err != nil || fmt.Sprint(entra[0]["Count"]) != "0" {
		// the clock is still 11:00: Entra's own log has it only after the delay too
		t.Fatalf("Entra's log at the write: %v %v", entra, err)
	}
}
