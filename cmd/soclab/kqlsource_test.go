package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// soclab kql has one path per mode, each reporting its own source's errors: --data files with
// the workspace's or hunting's columns (chosen per table from the file, or by --schema), and
// the lab's workspace or advanced hunting (--source), compiled there.
func TestKQLSources(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		// A workspace export (TimeGenerated) and a hunting export (Timestamp) of the same table.
		"ws/AlertInfo.json":   `[{"TimeGenerated":"2025-01-15T08:40:00Z","Title":"Password spray","AlertId":"a1"}]`,
		"hunt/AlertInfo.csv":  "Timestamp,AlertId,Title\n2025-01-15T08:40:00Z,a1,Password spray\n",
		"ws/SigninLogs.jsonl": `{"TimeGenerated":"2025-01-15T08:31:40Z","UserPrincipalName":"alex.johnson@contoso.com"}` + "\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, hunt := filepath.Join(dir, "ws"), filepath.Join(dir, "hunt")
	cases := []struct {
		name       string
		opts       kqlOptions
		code       int
		stdout     string
		stderrPart string
	}{
		{"a workspace export keeps workspace columns", kqlOptions{Query: "AlertInfo | project TimeGenerated, Title", DataDir: ws}, 0,
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Title","type":"string"}],"rows":[["2025-01-15T08:40:00Z","Password spray"]]}` + "\n", ""},
		{"a hunting export keeps hunting columns", kqlOptions{Query: "AlertInfo | project Timestamp, Title", DataDir: hunt}, 0,
			`{"columns":[{"name":"Timestamp","type":"datetime"},{"name":"Title","type":"string"}],"rows":[["2025-01-15T08:40:00Z","Password spray"]]}` + "\n", ""},
		{"--schema hunting over a workspace export", kqlOptions{Query: "AlertInfo | project TimeGenerated", DataDir: ws, Schema: "hunting"}, 1, "",
			"'project' operator: Failed to resolve column or scalar expression named 'TimeGenerated'"},
		{"a semantic error over --data names the column, not the table", kqlOptions{Query: "SigninLogs | where Nope == 1", DataDir: ws}, 1, "",
			"Failed to resolve column or scalar expression named 'Nope'"},
		{"--schema must be a place", kqlOptions{Query: "AlertInfo", DataDir: ws, Schema: "both"}, 1, "", "--schema must be workspace or hunting"},
		{"--schema needs --data", kqlOptions{Query: "AlertInfo", Schema: "hunting", Source: "workspace"}, 2, "", "--schema applies to --data"},
		{"--source hunting with --data", kqlOptions{Query: "AlertInfo", DataDir: ws, Source: "hunting"}, 2, "", "give one of them"},
		{"--source must be a place", kqlOptions{Query: "AlertInfo", Source: "sentinel"}, 2, "", "--source must be workspace or hunting"},
		{"externaldata reads a lab blob locally too", kqlOptions{Query: "externaldata(flag:string)[@'https://stcontosoprod.blob.core.windows.net/app-config/feature-flags.json'] with (format='multijson') | count"}, 0,
			`{"columns":[{"name":"Count","type":"long"}],"rows":[[3]]}` + "\n", ""},
		{"--now with a lab query", kqlOptions{Query: "AlertInfo", Source: "workspace", Now: "2025-01-15T10:00:00Z", State: dir}, 2, "", "--now applies to --data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Output, c.opts.Repeat = "json", 1
			var out, errb bytes.Buffer
			code := runKQL(context.Background(), c.opts, true, &out, &errb)
			if code != c.code || out.String() != c.stdout || !strings.Contains(errb.String(), c.stderrPart) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errb.String(), c.code, c.stdout, c.stderrPart)
			}
		})
	}
}

// On the lab (the state file here; the server answers the same control endpoint), the query is
// compiled against the chosen source: a workspace query that the hunting columns would refuse
// runs, hunting runs without a workspace, and each error is that source's.
func TestKQLOnTheLab(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a tenant's telemetry")
	}
	state := t.TempDir()
	w, err := simulator.Open(state, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.SetTime(ten.ID, time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	run := func(src, query string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runKQL(context.Background(), kqlOptions{Query: query, Source: src, State: state, Output: "csv", Repeat: 1}, true, &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, out, errs := run("hunting", "AlertInfo | where Timestamp > ago(30d) | summarize n = count() | project ok = n >= 0"); code != 0 || out != "ok\ntrue\n" {
		t.Fatalf("hunting: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := run("hunting", "AlertInfo | project TimeGenerated, Title"); code != 1 || !strings.Contains(errs, "Failed to resolve column or scalar expression named 'TimeGenerated'") {
		t.Fatalf("hunting semantic error: exit %d, %q", code, errs)
	}
	if code, _, errs := run("workspace", "AlertInfo | take 1"); code != 1 || !strings.Contains(errs, "no Log Analytics workspace") {
		t.Fatalf("no workspace yet: exit %d, %q", code, errs)
	}
	w, err = simulator.Open(state, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := simulator.ResourceID(ten.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	body := `{"id":"` + id + `","name":"law-contoso-unified","properties":{"customerId":"` + simulator.NewGUID() + `"}}`
	if err := w.Update(ten.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if code, out, errs := run("workspace", "AlertInfo | project TimeGenerated, Title | take 0"); code != 0 || out != "TimeGenerated,Title\n" {
		t.Fatalf("workspace AlertInfo: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := run("workspace", "SigninLogs | where Nope == 1"); code != 1 || !strings.Contains(errs, "'where' operator: Failed to resolve column or scalar expression named 'Nope'") {
		t.Fatalf("workspace semantic error: exit %d, %q", code, errs)
	}
	if code, _, errs := run("workspace", "AlertInfo | project Timestamp"); code != 1 || !strings.Contains(errs, "named 'Timestamp'") {
		t.Fatalf("workspace refuses hunting columns: exit %d, %q", code, errs)
	}
}
