package analyze

import (
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// readSet collects the row columns one scalar expression reads while it is compiled.
type readSet struct {
	cols []int
}

// tracked compiles a scalar expression (compile) and records in its Reads the row columns it
// reads, so that exec.Prune can leave every other column ungathered. Every column read of the
// compiled code goes through colExpr or noteRead; nested expressions (user functions,
// subqueries) add their reads to the enclosing ones too, which can only widen a set.
func (a *analyzer) tracked(compile func() exec.Expr) (e exec.Expr) {
	rs := &readSet{}
	a.reads = append(a.reads, rs)
	defer func() {
		a.reads = a.reads[:len(a.reads)-1]
		if len(a.reads) > 0 {
			outer := a.reads[len(a.reads)-1]
			outer.cols = append(outer.cols, rs.cols...)
		}
	}()
	e = compile()
	e.Reads, e.ReadsKnown = dedupe(rs.cols), true
	return e
}

// colExpr is a reference to column i of the row, recorded as read.
func (a *analyzer) colExpr(i int, t types.Type) exec.Expr {
	a.noteRead(i)
	return exec.ColumnExpr(i, t)
}

// noteRead records that the expression being compiled reads column i of the row.
func (a *analyzer) noteRead(i int) {
	if n := len(a.reads); n > 0 {
		a.reads[n-1].cols = append(a.reads[n-1].cols, i)
	}
}

// dedupe returns the distinct values of xs (order kept).
func dedupe(xs []int) []int {
	out := make([]int, 0, len(xs))
	seen := map[int]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
