package logs

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
)

// diagnosticSettingsType is the ARM type of diagnostic settings (as mockapis/arm stores them).
const diagnosticSettingsType = "Microsoft.Insights/diagnosticSettings"

// standingStreams are the connections the lab's prerequisites call active besides the
// scenario's diagnostic settings: the Defender XDR streaming tables and Sentinel's UEBA.
var standingStreams = []generate.Source{
	generate.SourceDefenderCloudApps, generate.SourceDefenderIdentity, generate.SourceDefenderXDR, generate.SourceSentinelUEBA,
}

// WorkspaceInfo names a Log Analytics workspace of a tenant.
type WorkspaceInfo = workspaceInfo

type workspaceInfo struct {
	// ID is the ARM id; CustomerID the GUID the query API takes; Group and Name its parts.
	ID, CustomerID, Group, Name string
}

type diagSetting struct {
	id, parent, workspaceID string
	categories              []string
}

func listWorkspaces(tx *simulator.TenantTx) ([]workspaceInfo, error) {
	ws, err := tx.Workspaces()
	if err != nil {
		return nil, err
	}
	out := make([]workspaceInfo, 0, len(ws))
	for _, w := range ws {
		out = append(out, workspaceInfo{ID: w.ID, CustomerID: strings.ToLower(w.CustomerID), Group: w.ResourceGroup, Name: w.Name})
	}
	return out, nil
}

func listSettings(tx *simulator.TenantTx) ([]diagSetting, error) {
	rs, err := tx.ResourcesUnder("/subscriptions/"+tx.Tenant().Subscription.ID, diagnosticSettingsType)
	if err != nil {
		return nil, err
	}
	var out []diagSetting
	for _, r := range rs {
		var body struct {
			Properties struct {
				WorkspaceID string `json:"workspaceId"`
				Logs        []struct {
					Category      string `json:"category"`
					CategoryGroup string `json:"categoryGroup"`
					Enabled       bool   `json:"enabled"`
				} `json:"logs"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return nil, fmt.Errorf("decode diagnostic setting %s: %w", r.ID, err)
		}
		s := diagSetting{id: r.ID, workspaceID: body.Properties.WorkspaceID}
		if i := strings.Index(strings.ToLower(r.ID), "/providers/microsoft.insights/diagnosticsettings/"); i >= 0 {
			s.parent = r.ID[:i]
		}
		for _, l := range body.Properties.Logs {
			if l.Enabled {
				s.categories = append(s.categories, strings.ToLower(l.Category+l.CategoryGroup))
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// sourcesOf maps a diagnostic setting's parent and enabled categories to the sources it routes.
func sourcesOf(s diagSetting) []generate.Source {
	parent := strings.ToLower(s.parent)
	has := func(names ...string) bool {
		for _, c := range s.categories {
			for _, n := range names {
				if c == n {
					return true
				}
			}
		}
		return false
	}
	switch {
	case strings.Contains(parent, "/providers/microsoft.keyvault/vaults/") && has("auditevent", "audit", "alllogs"):
		return []generate.Source{generate.SourceKeyVault}
	case strings.Contains(parent, "/providers/microsoft.storage/storageaccounts/") && strings.Contains(parent, "/blobservices/") && has("storageread", "storagewrite", "storagedelete", "audit", "alllogs"):
		return []generate.Source{generate.SourceStorage}
	case !strings.Contains(parent, "/resourcegroups/") && strings.HasPrefix(parent, "/subscriptions/") && has("administrative"):
		return []generate.Source{generate.SourceAzureActivity}
	}
	return nil
}

// routesFor returns, for one workspace, each routed source and the event time from which it
// is routed (the zero time: the whole history).
func routesFor(s *scenario.Scenario, st *tenantState, ws workspaceInfo) map[generate.Source]time.Time {
	routes := map[generate.Source]time.Time{}
	add := func(src generate.Source, from time.Time) {
		if cur, ok := routes[src]; !ok || from.Before(cur) {
			routes[src] = from
		}
	}
	removed := map[string]bool{}
	for _, f := range s.Faults {
		if f.Kind == scenario.FaultRemoveDiagnosticSetting && st.faults[f.ID] {
			removed[f.Target] = true
		}
	}
	lab := false
	for _, d := range s.Cast.DiagnosticSettings {
		if !strings.EqualFold(d.Workspace, ws.Group+"/"+ws.Name) {
			continue
		}
		lab = true
		if removed[d.Name] {
			continue
		}
		for _, src := range d.Sources {
			add(generate.Source(src), time.Time{})
		}
	}
	if lab {
		for _, src := range standingStreams {
			add(src, time.Time{})
		}
	}
	for _, d := range st.settings {
		if !strings.EqualFold(d.workspaceID, ws.ID) {
			continue
		}
		from := writtenAt(st.activities, d.id, st.now)
		for _, src := range sourcesOf(d) {
			add(src, from)
		}
	}
	return routes
}

// writtenAt is when a diagnostic setting was created: its first write after its last delete in
// the action log (the tenant clock if the log does not say).
func writtenAt(acts []simulator.Activity, id string, fallback time.Time) time.Time {
	var at time.Time
	for _, a := range acts {
		if !strings.EqualFold(a.ResourceID, id) || a.Status != "Succeeded" {
			continue
		}
		switch {
		case strings.HasSuffix(a.OperationName, "/DELETE"):
			at = time.Time{}
		case strings.HasSuffix(a.OperationName, "/WRITE") && at.IsZero():
			at = a.Time
		}
	}
	if at.IsZero() {
		return fallback
	}
	return at
}

func groupOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}
