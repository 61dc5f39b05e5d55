package analyze

import (
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// fastBetween handles `x between (lo .. hi)` and `!between` with constant non-null bounds
// when x is a long/int column, a datetime column with datetime bounds, or row_number()
// (`serialize | where row_number() between (...)`): the values are read as int64 directly
// instead of through per-row values. A null x is dropped, as the general path's null is.
func fastBetween(v, lo, hi exec.Expr, not bool) func(*exec.Env, *exec.Table, []int32) []int32 {
	if lo.Const == nil || hi.Const == nil || lo.Const.IsNull() || hi.Const.IsNull() {
		return nil
	}
	intLike := func(t types.Type) bool { return t == types.Long || t == types.Int }
	switch {
	case intLike(v.T) && intLike(lo.Const.T) && intLike(hi.Const.T):
	case v.T == types.DateTime && lo.Const.T == types.DateTime && hi.Const.T == types.DateTime:
	default:
		return nil
	}
	a, b := lo.Const.I, hi.Const.I
	if v.RowNumber {
		start := v.RowStart
		return func(_ *exec.Env, t *exec.Table, in []int32) []int32 {
			return scanRows(t.N, in, func(i int32) bool {
				x := start + int64(i)
				return (x >= a && x <= b) != not
			})
		}
	}
	if !v.IsCol {
		return nil
	}
	col := v.Col
	return func(_ *exec.Env, t *exec.Table, in []int32) []int32 {
		vec := t.Vecs[col]
		xs := vec.I
		return scanRows(t.N, in, func(i int32) bool {
			if vec.IsNull(int(i)) {
				return false
			}
			x := xs[i]
			return (x >= a && x <= b) != not
		})
	}
}
