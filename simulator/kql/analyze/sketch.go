package analyze

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// sketchCall handles the scalar functions over hll and tdigest sketches (exec/aggsketch.go):
// dcount_hll, hll_merge(h1, h2, ...), tdigest_merge / merge_tdigest(t1, t2, ...),
// percentile_tdigest(t, p [, typeof(T)]) and rank_tdigest(t, v). ok is false for other names.
func (a *analyzer) sketchCall(c *exprCtx, x *ast.CallExpr) (exec.Expr, bool) {
	name := x.Func.Name
	switch name {
	case "dcount_hll", "hll_merge", "tdigest_merge", "merge_tdigest", "percentile_tdigest", "rank_tdigest":
	default:
		return exec.Expr{}, false
	}
	if c.aggCols != nil {
		if _, isAgg := c.aggCols[x]; isAgg {
			return exec.Expr{}, false
		}
	}
	if len(x.Args) == 0 {
		fail(x, diag.CodeBadArgument, "The function '%s' expects at least 1 argument.", name)
	}
	args := make([]exec.Expr, 0, len(x.Args))
	for _, arg := range x.Args {
		if _, isType := arg.(*ast.TypeExpr); isType {
			continue
		}
		args = append(args, a.scalarCtx(c, arg))
	}
	eval := func(env *exec.Env, tb *exec.Table, i int) []types.Value {
		vs := make([]types.Value, len(args))
		for k, e := range args {
			vs[k] = e.Eval(env, tb, i)
		}
		return vs
	}
	switch name {
	case "dcount_hll":
		return exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			return types.NewLong(int64(len(exec.HLLHashes(args[0].Eval(env, tb, i)))))
		}}, true
	case "hll_merge":
		return exec.Expr{T: types.Dynamic, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			set := map[uint64]bool{}
			for _, v := range eval(env, tb, i) {
				for _, h := range exec.HLLHashes(v) {
					set[h] = true
				}
			}
			return exec.NewHLL(set)
		}}, true
	case "tdigest_merge", "merge_tdigest":
		return exec.Expr{T: types.Dynamic, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			tname := ""
			var pts []exec.TDigestPoint
			for _, v := range eval(env, tb, i) {
				tn, p := exec.TDigestPoints(v)
				if tn != "" {
					tname = tn
				}
				pts = append(pts, p...)
			}
			return exec.NewTDigest(tname, pts)
		}}, true
	case "rank_tdigest":
		if len(args) != 2 {
			fail(x, diag.CodeBadArgument, "The function 'rank_tdigest' expects 2 arguments.")
		}
		return exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			_, pts := exec.TDigestPoints(args[0].Eval(env, tb, i))
			v, ok := sketchValue(args[1].Eval(env, tb, i))
			if !ok || pts == nil {
				return types.NullOf(types.Long)
			}
			w := 0.0
			for _, p := range pts {
				if p.V <= v {
					w += p.W
				}
			}
			return types.NewLong(int64(math.Round(w)))
		}}, true
	}
	// percentile_tdigest: nearest rank over the weights, as percentile() does.
	if len(args) != 2 {
		fail(x, diag.CodeBadArgument, "The function 'percentile_tdigest' expects 2 or 3 arguments.")
	}
	out := types.Real
	if te, ok := x.Args[len(x.Args)-1].(*ast.TypeExpr); ok {
		t, known := types.ParseType(te.Name)
		if !known {
			fail(te, diag.CodeInvalid, "Unknown type '%s'", te.Name)
		}
		out = t
	}
	return exec.Expr{T: out, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		_, pts := exec.TDigestPoints(args[0].Eval(env, tb, i))
		p, ok := args[1].Eval(env, tb, i).AsFloat()
		if !ok || len(pts) == 0 {
			return types.NullOf(out)
		}
		total := 0.0
		for _, pt := range pts {
			total += pt.W
		}
		rank := math.Max(math.Ceil(p/100*total), 1)
		acc := 0.0
		v := pts[len(pts)-1].V
		for _, pt := range pts {
			acc += pt.W
			if acc >= rank {
				v = pt.V
				break
			}
		}
		switch out {
		case types.DateTime:
			return types.NewDateTimeTicks(int64(v))
		case types.TimeSpan:
			return types.NewTimeSpan(int64(v))
		}
		return types.Convert(types.NewReal(v), out)
	}}, true
}

// sketchValue reads a number, datetime or timespan as a tdigest stores it.
func sketchValue(v types.Value) (float64, bool) {
	if !v.IsNull() && (v.T == types.DateTime || v.T == types.TimeSpan) {
		return float64(v.I), true
	}
	return v.AsFloat()
}

// dcountIntersect is `evaluate dcount_intersect(hll1, hll2 [, ...])`: the input columns
// followed by s0 ... sN-1, where sK counts the values in all of the first K+1 sketches.
func (a *analyzer) dcountIntersect(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil || len(call.Args) < 2 || len(call.Args) > 16 {
		fail(call, diag.CodeBadArgument, "'evaluate' operator: dcount_intersect expects an input table and between 2 and 16 hll arguments")
	}
	inCols := in.Columns()
	sketches := make([]exec.Expr, len(call.Args))
	for k, arg := range call.Args {
		sketches[k] = a.scalarOp(sc, inCols, arg, "evaluate")
	}
	cols := append([]exec.Column(nil), inCols...)
	pass := identity(len(inCols))
	exprs := make([]exec.Expr, len(inCols))
	taken := nameSet(inCols)
	for k := range sketches {
		name := uniqueName("s"+itoa(k), taken)
		taken[name] = true
		cols = append(cols, exec.Column{Name: name, Type: types.Long})
		pass = append(pass, -1)
		n := k + 1
		exprs = append(exprs, exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			common := map[uint64]int{}
			for _, e := range sketches[:n] {
				for _, h := range exec.HLLHashes(e.Eval(env, tb, i)) {
					common[h]++
				}
			}
			c := 0
			for _, m := range common {
				if m == n {
					c++
				}
			}
			return types.NewLong(int64(c))
		}})
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: exprs}
}
