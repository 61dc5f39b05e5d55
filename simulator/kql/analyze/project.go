package analyze

import (
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// autoName is the column name Kusto gives an unnamed expression: a column's own name, a
// dynamic path joined with '_' (d.a.b → d_a_b), else "" (the caller numbers it).
func autoName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.ParenExpr:
		return autoName(x.X)
	case *ast.MemberExpr:
		if id, ok := x.X.(*ast.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return x.Name.Name
		}
		if base := autoName(x.X); base != "" {
			return base + "_" + x.Name.Name
		}
	case *ast.CallExpr:
		return callResultName(x)
	case *ast.IndexExpr:
		base := autoName(x.X)
		if lit, ok := x.Index.(*ast.Literal); ok && base != "" {
			return base + "_" + strings.TrimPrefix(lit.Text, "-")
		}
	}
	return ""
}

// nextColumnName returns Column1, Column2... skipping taken names.
func nextColumnName(taken map[string]bool) string {
	for i := 1; ; i++ {
		n := "Column" + itoa(i)
		if !taken[n] {
			return n
		}
	}
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// project handles project (extend=false) and extend (extend=true).
func (a *analyzer) project(sc *scope, in exec.Node, items []ast.Expr, extend bool, opName string) exec.Node {
	if extend {
		// Each extend item may use the columns defined before it: chain one step per item.
		node := in
		saved := a.extendBase
		a.extendBase = in.Columns()
		for _, it := range items {
			if t, ok := a.asTupleItem(sc, it); ok {
				node = a.extendTuple(sc, node, t, opName)
				continue
			}
			node = a.extendOne(sc, node, it, opName)
		}
		a.extendBase = saved
		return node
	}
	in, items = a.projectTuples(sc, in, items, opName)
	inCols := in.Columns()
	var cols []exec.Column
	var pass []int
	var exprs []exec.Expr
	taken := map[string]bool{}
	for _, it := range items {
		name := ""
		var names []*ast.Ident
		x := it
		if ne, ok := it.(*ast.NamedExpr); ok {
			name, names, x = ne.Name.Name, ne.Names, ne.Value
		}
		if id, ok := x.(*ast.Ident); ok && id.Wildcard {
			for i, c := range inCols {
				if wildcardMatch(id.Name, c.Name) && !taken[c.Name] {
					cols = append(cols, c)
					pass = append(pass, i)
					exprs = append(exprs, exec.Expr{})
					taken[c.Name] = true
				}
			}
			continue
		}
		e := a.scalarOp(sc, inCols, x, opName)
		if len(names) > 1 {
			fail(it, diag.CodeInvalid, "'%s' operator: tuple assignment is not supported here", opName)
		}
		if name == "" {
			name = unnamedColumnName(x, inCols)
		}
		if name == "" {
			name = nextColumnName(taken)
		}
		if taken[name] {
			if _, named := it.(*ast.NamedExpr); named {
				fail(it, diag.CodeInvalid, "'%s' operator: A column with the name '%s' is already declared", opName, name)
			}
			name = uniqueName(name, taken)
		}
		taken[name] = true
		p := -1
		if id, ok := x.(*ast.Ident); ok {
			if j := colIndex(inCols, id.Name); j >= 0 {
				p = j
			}
		}
		cols = append(cols, exec.Column{Name: name, Type: colType(e.T)})
		pass = append(pass, p)
		exprs = append(exprs, e)
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: exprs}
}

// extendOne adds or replaces one column.
func (a *analyzer) extendOne(sc *scope, in exec.Node, it ast.Expr, opName string) exec.Node {
	inCols := in.Columns()
	name := ""
	x := it
	var names []*ast.Ident
	if ne, ok := it.(*ast.NamedExpr); ok {
		name, names, x = ne.Name.Name, ne.Names, ne.Value
	}
	e := a.scalarOp(sc, inCols, x, opName)
	if len(names) > 1 {
		fail(it, diag.CodeInvalid, "'%s' operator: tuple assignment is not supported here", opName)
	}
	if name == "" {
		name = unnamedColumnName(x, inCols)
	}
	if name == "" {
		name = nextColumnName(nameSet(inCols))
	}
	cols := append([]exec.Column(nil), inCols...)
	pass := identity(len(inCols))
	exprs := make([]exec.Expr, len(inCols))
	if j := colIndex(inCols, name); j >= 0 {
		cols[j] = exec.Column{Name: name, Type: colType(e.T)}
		pass[j] = -1
		exprs[j] = e
	} else {
		cols = append(cols, exec.Column{Name: name, Type: colType(e.T)})
		pass = append(pass, -1)
		exprs = append(exprs, e)
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: exprs}
}

// projectAway drops (keep=false) or keeps (keep=true) the named columns.
func (a *analyzer) projectAway(in exec.Node, ids []*ast.Ident, keep bool) exec.Node {
	inCols := in.Columns()
	hit := make([]bool, len(inCols))
	for _, id := range ids {
		found := false
		for i, c := range inCols {
			if wildcardMatch(id.Name, c.Name) {
				hit[i] = true
				found = true
			}
		}
		if !found && !id.Wildcard {
			op := "project-away"
			if keep {
				op = "project-keep"
			}
			fail(id, diag.CodeUnknownName, "'%s' operator: Failed to resolve column or scalar expression named '%s'", op, id.Name)
		}
	}
	var cols []exec.Column
	var pass []int
	for i, c := range inCols {
		if hit[i] == keep {
			cols = append(cols, c)
			pass = append(pass, i)
		}
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: make([]exec.Expr, len(cols))}
}

func (a *analyzer) projectRename(in exec.Node, o *ast.ProjectRenameOp) exec.Node {
	inCols := in.Columns()
	cols := append([]exec.Column(nil), inCols...)
	for _, r := range o.Renames {
		old, ok := r.Value.(*ast.Ident)
		if !ok {
			fail(r, diag.CodeInvalid, "'project-rename' operator: expected a column name")
		}
		j := colIndex(inCols, old.Name)
		if j < 0 {
			fail(old, diag.CodeUnknownName, "'project-rename' operator: Failed to resolve column or scalar expression named '%s'", old.Name)
		}
		cols[j].Name = r.Name.Name
	}
	return &exec.Project{In: in, Cols: cols, Pass: identity(len(cols)), Exprs: make([]exec.Expr, len(cols))}
}

func (a *analyzer) projectReorder(in exec.Node, o *ast.ProjectReorderOp) exec.Node {
	inCols := in.Columns()
	used := make([]bool, len(inCols))
	var pass []int
	for k, id := range o.Cols {
		var group []int
		for i, c := range inCols {
			if !used[i] && wildcardMatch(id.Name, c.Name) {
				group = append(group, i)
			}
		}
		if len(group) == 0 && !id.Wildcard {
			fail(id, diag.CodeUnknownName, "'project-reorder' operator: Failed to resolve column or scalar expression named '%s'", id.Name)
		}
		order := ""
		if k < len(o.Orders) {
			order = o.Orders[k]
		}
		switch order {
		case "asc", "granny-asc":
			sort.SliceStable(group, func(x, y int) bool { return nameLess(inCols[group[x]].Name, inCols[group[y]].Name, order) })
		case "desc", "granny-desc":
			sort.SliceStable(group, func(x, y int) bool { return nameLess(inCols[group[y]].Name, inCols[group[x]].Name, order) })
		}
		for _, i := range group {
			used[i] = true
			pass = append(pass, i)
		}
	}
	for i := range inCols {
		if !used[i] {
			pass = append(pass, i)
		}
	}
	cols := make([]exec.Column, len(pass))
	for k, i := range pass {
		cols[k] = inCols[i]
	}
	return &exec.Project{In: in, Cols: cols, Pass: pass, Exprs: make([]exec.Expr, len(cols))}
}

// nameLess orders names; the granny orders compare digit runs as numbers (a2 < a10).
func nameLess(x, y, order string) bool {
	if !strings.HasPrefix(order, "granny") {
		return x < y
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		if isDigit(x[i]) && isDigit(y[j]) {
			si := i
			for i < len(x) && isDigit(x[i]) {
				i++
			}
			sj := j
			for j < len(y) && isDigit(y[j]) {
				j++
			}
			a, b := strings.TrimLeft(x[si:i], "0"), strings.TrimLeft(y[sj:j], "0")
			if len(a) != len(b) {
				return len(a) < len(b)
			}
			if a != b {
				return a < b
			}
			continue
		}
		if x[i] != y[j] {
			return x[i] < y[j]
		}
		i++
		j++
	}
	return len(x)-i < len(y)-j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// distinct is summarize by the listed columns (or all of them for `distinct *`).
func (a *analyzer) distinct(sc *scope, in exec.Node, o *ast.DistinctOp) exec.Node {
	var by []ast.Expr
	for _, c := range o.Cols {
		if _, star := c.(*ast.StarExpr); star {
			for _, col := range in.Columns() {
				if col.Hidden { // distinct * compares the visible columns
					continue
				}
				by = append(by, &ast.Ident{Span: ast.Span{Start: c.Pos(), Stop: c.End()}, Name: col.Name})
			}
			continue
		}
		by = append(by, c)
	}
	return a.summarize(sc, in, nil, by, "distinct")
}

var _ = types.Null

// unnamedColumnName is autoName with the one rule that needs the row: column_ifexists('c', d)
// is named c only when the column c exists.
func unnamedColumnName(x ast.Expr, cols []exec.Column) string {
	if c, ok := unparen(x).(*ast.CallExpr); ok && funcResultNames[c.Func.Name].kind == nameValueIfColumn {
		if n := callResultName(c); n != "" && colIndex(cols, n) >= 0 {
			return n
		}
		return ""
	}
	return autoName(x)
}
