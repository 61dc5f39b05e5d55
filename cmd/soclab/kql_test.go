package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunKQL(t *testing.T) {
	dir := t.TempDir()
	data := `[{"TimeGenerated":"2025-01-15T09:50:00Z","UserPrincipalName":"alex.johnson@contoso.com","ResultType":"0","IPAddress":"185.220.101.45"},
{"TimeGenerated":"2025-01-15T08:00:00Z","UserPrincipalName":"bob@contoso.com","ResultType":"50126","IPAddress":"10.0.0.5"}]`
	if err := os.WriteFile(filepath.Join(dir, "SigninLogs.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	qf := filepath.Join(dir, "q.kql")
	if err := os.WriteFile(qf, []byte("SigninLogs | where TimeGenerated > ago(1h) and ResultType == 0 | project UserPrincipalName, IPAddress"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		opts       kqlOptions
		querySet   bool
		code       int
		stdout     string
		stderrPart string
	}{
		{"json over --data", kqlOptions{QueryFile: qf, DataDir: dir, Output: "json", Repeat: 1, Now: "2025-01-15T10:00:00Z"}, false, 0,
			`{"columns":[{"name":"UserPrincipalName","type":"string"},{"name":"IPAddress","type":"string"}],"rows":[["alex.johnson@contoso.com","185.220.101.45"]]}` + "\n", ""},
		{"csv", kqlOptions{Query: "print a=1, b='x,y'", Output: "csv", Repeat: 1}, true, 0, "a,b\n1,\"x,y\"\n", ""},
		{"table", kqlOptions{Query: "print a=1, bb='x'", Output: "table", Repeat: 1}, true, 0, "a  bb\n-  --\n1  x\n", ""},
		{"parse-only accepts unknown names", kqlOptions{Query: "Nope | where x has 'y'", Output: "json", ParseOnly: true, Repeat: 1}, true, 0, "", ""},
		{"parse-only rejects bad syntax", kqlOptions{Query: "T | where", Output: "json", ParseOnly: true, Repeat: 1}, true, 1, "", "Syntax error: SYN0002"},
		{"semantic error", kqlOptions{Query: "print a=1 | where b > 1", Output: "json", Repeat: 1, Now: "2025-01-15T10:00:00Z"}, true, 1, "",
			"Semantic error: SEM0100: 'where' operator: Failed to resolve column or scalar expression named 'b' at line 1, column 19"},
		{"no query", kqlOptions{Output: "json", Repeat: 1}, false, 2, "", "give exactly one of"},
		{"both queries", kqlOptions{QueryFile: qf, Query: "print 1", Output: "json", Repeat: 1}, true, 2, "", "give exactly one of"},
		{"bad output", kqlOptions{Query: "print 1", Output: "xml", Repeat: 1}, true, 2, "", "--output must be"},
		{"bad now", kqlOptions{Query: "print 1", Output: "json", Repeat: 1, Now: "yesterday"}, true, 2, "", "--now"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runKQL(context.Background(), c.opts, c.querySet, &out, &errb)
			if code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, c.code, errb.String())
			}
			if out.String() != c.stdout {
				t.Errorf("stdout\n got: %q\nwant: %q", out.String(), c.stdout)
			}
			if c.stderrPart != "" && !strings.Contains(errb.String(), c.stderrPart) {
				t.Errorf("stderr %q lacks %q", errb.String(), c.stderrPart)
			}
		})
	}
}

func TestRunKQLStats(t *testing.T) {
	var out, errb bytes.Buffer
	code := runKQL(context.Background(), kqlOptions{Query: "range x from 1 to 10 step 1 | count", Output: "json", Stats: true, Repeat: 3}, true, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var stats map[string]float64
	if err := json.Unmarshal(errb.Bytes(), &stats); err != nil {
		t.Fatalf("stats line %q: %v", errb.String(), err)
	}
	for _, k := range []string{"load_ms", "compile_ms", "exec_ms", "rows_in", "rows_out", "peak_mem_mb"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("stats lack %s: %v", k, stats)
		}
	}
	if stats["rows_out"] != 1 {
		t.Errorf("rows_out %v", stats["rows_out"])
	}
	if stats["peak_mem_mb"] <= 0 {
		t.Errorf("peak_mem_mb %v: the range's rows were charged", stats["peak_mem_mb"])
	}
}
