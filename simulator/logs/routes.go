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
// scenario's diagnostic settings: the Defender XDR streaming tables (identity, cloud apps, Office
// 365, endpoint), Sentinel's UEBA, its threat intelligence connectors, the Microsoft 365
// connector and the servers' Azure Monitor Agent (Windows security events, DNS, Heartbeat).
var standingStreams = []generate.Source{
	generate.SourceDefenderCloudApps, generate.SourceDefenderIdentity, generate.SourceDefenderXDR, generate.SourceSentinelUEBA,
	generate.SourceThreatIntel, generate.SourceDefenderOffice, generate.SourceDefenderEndpoint, generate.SourceOffice365,
	generate.SourceAzureMonitorAgent,
}

// WorkspaceInfo names a Log Analytics workspace of a tenant.
type WorkspaceInfo = workspaceInfo

type workspaceInfo struct {
	// ID is the ARM id; CustomerID the GUID the query API takes; Group and Name its parts.
	ID, CustomerID, Group, Name string
}

// diagSetting is one version of a diagnostic setting and when it was in force ([from, to);
// zero from: since before the history; zero to: still in force).
type diagSetting struct {
	id, parent, workspaceID string
	categories              []string
	from, to                time.Time
}

// span is an event-time interval [from, to) during which a source is routed (zero to: open).
type span struct{ from, to time.Time }

func (s span) contains(t time.Time) bool {
	return !t.Before(s.from) && (s.to.IsZero() || t.Before(s.to))
}

// routeSet is, per source, the intervals of event time a workspace receives.
type routeSet map[generate.Source][]span

func (r routeSet) add(src generate.Source, s span) { r[src] = append(r[src], s) }

// routed reports whether a row of src with event time t reaches the workspace.
func (r routeSet) routed(src generate.Source, t time.Time) bool {
	for _, s := range r[src] {
		if s.contains(t) {
			return true
		}
	}
	return false
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

// listSettings reads the tenant's diagnostic settings, current and past versions, from ARM's
// resources (the one source of truth: standing settings are seeded there too).
func listSettings(tx *simulator.TenantTx) ([]diagSetting, error) {
	periods, err := tx.DiagnosticSettingPeriods()
	if err != nil {
		return nil, err
	}
	var out []diagSetting
	for _, r := range periods {
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
		s := diagSetting{id: r.ID, workspaceID: body.Properties.WorkspaceID, from: r.From, to: r.To}
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

// routesFor returns, for one workspace, each routed source and the event-time intervals in
// which it is routed: the diagnostic settings (ARM resources, with the versions replaced or
// deleted since) whose workspaceId is the workspace, each over the time it was in force; and,
// on the lab workspace (the one the scenario's settings name), Entra ID's tenant-level setting
// and the Defender XDR and UEBA streams over the whole history.
func routesFor(s *scenario.Scenario, st *tenantState, ws workspaceInfo) routeSet {
	routes := routeSet{}
	for _, d := range s.Cast.DiagnosticSettings {
		if !strings.EqualFold(d.Workspace, ws.Group+"/"+ws.Name) {
			continue
		}
		if d.Scope == "tenant" { // not an ARM resource of the subscription (see simulator.ScenarioSeed)
			for _, src := range d.Sources {
				routes.add(generate.Source(src), span{})
			}
		}
		for _, src := range standingStreams {
			if len(routes[src]) == 0 {
				routes.add(src, span{})
			}
		}
	}
	for _, d := range st.settings {
		if !strings.EqualFold(d.workspaceID, ws.ID) {
			continue
		}
		for _, src := range sourcesOf(d) {
			routes.add(src, span{from: d.from, to: d.to})
		}
	}
	return routes
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
