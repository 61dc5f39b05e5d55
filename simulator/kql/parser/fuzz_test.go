package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// FuzzParse checks that no input makes the parser panic (Parse turns a
// panic into an "internal parser error", which the fuzzer reports), hang,
// or return positions outside the text.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.query)
	}
	for _, c := range errorCases {
		f.Add(c.query)
	}
	files, _ := filepath.Glob("testdata/lab/*.kql")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	var sentinel []sentinelCase
	if b, err := os.ReadFile("testdata/sentinel/cases.json"); err == nil && json.Unmarshal(b, &sentinel) == nil {
		for i, c := range sentinel {
			if i%20 == 0 {
				f.Add(c.Query)
			}
		}
	}
	// Issue 13's syntax: fuzzy unions of subqueries, tuple assignments, externaldata, pattern
	// plugins with wildcards.
	for _, q := range []string{
		"union isfuzzy=true (A | where x), (B | extend (a, b) = series_fit_line(y))",
		"T | extend (flag, score, baseline) = series_decompose_anomalies(y, 1.5, -1, 'linefit')",
		"externaldata(a:string, b:long)[h@'https://x.blob.core.windows.net/c/b.csv;impersonate'] with (format='csv', ignoreFirstRecord=true)",
		"T | evaluate basket(0.2, '~', 3, '*', int(-1)) | evaluate diffpatterns(S, 'a', 'b', '~', 0.1)",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			de, ok := err.(*diag.Error)
			if !ok {
				t.Fatalf("error type %T", err)
			}
			if strings.Contains(de.Msg, "internal parser error") {
				t.Fatalf("parser panicked: %s", de.Msg)
			}
			if de.Pos < 0 || int(de.Pos) > len(src) || de.End < de.Pos || int(de.End) > len(src) {
				t.Fatalf("error range [%d,%d) outside the text (len %d)", de.Pos, de.End, len(src))
			}
			_ = de.Format(src)
			return
		}
		if int(s.End()) > len(src) || s.Pos() < 0 {
			t.Fatalf("script span [%d,%d) outside the text (len %d)", s.Pos(), s.End(), len(src))
		}
		_ = ast.Format(s)
	})
}
