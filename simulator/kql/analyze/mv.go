package analyze

import (
	"regexp"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// mvExpandPlan builds the mv-expand operator over input columns inCols.
func (a *analyzer) mvExpandPlan(sc *scope, in exec.Node, params []*ast.NamedExpr, items []*ast.MvItem, limit ast.Expr) *exec.MvExpand {
	inCols := in.Columns()
	m := &exec.MvExpand{In: in, IndexCol: -1}
	if k, _, ok := paramValue(params, "kind"); ok && strings.EqualFold(k, "array") {
		m.BagArray = true
	}
	if k, _, ok := paramValue(params, "bagexpansion"); ok && strings.EqualFold(k, "array") {
		m.BagArray = true
	}
	m.Cols = append([]exec.Column(nil), inCols...)
	m.Pass = identity(len(inCols))
	for _, it := range items {
		name := ""
		x := it.X
		if ne, ok := x.(*ast.NamedExpr); ok {
			name, x = ne.Name.Name, ne.Value
		}
		e := a.scalarOp(sc, inCols, x, "mv-expand")
		if name == "" {
			name = autoName(x)
		}
		if name == "" {
			name = nextColumnName(nameSet(m.Cols))
		}
		t := types.Dynamic
		if it.ToType != "" {
			tt, ok := types.ParseType(it.ToType)
			if !ok {
				fail(it, diag.CodeInvalid, "Unknown type '%s'", it.ToType)
			}
			t = tt
		}
		out := colIndex(m.Cols, name)
		if out >= 0 {
			m.Cols[out] = exec.Column{Name: name, Type: t}
			m.Pass[out] = -1
		} else {
			out = len(m.Cols)
			m.Cols = append(m.Cols, exec.Column{Name: name, Type: t})
			m.Pass = append(m.Pass, -1)
		}
		m.Items = append(m.Items, exec.MvItem{X: e, Out: out, Type: t})
	}
	if idx, p, ok := paramValue(params, "with_itemindex"); ok {
		if idx == "" {
			fail(p, diag.CodeInvalid, "'mv-expand' operator: with_itemindex needs a column name")
		}
		m.IndexCol = len(m.Cols)
		m.Cols = append(m.Cols, exec.Column{Name: idx, Type: types.Long})
		m.Pass = append(m.Pass, -1)
	}
	if limit != nil {
		l := a.scalarOp(sc, nil, limit, "mv-expand")
		if l.Const == nil {
			fail(limit, diag.CodeBadArgument, "The expression must be a constant.")
		}
		m.Limit, _ = l.Const.AsInt()
	}
	return m
}

func (a *analyzer) mvExpand(sc *scope, in exec.Node, params []*ast.NamedExpr, items []*ast.MvItem, limit ast.Expr) exec.Node {
	return a.mvExpandPlan(sc, in, params, items, limit)
}

// mvApply expands each row's arrays into a small table, runs the subquery over it, and joins
// the results back to the row.
func (a *analyzer) mvApply(sc *scope, in exec.Node, o *ast.MvApplyOp) exec.Node {
	rowSrc := &exec.Bound{Cols: in.Columns()}
	expand := a.mvExpandPlan(sc, rowSrc, o.Params, o.Items, o.Limit)
	sub := a.tabularIn(sc, o.Sub, expand, "mv-apply")
	expanded := map[int]bool{}
	for _, it := range expand.Items {
		if it.Out < len(in.Columns()) {
			expanded[it.Out] = true
		}
	}
	return exec.NewMvApply(in, rowSrc, sub, expanded)
}

// parse compiles parse / parse-where into a regex extraction.
func (a *analyzer) parse(sc *scope, in exec.Node, o *ast.ParseOp) exec.Node {
	inCols := in.Columns()
	src := a.scalarOp(sc, inCols, o.Source, o.Keyword)
	kind := "simple"
	if k, _, ok := paramValue(o.Params, "kind"); ok {
		kind = strings.ToLower(k)
	}
	flags, _, _ := paramValue(o.Params, "flags")
	var b strings.Builder
	if flags != "" {
		b.WriteString("(?" + strings.Trim(flags, "\"'") + ")")
	}
	if kind != "regex" {
		b.WriteString("^")
	}
	var outCols []exec.Column
	lastCol := -1
	for i, p := range o.Pattern {
		if p.Column != nil {
			lastCol = i
		}
	}
	for i, p := range o.Pattern {
		switch {
		case p.Star:
			if kind == "regex" {
				b.WriteString("(?:.*)")
			} else {
				b.WriteString("(?:.*?)")
			}
		case p.Lit != nil:
			if kind == "regex" {
				b.WriteString("(?:" + p.Lit.Text + ")")
			} else {
				b.WriteString(regexp.QuoteMeta(p.Lit.Text))
			}
		case p.Column != nil:
			t := types.String
			if p.Column.Type != "" {
				tt, ok := types.ParseType(p.Column.Type)
				if !ok {
					fail(p.Column, diag.CodeInvalid, "Unknown type '%s'", p.Column.Type)
				}
				t = tt
			}
			group := "c" + itoa(len(outCols))
			outCols = append(outCols, exec.Column{Name: p.Column.Name.Name, Type: t})
			last := i == lastCol && i == len(o.Pattern)-1
			var body string
			// relaxed: a number is preferred, but any text may stand in its place; a
			// value that does not convert becomes null and the rest of the row still matches.
			relaxed := ""
			if kind == "relaxed" {
				relaxed = "|.*?"
				if last {
					relaxed = "|.*"
				}
			}
			switch {
			case t == types.Long || t == types.Int:
				body = `[-+]?\d+` + relaxed
			case t == types.Real || t == types.Decimal:
				body = `[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?` + relaxed
			case kind == "regex" || last:
				body = ".*"
			default:
				body = ".*?"
			}
			b.WriteString("(?P<" + group + ">" + body + ")")
		}
	}
	if kind != "regex" && len(o.Pattern) > 0 && o.Pattern[len(o.Pattern)-1].Lit != nil {
		b.WriteString("$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		fail(o, diag.CodeBadArgument, "'%s' operator: invalid pattern: %v", o.Keyword, err)
	}
	cols := append([]exec.Column(nil), inCols...)
	pass := identity(len(inCols))
	targets := make([]int, len(outCols))
	for k, c := range outCols {
		if j := colIndex(cols, c.Name); j >= 0 {
			cols[j] = c
			pass[j] = -1
			targets[k] = j
		} else {
			targets[k] = len(cols)
			cols = append(cols, c)
			pass = append(pass, -1)
		}
	}
	return &exec.Parse{In: in, Source: src, Re: re, Cols: cols, Pass: pass, Targets: targets,
		Where: o.Keyword == "parse-where", Relaxed: kind == "relaxed"}
}
