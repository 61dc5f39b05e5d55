package analyze

import (
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Typed fast paths for the filters SOC queries are made of: a column compared with a
// constant (or a per-run constant such as ago(1h)). They read the column's vector directly
// instead of evaluating per row through values, and give the same answers as the general path.

// constOf returns the value of a constant or per-run constant operand.
func constOf(e exec.Expr) (func(env *exec.Env) types.Value, bool) {
	switch {
	case e.Const != nil:
		v := *e.Const
		return func(*exec.Env) types.Value { return v }, true
	case e.RunConst:
		return func(env *exec.Env) types.Value { return e.Eval(env, nil, 0) }, true
	}
	return nil, false
}

// scanRows calls keep for the candidate rows (all rows when in is nil) and returns the kept.
func scanRows(n int, in []int32, keep func(i int32) bool) []int32 {
	if in == nil {
		out := make([]int32, 0, n/4+1)
		for i := 0; i < n; i++ {
			if keep(int32(i)) {
				out = append(out, int32(i))
			}
		}
		return out
	}
	out := in[:0]
	for _, i := range in {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

// fastCompare handles `col op const` for string, long/int, datetime and timespan columns.
func fastCompare(op funcs.CompareOp, l, r exec.Expr) func(*exec.Env, *exec.Table, []int32) []int32 {
	kf, ok := constOf(r)
	if !l.IsCol || !ok {
		return nil
	}
	col := l.Col
	kt := r.T
	switch {
	case l.T == types.String && (op == funcs.CmpEq || op == funcs.CmpNe) && (kt == types.String || kt.IsInteger()):
		ne := op == funcs.CmpNe
		return func(env *exec.Env, t *exec.Table, in []int32) []int32 {
			k := kf(env)
			if k.IsNull() {
				return scanRows(t.N, in, func(int32) bool { return ne })
			}
			want := types.FormatText(k)
			vec := t.Vecs[col]
			if d := env.FilterDict(vec); d != nil {
				// One integer compare per row; a text no row holds matches nothing.
				if c, ok := d.Code(want); ok {
					return exec.SelectCode(d, in, c, ne)
				}
				return scanRows(t.N, in, func(int32) bool { return ne })
			}
			s := vec.S
			return scanRows(t.N, in, func(i int32) bool { return (s[i] == want) != ne })
		}
	case (l.T == types.Long || l.T == types.Int) && kt.IsInteger(),
		l.T == types.DateTime && kt == types.DateTime,
		l.T == types.TimeSpan && kt == types.TimeSpan:
		return func(env *exec.Env, t *exec.Table, in []int32) []int32 {
			k := kf(env)
			v := t.Vecs[col]
			if k.IsNull() {
				return scanRows(t.N, in, func(int32) bool { return op == funcs.CmpNe })
			}
			want := k.I
			xs := v.I
			return scanRows(t.N, in, func(i int32) bool {
				if v.IsNull(int(i)) {
					return op == funcs.CmpNe
				}
				x := xs[i]
				switch op {
				case funcs.CmpEq:
					return x == want
				case funcs.CmpNe:
					return x != want
				case funcs.CmpLt:
					return x < want
				case funcs.CmpLe:
					return x <= want
				case funcs.CmpGt:
					return x > want
				}
				return x >= want
			})
		}
	}
	return nil
}

// fastStringOp handles `col has/contains/startswith/... "const"` on string columns.
func fastStringOp(op funcs.StringOperator, l, r exec.Expr) func(*exec.Env, *exec.Table, []int32) []int32 {
	if !l.IsCol || l.T != types.String || r.Const == nil || r.Const.T != types.String {
		return nil
	}
	col := l.Col
	m := funcs.NewStringMatcher(op, r.Const.S)
	return byCodes(col, m.MatchString)
}

// byCodes is the filter of a string column by a test of each row's text alone: on a
// dictionary-encoded column the test runs once per distinct value (kept per dictionary in
// a CodeSetCache) and rows are kept by their codes; else per row.
func byCodes(col int, match func(string) bool) func(*exec.Env, *exec.Table, []int32) []int32 {
	var cache exec.CodeSetCache
	build := func(d *exec.StringDict) exec.CodeSet { return exec.NewCodeSet(d, match) }
	return func(env *exec.Env, t *exec.Table, in []int32) []int32 {
		vec := t.Vecs[col]
		if d := env.FilterDict(vec); d != nil {
			return exec.SelectCodes(d, in, cache.Get(d, build), false)
		}
		s := vec.S
		return scanRows(t.N, in, func(i int32) bool { return match(s[i]) })
	}
}

// fastIn handles `col in (consts)` and `col has_any (consts)` on string columns.
func fastIn(op string, v exec.Expr, items []types.Value) func(*exec.Env, *exec.Table, []int32) []int32 {
	if !v.IsCol || v.T != types.String {
		return nil
	}
	col := v.Col
	switch op {
	case "in", "!in":
		set := map[string]bool{}
		for _, it := range funcs.ExpandList(items) {
			if it.T != types.String && !(it.T == types.Dynamic && isString(it.D)) {
				return nil
			}
			set[types.FormatText(it)] = true
		}
		neg := op == "!in"
		return byCodes(col, func(s string) bool { return set[s] != neg })
	case "in~", "!in~":
		return fastInFold(op == "!in~", col, items)
	case "has_any":
		has, _ := funcs.LookupStringOperator("has")
		terms := make([]*funcs.StringMatcher, 0, len(items))
		for _, it := range items {
			terms = append(terms, funcs.NewStringMatcher(has, types.FormatText(it)))
		}
		return byCodes(col, func(s string) bool {
			for _, term := range terms {
				if term.MatchString(s) {
					return true
				}
			}
			return false
		})
	}
	return nil
}

func isString(d any) bool {
	_, ok := d.(string)
	return ok
}
