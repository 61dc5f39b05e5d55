package kql

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

// standardFixture is a two-table workspace whose tables carry Log Analytics' standard columns.
func standardFixture(t *testing.T) (MapCatalog, MapDatabase) {
	t.Helper()
	cat := MapCatalog{
		"A": WithStandardColumns([]Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "User", Type: types.String}, {Name: "_IsBillable", Type: types.String}}),
		"B": WithStandardColumns([]Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "SourceRecordId", Type: types.String}}),
	}
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	a, err := NewTable("A", cat["A"], [][]any{
		{t0, "alex", "True", "ws1", "A", "/subscriptions/s1/x", "s1", "id-1", t0.Add(90 * time.Second), 512.0},
		{t0.Add(time.Minute), "bob", "True", "ws1", "A", "", "", "id-2", t0.Add(3 * time.Minute), 256.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewTable("B", cat["B"], [][]any{
		{t0, "id-2", "ws1", "B", "", "", "id-9", t0, "True", 10.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat, MapDatabase{"A": a, "B": b}
}

// Hidden standard columns behave as in Log Analytics: named, they work; otherwise they are
// not part of any output.
func TestStandardColumnsHidden(t *testing.T) {
	cat, db := standardFixture(t)
	cases := []struct{ name, query, want string }{
		{"take hides them", "A | take 1",
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"}],"rows":[["2026-01-02T03:00:00Z","alex","ws1","A"]]}`},
		{"project-away keeps them hidden", "A | where User == 'bob' | extend x = 1 | project-away x",
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"}],"rows":[["2026-01-02T03:01:00Z","bob","ws1","A"]]}`},
		{"named in project they show", "A | project User, _ItemId, _TimeReceived, _BilledSize, _IsBillable, _ResourceId",
			`{"columns":[{"name":"User","type":"string"},{"name":"_ItemId","type":"string"},{"name":"_TimeReceived","type":"datetime"},{"name":"_BilledSize","type":"real"},{"name":"_IsBillable","type":"string"},{"name":"_ResourceId","type":"string"}],"rows":[["alex","id-1","2026-01-02T03:01:30Z",512,"True","/subscriptions/s1/x"],["bob","id-2","2026-01-02T03:03:00Z",256,"True",""]]}`},
		{"getschema leaves them out", "A | getschema | project ColumnName, ColumnOrdinal",
			`{"columns":[{"name":"ColumnName","type":"string"},{"name":"ColumnOrdinal","type":"int"}],"rows":[["TimeGenerated",0],["User",1],["TenantId",2],["Type",3]]}`},
		{"union hides them, Type tells the tables apart", "union A, B | summarize n = count(), a = countif(Type == 'A') | extend s = 1",
			`{"columns":[{"name":"n","type":"long"},{"name":"a","type":"long"},{"name":"s","type":"long"}],"rows":[[3,2,1]]}`},
		{"union output", "union A, B | where Type == 'B'",
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"},{"name":"SourceRecordId","type":"string"}],"rows":[["2026-01-02T03:00:00Z","","ws1","B","id-2"]]}`},
		{"join on _ItemId (Sentinel's UEBA rules)", "A | join kind=inner (B) on $left._ItemId == $right.SourceRecordId | project User, SourceRecordId",
			`{"columns":[{"name":"User","type":"string"},{"name":"SourceRecordId","type":"string"}],"rows":[["bob","id-2"]]}`},
		{"join output hides both sides' hidden columns", "A | join kind=inner (B) on $left._ItemId == $right.SourceRecordId",
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"},{"name":"TimeGenerated1","type":"datetime"},{"name":"SourceRecordId","type":"string"},{"name":"TenantId1","type":"string"},{"name":"Type1","type":"string"}],"rows":[["2026-01-02T03:01:00Z","bob","ws1","A","2026-01-02T03:00:00Z","id-2","ws1","B"]]}`},
		{"summarize by a hidden column makes it visible", "A | summarize c = count() by _ItemId | order by _ItemId asc",
			`{"columns":[{"name":"_ItemId","type":"string"},{"name":"c","type":"long"}],"rows":[["id-1",1],["id-2",1]]}`},
		{"extend keeps them hidden, the new column shows", "A | extend delay = _TimeReceived - TimeGenerated | project-away TimeGenerated, TenantId",
			`{"columns":[{"name":"User","type":"string"},{"name":"Type","type":"string"},{"name":"delay","type":"timespan"}],"rows":[["alex","A","00:01:30"],["bob","A","00:02:00"]]}`},
		{"ingestion_time() is _TimeReceived", "A | project User, it = ingestion_time()",
			`{"columns":[{"name":"User","type":"string"},{"name":"it","type":"datetime"}],"rows":[["alex","2026-01-02T03:01:30Z"],["bob","2026-01-02T03:03:00Z"]]}`},
		{"arg_max(*) expands the visible columns only", "union A, A | summarize arg_max(TimeGenerated, *) by User | order by User asc",
			`{"columns":[{"name":"User","type":"string"},{"name":"TimeGenerated","type":"datetime"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"}],"rows":[["alex","2026-01-02T03:00:00Z","ws1","A"],["bob","2026-01-02T03:01:00Z","ws1","A"]]}`},
		{"distinct * compares the visible columns", "union A, A | extend User = 'x', TimeGenerated = datetime(2026-01-01) | distinct *",
			`{"columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"TenantId","type":"string"},{"name":"Type","type":"string"}],"rows":[["2026-01-01T00:00:00Z","x","ws1","A"]]}`},
		{"pack_all packs the visible columns", "A | take 1 | project p = pack_all()",
			`{"columns":[{"name":"p","type":"dynamic"}],"rows":[[{"TenantId":"ws1","TimeGenerated":"2026-01-02T03:00:00.0000000Z","Type":"A","User":"alex"}]]}`},
		{"where on a hidden column", "A | where _BilledSize > 300 | project User",
			`{"columns":[{"name":"User","type":"string"}],"rows":[["alex"]]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := Compile(c.query, cat, CompileOptions{})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res, err := q.Run(context.Background(), db, RunOptions{Now: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			var buf bytes.Buffer
			if err := res.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// The lab catalog gives every workspace table the standard columns, so Sentinel's UEBA rules
// that join on _ItemId compile.
func TestLabCatalogStandardColumns(t *testing.T) {
	cat, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SigninLogs", "AuditLogs", "AzureActivity", "BehaviorAnalytics", "SecurityAlert"} {
		cols, _ := cat.Table(name)
		got := map[string]bool{}
		for _, c := range cols {
			got[c.Name] = c.Hidden
		}
		for col, hidden := range map[string]bool{"Type": false, "TenantId": false, "_ItemId": true, "_TimeReceived": true, "_IsBillable": true, "_BilledSize": true} {
			if h, ok := got[col]; !ok || h != hidden {
				t.Errorf("%s.%s: present=%v hidden=%v, want hidden=%v", name, col, ok, h, hidden)
			}
		}
	}
	if cols, _ := cat.Table("AADSignInEventsBeta"); len(cols) > 0 {
		for _, c := range cols {
			if c.Name == "_ItemId" {
				t.Errorf("AADSignInEventsBeta (advanced hunting only) got _ItemId")
			}
		}
	}
	var cases []struct {
		File  string `json:"file"`
		Query string `json:"query"`
	}
	b, err := os.ReadFile("parser/testdata/sentinel/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		if !strings.Contains(c.Query, "._ItemId") {
			continue
		}
		n++
		if _, err := Compile(c.Query, cat, CompileOptions{}); err != nil {
			t.Errorf("%s: %v", c.File, err)
		}
	}
	if n != 7 {
		t.Errorf("found %d Sentinel queries joining on _ItemId, want 7", n)
	}
}

// The lab's playbook query counts rows per table through Type; files loaded without a Type
// field still get it (Log Analytics always fills it with the table's name).
func TestPlaybookQueryTypeFromTableName(t *testing.T) {
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"SigninLogs.json":    `[{"TimeGenerated":"2025-01-15T09:00:00Z","UserPrincipalName":"alex.johnson@contoso.com","IPAddress":"185.220.101.45"},{"TimeGenerated":"2025-01-15T09:10:00Z","UserPrincipalName":"alex.johnson@contoso.com","IPAddress":"10.0.0.4"},{"TimeGenerated":"2025-01-15T09:20:00Z","UserPrincipalName":"bob@contoso.com","IPAddress":"10.0.0.5"}]`,
		"AuditLogs.json":     `[{"TimeGenerated":"2025-01-15T09:30:00Z","OperationName":"Add user"}]`,
		"AzureActivity.json": `[{"TimeGenerated":"2025-01-15T09:40:00Z","Caller":"alex.johnson@contoso.com","OperationNameValue":"MICROSOFT.KEYVAULT/VAULTS/SECRETS/READ"},{"TimeGenerated":"2025-01-15T05:00:00Z","Caller":"alex.johnson@contoso.com"}]`,
	}
	for n, body := range files {
		if err := os.WriteFile(dir+"/"+n, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := LoadDir(dir, lab)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/lab/queries/8_playbook_context.kql")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compile(string(src), lab, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), db, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	// AzureActivity has no UserPrincipalName or IPAddress: its rows group under "" (as in
	// Log Analytics); AuditLogs rows match neither filter column.
	want := `{"columns":[{"name":"UserPrincipalName","type":"string"},{"name":"TotalEvents","type":"long"},{"name":"SignIns","type":"long"},{"name":"AdminActions","type":"long"},{"name":"DirectoryChanges","type":"long"},{"name":"UniqueIPs","type":"long"},{"name":"IPAddresses","type":"dynamic"}],"rows":[["alex.johnson@contoso.com",2,2,0,0,2,["185.220.101.45","10.0.0.4"]],["",1,0,1,0,1,[""]]]}`
	if got := strings.TrimSpace(strings.ReplaceAll(buf.String(), "\n", "")); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
