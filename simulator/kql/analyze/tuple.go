package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Functions that return several values (series_stats, series_fit_line,
// series_decompose_anomalies, …) are spread into columns by project and extend, as Kusto
// does: `extend series_stats(x)` adds series_stats_x_min, series_stats_x_min_idx, …;
// `extend (a, b) = f(x)` adds only a and b; `project (a, b) = f(x)` adds a, b and the rest
// under their default names. The call runs once per row into a hidden column whose tuple
// the named columns read.

// tupleItem is a project/extend item calling a tuple function.
type tupleItem struct {
	call  *ast.CallExpr
	names []*ast.Ident // as written; nil when unnamed
	outs  []funcs.TupleOutput
}

// asTupleItem recognises an item calling a built-in tuple function (a user function of the
// same name shadows it).
func (a *analyzer) asTupleItem(sc *scope, it ast.Expr) (tupleItem, bool) {
	var names []*ast.Ident
	x := it
	if ne, ok := it.(*ast.NamedExpr); ok {
		names, x = ne.Names, ne.Value
		if len(names) == 0 && ne.Name != nil {
			names = []*ast.Ident{ne.Name}
		}
	}
	for {
		p, ok := x.(*ast.ParenExpr)
		if !ok {
			break
		}
		x = p.X
	}
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return tupleItem{}, false
	}
	if b, bound := sc.lookup(call.Func.Name); bound && b.kind == bindFunc {
		return tupleItem{}, false
	}
	f, ok := a.reg.Lookup(call.Func.Name)
	if !ok || f.Tuple() == nil {
		return tupleItem{}, false
	}
	if len(names) > len(f.Tuple()) {
		fail(it, diag.CodeInvalid, "The function '%s' returns %d values, but %d names are given", call.Func.Name, len(f.Tuple()), len(names))
	}
	return tupleItem{call: call, names: names, outs: f.Tuple()}, true
}

// spreadTuple extends in with the hidden tuple column and returns the items that read its
// values into named columns (all of them when all is set, else only the named ones if any
// are named), and the hidden column's name.
func (a *analyzer) spreadTuple(sc *scope, in exec.Node, t tupleItem, all bool, opName string) (exec.Node, []ast.Expr, string) {
	tmp := uniqueName("__tuple", nameSet(in.Columns()))
	span := t.call.Span
	saved := a.spreading
	a.spreading = t.call
	node := a.extendOne(sc, in, &ast.NamedExpr{Span: span, Name: &ast.Ident{Span: span, Name: tmp}, Value: t.call}, opName)
	a.spreading = saved
	prefix := callResultName(t.call)
	if prefix == "" {
		prefix = t.call.Func.Name + "_"
		if len(t.call.Args) > 0 {
			if n := autoName(t.call.Args[0]); n != "" {
				prefix = t.call.Func.Name + "_" + n
			}
		}
	}
	var items []ast.Expr
	for i, o := range t.outs {
		if i >= len(t.names) && len(t.names) > 0 && !all {
			break
		}
		name := prefix + "_" + o.Suffix
		if i < len(t.names) {
			name = t.names[i].Name
		}
		var v ast.Expr = &ast.IndexExpr{Span: span, X: &ast.Ident{Span: span, Name: tmp},
			Index: &ast.Literal{Span: span, Kind: ast.LitLong, Text: itoa(i)}}
		switch o.T {
		case types.Real:
			v = &ast.CallExpr{Span: span, Func: &ast.Ident{Span: span, Name: "toreal"}, Args: []ast.Expr{v}}
		case types.Long:
			v = &ast.CallExpr{Span: span, Func: &ast.Ident{Span: span, Name: "tolong"}, Args: []ast.Expr{v}}
		}
		items = append(items, &ast.NamedExpr{Span: span, Name: &ast.Ident{Span: span, Name: name}, Value: v})
	}
	return node, items, tmp
}

// projectTuples rewrites project items calling tuple functions: in gains their hidden
// columns, and each such item becomes the items of its columns.
func (a *analyzer) projectTuples(sc *scope, in exec.Node, items []ast.Expr, opName string) (exec.Node, []ast.Expr) {
	var out []ast.Expr
	changed := false
	for _, it := range items {
		t, ok := a.asTupleItem(sc, it)
		if !ok {
			out = append(out, it)
			continue
		}
		var spread []ast.Expr
		in, spread, _ = a.spreadTuple(sc, in, t, true, opName)
		out = append(out, spread...)
		changed = true
	}
	if !changed {
		return in, items
	}
	return in, out
}

// extendTuple adds the columns of one extend item calling a tuple function.
func (a *analyzer) extendTuple(sc *scope, in exec.Node, t tupleItem, opName string) exec.Node {
	node, items, tmp := a.spreadTuple(sc, in, t, false, opName)
	for _, it := range items {
		node = a.extendOne(sc, node, it, opName)
	}
	return a.projectAway(node, []*ast.Ident{{Span: t.call.Span, Name: tmp}}, false)
}
