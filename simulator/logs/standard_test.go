package logs

import (
	"reflect"
	"regexp"
	"testing"
)

// Workspace tables carry Log Analytics' hidden standard columns: _ItemId is a GUID stable for
// a row across queries, _TimeReceived is the row's ingestion time (what ingestion_time()
// returns), and neither shows unless the query names it.
func TestWorkspaceStandardColumns(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	const byItem = `SigninLogs | where UserPrincipalName == "alex.johnson@contoso.com" | top 3 by TimeGenerated desc | project _ItemId`
	first, again := f.query(ws, byItem), f.query(ws, byItem)
	if len(first) != 3 || !reflect.DeepEqual(first, again) {
		t.Fatalf("_ItemId not stable across queries: %v then %v", first, again)
	}
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, r := range first {
		if !guid.MatchString(r[0]) {
			t.Errorf("_ItemId %q is not a GUID", r[0])
		}
	}
	cases := []struct {
		name, query string
		want        [][]string
	}{
		{"every row has its own _ItemId", `union SigninLogs, AuditLogs, AzureActivity | summarize n = count(), ids = dcount(_ItemId, 4) | project n == ids`, [][]string{{"true"}}},
		{"_TimeReceived is the ingestion time, after the event", `SigninLogs | summarize same = countif(_TimeReceived == ingestion_time()), late = countif(_TimeReceived >= TimeGenerated), n = count() | project same == n, late == n`, [][]string{{"true", "true"}}},
		{"take shows no hidden column", `SigninLogs | take 1 | getschema | where ColumnName startswith "_" | project ColumnName`, nil},
		{"Type is every table's name", `union SigninLogs, AuditLogs, AzureActivity | distinct Type | order by Type asc`, [][]string{{"AuditLogs"}, {"AzureActivity"}, {"SigninLogs"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := f.query(ws, c.query)
			if len(got) == 0 && len(c.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
