package kql

import (
	"context"
	"strings"
	"testing"
	"time"
)

// runRowsJSON compiles and runs a query over db and returns its rows as one JSON text.
func runRowsJSON(t *testing.T, cat Catalog, db Database, query string) (string, error) {
	t.Helper()
	q, err := Compile(query, cat, CompileOptions{})
	if err != nil {
		return "", err
	}
	res, err := q.Run(context.Background(), db, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("[")
	for i, r := range res.Rows(false) {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(mustJSON(r))
	}
	b.WriteString("]")
	return b.String(), nil
}

// union isfuzzy=true drops legs that do not resolve (tables, functions, columns of a missing
// table inside a subquery); without isfuzzy, or when no leg resolves, the first leg's error
// stops the query.
func TestFuzzyUnion(t *testing.T) {
	a, err := NewTable("A", []Column{{Name: "x", Type: mustType("long")}}, [][]any{{int64(1)}, {int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	db := NewDatabase(a)
	cases := []struct{ name, query, want, err string }{
		{"missing table leg", "union isfuzzy=true A, Missing | summarize sum(x)", `[[3]]`, ""},
		{"missing subquery leg", "union isfuzzy=true (Missing | where y > 1), (A | where x > 1)", `[[2]]`, ""},
		{"missing function leg", "union isfuzzy=true A, (nosuchfunc() | take 1) | count", `[[2]]`, ""},
		{"piped input with a missing leg", "A | union isfuzzy=true Missing | count", `[[2]]`, ""},
		{"all legs missing", "union isfuzzy=true Missing, (Other | take 1)", "",
			"Semantic error: SEM0100: 'union' operator: Failed to resolve table or column expression named 'Missing'"},
		{"not fuzzy", "union A, Missing", "",
			"Semantic error: SEM0100: 'union' operator: Failed to resolve table or column expression named 'Missing'"},
		{"isfuzzy=false", "union isfuzzy=false A, Missing", "",
			"Semantic error: SEM0100: 'union' operator: Failed to resolve table or column expression named 'Missing'"},
		{"a type error is not dropped", "union isfuzzy=true A, (A | extend n = strlen('a', 2))", "", "SEM0101"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runRowsJSON(t, db.Catalog(), db, c.query)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("rows = %s, want %s", got, c.want)
			}
		})
	}
}
