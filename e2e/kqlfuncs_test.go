package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// Issue 13's engine through the real az CLI and soclab kql on a running server: a fuzzy union
// with a table the workspace lacks, anomaly detection over the attack's sign-ins, a lab blob read
// by externaldata and the offline internet, and soclab kql on the workspace and on advanced
// hunting, each with its own source's error.
func TestDetectionKQLThroughTheLab(t *testing.T) {
	t.Parallel()
	requireAz(t)
	l := newLab(t)
	l.start()
	var ws workspaceOut
	l.azJSON(&[]map[string]any{}, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", l.vars["SOCLAB_TENANT_ID"])
	l.azJSON(&ws, "monitor", "log-analytics", "workspace", "create", "-g", socGroup, "-n", workspace, "-l", "eastus")
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("attack launch: %v %s", err, out)
	}
	t.Run("union isfuzzy drops the missing table", func(t *testing.T) {
		rows := l.laQuery(t, ws.CustomerID, `union isfuzzy=true (NoSuchTable_CL | where x == 1), (SigninLogs | where IPAddress startswith "185.220.101.") | summarize n = count()`)
		if len(rows) != 1 || rows[0]["n"].(float64) == 0 {
			t.Fatalf("fuzzy union: %v", rows)
		}
	})
	t.Run("series_decompose_anomalies flags the spray's hour", func(t *testing.T) {
		rows := l.laQuery(t, ws.CustomerID, `SigninLogs
| where TimeGenerated > ago(14d) and ResultType != "0"
| make-series n = count() default = 0 on TimeGenerated from startofday(ago(14d)) to now() step 1h
| extend (flag, score, baseline) = series_decompose_anomalies(n, 3, -1, 'linefit')
| mv-expand TimeGenerated to typeof(datetime), flag to typeof(long)
| where flag == 1 and TimeGenerated == datetime(2025-01-15T09:00:00Z)
| count`)
		if len(rows) != 1 || rows[0]["Count"].(float64) < 1 {
			t.Fatalf("the spray's hour (09:00) is not flagged: %v", rows)
		}
	})
	t.Run("externaldata reads a lab blob", func(t *testing.T) {
		rows := l.laQuery(t, ws.CustomerID, `externaldata(flag:string, enabled:bool)[@"https://stcontosoprod.blob.core.windows.net/app-config/feature-flags.json"] with (format="multijson") | where enabled | project flag`)
		if got := column(rows, "flag"); strings.Join(got, ",") != "quarterly-export,payroll-sync" {
			t.Fatalf("flags: %v", got)
		}
	})
	t.Run("externaldata cannot reach the internet", func(t *testing.T) {
		body, _ := json.Marshal(map[string]string{"query": `externaldata(x:string)[@"https://raw.githubusercontent.com/a/b/main/c.csv"]`})
		e := l.azError(t, "rest", "--method", "POST", "--url", "https://api.loganalytics.io/v1/workspaces/"+ws.CustomerID+"/query", "--body", string(body))
		if !strings.Contains(toString(e["error"].(map[string]any)["innererror"].(map[string]any)["message"]), "The remote name could not be resolved: 'raw.githubusercontent.com'") {
			t.Fatalf("offline error: %v", e)
		}
	})
	t.Run("soclab kql on the workspace and on hunting", func(t *testing.T) {
		out, err := l.soclab("kql", "--query", "AlertInfo | project TimeGenerated, Title | take 0", "--output", "csv")
		if err != nil || !strings.Contains(out, "TimeGenerated,Title") {
			t.Fatalf("workspace AlertInfo: %v %s", err, out)
		}
		out, err = l.soclab("kql", "--source", "hunting", "--query", "AlertInfo | project Timestamp, Title | take 0", "--output", "csv")
		if err != nil || !strings.Contains(out, "Timestamp,Title") {
			t.Fatalf("hunting AlertInfo: %v %s", err, out)
		}
		out, err = l.soclab("kql", "--source", "hunting", "--query", "AlertInfo | project TimeGenerated")
		if err == nil || !strings.Contains(out, "Failed to resolve column or scalar expression named 'TimeGenerated'") {
			t.Fatalf("hunting error: %v %s", err, out)
		}
	})
}
