package odata

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func users(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	src := `[
	 {"id":"a1b2c3d4-0000-4000-8000-000000000001","displayName":"Alex Johnson","userPrincipalName":"alex.johnson@contoso.com","accountEnabled":true,"createdDateTime":"2024-03-01T10:00:00Z","signInCount":12,
	  "status":{"errorCode":0},"ipRanges":[{"cidrAddress":"185.0.0.0/24"}],"tags":["vip","finance"]},
	 {"id":"a1b2c3d4-0000-4000-8000-000000000002","displayName":"SOC Tier 2","userPrincipalName":"soc2@contoso.com","accountEnabled":false,"createdDateTime":"2025-01-15T09:00:00Z","signInCount":3,
	  "status":{"errorCode":53003},"ipRanges":[],"tags":[]},
	 {"id":"a1b2c3d4-0000-4000-8000-000000000003","displayName":"O'Brien","userPrincipalName":"obrien@contoso.com","accountEnabled":true,"createdDateTime":null,"signInCount":7,
	  "status":{"errorCode":50126},"tags":["vip"]}
	]`
	if err := json.Unmarshal([]byte(src), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFilterMatch(t *testing.T) {
	cases := []struct {
		filter string
		want   []string // displayNames that match
	}{
		{"displayName eq 'SOC Tier 2'", []string{"SOC Tier 2"}},
		{"displayName eq 'soc tier 2'", []string{"SOC Tier 2"}},
		{"displayName ne 'SOC Tier 2'", []string{"Alex Johnson", "O'Brien"}},
		{"displayName eq 'O''Brien'", []string{"O'Brien"}},
		{"accountEnabled eq false", []string{"SOC Tier 2"}},
		{"not accountEnabled", []string{"SOC Tier 2"}},
		{"signInCount gt 5 and signInCount le 12", []string{"Alex Johnson", "O'Brien"}},
		{"signInCount lt 5 or startswith(userPrincipalName,'alex')", []string{"Alex Johnson", "SOC Tier 2"}},
		{"status/errorCode eq 53003", []string{"SOC Tier 2"}},
		{"status/errorCode in (0, 50126)", []string{"Alex Johnson", "O'Brien"}},
		{"createdDateTime ge 2025-01-15T08:00:00Z", []string{"SOC Tier 2"}},
		{"createdDateTime lt 2025-01-15T08:00:00Z", []string{"Alex Johnson"}},
		{"createdDateTime eq null", []string{"O'Brien"}},
		{"id eq a1b2c3d4-0000-4000-8000-000000000003", []string{"O'Brien"}},
		{"id eq 'A1B2C3D4-0000-4000-8000-000000000003'", []string{"O'Brien"}},
		{"ipRanges/any(r: r/cidrAddress eq '185.0.0.0/24')", []string{"Alex Johnson"}},
		{"ipRanges/any()", []string{"Alex Johnson"}},
		{"tags/any(t: t eq 'vip')", []string{"Alex Johnson", "O'Brien"}},
		{"tags/all(t: t eq 'vip')", []string{"SOC Tier 2", "O'Brien"}},
		{"endswith(userPrincipalName, '@CONTOSO.COM') and contains(displayName, 'john')", []string{"Alex Johnson"}},
		{"tolower(displayName) eq 'alex johnson'", []string{"Alex Johnson"}},
		{"(signInCount eq 3 or signInCount eq 7) and accountEnabled eq true", []string{"O'Brien"}},
		{"missingProperty eq 'x'", nil},
		{"DisplayName eq 'Alex Johnson'", []string{"Alex Johnson"}},
	}
	items := users(t)
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			f, err := ParseFilter(c.filter)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var got []string
			for _, it := range items {
				ok, err := f.Match(it)
				if err != nil {
					t.Fatalf("match: %v", err)
				}
				if ok {
					got = append(got, it["displayName"].(string))
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	cases := []struct{ filter, want string }{
		{"displayName eq", "BadRequest: Syntax error at position 14 in 'displayName eq'."},
		{"displayName eq 'x", "BadRequest: There is an unterminated string literal at position 15 in 'displayName eq 'x'."},
		{"displayName eq 'x' and", "BadRequest: Syntax error at position 22 in 'displayName eq 'x' and'."},
		{"displayName eq 'x')", "BadRequest: Syntax error at position 19 in 'displayName eq 'x')'."},
		{"foo(displayName)", "BadRequest: An unknown function with name 'foo' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed."},
		{"displayName eq &", "BadRequest: Syntax error: character '&' is not valid at position 15 in 'displayName eq &'."},
		{"createdDateTime ge 2025-13-45T00:00:00Z", "BadRequest: Syntax error: '2025-13-45T00:00:00Z' at position 19 is not a valid date-time literal."},
		{"x in ('a'", "BadRequest: Syntax error at position 9 in 'x in ('a''."},
		{"tags/any(t t eq 'x')", "BadRequest: Syntax error at position 12 in 'tags/any(t t eq 'x')'."},
		{strings.Repeat("(", 70) + "a eq 1" + strings.Repeat(")", 70), "BadRequest: The $filter expression is nested too deeply (more than 64 levels)."},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			_, err := ParseFilter(c.filter)
			if err == nil || err.Error() != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
}

func TestFilterProperties(t *testing.T) {
	f, err := ParseFilter("displayName eq 'x' and ipRanges/any(r: r/cidrAddress eq 'y') and status/errorCode eq 0")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"displayName", "ipRanges", "ipRanges/cidrAddress", "status/errorCode"}
	if got := f.Properties(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestParseOptions(t *testing.T) {
	cases := []struct {
		query string
		want  string // error text, or "" for success
	}{
		{"$top=5&$select=id,displayName&$orderby=displayName desc&$expand=alerts($select=id)&$count=true", ""},
		{"top=5", ""},
		{"$top=-1", "BadRequest: Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value."},
		{"$top=x", "BadRequest: Invalid value 'x' for $top query option found. The $top query option requires a non-negative integer value."},
		{"$skip=z", "BadRequest: Invalid value 'z' for $skip query option found. The $skip query option requires a non-negative integer value."},
		{"$count=maybe", "BadRequest: 'maybe' is not a valid count option."},
		{"$orderby=displayName sideways", "BadRequest: Syntax error at position 20 in 'displayName sideways'."},
		{"$skiptoken=garbage", "BadRequest: The specified page token value has expired and can no longer be included in your request."},
		{"$top=1&$top=2", "BadRequest: Query option '$top' was specified more than once, but it must be specified at most once."},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			v, _ := url.ParseQuery(c.query)
			q, err := Parse(v)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			if err == nil && c.query[0] == '$' && c.query[1] == 't' && len(c.query) > 10 {
				if q.Top != 5 || !reflect.DeepEqual(q.Select, []string{"id", "displayName"}) ||
					!reflect.DeepEqual(q.OrderBy, []Order{{Path: "displayName", Desc: true}}) ||
					!reflect.DeepEqual(q.Expand, []string{"alerts"}) || !q.Count {
					t.Fatalf("parsed %+v", q)
				}
			}
		})
	}
}

func TestApplyPagesAndSelects(t *testing.T) {
	items := users(t)
	u, _ := url.Parse("/v1.0/users?$top=2&$orderby=displayName&$select=displayName")
	q, err := Parse(u.Query())
	if err != nil {
		t.Fatal(err)
	}
	page, next, err := q.Apply(items, Page{URL: u, DefaultTop: 100, MaxTop: 999})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"displayName": "Alex Johnson"}, {"displayName": "O'Brien"}}
	if !reflect.DeepEqual(page, want) {
		t.Fatalf("page 1 = %v", page)
	}
	wantNext := "https://graph.microsoft.com/v1.0/users?$orderby=displayName&$select=displayName&$skiptoken=" + encodeSkipToken(2) + "&$top=2"
	if next != wantNext {
		t.Fatalf("next = %s\nwant   %s", next, wantNext)
	}
	u2, _ := url.Parse(next)
	q2, err := Parse(u2.Query())
	if err != nil {
		t.Fatal(err)
	}
	page, next, err = q2.Apply(items, Page{URL: u2, DefaultTop: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(page, []map[string]any{{"displayName": "SOC Tier 2"}}) || next != "" {
		t.Fatalf("page 2 = %v next %q", page, next)
	}
	q3, _ := Parse(url.Values{"$top": {"1000"}})
	if _, _, err := q3.Apply(items, Page{URL: u, MaxTop: 999}); err == nil || err.Error() != "BadRequest: Invalid page size specified: '1000'. Must be between 1 and 999 inclusive." {
		t.Fatalf("got %v", err)
	}
	body, _ := json.Marshal(Collection("https://graph.microsoft.com/v1.0/$metadata#users", nil, ""))
	if string(body) != `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[]}` {
		t.Fatalf("collection = %s", body)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"displayName eq 'x'", "a/any(x: x/b eq 1) and not c", "x in (1,2,'3')", "startswith(a,'b')", "((((", "a eq 2025-01-15T08:00:00Z", "'''"} {
		f.Add(s)
	}
	items := users(f)
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		for _, it := range items {
			if _, err := flt.Match(it); err != nil {
				t.Fatalf("match %q: %v", s, err)
			}
		}
		_ = flt.Properties()
	})
}
