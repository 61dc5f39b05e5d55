package analyze

import (
	"sort"

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
		if !not {
			return func(_ *exec.Env, t *exec.Table, in []int32) []int32 {
				return rowNumberRange(start, a, b, t.N, in)
			}
		}
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

// rowNumberRange is `row_number() between (a .. b)` over a table of n rows whose first row is
// numbered start: the rows form one contiguous range, made directly (no row is read) or cut
// out of the ascending candidates in by binary search.
func rowNumberRange(start, a, b int64, n int, in []int32) []int32 {
	first, last := int64(0), int64(n)-1
	if a > start {
		first = a - start
	}
	if b < start {
		last = -1
	} else if b-start < last {
		last = b - start
	}
	if in == nil {
		if first > last {
			return []int32{}
		}
		out := make([]int32, last-first+1)
		for k := range out {
			out[k] = int32(first + int64(k))
		}
		return out
	}
	lo := sort.Search(len(in), func(k int) bool { return int64(in[k]) >= first })
	hi := sort.Search(len(in), func(k int) bool { return int64(in[k]) > last })
	if lo >= hi {
		return in[:0]
	}
	return in[lo:hi]
}
