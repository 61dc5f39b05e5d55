package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/parser"
	"github.com/soclab/soclab/simulator/kql/types"
)

// generic runs the operators the parser keeps as raw text (ast.GenericOp).
func (a *analyzer) generic(sc *scope, in exec.Node, o *ast.GenericOp) exec.Node {
	switch o.Keyword {
	case "project-by-names":
		return a.projectByNames(sc, in, o)
	}
	fail(o, diag.CodeInvalid, "'%s' operator is not supported by this engine", o.Keyword)
	return nil
}

// projectByNames is `project-by-names names...`: each argument is a column name or pattern,
// a dynamic array of them, or column_names_of(T); names that do not exist are skipped.
func (a *analyzer) projectByNames(sc *scope, in exec.Node, o *ast.GenericOp) exec.Node {
	script, err := parser.Parse("print " + o.Text)
	if err != nil || len(script.Stmts) != 1 {
		fail(o, diag.CodeSyntax, "Query could not be parsed: invalid project-by-names arguments")
	}
	pipe, ok := script.Stmts[0].(*ast.QueryStmt).Query.(*ast.PipeExpr)
	if !ok {
		fail(o, diag.CodeSyntax, "Query could not be parsed: invalid project-by-names arguments")
	}
	pr, ok := pipe.Op.(*ast.PrintOp)
	if !ok {
		fail(o, diag.CodeSyntax, "Query could not be parsed: invalid project-by-names arguments")
	}
	var patterns []string
	for _, arg := range pr.Cols {
		if call, ok := arg.(*ast.CallExpr); ok && call.Func.Name == "column_names_of" && len(call.Args) == 1 {
			for _, c := range a.tabular(sc, call.Args[0]).Columns() {
				patterns = append(patterns, c.Name)
			}
			continue
		}
		v := a.scalar(sc, nil, arg)
		if v.Const == nil {
			fail(o, diag.CodeBadArgument, "'project-by-names' operator: the arguments must be constants")
		}
		if arr, ok := v.Const.D.([]any); ok && v.Const.T == types.Dynamic {
			for _, e := range arr {
				if s, ok := e.(string); ok {
					patterns = append(patterns, s)
				}
			}
			continue
		}
		patterns = append(patterns, types.FormatText(*v.Const))
	}
	inCols := in.Columns()
	used := make([]bool, len(inCols))
	var cols []exec.Column
	var pass []int
	for _, p := range patterns {
		for i, c := range inCols {
			if !used[i] && wildcardMatch(p, c.Name) {
				used[i] = true
				cols = append(cols, c)
				pass = append(pass, i)
			}
		}
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: make([]exec.Expr, len(cols))}
}
