package ast

import (
	"strconv"
	"strings"
)

// Format prints a node as a compact S-expression, e.g.
//
//	(pipe T (where (> x 1)) (project a (= b (call f x))))
//
// A pipeline is flattened into one (pipe source op op ...) list; a missing
// source (a source operator or a context subquery) prints as "_". Strings
// print Go-quoted, typed literals as kind(text), long literals bare.
func Format(n Node) string {
	var f formatter
	f.node(n)
	return f.b.String()
}

type formatter struct{ b strings.Builder }

func (f *formatter) str(s string) { f.b.WriteString(s) }

// list prints (head items...), skipping nil items.
func (f *formatter) list(head string, items ...Node) {
	f.str("(" + head)
	for _, it := range items {
		if isNil(it) {
			continue
		}
		f.str(" ")
		f.node(it)
	}
	f.str(")")
}

// isNil reports whether n is nil or a typed nil pointer.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch v := n.(type) {
	case Expr:
		return v == nil || isNilExpr(v)
	}
	return false
}

func isNilExpr(e Expr) bool {
	switch v := e.(type) {
	case *Ident:
		return v == nil
	case *Literal:
		return v == nil
	case *CallExpr:
		return v == nil
	}
	return false
}

func exprs[T Node](xs []T) []Node {
	out := make([]Node, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// group prints (head items...) only when items is not empty.
func (f *formatter) group(head string, items []Node) {
	if len(items) == 0 {
		return
	}
	f.str(" ")
	f.list(head, items...)
}

// opt prints " (head x)" when x is set.
func (f *formatter) opt(head string, x Node) {
	if isNil(x) {
		return
	}
	f.str(" (" + head + " ")
	f.node(x)
	f.str(")")
}

// word prints " (head w)" when w is not empty.
func (f *formatter) word(head, w string) {
	if w != "" {
		f.str(" (" + head + " " + w + ")")
	}
}

func (f *formatter) node(n Node) {
	switch n := n.(type) {
	case nil:
		f.str("_")
	case *Script:
		for i, s := range n.Stmts {
			if i > 0 {
				f.str("\n")
			}
			f.node(s)
		}
	case *LetStmt:
		f.list("let", n.Name, n.Value)
	case *SetStmt:
		f.str("(set " + n.Name)
		f.opt("=", n.Value)
		f.str(")")
	case *DeclareStmt:
		f.list("declare", exprsOfParams(n.Params)...)
	case *PatternStmt:
		f.str("(pattern ")
		f.node(n.Name)
		f.group("params", exprsOfParams(n.Params))
		f.group("path", exprsOfParams(n.PathParams))
		for _, r := range n.Rules {
			f.str(" (rule")
			f.group("args", exprs(r.Args))
			f.group("path", exprs(r.Path))
			f.str(" ")
			f.node(r.Body)
			f.str(")")
		}
		f.str(")")
	case *QueryStmt:
		f.node(n.Query)
	case *Param:
		f.str("(param ")
		f.node(n.Name)
		if n.Table != nil {
			f.str(" ")
			f.node(n.Table)
		} else {
			f.str(" " + n.Type)
		}
		f.opt("=", n.Default)
		f.str(")")
	case *TableType:
		f.str("(table")
		for _, c := range n.Columns {
			f.str(" ")
			f.node(c)
		}
		if n.Star {
			f.str(" *")
		}
		f.str(")")
	case *ColumnDecl:
		f.node(n.Name)
		if n.Type != "" {
			f.str(":" + n.Type)
		}
	case *FuncExpr:
		head := "func"
		if n.View {
			head = "view"
		}
		f.str("(" + head + " (")
		for i, p := range n.Params {
			if i > 0 {
				f.str(" ")
			}
			f.node(p)
		}
		f.str(") ")
		f.node(n.Body)
		f.str(")")
	case *Body:
		f.str("{")
		for _, l := range n.Lets {
			f.node(l)
			f.str("; ")
		}
		f.node(n.Result)
		f.str("}")
	default:
		if !f.expr(n) {
			f.op(n)
		}
	}
}

func exprsOfParams(ps []*Param) []Node { return exprs(ps) }

// expr prints expression nodes; it reports false for other nodes.
func (f *formatter) expr(n Node) bool {
	switch n := n.(type) {
	case *Literal:
		switch {
		case n.Kind == LitString:
			f.str(strconv.Quote(n.Text))
		case n.Kind == LitLong && !n.Null:
			f.str(n.Text)
		default:
			f.str(n.Kind.String() + "(" + n.Text + ")")
		}
	case *Ident:
		switch {
		case n.Quoted:
			f.str("['" + n.Name + "']")
		default:
			f.str(n.Name)
		}
	case *UnaryExpr:
		f.list(n.Op, n.X)
	case *BinaryExpr:
		f.list(n.Op, n.L, n.R)
	case *InExpr:
		f.str("(" + n.Op + " ")
		f.node(n.X)
		f.str(" [")
		for i, x := range n.List {
			if i > 0 {
				f.str(" ")
			}
			f.node(x)
		}
		f.str("])")
	case *BetweenExpr:
		head := "between"
		if n.Not {
			head = "!between"
		}
		f.list(head, n.X, n.Lo, n.Hi)
	case *CallExpr:
		f.list("call "+n.Func.Name, exprs(n.Args)...)
	case *NamedExpr:
		if len(n.Names) > 1 {
			f.str("(= (")
			for i, id := range n.Names {
				if i > 0 {
					f.str(" ")
				}
				f.node(id)
			}
			f.str(") ")
			f.node(n.Value)
			f.str(")")
		} else {
			f.list("=", n.Name, n.Value)
		}
	case *StarExpr:
		f.str("*")
	case *MemberExpr:
		if n.Call != nil {
			f.list(".", n.X, n.Call)
		} else {
			f.list(".", n.X, n.Name)
		}
	case *IndexExpr:
		f.list("[]", n.X, n.Index)
	case *ParenExpr:
		f.list("paren", n.X)
	case *BracketExpr:
		f.list("bracket", n.X)
	case *TypeExpr:
		f.str("typeof(" + n.Name + ")")
	case *PipeExpr:
		var chain []Op
		var src Expr = n
		for {
			pe, ok := src.(*PipeExpr)
			if !ok {
				break
			}
			chain = append(chain, pe.Op)
			src = pe.Input
		}
		f.str("(pipe ")
		f.node(src)
		for i := len(chain) - 1; i >= 0; i-- {
			f.str(" ")
			f.node(chain[i])
		}
		f.str(")")
	case *DataTableExpr:
		f.str("(datatable")
		f.group("cols", exprs(n.Columns))
		f.group("values", exprs(n.Values))
		f.str(")")
	case *ExternalDataExpr:
		f.str("(externaldata")
		f.group("cols", exprs(n.Columns))
		f.group("uris", exprs(n.URIs))
		f.group("with", exprs(n.With))
		f.str(")")
	default:
		return false
	}
	return true
}
