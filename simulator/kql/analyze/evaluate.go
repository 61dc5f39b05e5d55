package analyze

import (
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// evaluate runs a plugin; bag_unpack is supported.
func (a *analyzer) evaluate(sc *scope, in exec.Node, o *ast.EvaluateOp) exec.Node {
	switch o.Call.Func.Name {
	case "bag_unpack":
		return a.bagUnpack(sc, in, o.Call, o.Schema)
	case "ipv4_lookup":
		return a.ipv4Lookup(sc, in, o.Call)
	case "dcount_intersect":
		return a.dcountIntersect(sc, in, o.Call)
	case "schema_merge":
		return a.schemaMerge(sc, in, o.Call)
	case "activity_counts_metrics":
		return a.activityCounts(sc, in, o.Call)
	case "pivot":
		return a.pivot(sc, in, o.Call)
	case "geo_polygon_lookup", "geo_line_lookup":
		return a.geoLookup(sc, in, o.Call)
	case "basket":
		return a.basket(sc, in, o.Call)
	case "autocluster":
		return a.autocluster(sc, in, o.Call)
	case "diffpatterns":
		return a.diffpatterns(sc, in, o.Call)
	}
	fail(o.Call.Func, diag.CodeUnknownName, "'evaluate' operator: Unknown plugin '%s'", o.Call.Func.Name)
	return nil
}

// bagUnpack turns the properties of a dynamic column into columns; the new columns depend on
// the data, so the operator's schema is decided at run time, unless an output schema
// (`: (*, Name:string, ...)`) fixes it.
func (a *analyzer) bagUnpack(sc *scope, in exec.Node, call *ast.CallExpr, schema *ast.TableType) exec.Node {
	if in == nil {
		fail(call, diag.CodeInvalid, "'evaluate' operator: bag_unpack needs an input table")
	}
	if len(call.Args) < 1 {
		fail(call, diag.CodeBadArgument, "The function 'bag_unpack' expects between 1 and 4 arguments.")
	}
	inCols := in.Columns()
	// Arguments: column, then OutputColumnPrefix, columnsConflict, ignoredProperties, by
	// position or by name.
	var positional []ast.Expr
	named := map[string]ast.Expr{}
	for _, arg := range call.Args {
		if ne, ok := arg.(*ast.NamedExpr); ok {
			named[ne.Name.Name] = ne.Value
			continue
		}
		positional = append(positional, arg)
	}
	for i, n := range []string{"column", "OutputColumnPrefix", "columnsConflict", "ignoredProperties"} {
		if _, ok := named[n]; !ok && i < len(positional) {
			named[n] = positional[i]
		}
	}
	constArg := func(n string) (types.Value, bool) {
		e, ok := named[n]
		if !ok {
			return types.Value{}, false
		}
		v := a.scalarOp(sc, nil, e, "evaluate")
		if v.Const == nil {
			fail(e, diag.CodeBadArgument, "bag_unpack: the argument %s must be a constant", n)
		}
		return *v.Const, true
	}
	colArg, ok := named["column"]
	if !ok {
		fail(call, diag.CodeBadArgument, "The function 'bag_unpack' expects between 1 and 4 arguments.")
	}
	col := a.scalarOp(sc, inCols, colArg, "evaluate")
	if !col.IsCol {
		fail(colArg, diag.CodeBadArgument, "bag_unpack: the first argument must be a column")
	}
	prefix := ""
	if v, ok := constArg("OutputColumnPrefix"); ok {
		prefix = types.FormatText(v)
	}
	conflict := "error"
	if v, ok := constArg("columnsConflict"); ok {
		conflict = types.FormatText(v)
	}
	ignored := map[string]bool{}
	if v, ok := constArg("ignoredProperties"); ok {
		if arr, isArr := v.D.([]any); isArr {
			for _, x := range arr {
				if s, isStr := x.(string); isStr {
					ignored[s] = true
				}
			}
		}
	}
	bagIdx := col.Col
	if schema != nil {
		return bagUnpackSchema(in, bagIdx, prefix, schema)
	}
	return &exec.Deferred{In: in, Build: func(t *exec.Table) (exec.Node, error) {
		keys := map[string]bool{}
		var names []string
		v := t.Vecs[bagIdx]
		for i := 0; i < t.N; i++ {
			if m, ok := v.Get(i).D.(map[string]any); ok {
				for k := range m {
					if !keys[k] {
						keys[k] = true
						names = append(names, k)
					}
				}
			}
		}
		sort.Strings(names)
		var cols []exec.Column
		var pass []int
		var exprs []exec.Expr
		existing := map[string]int{}
		for i, c := range t.Cols {
			if i == bagIdx {
				continue
			}
			existing[c.Name] = len(cols)
			cols = append(cols, c)
			pass = append(pass, i)
			exprs = append(exprs, exec.Expr{})
		}
		for _, k := range names {
			if ignored[k] {
				continue
			}
			key := k
			name := prefix + k
			e := exec.Expr{T: types.Dynamic, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
				return types.Member(tb.Vecs[bagIdx].Get(i), key)
			}}
			if at, dup := existing[name]; dup {
				switch conflict {
				case "replace_source":
					cols[at] = exec.Column{Name: name, Type: types.Dynamic}
					pass[at] = -1
					exprs[at] = e
				case "keep_source":
				default:
					return nil, diag.Errorf(diag.CodeInvalid, call.Pos(), call.End(),
						"bag_unpack: the column '%s' already exists (use columnsConflict='replace_source' or 'keep_source')", name)
				}
				continue
			}
			existing[name] = len(cols)
			cols = append(cols, exec.Column{Name: name, Type: types.Dynamic})
			pass = append(pass, -1)
			exprs = append(exprs, e)
		}
		return &exec.Project{In: &exec.Source{T: t}, Cols: cols, Pass: pass, Exprs: exprs}, nil
	}}
}

// ipv4Lookup is `evaluate ipv4_lookup(LookupTable, SourceIPColumn, IPv4RangeColumn
// [, return_unmatched])`: each row joined to the first lookup row whose range holds its IP.
func (a *analyzer) ipv4Lookup(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil || len(call.Args) < 3 {
		fail(call, diag.CodeBadArgument, "'evaluate' operator: ipv4_lookup(LookupTable, SourceIPColumn, IPv4LookupColumn [, return_unmatched]) needs an input and 3 arguments")
	}
	lookup := a.tabular(sc, call.Args[0])
	inCols, lkCols := in.Columns(), lookup.Columns()
	colOf := func(e ast.Expr, cols []exec.Column) int {
		id, ok := unparen(e).(*ast.Ident)
		if !ok || colIndex(cols, id.Name) < 0 {
			fail(e, diag.CodeUnknownName, "'evaluate' operator: Failed to resolve column or scalar expression named '%s'", autoName(e))
		}
		return colIndex(cols, id.Name)
	}
	r := &exec.RangeLookup{In: in, Lookup: lookup, Src: colOf(call.Args[1], inCols), Range: colOf(call.Args[2], lkCols)}
	for _, arg := range call.Args[3:] {
		x := arg
		if ne, ok := arg.(*ast.NamedExpr); ok {
			x = ne.Value
		}
		v := a.scalarOp(sc, nil, x, "evaluate")
		r.KeepUnmatched = v.Const != nil && v.Const.T == types.Bool && v.Const.I != 0
	}
	f, ok := a.reg.Lookup("ipv4_is_in_range")
	if !ok {
		fail(call, diag.CodeUnknownName, "'evaluate' operator: ipv4_is_in_range is not available")
	}
	fargs := []funcs.Arg{{T: types.String}, {T: types.String}}
	eval, err := f.Bind(fargs)
	if err != nil {
		fail(call, diag.CodeBadArgument, "%s", err.Error())
	}
	r.Match = func(env *exec.Env, v, rng types.Value) bool {
		res := eval(env.Funcs, []types.Value{v, rng})
		return res.T == types.Bool && !res.IsNull() && res.I != 0
	}
	taken := nameSet(inCols)
	r.Cols = append(r.Cols, inCols...)
	for _, c := range lkCols {
		n := uniqueName(c.Name, taken)
		taken[n] = true
		r.Cols = append(r.Cols, exec.Column{Name: n, Type: c.Type, Hidden: c.Hidden})
	}
	return r
}

// bagUnpackSchema is bag_unpack with an output schema: the output has exactly the schema's
// columns; `*` stands for the input columns (without the bag) the schema does not name, a
// named column is the input column of that name or else the bag property (after the
// prefix), converted to the declared type. Other properties are dropped.
func bagUnpackSchema(in exec.Node, bagIdx int, prefix string, schema *ast.TableType) exec.Node {
	inCols := in.Columns()
	named := map[string]bool{}
	for _, c := range schema.Columns {
		named[c.Name.Name] = true
	}
	var cols []exec.Column
	var pass []int
	var exprs []exec.Expr
	if schema.Star { // Kusto's grammar puts * first: (*, Name:Type, ...)
		for i, c := range inCols {
			if i != bagIdx && !named[c.Name] {
				cols = append(cols, c)
				pass = append(pass, i)
				exprs = append(exprs, exec.Expr{})
			}
		}
	}
	for _, c := range schema.Columns {
		t, ok := types.ParseType(c.Type)
		if !ok {
			fail(c, diag.CodeInvalid, "Unknown type '%s'", c.Type)
		}
		name := c.Name.Name
		cols = append(cols, exec.Column{Name: name, Type: t})
		pass = append(pass, -1)
		if j := colIndex(inCols, name); j >= 0 && j != bagIdx {
			exprs = append(exprs, exec.Expr{T: t, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
				return types.Convert(tb.Vecs[j].Get(i), t)
			}})
			continue
		}
		key, hasPrefix := strings.CutPrefix(name, prefix)
		if !hasPrefix {
			exprs = append(exprs, exec.Expr{T: t, Eval: func(*exec.Env, *exec.Table, int) types.Value { return types.NullOf(t) }})
			continue
		}
		exprs = append(exprs, exec.Expr{T: t, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
			return types.Convert(types.Member(tb.Vecs[bagIdx].Get(i), key), t)
		}})
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: exprs}
}

// schemaMerge is `evaluate schema_merge([PreserveOrder])` over getschema rows.
func (a *analyzer) schemaMerge(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil {
		fail(call, diag.CodeInvalid, "'evaluate' operator: schema_merge needs an input table")
	}
	for _, n := range []string{"ColumnName", "ColumnOrdinal", "DataType", "ColumnType"} {
		if colIndex(in.Columns(), n) < 0 {
			fail(call, diag.CodeBadArgument, "'evaluate' operator: schema_merge expects getschema output; the input has no column '%s'", n)
		}
	}
	preserve := true
	if len(call.Args) > 1 {
		fail(call, diag.CodeBadArgument, "The function 'schema_merge' expects between 0 and 1 arguments.")
	}
	if len(call.Args) == 1 {
		arg := call.Args[0]
		if ne, ok := arg.(*ast.NamedExpr); ok {
			arg = ne.Value
		}
		v := a.scalarOp(sc, nil, arg, "evaluate")
		if v.Const == nil || v.Const.T != types.Bool {
			fail(arg, diag.CodeBadArgument, "schema_merge: PreserveOrder must be a constant bool")
		}
		preserve = v.Const.I != 0
	}
	return &exec.SchemaMerge{In: in, PreserveOrder: preserve}
}

// activityCounts is `evaluate activity_counts_metrics(IdColumn, TimelineColumn, Start, End,
// Window)` (the cohort and dimension arguments are not supported).
func (a *analyzer) activityCounts(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil || len(call.Args) != 5 {
		fail(call, diag.CodeBadArgument, "'evaluate' operator: activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Window) needs an input table and 5 arguments (cohorts and dimensions are not supported)")
	}
	inCols := in.Columns()
	id := a.scalarOp(sc, inCols, call.Args[0], "evaluate")
	tl := a.scalarOp(sc, inCols, call.Args[1], "evaluate")
	if tl.T != types.DateTime {
		fail(call.Args[1], diag.CodeBadArgument, "activity_counts_metrics: the timeline column must be a datetime")
	}
	konst := func(k int, t types.Type) int64 {
		v := a.scalarOp(sc, nil, call.Args[k], "evaluate")
		if v.Const == nil || v.Const.T != t || v.Const.IsNull() {
			fail(call.Args[k], diag.CodeBadArgument, "activity_counts_metrics: argument %d must be a constant %s", k+1, t)
		}
		return v.Const.I
	}
	return &exec.ActivityCounts{In: in, ID: id, Time: tl,
		Start: konst(2, types.DateTime), End: konst(3, types.DateTime), Width: konst(4, types.TimeSpan)}
}

// pivot is `evaluate pivot(PivotColumn [, AggregationFunction] [, Column1, ...])`: a column
// per distinct pivot value (sorted by text), the aggregate (count() by default) over the rows
// of each tuple of the listed columns. The columns depend on the data.
func (a *analyzer) pivot(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil || len(call.Args) < 1 {
		fail(call, diag.CodeBadArgument, "'evaluate' operator: pivot(PivotColumn [, AggregationFunction] [, Column1, ...]) needs an input table and a pivot column")
	}
	inCols := in.Columns()
	piv := a.scalarOp(sc, inCols, call.Args[0], "evaluate")
	if !piv.IsCol {
		fail(call.Args[0], diag.CodeBadArgument, "pivot: the first argument must be a column")
	}
	rest := call.Args[1:]
	aggCall := &ast.CallExpr{Span: call.Span, Func: &ast.Ident{Span: call.Span, Name: "count"}}
	if len(rest) > 0 {
		if c, ok := unparen(rest[0]).(*ast.CallExpr); ok && isAggregate(c.Func.Name) {
			aggCall, rest = c, rest[1:]
		}
	}
	spec, _ := a.aggregate(sc, inCols, aggCall, nil, "evaluate")
	var by []int
	for _, r := range rest {
		id, ok := unparen(r).(*ast.Ident)
		j := -1
		if ok {
			j = colIndex(inCols, id.Name)
		}
		if j < 0 {
			fail(r, diag.CodeUnknownName, "'evaluate' operator: Failed to resolve column or scalar expression named '%s'", autoName(r))
		}
		by = append(by, j)
	}
	return &exec.Deferred{In: in, Build: func(t *exec.Table) (exec.Node, error) {
		seen := map[string]bool{}
		var values []string
		for i := 0; i < t.N; i++ {
			v := types.FormatText(t.Vecs[piv.Col].Get(i))
			if !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		sort.Strings(values)
		return &exec.Pivot{In: &exec.Source{T: t}, Pivot: piv, By: by, Agg: spec, Values: values}, nil
	}}
}
