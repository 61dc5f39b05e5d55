package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// rowRank is row_rank_dense(Term [, restart]) (1, then +1 each time Term changes) and
// row_rank_min(Term [, restart]) (the row number of the first row of the run of equal Terms),
// over the serialized rows; restart begins a new ranking at its row.
func (a *analyzer) rowRank(c *exprCtx, x *ast.CallExpr, dense bool) exec.Expr {
	if len(x.Args) < 1 || len(x.Args) > 2 {
		fail(x, diag.CodeBadArgument, "The function '%s' expects between 1 and 2 arguments.", x.Func.Name)
	}
	term := a.scalarCtx(c, x.Args[0])
	var restart *exec.Expr
	if len(x.Args) > 1 {
		r := a.scalarCtx(c, x.Args[1])
		restart = &r
	}
	key := new(int)
	return exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		v, _ := env.Cached(cacheKey{key, tb}, func() (any, error) {
			ranks := make([]int64, tb.N)
			var prev types.Value
			rank, num := int64(0), int64(0)
			for r := 0; r < tb.N; r++ {
				cur := term.Eval(env, tb, r)
				fresh := r == 0
				if restart != nil && r > 0 {
					if rv := restart.Eval(env, tb, r); rv.T == types.Bool && !rv.Null && rv.I != 0 {
						fresh = true
					}
				}
				switch {
				case fresh:
					rank, num = 1, 1
				default:
					num++
					if !types.Equal(cur, prev) {
						if dense {
							rank++
						} else {
							rank = num
						}
					}
				}
				ranks[r] = rank
				prev = cur
			}
			return ranks, nil
		})
		return types.NewLong(v.([]int64)[i])
	}}
}

// rowWindowSession is row_window_session(Expr, MaxDistanceFromFirst,
// MaxDistanceBetweenNeighbors [, Restart]): each row gets the Expr value of its session's
// first row; a session ends when the next value is further than MaxDistanceFromFirst from
// the session's first value or MaxDistanceBetweenNeighbors from the previous value.
func (a *analyzer) rowWindowSession(c *exprCtx, x *ast.CallExpr) exec.Expr {
	if len(x.Args) < 3 || len(x.Args) > 4 {
		fail(x, diag.CodeBadArgument, "The function 'row_window_session' expects between 3 and 4 arguments.")
	}
	val := a.scalarCtx(c, x.Args[0])
	fromFirst := a.scalarCtx(c, x.Args[1])
	between := a.scalarCtx(c, x.Args[2])
	if fromFirst.Const == nil || between.Const == nil {
		fail(x, diag.CodeBadArgument, "row_window_session: the distances must be constants.")
	}
	var restart *exec.Expr
	if len(x.Args) > 3 {
		r := a.scalarCtx(c, x.Args[3])
		restart = &r
	}
	maxFirst, maxBetween := *fromFirst.Const, *between.Const
	further := func(a, b, limit types.Value) bool {
		d := types.Arith(types.OpSub, a, b)
		cmp, ok := types.Compare(d, limit)
		return ok && !d.IsNull() && cmp > 0
	}
	key := new(int)
	return exec.Expr{T: val.T, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		v, _ := env.Cached(cacheKey{key, tb}, func() (any, error) {
			out := make([]types.Value, tb.N)
			var start, prev types.Value
			for r := 0; r < tb.N; r++ {
				cur := val.Eval(env, tb, r)
				fresh := r == 0 || start.IsNull()
				if !fresh && restart != nil {
					if rv := restart.Eval(env, tb, r); rv.T == types.Bool && !rv.Null && rv.I != 0 {
						fresh = true
					}
				}
				if !fresh && (further(cur, start, maxFirst) || further(cur, prev, maxBetween)) {
					fresh = true
				}
				if fresh {
					start = cur
				}
				out[r] = start
				prev = cur
			}
			return out, nil
		})
		return v.([]types.Value)[i]
	}}
}
