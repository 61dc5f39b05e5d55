package kql

import (
	"strings"
	"testing"
)

// Semantic and syntax errors: exact message, line and column, and the caret under the source.
func TestQueryErrors(t *testing.T) {
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, query, want, caret string
	}{
		{"unknown table", "Foo | take 1",
			"Semantic error: SEM0100: 'take' operator: Failed to resolve table or column expression named 'Foo' at line 1, column 1",
			"     | ^"},
		{"unknown column", "SigninLogs | where Foo == 1",
			"Semantic error: SEM0100: 'where' operator: Failed to resolve column or scalar expression named 'Foo' at line 1, column 20",
			"     |                    ^"},
		{"unknown column on line 2", "SigninLogs\n| project UserPrincipalName, Bogus",
			"Semantic error: SEM0100: 'project' operator: Failed to resolve column or scalar expression named 'Bogus' at line 2, column 30",
			"     |                              ^"},
		{"unknown by column", "AzureActivity\n| summarize count() by Bogus",
			"Semantic error: SEM0100: 'summarize' operator: Failed to resolve column or scalar expression named 'Bogus' at line 2, column 24",
			"     |                        ^"},
		{"unknown join key", "SigninLogs | join (AuditLogs) on Bogus",
			"Semantic error: SEM0100: 'join' operator: Failed to resolve column or scalar expression named 'Bogus' at line 1, column 34",
			"     |                                  ^"},
		{"argument count", "print strlen(1, 2)",
			"Semantic error: SEM0101: 'print' operator: The function 'strlen' expects 1 argument. at line 1, column 7",
			"     |       ^"},
		{"argument type", "SigninLogs | extend n = toupper(TimeGenerated) ",
			"Semantic error: SEM0101: 'extend' operator: The expression must have the type string. at line 1, column 33",
			"     |                                 ^"},
		{"unknown function", "print foo(1)",
			"Semantic error: SEM0100: 'print' operator: Unknown function: 'foo'. at line 1, column 7",
			"     |       ^"},
		{"operand types", "print 1 + \"a\"",
			"Semantic error: SEM0102: 'print' operator: The operator '+' is not defined for the operand types long and string. at line 1, column 7",
			"     |       ^"},
		{"ordering a string with a number", "SigninLogs | where ResultType > 0",
			"Semantic error: SEM0102: 'where' operator: Cannot compare values of types string and long. Try adding explicit casts at line 1, column 20",
			"     |                    ^"},
		{"where needs bool", "print x=1 | where x",
			"Semantic error: SEM0102: 'where' operator: The expression must have the type bool. at line 1, column 19",
			"     |                   ^"},
		{"aggregate outside summarize", "SigninLogs | extend c = count()",
			"Semantic error: SEM0103: 'extend' operator: The function 'count' is an aggregate function and can only be used in the context of summarize, make-series or top-nested at line 1, column 25",
			"     |                         ^"},
		{"syntax", "SigninLogs | where UserPrincipalName has_any (1 ==",
			"Syntax error: SYN0002: Missing expression at line 1, column 51",
			"     |                                                   ^"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.query, lab, CompileOptions{})
			if err == nil {
				t.Fatal("compiled without error")
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not a *kql.Error", err, err)
			}
			lines := strings.Split(e.Format(c.query), "\n")
			if lines[0] != c.want {
				t.Errorf("message\n got: %s\nwant: %s", lines[0], c.want)
			}
			if got := lines[len(lines)-1]; got != c.caret {
				t.Errorf("caret\n got: %q\nwant: %q", got, c.caret)
			}
		})
	}
}

// A parse-only compile accepts unknown names.
func TestParseOnlyIgnoresNames(t *testing.T) {
	if _, err := Compile("NoSuchTable | where NoColumn has 'x' | extend y = nofunc(1)", nil, CompileOptions{ParseOnly: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile("T | where", nil, CompileOptions{ParseOnly: true}); err == nil {
		t.Fatal("want a syntax error")
	}
}
