package kql

import (
	"strings"
	"testing"
)

// TestFilteredUnionEqualsUnionThenFilter: a filter right over a union filters each input in
// place and concatenates only the rows that pass; the result equals, byte for byte, filtering
// the fully concatenated union (forced here by an extend between them), with 1 and 4 workers:
// source columns, columns a leg lacks (nulls), inner and outer unions, differently typed
// columns of one name, counts, empty results and a union nested in a leg.
func TestFilteredUnionEqualsUnionThenFilter(t *testing.T) {
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	db, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ union, filter, rest string }{
		{"union withsource=Log SigninLogs, AADSignInEventsBeta", "| where IPAddress startswith '185.220.101.'", "| project TimeGenerated, Log, UserPrincipalName, ResultType | sort by TimeGenerated asc"},
		{"union withsource=SourceTable SigninLogs, AuditLogs, AzureActivity", "| where SourceTable == 'AuditLogs' or Caller has 'alex'", "| project TimeGenerated, SourceTable, OperationName, Caller"},
		{"union SigninLogs, AzureActivity", "| where isnull(ResultType) and isnotempty(Caller)", "| count"},
		{"union SigninLogs, AzureActivity", "| where isempty(Caller)", "| summarize count() by Type"},
		{"union kind=inner SigninLogs, AuditLogs", "| where TimeGenerated between (datetime(2025-01-15 08:00) .. datetime(2025-01-15 10:00))", "| summarize count() by Type"},
		{"union withsource=T (SigninLogs | where ResultType == '0'), (union AuditLogs, AzureActivity)", "| where T != 'x' and TimeGenerated > datetime(2025-01-01)", "| summarize count() by T, Type"},
		{"union SigninLogs, AuditLogs", "| where 1 == 0", ""},
		{"union SigninLogs, AuditLogs", "| where true", "| count"},
		{"union (print x = 1, y = 'a'), (print x = 'b', y = 'c'), (datatable(y:string)['d'])", "| where isnotnull(x_long) or y in ('c', 'd')", "| project-reorder y"},
	}
	checked := 0
	for _, c := range cases {
		direct := c.union + "\n" + c.filter + "\n" + c.rest
		materialized := c.union + "\n| extend probe_ = 0\n" + c.filter + "\n| project-away probe_\n" + c.rest
		for _, workers := range []int{1, 4} {
			got, want := runWith(direct, lab, db, workers), runWith(materialized, lab, db, workers)
			if got != want {
				t.Errorf("%s %s (%d workers):\n got  %.600s\n want %.600s", c.union, c.filter, workers, got, want)
			}
			if strings.HasPrefix(got, "compile:") || strings.HasPrefix(got, "run:") || strings.HasPrefix(got, "panic:") {
				t.Errorf("%s %s: %s", c.union, c.filter, got)
			}
			checked++
		}
	}
	if checked != 2*len(cases) {
		t.Fatalf("checked %d", checked)
	}
}
