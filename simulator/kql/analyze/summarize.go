package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// binLike are functions whose result column is named after their first argument in `by`.
var binLike = map[string]bool{"bin": true, "floor": true, "bin_at": true, "startofday": false}

// summarize handles summarize (and distinct with aggs == nil).
func (a *analyzer) summarize(sc *scope, in exec.Node, aggs, by []ast.Expr, opName string) exec.Node {
	inCols := in.Columns()
	var cols []exec.Column
	var keys []exec.Expr
	taken := map[string]bool{}
	for _, b := range by {
		name := ""
		x := b
		if ne, ok := b.(*ast.NamedExpr); ok {
			name, x = ne.Name.Name, ne.Value
		}
		e := a.scalarOp(sc, inCols, x, opName)
		if name == "" {
			name = autoName(x)
			if c, ok := x.(*ast.CallExpr); ok && binLike[c.Func.Name] && len(c.Args) > 0 {
				name = autoName(c.Args[0])
			}
		}
		if name == "" {
			name = nextColumnName(taken)
		}
		if taken[name] {
			name = uniqueName(name, taken)
		}
		taken[name] = true
		cols = append(cols, exec.Column{Name: name, Type: colType(e.T)})
		keys = append(keys, e)
	}
	var specs []*exec.AggSpec
	// post holds, per aggregate item that is an expression over aggregates, the expression and
	// its output name; plain aggregates need no post projection.
	type postItem struct {
		name string
		x    ast.Expr
		sub  map[ast.Expr]int // aggregate call → hidden column
	}
	var posts []postItem
	hidden := 0
	for _, it := range aggs {
		var names []*ast.Ident
		x := it
		if ne, ok := it.(*ast.NamedExpr); ok {
			names = ne.Names
			if len(names) == 0 {
				names = []*ast.Ident{ne.Name}
			}
			x = ne.Value
		}
		x = unparen(x)
		if call, ok := x.(*ast.CallExpr); ok && isAggregate(call.Func.Name) {
			spec, outNames := a.aggregate(sc, inCols, call, by, opName)
			for k := range spec.Out {
				n := outNames[k]
				if k < len(names) {
					n = names[k].Name
				} else if len(names) > 0 && k > 0 && len(names) == 1 {
					n = outNames[k]
				}
				if n == "" {
					n = nextColumnName(taken)
				}
				if taken[n] {
					n = uniqueName(n, taken)
				}
				taken[n] = true
				cols = append(cols, exec.Column{Name: n, Type: colType(spec.Out[k])})
			}
			specs = append(specs, spec)
			continue
		}
		// An expression over aggregates: compute each aggregate into a hidden column, then
		// evaluate the expression over the summarized row.
		sub := map[ast.Expr]int{}
		aggNames := map[*ast.CallExpr][]string{}
		found := false
		inspect(x, func(n ast.Expr) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isAggregate(call.Func.Name) {
				return true
			}
			found = true
			spec, defNames := a.aggregate(sc, inCols, call, by, opName)
			aggNames[call] = defNames
			sub[call] = len(cols)
			for _, t := range spec.Out {
				// every output gets a hidden column; the expression uses the first
				hidden++
				cols = append(cols, exec.Column{Name: "__agg" + itoa(hidden), Type: colType(t)})
			}
			specs = append(specs, spec)
			return false
		})
		if !found {
			fail(x, diag.CodeInvalid, "'%s' operator: The expression must be an aggregate function call (for example count())", opName)
		}
		name := ""
		switch {
		case len(names) > 0:
			name = names[0].Name
		case wrappedAggName(x, aggNames) != "" && !taken[wrappedAggName(x, aggNames)]:
			name = wrappedAggName(x, aggNames) // tostring(make_set(X)) is set_X, as in Kusto
		default:
			name = nextColumnName(taken)
		}
		taken[name] = true
		posts = append(posts, postItem{name: name, x: x, sub: sub})
	}
	node := exec.Node(&exec.Summarize{In: in, Keys: keys, Aggs: specs, Cols: cols})
	if len(posts) == 0 {
		return node
	}
	// Post projection: keys and plain aggregates pass through, expressions are computed, hidden
	// columns are dropped. Output order follows the summarize items.
	var outCols []exec.Column
	var pass []int
	var exprs []exec.Expr
	pi := 0
	for i, c := range cols {
		if len(c.Name) > 5 && c.Name[:5] == "__agg" {
			// emit the post item that owns this hidden column once, at its first hidden column
			for ; pi < len(posts); pi++ {
				owns := false
				first := len(cols)
				for _, h := range posts[pi].sub {
					first = min(first, h)
				}
				if first == i {
					owns = true
				}
				if !owns {
					break
				}
				e := a.scalarCtx(&exprCtx{sc: sc, cols: cols, op: opName, aggCols: posts[pi].sub}, posts[pi].x)
				outCols = append(outCols, exec.Column{Name: posts[pi].name, Type: colType(e.T)})
				pass = append(pass, -1)
				exprs = append(exprs, e)
			}
			continue
		}
		outCols = append(outCols, c)
		pass = append(pass, i)
		exprs = append(exprs, exec.Expr{})
	}
	return &exec.Project{In: node, Cols: outCols, Pass: pass, Exprs: exprs}
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// aggregate compiles one aggregate call and returns its spec and default output names.
func (a *analyzer) aggregate(sc *scope, inCols []exec.Column, call *ast.CallExpr, by []ast.Expr, opName string) (*exec.AggSpec, []string) {
	fn := call.Func.Name
	legacyLimit := false
	if canon, ok := aggAliases[fn]; ok {
		// deprecated spellings: makeset/makelist keep their old default limit of 128
		legacyLimit = fn == "makeset" || fn == "makelist"
		fn = canon
	}
	spec := &exec.AggSpec{Func: fn}
	if fn == "arg_max" || fn == "arg_min" {
		if len(call.Args) < 1 {
			fail(call, diag.CodeBadArgument, "The function '%s' expects at least 1 argument.", fn)
		}
		x := a.scalarOp(sc, inCols, call.Args[0], opName)
		spec.Args = []exec.Expr{x}
		first := autoName(call.Args[0])
		if first == "" {
			first = map[string]string{"arg_max": "max_", "arg_min": "min_"}[fn]
		}
		names := []string{first}
		spec.Out = []types.Type{colType(x.T)}
		byNames := map[string]bool{}
		for _, b := range by {
			if ne, ok := b.(*ast.NamedExpr); ok {
				byNames[ne.Name.Name] = true
			} else if n := autoName(b); n != "" {
				byNames[n] = true
			}
		}
		taken := map[string]bool{first: true}
		for _, arg := range call.Args[1:] {
			if _, star := arg.(*ast.StarExpr); star {
				for i, c := range inCols {
					// * means the visible columns: hidden ones (_ItemId...) are not expanded
					if taken[c.Name] || byNames[c.Name] || c.Hidden {
						continue
					}
					taken[c.Name] = true
					spec.Extra = append(spec.Extra, exec.ColumnExpr(i, c.Type))
					spec.Out = append(spec.Out, c.Type)
					names = append(names, c.Name)
				}
				continue
			}
			name := ""
			ax := arg
			if ne, ok := arg.(*ast.NamedExpr); ok {
				name, ax = ne.Name.Name, ne.Value
			}
			e := a.scalarOp(sc, inCols, ax, opName)
			if name == "" {
				name = autoName(ax)
			}
			if name == "" {
				name = nextColumnName(taken)
			}
			taken[name] = true
			spec.Extra = append(spec.Extra, e)
			spec.Out = append(spec.Out, colType(e.T))
			names = append(names, name)
		}
		return spec, names
	}
	var argTypes []types.Type
	var argNames []string
	nValue := valueArgCount(fn, len(call.Args))
	for i, arg := range call.Args {
		if _, star := arg.(*ast.StarExpr); star && fn == "count" {
			continue
		}
		if _, star := arg.(*ast.StarExpr); star && (fn == "take_any" || fn == "any") {
			// take_any(*): every visible column but the by columns, under its own name (as
			// arg_max(x, *) does)
			byNames := map[string]bool{}
			for _, b := range by {
				if ne, ok := b.(*ast.NamedExpr); ok {
					byNames[ne.Name.Name] = true
				} else if n := autoName(b); n != "" {
					byNames[n] = true
				}
			}
			for k, col := range inCols {
				if !col.Hidden && !byNames[col.Name] {
					spec.Args = append(spec.Args, exec.ColumnExpr(k, col.Type))
					argTypes = append(argTypes, col.Type)
					argNames = append(argNames, col.Name)
				}
			}
			nValue = len(spec.Args) + len(call.Args) - i - 1
			continue
		}
		e := a.scalarOp(sc, inCols, arg, opName)
		if i < nValue {
			spec.Args = append(spec.Args, e)
			argTypes = append(argTypes, e.T)
			argNames = append(argNames, autoName(arg))
			continue
		}
		if e.Const == nil {
			fail(arg, diag.CodeBadArgument, "The function '%s' expects a constant argument here.", fn)
		}
		spec.Consts = append(spec.Consts, *e.Const)
	}
	if strings.HasPrefix(fn, "percentile") {
		// percentiles(x, dynamic([50, 90])) lists the ranks in an array.
		var flat []types.Value
		for _, c := range spec.Consts {
			if arr, ok := c.D.([]any); ok && c.T == types.Dynamic {
				for _, e := range arr {
					flat = append(flat, types.FromDynamic(types.NewDynamic(e)))
				}
				continue
			}
			flat = append(flat, c)
		}
		spec.Consts = flat
	}
	if fn == "countif" && len(spec.Args) != 1 {
		fail(call, diag.CodeBadArgument, "The function 'countif' expects 1 argument.")
	}
	if needsValue(fn) && len(spec.Args) == 0 {
		fail(call, diag.CodeBadArgument, "The function '%s' expects at least 1 argument.", fn)
	}
	if legacyLimit && len(spec.Consts) == 0 {
		spec.Consts = []types.Value{types.NewLong(128)}
	}
	out, names, err := exec.AggOutputs(fn, argTypes, argNames, spec.Consts)
	if err != nil {
		fail(call, diag.CodeUnknownName, "%s", err.Error())
	}
	spec.Out = out
	return spec, names
}

// valueArgCount is how many leading arguments of an aggregate are per-row expressions (the
// rest are constants: sizes, percentiles, accuracy levels).
func valueArgCount(fn string, n int) int {
	switch fn {
	case "count", "countif", "any", "take_any", "anyif", "take_anyif":
		return n
	case "dcount", "sum", "avg", "min", "max", "make_set", "make_list", "make_list_with_nulls",
		"make_bag", "stdev", "stdevp", "variance", "variancep", "percentile", "percentiles", "percentiles_array":
		return 1
	case "dcountif", "sumif", "avgif", "minif", "maxif", "make_set_if", "make_list_if", "make_bag_if",
		"stdevif", "varianceif", "stdevpif", "variancepif", "covariance", "covariancep", "percentilew", "percentilesw", "percentilesw_array",
		"count_distinctif":
		return 2
	case "covarianceif", "covariancepif":
		return 3
	case "count_distinct", "binary_all_and", "binary_all_or", "binary_all_xor":
		return 1
	}
	return n
}

func needsValue(fn string) bool {
	return fn != "count"
}

// aggAliases are deprecated aggregate names and their current form.
var aggAliases = map[string]string{
	"makeset": "make_set", "makelist": "make_list", "makebag": "make_bag",
	"argmax": "arg_max", "argmin": "arg_min",
}

// isAggregate reports whether fn is an aggregate (including deprecated aliases).
func isAggregate(fn string) bool {
	if canon, ok := aggAliases[fn]; ok {
		fn = canon
	}
	return exec.IsAggregate(fn)
}

// wrappedAggName is the name of an unnamed summarize expression that passes an aggregate
// through functions named after their argument (tostring(make_set(X)) → set_X), else "".
func wrappedAggName(x ast.Expr, aggNames map[*ast.CallExpr][]string) string {
	for {
		switch e := x.(type) {
		case *ast.ParenExpr:
			x = e.X
			continue
		case *ast.CallExpr:
			if n, ok := aggNames[e]; ok {
				if len(n) > 0 {
					return n[0]
				}
				return ""
			}
			rn := funcResultNames[e.Func.Name]
			if (rn.kind == nameFirstArg || rn.kind == nameOnlyArg) && len(e.Args) > 0 {
				x = e.Args[0]
				continue
			}
		}
		return ""
	}
}
