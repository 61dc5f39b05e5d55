package identity

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/soclab/soclab/mockapis/odata"
)

func TestPushdown(t *testing.T) {
	cases := []struct {
		filter   string
		where    []string
		complete bool
	}{
		{"", nil, true},
		{"userPrincipalName eq 'alex.johnson@contoso.com' and createdDateTime ge 2025-01-15T08:00:00Z",
			[]string{`UserPrincipalName =~ "alex.johnson@contoso.com"`, "CreatedDateTime >= datetime(2025-01-15T08:00:00Z)"}, true},
		{"status/errorCode eq 50126 and ipAddress ne '10.0.0.1'", []string{`ResultType == "50126"`, `IPAddress !~ "10.0.0.1"`}, true},
		{"appDisplayName eq 'It''s and more'", []string{`AppDisplayName =~ "It's and more"`}, true},
		{"userPrincipalName eq 'a' and isInteractive eq true", []string{`UserPrincipalName =~ "a"`}, false},
		{"userPrincipalName eq 'a' or userPrincipalName eq 'b'", nil, false},
		{"not (userPrincipalName eq 'a')", nil, false},
		{"startswith(userPrincipalName,'a')", nil, false},
		{"createdDateTime ge 'yesterday'", nil, false},
		{"status/errorCode eq 'x'", nil, false},
	}
	for _, c := range cases {
		v := url.Values{}
		if c.filter != "" {
			v.Set("$filter", c.filter)
		}
		q, err := odata.Parse(v)
		if err != nil {
			t.Fatalf("%q: %v", c.filter, err)
		}
		where, complete := signInPushdown.clauses(q.Filter)
		if !reflect.DeepEqual(where, c.where) || complete != c.complete {
			t.Errorf("%q: %q %v, want %q %v", c.filter, where, complete, c.where, c.complete)
		}
	}
}
