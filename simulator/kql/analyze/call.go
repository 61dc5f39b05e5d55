package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// clockFuncs read the run's clock or random source: never folded at compile time.
var clockFuncs = map[string]bool{"now": true, "ago": true, "new_guid": true, "rand": true}

// call compiles a function call in a scalar context.
func (a *analyzer) call(c *exprCtx, x *ast.CallExpr) exec.Expr {
	name := x.Func.Name
	if b, ok := c.sc.lookup(name); ok && b.kind == bindFunc {
		return a.callUserScalar(c, b, x)
	}
	if canon, ok := scalarAliases[name]; ok {
		name = canon
		x = &ast.CallExpr{Span: x.Span, Func: &ast.Ident{Span: x.Func.Span, Name: canon}, Args: x.Args}
	}
	switch name {
	case "toscalar":
		if len(x.Args) != 1 {
			fail(x, diag.CodeBadArgument, "The function 'toscalar' expects 1 argument.")
		}
		if a.isTabular(c.sc, x.Args[0]) {
			return a.toScalar(c, x.Args[0])
		}
		return a.scalarCtx(c, x.Args[0])
	case "row_number":
		return a.rowNumber(c, x)
	case "prev", "next":
		return a.prevNext(c, x, name == "prev")
	case "row_cumsum":
		return a.rowCumsum(c, x)
	case "estimate_data_size":
		return a.estimateDataSize(c, x)
	case "bag_pack_columns":
		return a.bagPackColumns(c, x)
	case "column_names_of":
		return a.columnNamesOf(c, x)
	case "row_rank_dense", "row_rank_min":
		return a.rowRank(c, x, name == "row_rank_dense")
	case "row_window_session":
		return a.rowWindowSession(c, x)
	case "column_ifexists", "columnifexists":
		if len(x.Args) != 2 {
			fail(x, diag.CodeBadArgument, "The function 'column_ifexists' expects 2 arguments.")
		}
		n := a.scalarCtx(c, x.Args[0])
		if n.Const == nil || n.T != types.String {
			fail(x.Args[0], diag.CodeBadArgument, "The expression must be a constant string.")
		}
		if i := colIndex(c.cols, n.Const.S); i >= 0 {
			return a.colExpr(i, c.cols[i].Type)
		}
		return a.scalarCtx(c, x.Args[1])
	case "ingestion_time":
		// A workspace table's hidden _TimeReceived holds the row's ingestion time; tables
		// without it fall back to the event time column (TimeGenerated, else Timestamp).
		for _, n := range []string{"_TimeReceived", "TimeGenerated", "Timestamp"} {
			if i := colIndex(c.cols, n); i >= 0 && c.cols[i].Type == types.DateTime {
				return a.colExpr(i, types.DateTime)
			}
		}
		return exec.ConstExpr(types.NullOf(types.DateTime))
	case "pack_all", "bag_pack_all":
		// pack_all sees the operator's input columns, not the ones an earlier item of the same
		// extend added.
		var cols []exec.Column
		var idx []int
		base := c.cols
		if a.extendBase != nil {
			base = a.extendBase
		}
		for _, bc := range base {
			if bc.Hidden { // the row as shown: hidden standard columns are not packed
				continue
			}
			if k := colIndex(c.cols, bc.Name); k >= 0 {
				cols = append(cols, bc)
				idx = append(idx, k)
				a.noteRead(k)
			}
		}
		skipEmpty := false
		if len(x.Args) > 0 {
			v := a.scalarCtx(c, x.Args[0])
			skipEmpty = v.Const != nil && v.Const.T == types.Bool && v.Const.I != 0
		}
		return exec.Expr{T: types.Dynamic, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
			m := make(map[string]any, len(cols))
			for n, col := range cols {
				v := tb.Vecs[idx[n]].Get(i)
				if skipEmpty && v.IsEmpty() {
					continue
				}
				m[col.Name] = types.ToDynamicElem(v)
			}
			return types.NewDynamic(m)
		}}
	case "materialize":
		fail(x, diag.CodeInvalid, "%smaterialize() must be used as a tabular expression", opPrefix(c.op))
	}
	if e, ok := a.sketchCall(c, x); ok {
		return e
	}
	if isAggregate(name) {
		if c.aggCols != nil {
			if i, ok := c.aggCols[x]; ok {
				return a.colExpr(i, c.cols[i].Type)
			}
		}
		fail(x.Func, diag.CodeInvalid, "%sThe function '%s' is an aggregate function and can only be used in the context of summarize, make-series or top-nested", opPrefix(c.op), name)
	}
	f, ok := a.reg.Lookup(name)
	if !ok {
		fail(x.Func, diag.CodeUnknownName, "%sUnknown function: '%s'.", opPrefix(c.op), name)
	}
	if f.Tuple() != nil && a.spreading != x {
		fail(x.Func, diag.CodeInvalid, "%sThe function '%s' returns multiple columns and so cannot be used as an argument for another function or in this context", opPrefix(c.op), name)
	}
	args := make([]exec.Expr, 0, len(x.Args))
	fargs := make([]funcs.Arg, 0, len(x.Args))
	allConst := true
	allRunConst := true
	for _, arg := range x.Args {
		if ne, ok := arg.(*ast.NamedExpr); ok {
			arg = ne.Value
		}
		if te, ok := arg.(*ast.TypeExpr); ok {
			t, ok := types.ParseType(te.Name)
			if !ok {
				fail(te, diag.CodeInvalid, "Unknown type '%s'", te.Name)
			}
			fargs = append(fargs, funcs.Arg{T: t, IsTypeLiteral: true, TypeLiteral: t, Const: true, V: types.NullOf(t)})
			args = append(args, exec.ConstExpr(types.NullOf(t)))
			continue
		}
		var e exec.Expr
		if a.isTabular(c.sc, arg) {
			e = a.toScalar(c, arg)
		} else {
			e = a.scalarCtx(c, arg)
		}
		fa := funcs.Arg{T: e.T}
		if !runConst(e) {
			allRunConst = false
		}
		if e.Const != nil {
			fa.Const, fa.V = true, *e.Const
		} else {
			allConst = false
		}
		fargs = append(fargs, fa)
		args = append(args, e)
	}
	rt, err := f.ResultType(fargs)
	if err != nil {
		pos := ast.Node(x)
		if ae, ok := err.(*funcs.ArgError); ok && ae.Arg >= 0 && ae.Arg < len(x.Args) {
			pos = x.Args[ae.Arg]
		}
		fail(pos, diag.CodeBadArgument, "%s%s", opPrefix(c.op), err.Error())
	}
	eval, err := f.Bind(fargs)
	if err != nil {
		fail(x, diag.CodeBadArgument, "%s%s", opPrefix(c.op), err.Error())
	}
	if allConst && !f.Volatile() && !clockFuncs[name] {
		vals := make([]types.Value, len(args))
		for i, e := range args {
			vals[i] = *e.Const
		}
		if v, ok := fold(eval, vals); ok {
			return exec.ConstExpr(retag(v, rt))
		}
		// Too large to fold within the compile budget: evaluated once per run instead,
		// under the run's memory budget (so compiling stays cheap and never fails on it).
	}
	n := len(args)
	evals := make([]func(*exec.Env, *exec.Table, int) types.Value, n)
	for i, e := range args {
		evals[i] = e.Eval
	}
	e := exec.Expr{T: rt, RunConst: allRunConst && !f.Volatile() && name != "new_guid" && name != "rand", Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		base := len(env.Stack)
		for _, ev := range evals {
			v := ev(env, tb, i)
			env.Stack = append(env.Stack, v)
		}
		v := eval(env.Funcs, env.Stack[base:base+n])
		env.Stack = env.Stack[:base]
		if v.T == types.Null && rt != types.Null {
			return types.NullOf(rt)
		}
		return v
	}}
	if (name == "bin" || name == "floor") && n == 2 {
		markBin(&e, args[0], args[1])
	}
	return e
}

// markBin marks bin(column, positive constant) of a long, datetime or timespan column, whose
// value summarize computes from the column's integers (the same floor as funcs' bin).
func markBin(e *exec.Expr, col, step exec.Expr) {
	if !col.IsCol || step.Const == nil || step.Const.IsNull() || step.Const.I <= 0 {
		return
	}
	switch {
	case (col.T == types.DateTime || col.T == types.TimeSpan) && step.Const.T == types.TimeSpan && e.T == col.T,
		(col.T == types.Long || col.T == types.Int) && (step.Const.T == types.Long || step.Const.T == types.Int) && e.T == types.Long:
		e.BinStep, e.BinCol, e.RowPure = step.Const.I, col.Col, true
	}
}

// callUserScalar expands a scalar user function at the call site.
func (a *analyzer) callUserScalar(c *exprCtx, b *binding, x *ast.CallExpr) exec.Expr {
	fsc := a.bindParams(c.sc, b, x, nil, c.cols)
	a.depth++
	defer func() { a.depth-- }()
	if a.depth > 64 {
		fail(x, diag.CodeInvalid, "Recursive function calls are not allowed")
	}
	for _, l := range b.fn.Body.Lets {
		a.letBind(fsc, l.Name.Name, l.Value, false)
	}
	if a.isTabular(fsc, b.fn.Body.Result) {
		return a.toScalar(&exprCtx{sc: fsc, cols: c.cols, op: c.op}, b.fn.Body.Result)
	}
	return a.scalarCtx(&exprCtx{sc: fsc, cols: c.cols, op: c.op, aggCols: c.aggCols}, b.fn.Body.Result)
}

// rowNumber is row_number([start [, restart]]): the row's position in the serialized input.
func (a *analyzer) rowNumber(c *exprCtx, x *ast.CallExpr) exec.Expr {
	start := int64(1)
	if len(x.Args) > 0 {
		s := a.scalarCtx(c, x.Args[0])
		if s.Const == nil {
			fail(x.Args[0], diag.CodeBadArgument, "The expression must be a constant.")
		}
		start, _ = s.Const.AsInt()
	}
	if len(x.Args) > 1 {
		restart := a.scalarCtx(c, x.Args[1])
		key := new(int)
		return exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
			v, _ := env.Cached(cacheKey{key, tb}, func() (any, error) {
				nums := make([]int64, tb.N)
				n := start
				for r := 0; r < tb.N; r++ {
					rv := restart.Eval(env, tb, r)
					if r > 0 && rv.T == types.Bool && rv.I != 0 {
						n = start
					}
					nums[r] = n
					n++
				}
				return nums, nil
			})
			return types.NewLong(v.([]int64)[i])
		}}
	}
	return exec.Expr{T: types.Long, RowNumber: true, RowStart: start, Eval: func(_ *exec.Env, _ *exec.Table, i int) types.Value {
		return types.NewLong(start + int64(i))
	}}
}

// scalarAliases are deprecated scalar function names Sentinel content still uses, and their
// current form.
var scalarAliases = map[string]string{
	"array_strcat": "strcat_array",
	"make_string":  "unicode_codepoints_to_string",
}

type cacheKey struct {
	k  *int
	tb *exec.Table
}

// prevNext is prev(col [, offset [, default]]) / next(...).
func (a *analyzer) prevNext(c *exprCtx, x *ast.CallExpr, prev bool) exec.Expr {
	if len(x.Args) < 1 || len(x.Args) > 3 {
		fail(x, diag.CodeBadArgument, "The function '%s' expects between 1 and 3 arguments.", x.Func.Name)
	}
	v := a.scalarCtx(c, x.Args[0])
	off := int64(1)
	if len(x.Args) > 1 {
		o := a.scalarCtx(c, x.Args[1])
		if o.Const == nil {
			fail(x.Args[1], diag.CodeBadArgument, "The expression must be a constant.")
		}
		off, _ = o.Const.AsInt()
	}
	def := exec.ConstExpr(types.NullOf(v.T))
	if len(x.Args) > 2 {
		def = a.scalarCtx(c, x.Args[2])
	}
	if !prev {
		off = -off
	}
	return exec.Expr{T: v.T, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		j := i - int(off)
		if tb == nil || j < 0 || j >= tb.N {
			return types.Convert(def.Eval(env, tb, i), v.T)
		}
		return v.Eval(env, tb, j)
	}}
}

// rowCumsum is row_cumsum(x [, restart]).
func (a *analyzer) rowCumsum(c *exprCtx, x *ast.CallExpr) exec.Expr {
	if len(x.Args) < 1 {
		fail(x, diag.CodeBadArgument, "The function 'row_cumsum' expects between 1 and 2 arguments.")
	}
	v := a.scalarCtx(c, x.Args[0])
	var restart *exec.Expr
	if len(x.Args) > 1 {
		r := a.scalarCtx(c, x.Args[1])
		restart = &r
	}
	key := new(int)
	t := v.T
	if t == types.Int {
		t = types.Long
	}
	return exec.Expr{T: t, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		sums, _ := env.Cached(cacheKey{key, tb}, func() (any, error) {
			out := make([]types.Value, tb.N)
			acc := types.NullOf(t)
			for r := 0; r < tb.N; r++ {
				if restart != nil && r > 0 {
					if rv := restart.Eval(env, tb, r); rv.T == types.Bool && rv.I != 0 {
						acc = types.NullOf(t)
					}
				}
				val := v.Eval(env, tb, r)
				if acc.IsNull() {
					acc = types.Convert(val, t)
				} else if !val.IsNull() {
					acc = types.Arith(types.OpAdd, acc, val)
				}
				out[r] = acc
			}
			return out, nil
		})
		return sums.([]types.Value)[i]
	}}
}

// foldBudget bounds the memory a constant call may take when folded at compile time.
const foldBudget = 16 << 20

// fold evaluates a constant call at compile time within foldBudget; ok is false when the
// value would be larger (the call is then left to the run).
func fold(eval funcs.EvalFunc, vals []types.Value) (v types.Value, ok bool) {
	ctx := funcs.NewContext(types.TicksToTime(0), 0)
	ctx.Budget = govern.NewBudget(foldBudget)
	defer func() {
		if r := recover(); r != nil {
			if err, isErr := r.(error); isErr && govern.IsLimit(err) {
				ok = false
				return
			}
			panic(r)
		}
	}()
	v = eval(ctx, vals)
	if govern.ValueBytes(v) > foldBudget {
		return types.Value{}, false
	}
	return v, true
}
