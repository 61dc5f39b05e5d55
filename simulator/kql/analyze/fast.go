package analyze

import (
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Typed fast paths for the filters SOC queries are made of: a column compared with a
// constant. They read the column's vector directly instead of evaluating per row through
// values, and give the same answers as the general path.

// fastCompare handles `col op const` for string, long/int, datetime and timespan columns.
func fastCompare(op funcs.CompareOp, l, r exec.Expr) func(*exec.Table, []int32) []int32 {
	if !l.IsCol || r.Const == nil || r.Const.IsNull() {
		return nil
	}
	col, k := l.Col, *r.Const
	switch {
	case l.T == types.String && (op == funcs.CmpEq || op == funcs.CmpNe) && (k.T == types.String || k.T.IsInteger()):
		want := types.FormatText(k)
		ne := op == funcs.CmpNe
		return func(t *exec.Table, sel []int32) []int32 {
			for i, s := range t.Vecs[col].S {
				if (s == want) != ne {
					sel = append(sel, int32(i))
				}
			}
			return sel
		}
	case (l.T == types.Long || l.T == types.Int) && k.T.IsInteger(),
		l.T == types.DateTime && k.T == types.DateTime,
		l.T == types.TimeSpan && k.T == types.TimeSpan:
		want := k.I
		return func(t *exec.Table, sel []int32) []int32 {
			v := t.Vecs[col]
			for i, x := range v.I {
				var ok bool
				switch op {
				case funcs.CmpEq:
					ok = x == want
				case funcs.CmpNe:
					ok = x != want
				case funcs.CmpLt:
					ok = x < want
				case funcs.CmpLe:
					ok = x <= want
				case funcs.CmpGt:
					ok = x > want
				case funcs.CmpGe:
					ok = x >= want
				}
				if ok && !v.IsNull(i) {
					sel = append(sel, int32(i))
				} else if op == funcs.CmpNe && v.IsNull(i) {
					sel = append(sel, int32(i))
				}
			}
			return sel
		}
	}
	return nil
}

// fastStringOp handles `col has/contains/startswith/... "const"` on string columns.
func fastStringOp(op funcs.StringOperator, l, r exec.Expr) func(*exec.Table, []int32) []int32 {
	if !l.IsCol || l.T != types.String || r.Const == nil || r.Const.T != types.String {
		return nil
	}
	col, pat := l.Col, r.Const.S
	return func(t *exec.Table, sel []int32) []int32 {
		for i, s := range t.Vecs[col].S {
			if funcs.MatchString(op.Op, s, pat) != op.Negated {
				sel = append(sel, int32(i))
			}
		}
		return sel
	}
}

// fastIn handles `col in (consts)` and `col has_any (consts)` on string columns.
func fastIn(op string, v exec.Expr, items []types.Value) func(*exec.Table, []int32) []int32 {
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
		return func(t *exec.Table, sel []int32) []int32 {
			for i, s := range t.Vecs[col].S {
				if set[s] != neg {
					sel = append(sel, int32(i))
				}
			}
			return sel
		}
	case "has_any":
		terms := make([]string, 0, len(items))
		for _, it := range items {
			terms = append(terms, types.FormatText(it))
		}
		return func(t *exec.Table, sel []int32) []int32 {
			for i, s := range t.Vecs[col].S {
				for _, term := range terms {
					if funcs.Has(s, term) {
						sel = append(sel, int32(i))
						break
					}
				}
			}
			return sel
		}
	}
	return nil
}

func isString(d any) bool {
	_, ok := d.(string)
	return ok
}
