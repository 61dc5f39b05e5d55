package analyze

import "github.com/soclab/soclab/simulator/kql/ast"

// inspect visits a scalar expression tree depth-first; f returns false to skip a subtree.
// Tabular subexpressions (pipes, datatables) are not entered.
func inspect(e ast.Expr, f func(ast.Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	switch x := e.(type) {
	case *ast.UnaryExpr:
		inspect(x.X, f)
	case *ast.BinaryExpr:
		inspect(x.L, f)
		inspect(x.R, f)
	case *ast.InExpr:
		inspect(x.X, f)
		for _, l := range x.List {
			inspect(l, f)
		}
	case *ast.BetweenExpr:
		inspect(x.X, f)
		inspect(x.Lo, f)
		inspect(x.Hi, f)
	case *ast.CallExpr:
		for _, a := range x.Args {
			inspect(a, f)
		}
	case *ast.NamedExpr:
		inspect(x.Value, f)
	case *ast.MemberExpr:
		inspect(x.X, f)
	case *ast.IndexExpr:
		inspect(x.X, f)
		inspect(x.Index, f)
	case *ast.ParenExpr:
		inspect(x.X, f)
	}
}
