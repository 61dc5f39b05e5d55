package logs

import (
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// RowWindow returns rows [a, b) of t. The columns share t's storage (no value is copied):
// views are ordered by ingestion, so a query's timespan usually keeps one contiguous run of
// rows (the older rows are at the start), and the grader's judging windows are runs of an
// event-time-ordered table. A column whose null bitmap would have to move (an int, real or
// guid column with nulls) is copied. The executor never writes into its inputs, so a window
// runs exactly as a copy.
func RowWindow(t *kql.Table, a, b int) *kql.Table {
	if a == 0 {
		return t.Prefix(b)
	}
	out := &kql.Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*exec.Vector, len(t.Vecs)), N: b - a}
	for c, v := range t.Vecs {
		out.Vecs[c] = vectorWindow(v, a, b)
	}
	return out
}

// vectorWindow returns values [a, b) of v sharing its storage when nulls allow it.
func vectorWindow(v *exec.Vector, a, b int) *exec.Vector {
	n := b - a
	w := v.Prefix(n) // a header of n values; its storage is re-pointed below
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return gatherRange(v, a, b)
		}
		w.I = v.I[a:b:b]
	case types.Real, types.Decimal:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return gatherRange(v, a, b)
		}
		w.F = v.F[a:b:b]
	case types.GUID:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return gatherRange(v, a, b)
		}
		w.S = v.S[a:b:b]
	case types.String:
		w.S = v.S[a:b:b] // strings have no nulls (empty is not null)
	default:
		w.D = v.D[a:b:b] // a dynamic null is a nil value, not a bit
	}
	return w
}

// hasNulls reports whether a value in [a, b) of v is null by v's bitmap.
func hasNulls(v *exec.Vector, a, b int) bool {
	for i := a; i < b; i++ {
		if v.IsNull(i) {
			return true
		}
	}
	return false
}

// gatherRange copies values [a, b) of v.
func gatherRange(v *exec.Vector, a, b int) *exec.Vector {
	idx := make([]int32, b-a)
	for i := range idx {
		idx[i] = int32(a + i)
	}
	return v.Gather(idx)
}
