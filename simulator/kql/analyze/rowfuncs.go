package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// rowArgs resolves the arguments of a function over columns: `*` is every visible column of
// the row, a wildcard name the matching columns, anything else one expression. names are the column names (autoName for expressions).
func (a *analyzer) rowArgs(c *exprCtx, args []ast.Expr) (exprs []exec.Expr, names []string) {
	for _, arg := range args {
		if _, ok := arg.(*ast.StarExpr); ok {
			for i, col := range c.cols {
				if col.Hidden {
					continue
				}
				exprs = append(exprs, a.colExpr(i, col.Type))
				names = append(names, col.Name)
			}
			continue
		}
		if id, ok := unparen(arg).(*ast.Ident); ok && id.Wildcard {
			for i, col := range c.cols {
				if wildcardMatch(id.Name, col.Name) {
					exprs = append(exprs, a.colExpr(i, col.Type))
					names = append(names, col.Name)
				}
			}
			continue
		}
		exprs = append(exprs, a.scalarCtx(c, arg))
		names = append(names, autoName(arg))
	}
	return exprs, names
}

// estimateDataSize is estimate_data_size(*) or (col, ...): the row's size in bytes as
// Kusto estimates it: 8 for long, real, datetime and timespan, 4 for int, 1 for bool, 16 for
// guid, the UTF-8 length of a string, the JSON length of a dynamic value; null counts 0.
func (a *analyzer) estimateDataSize(c *exprCtx, x *ast.CallExpr) exec.Expr {
	if len(x.Args) == 0 {
		fail(x, diag.CodeBadArgument, "The function 'estimate_data_size' expects at least 1 argument.")
	}
	exprs, _ := a.rowArgs(c, x.Args)
	return exec.Expr{T: types.Long, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		var n int64
		for _, e := range exprs {
			n += valueSize(e.Eval(env, tb, i))
		}
		return types.NewLong(n)
	}}
}

func valueSize(v types.Value) int64 {
	if v.IsNull() {
		return 0
	}
	switch v.T {
	case types.String:
		return int64(len(v.S))
	case types.Int:
		return 4
	case types.Bool:
		return 1
	case types.GUID:
		return 16
	case types.Dynamic:
		return int64(len(types.FormatText(v)))
	}
	return 8
}

// bagPackColumns is bag_pack_columns(col, ...): a bag of the columns by their names.
func (a *analyzer) bagPackColumns(c *exprCtx, x *ast.CallExpr) exec.Expr {
	if len(x.Args) == 0 {
		fail(x, diag.CodeBadArgument, "The function 'bag_pack_columns' expects at least 1 argument.")
	}
	for _, arg := range x.Args {
		if _, ok := unparen(arg).(*ast.Ident); !ok {
			fail(arg, diag.CodeBadArgument, "bag_pack_columns: the arguments must be columns")
		}
	}
	exprs, names := a.rowArgs(c, x.Args)
	return exec.Expr{T: types.Dynamic, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		m := make(map[string]any, len(exprs))
		for k, e := range exprs {
			m[names[k]] = types.ToDynamicElem(e.Eval(env, tb, i))
		}
		return types.NewDynamic(m)
	}}
}

// columnNamesOf is column_names_of(T): the names of a tabular expression's columns, known at
// compile time.
func (a *analyzer) columnNamesOf(c *exprCtx, x *ast.CallExpr) exec.Expr {
	if len(x.Args) != 1 {
		fail(x, diag.CodeBadArgument, "The function 'column_names_of' expects 1 argument.")
	}
	n := a.tabularIn(c.sc, x.Args[0], nil, "column_names_of")
	names := []any{}
	for _, col := range n.Columns() {
		if !col.Hidden {
			names = append(names, col.Name)
		}
	}
	v := types.NewDynamic(names)
	return exec.ConstExpr(v)
}
