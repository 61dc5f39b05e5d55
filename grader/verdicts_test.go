package grader

import (
	"strings"
	"testing"
	"time"
)

// TestVerdictCache: a verdict is found again under the same key only; a full cache starts over.
func TestVerdictCache(t *testing.T) {
	c := newVerdictCache(2)
	a := verdictKey{query: "SigninLogs", runs: ruleRuns{window: time.Hour, every: 15 * time.Minute}, mentions: "x"}
	b := a
	b.query = "SigninLogs | take 1"
	d := a
	d.runs.every = 5 * time.Minute
	c.put(a, queryVerdict{ok: true, detail: "a"})
	if v, ok := c.get(a); !ok || v.detail != "a" {
		t.Fatalf("get(a) = %v %v", v, ok)
	}
	for _, k := range []verdictKey{b, d} {
		if _, ok := c.get(k); ok {
			t.Fatalf("%+v found under a's verdict", k)
		}
	}
	c.put(b, queryVerdict{detail: "b"})
	c.put(d, queryVerdict{detail: "d"}) // the third: the cache starts over
	if _, ok := c.get(a); ok || len(c.m) != 1 {
		t.Fatalf("after overflow: %d entries, a kept %v", len(c.m), ok)
	}
}

// TestGradeRemembersQueryVerdicts: grading again judges no rule query twice, and the report is
// the same.
func TestGradeRemembersQueryVerdicts(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	first := l.grade(1)
	n := len(l.grader.verdicts.m)
	if n != 3 {
		t.Fatalf("%d verdicts cached after the first grade, want the 3 rule queries", n)
	}
	second := l.grade(1)
	if len(l.grader.verdicts.m) != n {
		t.Fatalf("the second grade judged again: %d verdicts", len(l.grader.verdicts.m))
	}
	for i := range first.Results {
		if first.Results[i].Passed != second.Results[i].Passed || first.Results[i].Detail != second.Results[i].Detail {
			t.Fatalf("%s: %+v then %+v", first.Results[i].ID, first.Results[i], second.Results[i])
		}
	}
}

// TestVerdictsSharedAcrossTenants: a second tenant with the same rules gets the first tenant's
// verdicts without judging again, even when its query names its own subscription (rewritten to
// the canonical ids); a query that differs is judged on its own.
func TestVerdictsSharedAcrossTenants(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	first := l.grade(1)
	other := l.addTenant("fabrikam")
	other.replay(func(name string, body map[string]any) {
		if name == "rule-lateral-movement-detection" {
			p := body["properties"].(map[string]any)
			p["query"] = "let sub = \"" + other.tenant.Subscription.ID + "\";\n" +
				mustReplace(p["query"].(string), "AzureActivity\n", "AzureActivity\n| where _ResourceId has sub or isnotempty(Caller)\n")
		}
	})
	second := other.grade(1)
	if n := len(l.grader.verdicts.m); n != 4 {
		t.Errorf("%d verdicts after two tenants, want 4 (rule 3's query differs)", n)
	}
	for i := range first.Results {
		if first.Results[i].Passed != second.Results[i].Passed {
			t.Errorf("%s: %v then %v (%s)", first.Results[i].ID, first.Results[i].Passed, second.Results[i].Passed, second.Results[i].Detail)
		}
	}
	q, err := l.engine.CanonicalText(other.tenant.ID, "x "+other.tenant.Subscription.ID+" y")
	if err != nil || strings.Contains(q, other.tenant.Subscription.ID) {
		t.Errorf("CanonicalText kept the tenant's subscription: %q %v", q, err)
	}
}

// TestQueryKey: texts that run the same share a key (line ends, indentation, trailing spaces,
// blank lines); literals and comments are kept as written, so texts that differ there do not.
func TestQueryKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SigninLogs\r\n|  where  x == 1 \r\n\r\n", "SigninLogs\n| where x == 1"},
		{"  SigninLogs\n\t| take 5", "SigninLogs\n| take 5"},
		{`T | where a == "x  y"`, `T | where a == "x  y"`},
		{`T | where a == 'it''s  ok'`, `T | where a == 'it''s  ok'`},
		{`T | where a == "say \"hi  there\""  `, `T | where a == "say \"hi  there\""`},
		{`T | where p == @"C:\dir  x\"`, `T | where p == @"C:\dir  x\"`},
		{"T // it's  a comment\n| where a == \"x  y\"", "T // it's  a comment\n| where a == \"x  y\""},
		{`T | where a == "unterminated  `, `T | where a == "unterminated  `},
		{"", ""},
	}
	for _, c := range cases {
		if got := queryKey(c.in); got != c.want {
			t.Errorf("queryKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if queryKey(`T | where a == "x y"`) == queryKey(`T | where a == "x  y"`) {
		t.Error("literals differing in spaces share a key")
	}
}

// FuzzQueryKey: the key never changes a literal or comment, and keying is idempotent.
func FuzzQueryKey(f *testing.F) {
	for _, s := range []string{"T | where a == \"x  y\"", "T // c'\n| take 1", "@'a\\'", "h\"x\"", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k := queryKey(in)
		if queryKey(k) != k {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, k, queryKey(k))
		}
	})
}

// TestVerdictsByQueryKey: a query written with other whitespace (Windows line ends, indentation,
// spaces around pipes) shares the verdict.
func TestVerdictsByQueryKey(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	l.grade(1)
	spaced := l.addTenant("fabrikam")
	spaced.replay(func(name string, body map[string]any) {
		p := body["properties"].(map[string]any)
		p["query"] = strings.ReplaceAll(strings.ReplaceAll(p["query"].(string), "\n", "\r\n  "), " | ", "  |  ")
	})
	spaced.grade(1)
	if n := len(l.grader.verdicts.m); n != 3 {
		t.Errorf("%d verdicts after a differently spaced copy, want 3", n)
	}
}
