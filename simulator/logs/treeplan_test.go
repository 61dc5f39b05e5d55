package logs

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// describePlan prints a plan: map steps as key:sub, slice steps as [i]:sub, a key holding a
// token marked with *, a string holding one as $, a value without tokens as _.
func describePlan(p *treePlan) string {
	switch {
	case p == nil:
		return "_"
	case p.isString():
		return "$"
	}
	var parts []string
	for _, st := range p.steps {
		name := st.key
		if st.index >= 0 {
			name = fmt.Sprintf("[%d]", st.index)
		}
		if st.keyPlan != nil {
			name = "*" + name[:8]
		}
		parts = append(parts, name+":"+describePlan(st.sub))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// TestTreePlanPaths: a tree's plan lists exactly the paths to its tokens (keys and values,
// at any depth, map entries in key order); a value without tokens has no plan.
func TestTreePlanPaths(t *testing.T) {
	ts := testRebase().ts
	cases := []struct {
		name string
		tree any
		want string
	}{
		{"no tokens", map[string]any{"city": "Seattle", "n": int64(1), "l": []any{"x", 2.5}}, "_"},
		{"scalars", int64(7), "_"},
		{"nil", nil, "_"},
		{"empty slice", []any{}, "_"},
		{"empty map", map[string]any{}, "_"},
		{"a token string", canonTenant, "$"},
		{"a string without", "plain", "_"},
		{"flat", map[string]any{"tid": canonTenant, "city": "Seattle", "oid": "/users/" + canonUser}, "{oid:$ tid:$}"},
		{"nested", map[string]any{"Actor": []any{map[string]any{"ID": canonUser, "Type": int64(2)}, map[string]any{"ID": "alex@contoso.com"}}, "loc": map[string]any{"city": "x"}},
			"{Actor:{[0]:{ID:$}}}"},
		{"a key", map[string]any{canonUser: true, "b": "c"}, "{*11111111:_}"},
		{"a key and its value", map[string]any{canonUser: canonTenant}, "{*11111111:$}"},
		{"slice", []any{"a", canonTenant, int64(3), []any{strings.ToUpper(canonUser)}}, "{[1]:$ [3]:{[0]:$}}"},
		{"inside a word is no token", map[string]any{"x": "x" + canonTenant}, "_"},
	}
	for _, c := range cases {
		if got := describePlan(ts.planTree(c.tree)); got != c.want {
			t.Errorf("%s: plan %s, want %s", c.name, got, c.want)
		}
	}
}

// scanConvert is the reference conversion: every key and string of the tree scanned.
func scanConvert(r *rebase, x any) any {
	switch g := x.(type) {
	case string:
		return r.str(g)
	case []any:
		out := make([]any, len(g))
		for i, e := range g {
			out[i] = scanConvert(r, e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(g))
		for k, e := range g {
			out[r.str(k)] = scanConvert(r, e)
		}
		return out
	}
	return x
}

// TestTreePlanConvertsAsAScan: converting along a tree's plan gives the tree a scan of every
// value gives, shares the subtrees without tokens, never modifies the shared tree, and is
// memoized per tree; the plan is found once per tree.
func TestTreePlanConvertsAsAScan(t *testing.T) {
	r := testRebase()
	keep := map[string]any{"city": "Seattle"}
	trees := []any{
		map[string]any{"tid": canonTenant, "loc": keep, "n": int64(1)},
		map[string]any{canonUser: map[string]any{"tid": strings.ReplaceAll(canonTenant, "-", ""), "k": keep}, "x": []any{keep, canonUser + "@contoso.com"}},
		[]any{keep, []any{[]any{"/tenants/" + canonTenant + "/x/" + canonUser}}, 1.5, nil, true},
		map[string]any{"plain": "text", "l": []any{int64(1), "two"}},
		canonTenant,
		"plain",
		int64(4),
	}
	for i, tree := range trees {
		before := fmt.Sprint(tree)
		want := fmt.Sprint(scanConvert(r, tree))
		got := r.dyn(tree)
		if fmt.Sprint(got) != want {
			t.Errorf("tree %d: converted %v, want %v", i, got, want)
		}
		if fmt.Sprint(tree) != before {
			t.Errorf("tree %d: the shared tree was modified: %v", i, tree)
		}
		if _, ok := treeKey(tree); ok && !sameDyn(r.dyn(tree), got) {
			t.Errorf("tree %d: the second conversion is not the memoized one", i)
		}
		if r.ts.planTree(tree) == nil && !sameDyn(got, tree) {
			t.Errorf("tree %d: a tree without tokens was copied", i)
		}
	}
	if got := r.dyn(trees[0]).(map[string]any)["loc"]; !sameDyn(got, keep) {
		t.Errorf("a subtree without tokens was copied")
	}
	if p, q := r.ts.treePlan(trees[1]), r.ts.treePlan(trees[1]); p == nil || p != q {
		t.Errorf("a tree's plan is found again instead of remembered")
	}
	other := newRebase(r.ts, r.to, testRebaseCanon()) // another tenant: the class's plans, its own memo
	if got, want := fmt.Sprint(other.dyn(trees[1])), fmt.Sprint(scanConvert(other, trees[1])); got != want {
		t.Errorf("another tenant's conversion: %s, want %s", got, want)
	}
}

// FuzzTreePlan: a tree made from any text (tokens spliced in at its dashes, keys and values,
// nested by its brackets) converts along its plan to what a scan of every value gives.
func FuzzTreePlan(f *testing.F) {
	for _, s := range []string{"", "a-b", "[a,-b]", "{-:x}", "[[[-]]]", "{a:[b,-,{c:-}]}", "-" + canonUser[:10]} {
		f.Add(s)
	}
	r := testRebase()
	f.Fuzz(func(t *testing.T, s string) {
		tree := fuzzTree(s)
		want := fmt.Sprint(scanConvert(r, tree))
		before := fmt.Sprint(tree)
		if got := fmt.Sprint(r.planned(tree, r.ts.planTree(tree))); got != want {
			t.Errorf("%q: converted %s, want %s", s, got, want)
		}
		if fmt.Sprint(tree) != before {
			t.Errorf("%q: the tree was modified", s)
		}
		if fmt.Sprint(scanConvert(newRebase(r.ts, r.to, r.to), tree)) != before {
			t.Errorf("%q: the identity conversion changed the tree", s)
		}
	})
}

// fuzzTree reads s as a tree: '[' opens a slice, '{' a map (its elements alternate key and
// value), ']' and '}' close, ',' separates; a '-' in a text becomes a canonical token.
func fuzzTree(s string) any {
	toks := []string{canonTenant, canonUser, strings.ToUpper(canonTenant), strings.ReplaceAll(canonUser, "-", "")}
	n := 0
	text := func(w string) string {
		return strings.ReplaceAll(w, "-", "/"+toks[n%len(toks)]+"/")
	}
	var parse func() any
	parse = func() any {
		if len(s) == 0 {
			return ""
		}
		switch s[0] {
		case '[':
			s = s[1:]
			var out []any
			for len(s) > 0 && s[0] != ']' {
				if s[0] == ',' {
					s = s[1:]
					continue
				}
				out = append(out, parse())
				n++
			}
			if len(s) > 0 {
				s = s[1:]
			}
			return slices.Clip(out)
		case '{':
			s = s[1:]
			out := map[string]any{}
			for len(s) > 0 && s[0] != '}' {
				if s[0] == ',' {
					s = s[1:]
					continue
				}
				k := fmt.Sprint(parse())
				n++
				out[k] = parse()
			}
			if len(s) > 0 {
				s = s[1:]
			}
			return out
		}
		i := strings.IndexAny(s, "[]{},")
		if i < 0 {
			i = len(s)
		}
		w := s[:i]
		s = s[i:]
		if i == 0 { // a stray closer
			s = s[1:]
		}
		return text(w)
	}
	return parse()
}
