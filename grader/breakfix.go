package grader

import (
	"strings"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/scenarios/scenario"
)

// BreakFixState is what the break-and-fix checks read beyond the plain resources.
type BreakFixState struct {
	// DiagnosticsRestored tells, per remove-diagnostic-setting fault, whether a diagnostic setting
	// of the tenant now sends the removed setting's log categories from its resource to its
	// workspace (the learner's repair; break and fix 3).
	DiagnosticsRestored map[string]bool `json:"diagnosticsRestored"`
}

// breakFixState derives the section from the snapshot's diagnostic settings.
func breakFixState(s *scenario.Scenario, snap *Snapshot) BreakFixState {
	out := BreakFixState{DiagnosticsRestored: map[string]bool{}}
	for _, f := range s.Faults {
		if f.Kind != scenario.FaultRemoveDiagnosticSetting {
			continue
		}
		ds, ok := s.DiagnosticSetting(f.Target)
		if !ok {
			continue
		}
		restored := false
		for _, r := range snap.DiagnosticSettings {
			restored = restored || routes(r.ID, string(r.Body), ds)
		}
		out.DiagnosticsRestored[f.ID] = restored
	}
	return out
}

// routes tells whether a diagnostic setting (ARM id and body) sends every category of ds from
// ds's resource to ds's workspace: each category enabled by name, or through the audit or
// allLogs category group.
func routes(id, body string, ds *scenario.DiagnosticSetting) bool {
	lid := strings.ToLower(id)
	if !strings.Contains(lid, "/"+strings.ToLower(ds.Scope)+"/providers/microsoft.insights/diagnosticsettings/") {
		return false
	}
	rg, ws, _ := strings.Cut(strings.ToLower(ds.Workspace), "/")
	wsID := strings.ToLower(gjson.Get(body, "properties.workspaceId").String())
	if !strings.HasSuffix(wsID, "/resourcegroups/"+rg+"/providers/microsoft.operationalinsights/workspaces/"+ws) {
		return false
	}
	logs := gjson.Get(body, "properties.logs").Array()
	for _, cat := range ds.Categories {
		sent := false
		for _, l := range logs {
			if !l.Get("enabled").Bool() {
				continue
			}
			group := strings.ToLower(l.Get("categoryGroup").String())
			sent = sent || strings.EqualFold(l.Get("category").String(), cat) || group == "audit" || group == "alllogs"
		}
		if !sent {
			return false
		}
	}
	return true
}
