package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// tabular analyzes a tabular expression.
func (a *analyzer) tabular(sc *scope, e ast.Expr) exec.Node {
	return a.tabularIn(sc, e, nil, "")
}

// tabularIn analyzes a tabular expression; ctxIn feeds a pipe chain whose innermost input is
// nil (mv-apply subqueries, invoke); opName prefixes resolution errors.
func (a *analyzer) tabularIn(sc *scope, e ast.Expr, ctxIn exec.Node, opName string) exec.Node {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return a.tabularIn(sc, x.X, ctxIn, opName)
	case *ast.Ident:
		return a.tableRef(sc, x, opName)
	case *ast.DataTableExpr:
		return a.datatable(sc, x)
	case *ast.CallExpr:
		return a.tabularCall(sc, x, opName)
	case *ast.PipeExpr:
		var in exec.Node
		if x.Input != nil {
			in = a.tabularIn(sc, x.Input, ctxIn, x.Op.OpName())
		} else {
			in = ctxIn
		}
		return a.op(sc, in, x.Op)
	case *ast.ExternalDataExpr:
		return a.externalData(sc, x)
	}
	if id, ok := e.(*ast.Ident); ok {
		fail(id, diag.CodeUnknownName, "Failed to resolve table expression named '%s'", id.Name)
	}
	fail(e, diag.CodeInvalid, "%sThe expression is not a tabular expression", opPrefix(opName))
	return nil
}

func opPrefix(op string) string {
	if op == "" {
		return ""
	}
	return "'" + op + "' operator: "
}

// tableRef resolves a name used as a table: a let-bound table, a tabular parameter, a
// database table, or a wildcard over database tables.
func (a *analyzer) tableRef(sc *scope, id *ast.Ident, opName string) exec.Node {
	if b, ok := sc.lookup(id.Name); ok {
		switch b.kind {
		case bindTable:
			return b.table
		case bindFunc:
			if len(b.fn.Params) == 0 {
				return a.callUser(sc, b, &ast.CallExpr{Span: id.Span, Func: id}, opName)
			}
		}
	}
	if id.Wildcard {
		var ins []ast.Expr
		for _, n := range a.cat.Names() {
			if wildcardMatch(id.Name, n) {
				ins = append(ins, &ast.Ident{Span: id.Span, Name: n})
			}
		}
		return a.union(sc, nil, &ast.UnionOp{Span: id.Span, Tables: ins})
	}
	cols, ok := a.cat.Table(id.Name)
	if !ok {
		fail(id, diag.CodeUnknownName, "%sFailed to resolve table or column expression named '%s'", opPrefix(opName), id.Name)
	}
	a.used[id.Name] = true
	return &exec.Scan{Name: id.Name, Cols: cols}
}

// datatable builds a constant table.
func (a *analyzer) datatable(sc *scope, d *ast.DataTableExpr) exec.Node {
	cols := make([]exec.Column, len(d.Columns))
	for i, c := range d.Columns {
		t, ok := types.ParseType(c.Type)
		if !ok {
			fail(c, diag.CodeInvalid, "Unknown type '%s'", c.Type)
		}
		cols[i] = exec.Column{Name: c.Name.Name, Type: t}
	}
	if len(cols) == 0 {
		fail(d, diag.CodeInvalid, "datatable: no columns")
	}
	if len(d.Values)%len(cols) != 0 {
		fail(d, diag.CodeInvalid, "datatable: the number of values (%d) is not a multiple of the number of columns (%d)", len(d.Values), len(cols))
	}
	b := exec.NewBuilder("", cols)
	row := make([]types.Value, len(cols))
	for i, v := range d.Values {
		e := a.scalar(sc, nil, v)
		if e.Const == nil {
			fail(v, diag.CodeInvalid, "datatable: values must be constants")
		}
		row[i%len(cols)] = *e.Const
		if i%len(cols) == len(cols)-1 {
			if err := b.AppendValues(row); err != nil {
				fail(d, diag.CodeInvalid, "%v", err)
			}
		}
	}
	return &exec.Source{T: b.Table()}
}

// tabularCall handles materialize(T), table("name"), view calls and tabular user functions.
func (a *analyzer) tabularCall(sc *scope, c *ast.CallExpr, opName string) exec.Node {
	switch c.Func.Name {
	case "materialize":
		if len(c.Args) != 1 {
			fail(c, diag.CodeBadArgument, "The function 'materialize' expects 1 argument.")
		}
		return &exec.Materialized{In: a.tabular(sc, c.Args[0])}
	case "table":
		if len(c.Args) < 1 {
			fail(c, diag.CodeBadArgument, "The function 'table' expects 1 argument.")
		}
		e := a.scalar(sc, nil, c.Args[0])
		if e.Const == nil || e.T != types.String {
			fail(c.Args[0], diag.CodeBadArgument, "The expression must be a constant string.")
		}
		return a.tableRef(sc, &ast.Ident{Span: c.Span, Name: e.Const.S}, opName)
	}
	if b, ok := sc.lookup(c.Func.Name); ok && b.kind == bindFunc {
		return a.callUser(sc, b, c, opName)
	}
	fail(c.Func, diag.CodeUnknownName, "%sFailed to resolve table or column expression named '%s'", opPrefix(opName), c.Func.Name)
	return nil
}

// callUser expands a user function call: the body is analyzed with the parameters bound to the
// call's arguments (functions are expanded per call site, as Kusto inlines them).
func (a *analyzer) callUser(sc *scope, b *binding, c *ast.CallExpr, opName string) exec.Node {
	fsc := a.bindParams(sc, b, c, nil, nil)
	return a.bodyTabular(fsc, b.fn.Body, opName)
}

func (a *analyzer) bodyTabular(fsc *scope, body *ast.Body, opName string) exec.Node {
	a.depth++
	defer func() { a.depth-- }()
	if a.depth > 64 {
		fail(body, diag.CodeInvalid, "Recursive function calls are not allowed")
	}
	for _, l := range body.Lets {
		a.let(fsc, l.Name.Name, l.Value)
	}
	return a.tabularIn(fsc, body.Result, nil, opName)
}

// bindParams creates the function scope: parameters bound to the call's arguments (an input
// table for invoke comes first), defaults for the missing ones.
func (a *analyzer) bindParams(sc *scope, b *binding, c *ast.CallExpr, pipedIn exec.Node, row []exec.Column) *scope {
	fsc := newScope(b.fnSc)
	args := c.Args
	params := b.fn.Params
	k := 0
	if pipedIn != nil {
		if len(params) == 0 || params[0].Table == nil {
			fail(c, diag.CodeBadArgument, "The function '%s' does not take a tabular first parameter", c.Func.Name)
		}
		fsc.names[params[0].Name.Name] = &binding{kind: bindTable, table: pipedIn}
		params = params[1:]
	}
	if len(args) > len(params) {
		fail(c, diag.CodeBadArgument, "The function '%s' expects %d argument(s).", c.Func.Name, len(params))
	}
	// Positional arguments first, then name=value arguments matched by parameter name.
	given := make([]ast.Expr, len(params))
	for pos, arg := range args {
		if ne, ok := arg.(*ast.NamedExpr); ok {
			found := false
			for i, p := range params {
				if p.Name.Name == ne.Name.Name {
					given[i] = ne.Value
					found = true
				}
			}
			if !found {
				fail(ne, diag.CodeBadArgument, "The function '%s' has no parameter named '%s'.", c.Func.Name, ne.Name.Name)
			}
			continue
		}
		if pos < len(given) && given[pos] == nil {
			given[pos] = arg
		}
	}
	for i, p := range params {
		arg := given[i]
		if arg == nil {
			if p.Default == nil {
				fail(c, diag.CodeBadArgument, "The function '%s' expects %d argument(s).", c.Func.Name, len(params))
			}
			arg = p.Default
		}
		k++
		if p.Table != nil {
			fsc.names[p.Name.Name] = &binding{kind: bindTable, table: a.tabular(sc, arg)}
			continue
		}
		e := a.scalar(sc, row, arg)
		if t, ok := types.ParseType(p.Type); ok && t != e.T && e.T != types.Null {
			e = convertExpr(e, t)
		}
		fsc.names[p.Name.Name] = &binding{kind: bindScalar, expr: e}
	}
	return fsc
}

// convertExpr wraps e with a conversion to t.
func convertExpr(e exec.Expr, t types.Type) exec.Expr {
	if e.Const != nil {
		return exec.ConstExpr(types.Convert(*e.Const, t))
	}
	return exec.Expr{T: t, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		return types.Convert(e.Eval(env, tb, i), t)
	}}
}
