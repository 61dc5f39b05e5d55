package corpus

import (
	"reflect"
	"testing"
)

// Tables finds the tables a query reads in every source position and leaves out the names
// the query binds itself.
func TestTables(t *testing.T) {
	cases := []struct {
		query              string
		required, optional []string
	}{
		{"SigninLogs | take 1", []string{"SigninLogs"}, nil},
		{"let t = AuditLogs | where x; t | join (SigninLogs) on a", []string{"AuditLogs", "SigninLogs"}, nil},
		{"let f = (T:(*)) { T | count }; f(AzureActivity)", nil, nil}, // a function's argument is not a source position
		{"union isfuzzy=true (CommonSecurityLog | where a), SigninLogs", nil, []string{"CommonSecurityLog", "SigninLogs"}},
		{"union isfuzzy=true A, B | join (C) on x", []string{"C"}, []string{"A", "B"}},
		{"union A, (B | where x)", []string{"A", "B"}, nil},
		{"table('AuditLogs') | lookup (IdentityInfo) on x", []string{"AuditLogs", "IdentityInfo"}, nil},
		{"_GetWatchlist('x') | project a", []string{"_GetWatchlist"}, nil},
		{"let x = materialize(SigninLogs); x | as y; y", []string{"SigninLogs"}, nil},
		{"print a = 1", nil, nil},
		{"let s = strcat_array(array_sort_asc(split('a,b', ',')), ','); let d = dayofweek(now()); print s, d", nil, nil},
		{"SigninLogs | where UserPrincipalName in ((AuditLogs | project u))", []string{"AuditLogs", "SigninLogs"}, nil},
		{"search in (SigninLogs, AuditLogs) 'x'", []string{"AuditLogs", "SigninLogs"}, nil},
		{"let f = (t:string) { table(t) | take 1 }; union f('SigninLogs'), f('OfficeActivity')", []string{"OfficeActivity", "SigninLogs"}, nil},
	}
	for _, c := range cases {
		r, err := Tables(c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if !reflect.DeepEqual(r.Required, c.required) || !reflect.DeepEqual(r.Optional, c.optional) {
			t.Errorf("%s: got %v / %v, want %v / %v", c.query, r.Required, r.Optional, c.required, c.optional)
		}
	}
	if _, err := Tables("SigninLogs | where"); err == nil {
		t.Error("a syntax error gave no error")
	}
}
