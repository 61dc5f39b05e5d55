package grader

import (
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// rowView returns rows [a, b) of t sharing its storage: a judging window is a run of rows of
// an event-time-ordered table, and copying every column of it for each of ~1500 runs per rule
// was half of judging's CPU (and most of its garbage). Columns whose null bitmap would have to
// move are copied. The executor never writes into its inputs, so a view runs exactly as a copy
// (the same technique as logs.Restrict's views).
func rowView(t *kql.Table, a, b int) *kql.Table {
	if a == 0 {
		return t.Prefix(b)
	}
	out := &kql.Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*exec.Vector, len(t.Vecs)), N: b - a}
	for c, v := range t.Vecs {
		out.Vecs[c] = vectorView(v, a, b)
	}
	return out
}

// vectorView returns values [a, b) of v sharing its storage when nulls allow it.
func vectorView(v *exec.Vector, a, b int) *exec.Vector {
	n := b - a
	w := v.Prefix(n) // a header of n values; its storage is re-pointed below
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return copyRange(v, a, b)
		}
		w.I = v.I[a:b:b]
	case types.Real, types.Decimal:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return copyRange(v, a, b)
		}
		w.F = v.F[a:b:b]
	case types.GUID:
		if hasNulls(v, a, b) || hasNulls(w, 0, n) {
			return copyRange(v, a, b)
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

// copyRange copies values [a, b) of v.
func copyRange(v *exec.Vector, a, b int) *exec.Vector {
	idx := make([]int32, b-a)
	for i := range idx {
		idx[i] = int32(a + i)
	}
	return v.Gather(idx)
}
