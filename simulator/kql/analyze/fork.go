package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
)

// fork analyzes `fork (q1) (q2) ...`: every branch reads the operator's input (computed
// once); the query gets one result table per branch, named by a trailing `| as name` or
// GenericResult_N. Kusto allows no operator after fork.
func (a *analyzer) fork(sc *scope, in exec.Node, o *ast.ForkOp) exec.Node {
	if in == nil {
		fail(o, diag.CodeInvalid, "'fork' operator: needs an input table")
	}
	shared := &exec.Materialized{In: in}
	m := &exec.Multi{}
	for i, b := range o.Branches {
		n := a.tabularIn(sc, b, shared, "fork")
		name, ok := a.asNames[n]
		if !ok {
			name = "GenericResult_" + itoa(i+1)
		}
		m.Branches = append(m.Branches, n)
		m.Names = append(m.Names, name)
	}
	a.multi, a.multiOp = m, o
	return m
}

// facet analyzes `facet by c1, c2 [with (subquery)]`: the subquery's table (when given),
// then for each column a table of its values with their counts (summarize count() by c).
func (a *analyzer) facet(sc *scope, in exec.Node, o *ast.FacetOp) exec.Node {
	if in == nil {
		fail(o, diag.CodeInvalid, "'facet' operator: needs an input table")
	}
	shared := &exec.Materialized{In: in}
	m := &exec.Multi{}
	if o.With != nil {
		n := a.tabularIn(sc, o.With, shared, "facet")
		m.Branches = append(m.Branches, n)
		m.Names = append(m.Names, "GenericResult_1")
	}
	count := &ast.CallExpr{Span: o.Span, Func: &ast.Ident{Span: o.Span, Name: "count"}}
	for _, c := range o.Cols {
		id, ok := unparen(c).(*ast.Ident)
		if !ok {
			fail(c, diag.CodeInvalid, "'facet' operator: expected a column name")
		}
		n := a.summarize(sc, shared, []ast.Expr{count}, []ast.Expr{id}, "facet")
		m.Branches = append(m.Branches, n)
		m.Names = append(m.Names, id.Name)
	}
	a.multi, a.multiOp = m, o
	return m
}
