package analyze

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// evaluate runs a plugin; bag_unpack is supported.
func (a *analyzer) evaluate(sc *scope, in exec.Node, o *ast.EvaluateOp) exec.Node {
	switch o.Call.Func.Name {
	case "bag_unpack":
		return a.bagUnpack(sc, in, o.Call)
	}
	fail(o.Call.Func, diag.CodeUnknownName, "'evaluate' operator: Unknown plugin '%s'", o.Call.Func.Name)
	return nil
}

// bagUnpack turns the properties of a dynamic column into columns; the new columns depend on
// the data, so the operator's schema is decided at run time.
func (a *analyzer) bagUnpack(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	if in == nil {
		fail(call, diag.CodeInvalid, "'evaluate' operator: bag_unpack needs an input table")
	}
	if len(call.Args) < 1 {
		fail(call, diag.CodeBadArgument, "The function 'bag_unpack' expects between 1 and 4 arguments.")
	}
	inCols := in.Columns()
	col := a.scalarOp(sc, inCols, call.Args[0], "evaluate")
	if !col.IsCol {
		fail(call.Args[0], diag.CodeBadArgument, "bag_unpack: the first argument must be a column")
	}
	prefix := ""
	if len(call.Args) > 1 {
		p := a.scalarOp(sc, nil, call.Args[1], "evaluate")
		if p.Const != nil {
			prefix = types.FormatText(*p.Const)
		}
	}
	bagIdx := col.Col
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
		taken := map[string]bool{}
		for i, c := range t.Cols {
			if i == bagIdx {
				continue
			}
			cols = append(cols, c)
			pass = append(pass, i)
			exprs = append(exprs, exec.Expr{})
			taken[c.Name] = true
		}
		for _, k := range names {
			key := k
			name := prefix + k
			if taken[name] {
				name = uniqueName(name, taken)
			}
			taken[name] = true
			cols = append(cols, exec.Column{Name: name, Type: types.Dynamic})
			pass = append(pass, -1)
			exprs = append(exprs, exec.Expr{T: types.Dynamic, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
				return types.Member(tb.Vecs[bagIdx].Get(i), key)
			}})
		}
		return &exec.Project{In: &exec.Source{T: t}, Cols: cols, Pass: pass, Exprs: exprs}, nil
	}}
}

// search is `search [in (T...)] predicate`; a bare string term matches any string column
// with has (case-insensitive).
func (a *analyzer) search(sc *scope, in exec.Node, o *ast.SearchOp) exec.Node {
	var inputs []exec.Node
	if in != nil {
		inputs = []exec.Node{in}
	} else {
		tables := o.Tables
		if len(tables) == 0 {
			for _, n := range a.cat.Names() {
				tables = append(tables, &ast.Ident{Span: ast.Span{Start: o.Pos(), Stop: o.Pos()}, Name: n})
			}
		}
		u := a.union(sc, nil, &ast.UnionOp{Span: o.Span, Tables: tables,
			Params: []*ast.NamedExpr{{Name: &ast.Ident{Name: "withsource"}, Value: &ast.Ident{Name: "$table"}}}})
		inputs = []exec.Node{u}
	}
	node := inputs[0]
	cols := node.Columns()
	pred := a.searchPred(sc, cols, o.Pred)
	return &exec.Filter{In: node, Pred: pred}
}

func (a *analyzer) searchPred(sc *scope, cols []exec.Column, p ast.Expr) exec.Expr {
	switch x := p.(type) {
	case *ast.Literal:
		if x.Kind == ast.LitString {
			term := x.Text
			var strCols []int
			for i, c := range cols {
				if c.Type == types.String || c.Type == types.Dynamic {
					strCols = append(strCols, i)
				}
			}
			return exec.Expr{T: types.Bool, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
				for _, c := range strCols {
					if hasTerm(types.FormatText(tb.Vecs[c].Get(i)), term) {
						return types.NewBool(true)
					}
				}
				return types.NewBool(false)
			}}
		}
	case *ast.BinaryExpr:
		if x.Op == "and" || x.Op == "or" {
			return logical(x.Op == "and", a.searchPred(sc, cols, x.L), a.searchPred(sc, cols, x.R))
		}
	}
	return a.scalarOp(sc, cols, p, "search")
}

// find is not supported beyond search semantics.
func (a *analyzer) find(sc *scope, o *ast.FindOp) exec.Node {
	fail(o, diag.CodeInvalid, "'find' operator is not supported by this engine")
	return nil
}

func (a *analyzer) makeSeries(sc *scope, in exec.Node, o *ast.MakeSeriesOp) exec.Node {
	fail(o, diag.CodeInvalid, "'make-series' operator is not supported by this engine")
	return nil
}

func (a *analyzer) topNested(sc *scope, in exec.Node, o *ast.TopNestedOp) exec.Node {
	fail(o, diag.CodeInvalid, "'top-nested' operator is not supported by this engine")
	return nil
}
