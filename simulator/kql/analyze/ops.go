package analyze

import (
	"context"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// op analyzes one tabular operator applied to in (nil for source operators).
func (a *analyzer) op(sc *scope, in exec.Node, op ast.Op) exec.Node {
	if a.ops++; a.ops%64 == 0 && a.ctx != nil {
		if err := govern.ContextError(a.ctx); err != nil {
			panic(err) // a *diag.Error: Analyze returns it
		}
	}
	switch o := op.(type) {
	case *ast.PrintOp:
		return a.print(sc, o)
	case *ast.RangeOp:
		return a.rangeOp(sc, o)
	case *ast.UnionOp:
		return a.union(sc, in, o)
	case *ast.SearchOp:
		return a.search(sc, in, o)
	case *ast.FindOp:
		return a.find(sc, o)
	case *ast.EvaluateOp:
		if d, ok := in.(*exec.Deferred); ok {
			// After bag_unpack or pivot the plugin's input columns are known at run time.
			return a.deferOp(sc, d, op)
		}
		return a.evaluate(sc, in, o)
	}
	if in == nil {
		fail(op, diag.CodeInvalid, "'%s' operator: the operator needs an input table", op.OpName())
	}
	if d, ok := in.(*exec.Deferred); ok {
		// The input's columns are only known at run time (after bag_unpack): analyze this
		// operator then, against the actual columns.
		return a.deferOp(sc, d, op)
	}
	cols := in.Columns()
	switch o := op.(type) {
	case *ast.WhereOp:
		pred := a.scalarOp(sc, cols, o.Pred, "where")
		if pred.T != types.Bool && pred.T != types.Null && pred.T != types.Dynamic {
			fail(o.Pred, diag.CodeBadOperand, "'where' operator: The expression must have the type bool.")
		}
		if c := pred.Const; c != nil && c.T == types.Bool && !c.Null && c.I != 0 {
			// `where true` keeps every row: the input is the answer (Kusto's optimizer drops
			// it too), so a pipeline of them costs nothing per row
			return in
		}
		if f, ok := in.(*exec.Filter); ok {
			// fuse consecutive where operators: one selection vector, one gather
			return f.And(pred)
		}
		return &exec.Filter{In: in, Preds: []exec.Expr{pred}, Cols: cols}
	case *ast.ProjectOp:
		return a.project(sc, in, o.Cols, false, "project")
	case *ast.ExtendOp:
		return a.project(sc, in, o.Cols, true, "extend")
	case *ast.ProjectAwayOp:
		return a.projectAway(in, o.Cols, false)
	case *ast.ProjectKeepOp:
		return a.projectAway(in, o.Cols, true)
	case *ast.ProjectRenameOp:
		return a.projectRename(in, o)
	case *ast.ProjectReorderOp:
		return a.projectReorder(in, o)
	case *ast.SummarizeOp:
		return a.summarize(sc, in, o.Aggs, o.By, "summarize")
	case *ast.DistinctOp:
		return a.distinct(sc, in, o)
	case *ast.CountOp:
		name := "Count"
		if o.As != nil {
			name = o.As.Name
		}
		return &exec.CountRows{In: in, Name: name}
	case *ast.SortOp:
		return &exec.Sort{In: in, Keys: a.sortKeys(sc, cols, o.Keys, "sort"), Cols: cols}
	case *ast.TopOp:
		n := a.scalarOp(sc, nil, o.Count, "top")
		return &exec.Sort{In: in, Keys: a.sortKeys(sc, cols, o.Keys, "top"), Limit: &n, Cols: cols}
	case *ast.TakeOp:
		return &exec.Take{In: in, N: a.scalarOp(sc, nil, o.Count, o.Keyword), Cols: cols}
	case *ast.SampleOp:
		return &exec.Take{In: in, N: a.scalarOp(sc, nil, o.Count, "sample"), Cols: cols}
	case *ast.JoinOp:
		return a.join(sc, in, o)
	case *ast.LookupOp:
		return a.lookup(sc, in, o)
	case *ast.MvExpandOp:
		return a.mvExpand(sc, in, o.Params, o.Items, o.Limit)
	case *ast.MvApplyOp:
		return a.mvApply(sc, in, o)
	case *ast.ParseOp:
		return a.parse(sc, in, o)
	case *ast.ParseKvOp:
		return a.parseKv(sc, in, o)
	case *ast.SerializeOp:
		if len(o.Cols) > 0 {
			return a.project(sc, in, o.Cols, true, "serialize")
		}
		return in
	case *ast.AsOp:
		m := &exec.Materialized{In: in, Cols: cols}
		sc.names[o.Name.Name] = &binding{kind: bindTable, table: m}
		a.asNames[m] = o.Name.Name
		return m
	case *ast.InvokeOp:
		b, ok := sc.lookup(o.Call.Func.Name)
		if !ok || b.kind != bindFunc {
			fail(o.Call.Func, diag.CodeUnknownName, "'invoke' operator: Unknown function: '%s'.", o.Call.Func.Name)
		}
		fsc := a.bindParams(sc, b, o.Call, in, nil)
		return a.bodyTabular(fsc, b.fn.Body, "invoke")
	case *ast.GetSchemaOp:
		return &exec.GetSchema{In: in}
	case *ast.RenderOp:
		return in
	case *ast.MakeSeriesOp:
		return a.makeSeries(sc, in, o)
	case *ast.TopNestedOp:
		return a.topNested(sc, in, o)
	case *ast.ScanOp:
		return a.scan(sc, in, o)
	case *ast.GenericOp:
		return a.generic(sc, in, o)
	case *ast.PartitionOp:
		return a.partition(sc, in, o)
	case *ast.ForkOp:
		return a.fork(sc, in, o)
	case *ast.FacetOp:
		return a.facet(sc, in, o)
	case *ast.SampleDistinctOp:
		d := a.summarize(sc, in, nil, []ast.Expr{o.Of}, "sample-distinct")
		return &exec.Take{In: d, N: a.scalarOp(sc, nil, o.Count, "sample-distinct")}
	}
	fail(op, diag.CodeInvalid, "'%s' operator is not supported by this engine", op.OpName())
	return nil
}

// scalarOp compiles a scalar expression in an operator's row context; resolution errors name
// the operator.
func (a *analyzer) scalarOp(sc *scope, cols []exec.Column, e ast.Expr, opName string) exec.Expr {
	return a.tracked(func() exec.Expr { return a.scalarCtx(&exprCtx{sc: sc, cols: cols, op: opName}, e) })
}

func (a *analyzer) sortKeys(sc *scope, cols []exec.Column, keys []*ast.SortKey, opName string) []exec.SortKey {
	out := make([]exec.SortKey, len(keys))
	for i, k := range keys {
		x := a.scalarOp(sc, cols, k.X, opName)
		desc := k.Order != "asc"
		nullsFirst := !desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out[i] = exec.SortKey{X: x, Desc: desc, NullsFirst: nullsFirst}
	}
	return out
}

// print is the print operator: one row of expressions named print_0, print_1...
func (a *analyzer) print(sc *scope, o *ast.PrintOp) exec.Node {
	one := &exec.Source{T: &exec.Table{N: 1}}
	cols := make([]exec.Column, 0, len(o.Cols))
	exprs := make([]exec.Expr, 0, len(o.Cols))
	taken := map[string]bool{}
	for i, c := range o.Cols {
		name := ""
		var names []*ast.Ident
		if ne, ok := c.(*ast.NamedExpr); ok {
			name, names = ne.Name.Name, ne.Names
			c = ne.Value
		}
		e := a.scalarOp(sc, nil, c, "print")
		if parts, partNames := tupleParts(c, e, names); parts != nil {
			for k, p := range parts {
				n := uniqueName(partNames[k], taken)
				taken[n] = true
				cols = append(cols, exec.Column{Name: n, Type: types.Dynamic})
				exprs = append(exprs, p)
			}
			continue
		}
		if name == "" {
			// print names a function call print_N whatever the function's own naming
			if _, isCall := unparen(c).(*ast.CallExpr); !isCall {
				name = autoName(c)
			}
			if name == "" {
				name = "print_" + itoa(i)
			}
		}
		name = uniqueName(name, taken)
		taken[name] = true
		cols = append(cols, exec.Column{Name: name, Type: colType(e.T)})
		exprs = append(exprs, e)
	}
	pass := make([]int, len(cols))
	for i := range pass {
		pass[i] = -1
	}
	return &exec.Project{In: one, Cols: cols, Pass: pass, Exprs: exprs}
}

// colType is the column type of an expression type (an untyped null is a string column).
func colType(t types.Type) types.Type {
	if t == types.Null {
		return types.String
	}
	return t
}

func itoa(i int) string {
	return types.FormatText(types.NewLong(int64(i)))
}

// rangeOp is `range x from A to B step S`.
func (a *analyzer) rangeOp(sc *scope, o *ast.RangeOp) exec.Node {
	from := a.scalarOp(sc, nil, o.From, "range")
	to := a.scalarOp(sc, nil, o.To, "range")
	step := a.scalarOp(sc, nil, o.Step, "range")
	t := from.T
	if t == types.Int {
		t = types.Long
	}
	if !(t.IsNumeric() || t == types.DateTime || t == types.TimeSpan) {
		fail(o.From, diag.CodeBadArgument, "'range' operator: The expression must have the type of a number, datetime or timespan.")
	}
	return &exec.Range{Col: exec.Column{Name: o.Col.Name, Type: t}, From: from, To: to, Step: step}
}

// tupleParts splits the result of a function that returns several arrays (array_sort_asc and
// array_sort_desc with more than one array) into one column per array, named
// <argument>_sorted unless the item names them `(a, b) = ...`.
func tupleParts(x ast.Expr, e exec.Expr, names []*ast.Ident) ([]exec.Expr, []string) {
	call, ok := unparen(x).(*ast.CallExpr)
	if !ok || (call.Func.Name != "array_sort_asc" && call.Func.Name != "array_sort_desc") {
		return nil, nil
	}
	var arrays []ast.Expr
	for _, a := range call.Args {
		if _, isLit := a.(*ast.Literal); isLit {
			continue // the nulls_last flag
		}
		arrays = append(arrays, a)
	}
	if len(arrays) < 2 {
		return nil, nil
	}
	parts := make([]exec.Expr, len(arrays))
	partNames := make([]string, len(arrays))
	for k := range arrays {
		idx := int64(k)
		parts[k] = unary(e, func(v types.Value) types.Value { return types.Index(v, idx) }, types.Dynamic)
		switch {
		case k < len(names) && len(names) > 1:
			partNames[k] = names[k].Name
		case autoName(arrays[k]) != "":
			partNames[k] = autoName(arrays[k]) + "_sorted"
		default:
			partNames[k] = "Column" + itoa(k+1)
		}
	}
	return parts, partNames
}

// deferOp analyzes op at run time, once the deferred input has produced its table. Each run
// analyzes with its own analyzer state and a child scope, so concurrent runs share nothing
// mutable; a semantic error is returned as the run's error.
func (a *analyzer) deferOp(sc *scope, d *exec.Deferred, op ast.Op) exec.Node {
	return &exec.Deferred{In: d.In, Build: func(t *exec.Table) (n exec.Node, err error) {
		prev, err := d.Build(t)
		if err != nil {
			return nil, err
		}
		b := &analyzer{cat: a.cat, reg: a.reg, used: map[string]bool{}, asNames: map[exec.Node]string{}, ctx: context.Background()}
		defer func() {
			if r := recover(); r != nil {
				e, ok := r.(*diag.Error)
				if !ok {
					panic(r)
				}
				n, err = nil, e
			}
		}()
		return b.op(newScope(sc), prev, op), nil
	}}
}
