package logs

import (
	"fmt"
	"strings"
	"testing"
)

const (
	canonTenant = "4f1e2d3c-5b6a-4978-8a1b-2c3d4e5f6a7b"
	otherTenant = "0a0b0c0d-1111-4222-8333-444455556666"
	canonUser   = "11111111-2222-5333-8444-555555555555"
	otherUser   = "99999999-8888-5777-8666-555555555555"
)

// testRebase maps two canonical ids (with their upper-case and dash-less spellings) to
// another tenant's, as TenantTokens lists them.
func testRebase() *rebase {
	spell := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, id, strings.ToUpper(id), strings.ReplaceAll(id, "-", ""))
		}
		return out
	}
	canon, other := spell(canonTenant, canonUser), spell(otherTenant, otherUser)
	return newRebase(newTokenSet(canon), canon, other)
}

// TestRebaseStrings: tokens are replaced where a value holds them (whole, in JSON, in paths,
// upper-case, without dashes), and only at a word start; other text is kept as it is.
func TestRebaseStrings(t *testing.T) {
	r := testRebase()
	up := strings.ToUpper
	cases := []struct{ in, want string }{
		{"", ""},
		{"no ids here", "no ids here"},
		{canonTenant, otherTenant},
		{"/tenants/" + canonTenant + "/providers/Microsoft.aadiam", "/tenants/" + otherTenant + "/providers/Microsoft.aadiam"},
		{`{"tid":"` + canonTenant + `","oid":"` + canonUser + `"}`, `{"tid":"` + otherTenant + `","oid":"` + otherUser + `"}`},
		{up(canonTenant), up(otherTenant)},
		{"principal " + strings.ReplaceAll(canonUser, "-", ""), "principal " + strings.ReplaceAll(otherUser, "-", "")},
		{canonUser + "@contoso.com", otherUser + "@contoso.com"},
		{canonTenant + "/" + canonTenant, otherTenant + "/" + otherTenant},
		// inside a longer word: not a token of ours
		{"x" + canonTenant, "x" + canonTenant},
		// a prefix of a token is not a token
		{canonTenant[:20], canonTenant[:20]},
		{"key1(" + canonUser + ")", "key1(" + otherUser + ")"},
	}
	for _, c := range cases {
		if got := r.str(c.in); got != c.want {
			t.Errorf("str(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	id := newRebase(r.ts, r.to, r.to)
	if !id.identity || id.str(canonTenant) != canonTenant {
		t.Errorf("a tenant with the canonical tokens must be the identity")
	}
}

// TestRebaseDynamic: trees are converted where they hold tokens (keys and values, at any
// depth), unchanged subtrees are shared, and the original is never modified.
func TestRebaseDynamic(t *testing.T) {
	r := testRebase()
	shared := map[string]any{"city": "Seattle", "n": int64(3)}
	in := map[string]any{
		"OrganizationId": canonTenant,
		"Actor":          []any{map[string]any{"ID": canonUser, "Type": int64(2)}, map[string]any{"ID": "alex@contoso.com"}},
		"loc":            shared,
		canonUser:        true,
		"score":          1.5,
	}
	before := fmt.Sprint(in)
	got := r.dyn(in).(map[string]any)
	want := fmt.Sprint(map[string]any{
		"OrganizationId": otherTenant,
		"Actor":          []any{map[string]any{"ID": otherUser, "Type": int64(2)}, map[string]any{"ID": "alex@contoso.com"}},
		"loc":            shared,
		otherUser:        true,
		"score":          1.5,
	})
	if fmt.Sprint(got) != want {
		t.Errorf("dyn = %v, want %v", got, want)
	}
	if fmt.Sprint(in) != before {
		t.Errorf("the shared tree was modified: %v", in)
	}
	if !sameDyn(got["loc"], shared) {
		t.Errorf("a subtree without tokens was copied")
	}
	if again := r.dyn(in); !sameDyn(again, got) {
		t.Errorf("the second conversion of a tree is not the memoized one")
	}
	for _, x := range []any{nil, int64(5), 2.5, true, "plain", []any{}} {
		if got := r.dyn(x); fmt.Sprint(got) != fmt.Sprint(x) {
			t.Errorf("dyn(%v) = %v", x, got)
		}
	}
}

// TestFingerprintDistinguishesTrees: the interning key tells apart trees that print alike
// (1 and 1.0, "1" and 1, nested and flat) and equals for equal trees in any map order.
func TestFingerprintDistinguishesTrees(t *testing.T) {
	key := func(x any) string {
		var b strings.Builder
		if !fingerprint(&b, x) {
			return "<none>"
		}
		return b.String()
	}
	distinct := []any{nil, int64(1), float64(1), "1", true, false, []any{}, map[string]any{},
		[]any{int64(1)}, []any{[]any{int64(1)}}, map[string]any{"a": "b"}, map[string]any{"a": []any{"b"}},
		map[string]any{"ab": ""}, map[string]any{"a": "b", "c": "d"}, "s1:x", []any{"s1:x"}}
	seen := map[string]int{}
	for i, x := range distinct {
		k := key(x)
		if j, ok := seen[k]; ok {
			t.Errorf("%#v and %#v share the key %q", distinct[j], x, k)
		}
		seen[k] = i
	}
	a := map[string]any{"x": int64(1), "y": []any{"z", 2.5}, "w": map[string]any{"q": nil}}
	b := map[string]any{"w": map[string]any{"q": nil}, "y": []any{"z", 2.5}, "x": int64(1)}
	if key(a) != key(b) {
		t.Errorf("equal trees have different keys")
	}
	if key(map[string]any{"t": struct{}{}}) != "<none>" {
		t.Errorf("a tree with a foreign type must not be interned")
	}
}

// FuzzRebase: any text converts without panicking; the identity rebase keeps it; a text
// without the other tenant's tokens converts back to itself.
func FuzzRebase(f *testing.F) {
	for _, s := range []string{"", canonTenant, "x" + canonUser + "y", `{"a":"` + strings.ToUpper(canonTenant) + `"}`, "----", "ab-cd-" + canonUser[:30]} {
		f.Add(s)
	}
	r := testRebase()
	back := newRebase(newTokenSet(r.to), r.to, testRebaseCanon())
	f.Fuzz(func(t *testing.T, s string) {
		out := r.str(s)
		if back.ts.contains(s) {
			return // the input already held the other tenant's ids: no round trip
		}
		if got := back.str(out); got != s {
			t.Errorf("round trip of %q: %q -> %q", s, out, got)
		}
	})
}

func testRebaseCanon() []string {
	var out []string
	for _, id := range []string{canonTenant, canonUser} {
		out = append(out, id, strings.ToUpper(id), strings.ReplaceAll(id, "-", ""))
	}
	return out
}
