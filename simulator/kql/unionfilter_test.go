package kql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
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
		// The source and the lacking columns are not read by the filter: made for the kept rows only.
		{"union withsource=S SigninLogs, AzureActivity", "| where TimeGenerated > datetime(2025-01-15 09:00)", "| project TimeGenerated, S, Caller, ResultType, OperationName, Type | sort by TimeGenerated asc, S asc"},
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

// TestFilteredUnionOfLargeInputs: over inputs of 3000 rows (unionLaterRows and more) the
// source column and the columns an input lacks are made for the kept rows only, unless the
// filter reads them; the rows equal the union's then the filter's.
func TestFilteredUnionOfLargeInputs(t *testing.T) {
	mk := func(name, own string, ownType types.Type) *Table {
		cols := []Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "User", Type: types.String}, {Name: own, Type: ownType}}
		rows := make([][]any, 3000)
		for i := range rows {
			var v any = fmt.Sprintf("v%d", i%7)
			if ownType == types.Long {
				v = int64(i % 11)
			}
			rows[i] = []any{time.Date(2025, 1, 15, 0, 0, i*7, 0, time.UTC), fmt.Sprintf("u%d", i%50), v}
		}
		tab, err := NewTable(name, cols, rows)
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	a, b := mk("A", "OnlyA", types.String), mk("B", "OnlyB", types.Long)
	cat := MapCatalog{"A": a.Cols, "B": b.Cols}
	db := NewDatabase(a, b)
	cases := []struct{ union, filter, rest string }{
		{"union withsource=Log A, B", "| where TimeGenerated > datetime(2025-01-15 05:40)", "| project TimeGenerated, Log, User, OnlyA, OnlyB"},
		{"union withsource=Log A, B", "| where User == 'u7'", "| summarize count(), dcount(OnlyA), sum(OnlyB) by Log"},
		{"union withsource=Log A, B", "| where Log == 'B' or OnlyA == 'v3'", "| project Log, OnlyA, OnlyB, User"},
		{"union A, B", "| where isnull(OnlyB) and User startswith 'u1'", "| count"},
		{"union withsource=Log A, (B | where OnlyB > 5)", "| where User in ('u1', 'u2')", "| project Log, OnlyA, OnlyB"},
	}
	for _, c := range cases {
		direct := c.union + "\n" + c.filter + "\n" + c.rest
		materialized := c.union + "\n| extend probe_ = 0\n" + c.filter + "\n| project-away probe_\n" + c.rest
		for _, workers := range []int{1, 4} {
			got, want := runWith(direct, cat, db, workers), runWith(materialized, cat, db, workers)
			if got != want || strings.HasPrefix(got, "compile:") || strings.HasPrefix(got, "run:") || strings.HasPrefix(got, "panic:") {
				t.Errorf("%s %s (%d workers):\n got  %.600s\n want %.600s", c.union, c.filter, workers, got, want)
			}
		}
	}
}

// BenchmarkFilteredUnionSource is a union of two 50,000-row tables whose filter does not
// read the source column or the columns one input lacks (they are made for the kept rows
// only).
func BenchmarkFilteredUnionSource(b *testing.B) {
	mk := func(name, own string) *Table {
		cols := []Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "User", Type: types.String}, {Name: own, Type: types.String}}
		rows := make([][]any, 50000)
		for i := range rows {
			rows[i] = []any{time.Date(2025, 1, 15, 0, 0, i, 0, time.UTC), fmt.Sprintf("u%d", i%50), "v"}
		}
		t, err := NewTable(name, cols, rows)
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	a, c := mk("A", "OnlyA"), mk("B", "OnlyB")
	cat := MapCatalog{"A": a.Cols, "B": c.Cols}
	q, err := Compile(`union withsource=Log A, B | where TimeGenerated > datetime(2025-01-15 13:50) | project TimeGenerated, Log, User, OnlyA, OnlyB`, cat, CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	db := NewDatabase(a, c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Run(context.Background(), db, RunOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
