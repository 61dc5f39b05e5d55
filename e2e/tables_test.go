package e2e

import (
	"strings"
	"testing"
)

// tableOut is what az prints for a workspace table.
type tableOut struct {
	Name            string `json:"name"`
	Plan            string `json:"plan"`
	RetentionInDays int    `json:"retentionInDays"`
	Schema          struct {
		Name            string `json:"name"`
		TableType       string `json:"tableType"`
		StandardColumns []struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			IsHidden bool   `json:"isHidden"`
		} `json:"standardColumns"`
	} `json:"schema"`
}

// TestWorkspaceTablesThroughAz: the real az lists and shows the lab workspace's tables (plan,
// retention, schema), refuses an unknown table with ARM's error, and the threat intelligence
// rows are in the workspace for the query API.
func TestWorkspaceTablesThroughAz(t *testing.T) {
	t.Parallel()
	requireAz(t)
	l := newLab(t)
	l.start()
	var subs []map[string]any
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	var ws workspaceOut
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")

	var tables []tableOut
	l.azJSON(&tables, "monitor", "log-analytics", "workspace", "table", "list", "-g", socGroup, "--workspace-name", workspace)
	names := map[string]tableOut{}
	for _, tb := range tables {
		names[tb.Name] = tb
	}
	for _, want := range []string{"SigninLogs", "AuditLogs", "ThreatIntelligenceIndicator", "BehaviorAnalytics", "DeviceProcessEvents", "SecurityEvent"} {
		tb, ok := names[want]
		if !ok || tb.Plan != "Analytics" || tb.RetentionInDays != 30 || tb.Schema.TableType != "Microsoft" {
			t.Errorf("table list: %s = %+v (present %v)", want, tb, ok)
		}
	}

	var show tableOut
	l.azJSON(&show, "monitor", "log-analytics", "workspace", "table", "show", "-g", socGroup, "--workspace-name", workspace, "-n", "SigninLogs")
	cols := map[string]string{}
	for _, c := range show.Schema.StandardColumns {
		cols[c.Name] = c.Type
	}
	if show.Name != "SigninLogs" || cols["ResultType"] != "string" || cols["LocationDetails"] != "dynamic" || cols["TimeGenerated"] != "datetime" {
		t.Errorf("table show SigninLogs: %s, columns %v", show.Name, cols)
	}

	r := l.az("monitor", "log-analytics", "workspace", "table", "show", "-g", socGroup, "--workspace-name", workspace, "-n", "NoSuchTable")
	if r.code == 0 || !strings.Contains(r.stderr, "ResourceNotFound") {
		t.Errorf("show an unknown table: exit %d, stderr %q", r.code, r.stderr)
	}

	rows := l.laQuery(t, ws.CustomerID, `ThreatIntelligenceIndicator | where NetworkIP == "185.220.101.45" or NetworkCidrBlock == "185.220.101.0/24" | summarize arg_max(TimeGenerated, *) by IndicatorId | project Description, ThreatType, Active | order by Description asc`)
	if got := column(rows, "Description"); len(got) != 2 || got[0] != "Tor exit node 185.220.101.45" || !strings.HasPrefix(got[1], "Tor exit node range 185.220.101.0/24") {
		t.Errorf("TI rows for the attacker's exit: %v", rows)
	}
}
