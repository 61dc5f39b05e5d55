package analyze

import (
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Issue 14's string hot paths: `a or b` over two vectorised predicates, `in~` as a hash set,
// and string operators with a prepared constant needle on computed operands.

// orVec keeps the rows where either predicate is true: l runs on the candidates, r only on
// the rows l rejected, and the two ascending selections are merged. A row where l is null and
// r is false is dropped, as where drops a null condition.
func orVec(lv, rv func(*exec.Env, *exec.Table, []int32) []int32) func(*exec.Env, *exec.Table, []int32) []int32 {
	return func(env *exec.Env, t *exec.Table, in []int32) []int32 {
		var lin []int32
		if in != nil {
			lin = append(make([]int32, 0, len(in)), in...) // lv may reuse its input
		}
		first := lv(env, t, lin)
		rest := exceptRows(t.N, in, first)
		var second []int32
		if len(rest) > 0 {
			second = rv(env, t, rest)
		}
		out := in[:0] // in is no longer read: first and second live in copies
		if in == nil || cap(in) < len(first)+len(second) {
			out = make([]int32, 0, len(first)+len(second))
		}
		return mergeRows(out, first, second)
	}
}

// exceptRows returns the candidates (all n rows when in is nil) that are not in sel; sel is an
// ascending subsequence of the candidates.
func exceptRows(n int, in, sel []int32) []int32 {
	k := 0
	if in == nil {
		out := make([]int32, 0, n-len(sel))
		for i := 0; i < n; i++ {
			if k < len(sel) && sel[k] == int32(i) {
				k++
				continue
			}
			out = append(out, int32(i))
		}
		return out
	}
	out := make([]int32, 0, len(in)-len(sel))
	for _, i := range in {
		if k < len(sel) && sel[k] == i {
			k++
			continue
		}
		out = append(out, i)
	}
	return out
}

// mergeRows appends the union of two disjoint ascending row lists to out, in order.
func mergeRows(out, a, b []int32) []int32 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] < b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// fastInFold handles `col in~ (strings)` / `!in~`: ASCII values are looked up lower-cased in
// a set built once; a null row or a non-ASCII value (Unicode folding) takes the general path.
func fastInFold(neg bool, col int, items []types.Value) func(*exec.Env, *exec.Table, []int32) []int32 {
	set := map[string]bool{}
	for _, it := range funcs.ExpandList(items) {
		if it.IsNull() || it.T != types.String && !(it.T == types.Dynamic && isString(it.D)) {
			return nil
		}
		s := types.FormatText(it)
		if !isASCIIText(s) {
			return nil
		}
		set[lowerASCII(nil, s)] = true
	}
	var cache exec.CodeSetCache
	build := func(d *exec.StringDict) exec.CodeSet {
		var buf []byte
		return exec.NewCodeSet(d, func(x string) bool {
			if !isASCIIText(x) {
				return funcs.InFold(types.NewString(x), items)
			}
			buf = lowerASCIIBytes(buf[:0], x)
			return set[string(buf)]
		})
	}
	return func(env *exec.Env, t *exec.Table, in []int32) []int32 {
		vec := t.Vecs[col]
		if d := env.FilterDict(vec); d != nil {
			return exec.SelectCodes(d, in, cache.Get(d, build), neg)
		}
		s := vec.S
		var buf []byte
		return scanRows(t.N, in, func(i int32) bool {
			x := s[i]
			if !isASCIIText(x) || vec.IsNull(int(i)) {
				return funcs.InFold(vec.Get(int(i)), items) != neg
			}
			buf = lowerASCIIBytes(buf[:0], x)
			return set[string(buf)] != neg // no allocation: the compiler reads the map with the bytes
		})
	}
}

func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func lowerASCIIBytes(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func lowerASCII(buf []byte, s string) string { return string(lowerASCIIBytes(buf, s)) }

// stringOpConst compiles `expr op "const"` with the needle prepared once; ok is false when
// the right side is not a string constant.
func stringOpConst(sop funcs.StringOperator, l, r exec.Expr) (exec.Expr, bool) {
	if r.Const == nil || r.Const.T != types.String || l.Const != nil {
		return exec.Expr{}, false
	}
	m := funcs.NewStringMatcher(sop, types.FormatText(*r.Const))
	return binaryExpr(l, r, types.Bool, func(a, _ types.Value) types.Value { return boolVal(m.Match(a)) }), true
}
