package copilot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/xdr"
)

// TestBreakAndFix2: each cause refuses and clears — the Defender plugin disconnected by the
// fault (fixed by connecting it), the Sentinel GUID instead of the number (fixed by naming the
// number); the fault turned off reconnects; the Sentinel plugin gates KQL.
func TestBreakAndFix2(t *testing.T) {
	l := newLab(t, true)
	list := "List my recent incidents in Defender XDR"
	incident := fmt.Sprint(xdr.FirstIncidentID)
	fault := func(on bool) {
		if _, err := l.Logs.SetFault(l.Tenant.ID, "copilot-defender-plugin-disconnected", on); err != nil {
			t.Fatal(err)
		}
	}
	plugins := func() string {
		ps, err := l.svc.Plugins(l.Tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ps)
	}
	if got := plugins(); got != "[{defender Microsoft Defender XDR true} {sentinel Microsoft Sentinel true}]" {
		t.Fatalf("plugins at start: %s", got)
	}
	fault(true)
	wantInOrder(t, l.ask(t, list).Content, "I don't have access to that incident.", "Microsoft Defender XDR plugin is turned off", "soclab copilot plugins connect defender")
	wantInOrder(t, l.ask(t, "summarize incident "+incident).Content, "I don't have access to that incident.")
	if got := plugins(); got != "[{defender Microsoft Defender XDR false} {sentinel Microsoft Sentinel true}]" {
		t.Fatalf("plugins with the fault: %s", got)
	}
	// Other intents still answer.
	wantInOrder(t, l.ask(t, "enrich 185.220.101.45").Content, "**Verdict:** malicious", "Tor exit node")
	// The fix: connect the plugin (the fault stays on).
	if _, err := l.svc.SetPlugin(l.Tenant.ID, "Microsoft Defender XDR", true); err != nil {
		t.Fatal(err)
	}
	wantInOrder(t, l.ask(t, list).Content, "| "+incident+" | high | active |")
	// The GUID cause refuses and the number clears it.
	wantInOrder(t, l.ask(t, "Summarize incident 6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d").Content, "name the incident by its Defender XDR number")
	wantInOrder(t, l.ask(t, "Summarize incident "+incident).Content, "## Incident "+incident)
	// Off (seen by a read) then on again: the fault disconnects once more; off reconnects.
	// Effects apply when Copilot next reads its plugins, so an off+on with no read between is
	// no change.
	fault(false)
	plugins()
	fault(true)
	wantInOrder(t, l.ask(t, list).Content, "I don't have access to that incident.")
	fault(false)
	wantInOrder(t, l.ask(t, list).Content, "| "+incident+" |")
	// Sentinel's plugin gates the workspace queries.
	if _, err := l.svc.SetPlugin(l.Tenant.ID, "sentinel", false); err != nil {
		t.Fatal(err)
	}
	wantInOrder(t, l.ask(t, "kql for sign-ins from 185.220.101.0/24").Content, "I can't query your Microsoft Sentinel workspace", "connect sentinel")
	if _, err := l.svc.SetPlugin(l.Tenant.ID, "nope", true); !errors.Is(err, ErrUnknownPlugin) {
		t.Errorf("unknown plugin: %v", err)
	}
	if got := plugins(); got != "[{defender Microsoft Defender XDR true} {sentinel Microsoft Sentinel false}]" {
		t.Fatalf("plugins at the end: %s", got)
	}
}

// TestBreakAndFix2Role: the third cause. With copilot-analyst-role-missing on, the analyst's
// Defender-capable roles are gone from the directory (Graph's role assignments, AuditLogs'
// "Remove member from role"), so Copilot refuses Defender XDR prompts on their behalf and not
// the others; assigning Security Reader through the identity model clears it; the fault off
// restores the removed Global Administrator assignment.
func TestBreakAndFix2Role(t *testing.T) {
	l := newLab(t, true)
	list := "List my recent incidents in Defender XDR"
	incident := fmt.Sprint(xdr.FirstIncidentID)
	tenant, err := l.World.TenantByID(l.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	analyst := Analyst(tenant)
	roles := func() []string {
		var out []string
		if err := l.svc.id.Read(l.Tenant.ID, func(d *identity.Directory) error {
			for _, r := range d.UserRoles(analyst.ObjectID) {
				out = append(out, r.DisplayName)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := fmt.Sprint(roles()); got != "[Global Administrator]" {
		t.Fatalf("analyst roles at start: %s", got)
	}
	wantInOrder(t, l.ask(t, list).Content, "| "+incident+" | high | active |")
	if _, err := l.Logs.SetFault(l.Tenant.ID, "copilot-analyst-role-missing", true); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{list, "summarize incident " + incident} {
		r := l.ask(t, p)
		wantInOrder(t, r.Content, "I don't have access to that incident.", "your account analyst@", "has no Microsoft Entra role", "(its directory roles: none)", "Security Reader", "roleManagement/directory/roleAssignments", SecurityReaderRole)
		if r.Outcome != OutcomeRefused || r.Grounded() {
			t.Errorf("%q: outcome %q", p, r.Outcome)
		}
	}
	if got := roles(); len(got) != 0 {
		t.Fatalf("analyst roles with the fault: %v", got)
	}
	// Advanced hunting reads Defender XDR too; Sentinel KQL does not.
	if r := l.ask(t, "advanced hunting query for sign-ins from 185.220.101.0/24"); r.Outcome != OutcomeRefused || !strings.Contains(r.Content, "has no Microsoft Entra role") {
		t.Errorf("hunting without a role: %s %s", r.Outcome, r.Content)
	}
	if r := l.ask(t, "kql for sign-ins from 185.220.101.0/24"); !r.Grounded() {
		t.Errorf("Sentinel KQL without a Defender role: %s", r.Content)
	}
	// Answers that do not read Defender XDR still work.
	if r := l.ask(t, "enrich 185.220.101.45"); !r.Grounded() {
		t.Errorf("TI refused: %s", r.Content)
	}
	// The removal is in the directory's audit log (once ingested), by the tenant's Privileged
	// Role Administrator.
	if _, err := l.World.Advance(l.Tenant.ID, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	rows, _, err := l.svc.id.Logs(context.Background(), l.Tenant.ID, `AuditLogs | where OperationName == "Remove member from role" | project By = tostring(InitiatedBy.user.userPrincipalName), Target = tostring(TargetResources[0].userPrincipalName)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["By"] != "david.chen@contoso.com" || !strings.HasPrefix(fmt.Sprint(rows[0]["Target"]), "analyst@") {
		t.Errorf("audit rows: %v", rows)
	}
	// A user without the role and an app caller: the check is per caller.
	if r, err := l.svc.AnswerAs(context.Background(), l.Tenant.ID, Caller{UPN: "tom.wilson@contoso.com"}, list); err != nil || !r.Grounded() {
		t.Errorf("Security Reader tom.wilson refused: %v %s", err, r.Content)
	}
	if r, err := l.svc.AnswerAs(context.Background(), l.Tenant.ID, Caller{UPN: "emma.brown@contoso.com"}, list); err != nil || r.Grounded() {
		t.Errorf("emma.brown (no role) answered: %v %s", err, r.Content)
	}
	if r, err := l.svc.AnswerAs(context.Background(), l.Tenant.ID, Caller{AppID: tenant.ServicePrincipal.AppID}, list); err != nil || !r.Grounded() {
		t.Errorf("the app caller refused: %v %s", err, r.Content)
	}
	// The fix: assign Security Reader (Graph's roleManagement goes through this writer).
	if err := l.svc.id.Write(l.Tenant.ID, identity.Caller{UPN: analyst.UPN, UserID: analyst.ObjectID}, func(w *identity.Writer) error {
		_, err := w.AssignRole(analyst.ObjectID, SecurityReaderRole, "/")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := l.ask(t, list); !r.Grounded() || !strings.Contains(r.Content, "| "+incident+" |") {
		t.Errorf("after the fix: %s", r.Content)
	}
	// Fault off: the removed Global Administrator comes back; the learner's Security Reader stays.
	if _, err := l.Logs.SetFault(l.Tenant.ID, "copilot-analyst-role-missing", false); err != nil {
		t.Fatal(err)
	}
	l.ask(t, list)
	if got := fmt.Sprint(roles()); got != "[Global Administrator Security Reader]" {
		t.Errorf("analyst roles after the fault went off: %s", got)
	}
}
