package copilot

import (
	"errors"
	"fmt"
	"testing"

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
	wantInOrder(t, l.ask(t, "enrich 185.220.101.45").Content, "**Verdict:** malicious")
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
