package hunting

import (
	"errors"
	"testing"

	"github.com/soclab/soclab/simulator/kql"
)

// TestErrorSpan: the span the editor marks and the place the services name, for syntax and
// semantic errors (a syntax error at whitespace names the next token).
func TestErrorSpan(t *testing.T) {
	long, _ := kql.ParseType("long")
	cat := kql.MapCatalog{"T": {{Name: "a", Type: long}}}
	cases := []struct {
		query            string
		start, end, line int
		pos              int
		token            string
	}{
		{"T\n| where and", 10, 13, 2, 8, "and"},
		{"T | where Nope == 1", 10, 14, 1, 10, "Nope"},
		{"T | where", 9, 10, 1, 9, ""},
	}
	for _, tc := range cases {
		_, err := kql.Compile(tc.query, cat, kql.CompileOptions{})
		var ke *kql.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%q: %v is not a *kql.Error", tc.query, err)
		}
		start, end := ErrorSpan(tc.query, ke)
		if start != tc.start || end != tc.end {
			t.Errorf("%q: span [%d,%d), want [%d,%d)", tc.query, start, end, tc.start, tc.end)
		}
		if ke.IsSyntax() {
			line, pos, tok := SyntaxPlace(tc.query, ke)
			if line != tc.line || pos != tc.pos || tok != tc.token {
				t.Errorf("%q: place %d,%d %q, want %d,%d %q", tc.query, line, pos, tok, tc.line, tc.pos, tc.token)
			}
		}
	}
}
