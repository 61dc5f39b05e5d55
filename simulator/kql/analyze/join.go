package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// param returns the text value of an operator parameter such as kind=inner.
func paramValue(params []*ast.NamedExpr, name string) (string, ast.Node, bool) {
	for _, p := range params {
		if strings.EqualFold(p.Name.Name, name) {
			switch v := p.Value.(type) {
			case *ast.Ident:
				return v.Name, p, true
			case *ast.Literal:
				return v.Text, p, true
			}
			return "", p, true
		}
	}
	return "", nil, false
}

var joinKinds = map[string]string{
	"innerunique": exec.JoinInnerUnique, "inner": exec.JoinInner, "leftouter": exec.JoinLeftOuter,
	"rightouter": exec.JoinRightOuter, "fullouter": exec.JoinFullOuter, "outer": exec.JoinFullOuter,
	"leftsemi": exec.JoinLeftSemi, "leftanti": exec.JoinLeftAnti, "anti": exec.JoinLeftAnti,
	"leftantisemi": exec.JoinLeftAnti, "rightsemi": exec.JoinRightSemi, "rightanti": exec.JoinRightAnti,
	"rightantisemi": exec.JoinRightAnti, "semi": exec.JoinLeftSemi,
}

// joinKeys resolves the on clause into left and right key expressions.
func (a *analyzer) joinKeys(sc *scope, on []ast.Expr, lcols, rcols []exec.Column, opName string) (lk, rk []exec.Expr) {
	ctx := &exprCtx{sc: sc, op: opName, left: lcols, right: rcols}
	var add func(e ast.Expr)
	add = func(e ast.Expr) {
		switch x := unparen(e).(type) {
		case *ast.Ident:
			li, ri := colIndex(lcols, x.Name), colIndex(rcols, x.Name)
			if li < 0 || ri < 0 {
				fail(x, diag.CodeUnknownName, "'%s' operator: Failed to resolve column or scalar expression named '%s'", opName, x.Name)
			}
			lk = append(lk, a.colExpr(li, lcols[li].Type))
			rk = append(rk, a.colExpr(ri, rcols[ri].Type))
		case *ast.BinaryExpr:
			if x.Op == "and" {
				add(x.L)
				add(x.R)
				return
			}
			if x.Op != "==" {
				fail(x, diag.CodeInvalid, "'%s' operator: only equality (==) conditions between $left and $right columns are supported", opName)
			}
			l, r := x.L, x.R
			if side(r) == "$left" && side(l) == "$right" {
				l, r = r, l
			}
			if side(l) != "$left" || side(r) != "$right" {
				fail(x, diag.CodeInvalid, "'%s' operator: join condition must compare a $left column with a $right column", opName)
			}
			lk = append(lk, a.scalarCtx(ctx, l))
			rk = append(rk, a.scalarCtx(ctx, r))
		default:
			fail(e, diag.CodeInvalid, "'%s' operator: unsupported join condition", opName)
		}
	}
	for _, e := range on {
		add(e)
	}
	return lk, rk
}

func side(e ast.Expr) string {
	if m, ok := unparen(e).(*ast.MemberExpr); ok {
		if id, ok := m.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// join analyzes the join operator.
func (a *analyzer) join(sc *scope, left exec.Node, o *ast.JoinOp) exec.Node {
	kind := exec.JoinInnerUnique
	if k, p, ok := paramValue(o.Params, "kind"); ok {
		jk, known := joinKinds[strings.ToLower(k)]
		if !known {
			fail(p, diag.CodeInvalid, "'join' operator: unknown join kind '%s'", k)
		}
		kind = jk
	}
	right := a.tabular(sc, o.Right)
	lcols, rcols := left.Columns(), right.Columns()
	lk, rk := a.joinKeys(sc, o.On, lcols, rcols, "join")
	j := &exec.Join{Left: left, Right: right, Kind: kind, LeftKeys: lk, RightKeys: rk}
	switch kind {
	case exec.JoinLeftSemi, exec.JoinLeftAnti:
		j.Cols = lcols
		j.LeftOut = identity(len(lcols))
	case exec.JoinRightSemi, exec.JoinRightAnti:
		j.Cols = rcols
		j.RightOut = identity(len(rcols))
	default:
		j.Cols = append([]exec.Column(nil), lcols...)
		j.LeftOut = identity(len(lcols))
		taken := nameSet(lcols)
		for i, c := range rcols {
			n := uniqueName(c.Name, taken)
			taken[n] = true
			j.Cols = append(j.Cols, exec.Column{Name: n, Type: c.Type, Hidden: c.Hidden})
			j.RightOut = append(j.RightOut, i)
		}
	}
	var node exec.Node = j
	if o.Where != nil {
		node = &exec.Filter{In: j, Preds: []exec.Expr{a.scalarOp(sc, j.Cols, o.Where, "join")}}
	}
	return node
}

// lookup is a join that keeps every left row (kind=leftouter by default) and adds the right
// side's non-key columns.
func (a *analyzer) lookup(sc *scope, left exec.Node, o *ast.LookupOp) exec.Node {
	kind := exec.JoinLeftOuter
	if k, _, ok := paramValue(o.Params, "kind"); ok && strings.EqualFold(k, "inner") {
		kind = exec.JoinInner
	}
	right := a.tabular(sc, o.Right)
	lcols, rcols := left.Columns(), right.Columns()
	lk, rk := a.joinKeys(sc, o.On, lcols, rcols, "lookup")
	rightKeyCols := map[int]bool{}
	for _, e := range o.On {
		switch x := unparen(e).(type) {
		case *ast.Ident:
			rightKeyCols[colIndex(rcols, x.Name)] = true
		}
	}
	j := &exec.Join{Left: left, Right: right, Kind: kind, LeftKeys: lk, RightKeys: rk, Lookup: true}
	j.Cols = append([]exec.Column(nil), lcols...)
	j.LeftOut = identity(len(lcols))
	taken := nameSet(lcols)
	for i, c := range rcols {
		if rightKeyCols[i] {
			continue
		}
		n := uniqueName(c.Name, taken)
		taken[n] = true
		j.Cols = append(j.Cols, exec.Column{Name: n, Type: c.Type, Hidden: c.Hidden})
		j.RightOut = append(j.RightOut, i)
	}
	return j
}

// union analyzes union (in is the piped input, nil when union starts the query).
func (a *analyzer) union(sc *scope, in exec.Node, o *ast.UnionOp) exec.Node {
	var inputs []exec.Node
	var names []string
	if in != nil {
		inputs = append(inputs, in)
		names = append(names, "union_arg0")
	}
	fuzzy := unionIsFuzzy(o)
	var firstMissing *diag.Error
	for _, t := range o.Tables {
		if id, ok := t.(*ast.Ident); ok && id.Wildcard {
			for _, n := range a.cat.Names() {
				if wildcardMatch(id.Name, n) {
					inputs = append(inputs, a.tableRef(sc, &ast.Ident{Span: id.Span, Name: n}, "union"))
					names = append(names, n)
				}
			}
			continue
		}
		var n exec.Node
		if fuzzy {
			var missing *diag.Error
			if n, missing = a.fuzzyLeg(sc, t); missing != nil {
				if firstMissing == nil {
					firstMissing = missing
				}
				continue
			}
		} else {
			n = a.tabularIn(sc, t, nil, "union")
		}
		if id, ok := t.(*ast.Ident); ok {
			names = append(names, id.Name)
		} else if as, ok := a.asNames[n]; ok {
			names = append(names, as)
		} else {
			names = append(names, "union_arg"+itoa(len(names)))
		}
		inputs = append(inputs, n)
	}
	if len(inputs) == 0 && firstMissing != nil {
		panic(firstMissing)
	}
	outer := true
	if k, _, ok := paramValue(o.Params, "kind"); ok && strings.EqualFold(k, "inner") {
		outer = false
	}
	// Columns: by name across inputs; same name with different types becomes name_type.
	var cols []exec.Column
	typesByName := map[string][]types.Type{}
	for _, n := range inputs {
		for _, c := range n.Columns() {
			ts := typesByName[c.Name]
			dup := false
			for _, t := range ts {
				if t == c.Type {
					dup = true
				}
			}
			if !dup {
				typesByName[c.Name] = append(ts, c.Type)
			}
		}
	}
	// Real column names keep theirs; a name with several types becomes name_type, made
	// unique against the real names (x_long1 when a real x_long exists).
	real := map[string]bool{}
	for _, n := range inputs {
		for _, c := range n.Columns() {
			if len(typesByName[c.Name]) == 1 {
				real[c.Name] = true
			}
		}
	}
	taken := map[string]bool{}
	for k := range real {
		taken[k] = true
	}
	outName := map[colKey]string{}
	seen := map[string]bool{}
	for _, n := range inputs {
		for _, c := range n.Columns() {
			key := colKey{c.Name, c.Type}
			name, done := outName[key]
			if !done {
				name = c.Name
				if len(typesByName[c.Name]) > 1 {
					name = uniqueName(c.Name+"_"+c.Type.String(), taken)
					taken[name] = true
				}
				outName[key] = name
			}
			if seen[name] {
				continue
			}
			if !outer {
				inAll := true
				for _, m := range inputs {
					if colIndex(m.Columns(), c.Name) < 0 {
						inAll = false
					}
				}
				if !inAll {
					continue
				}
			}
			seen[name] = true
			cols = append(cols, exec.Column{Name: name, Type: c.Type, Hidden: c.Hidden})
		}
	}
	u := &exec.Union{Inputs: inputs, SourceCol: -1, Names: names}
	if src, p, ok := paramValue(o.Params, "withsource"); ok {
		if src == "" {
			fail(p, diag.CodeInvalid, "'union' operator: withsource needs a column name")
		}
		cols = append([]exec.Column{{Name: src, Type: types.String}}, cols...)
		u.SourceCol = 0
	}
	u.Cols = cols
	for _, n := range inputs {
		ic := n.Columns()
		m := make([]int, len(cols))
		for k, c := range cols {
			m[k] = -1
			for i, x := range ic {
				if outName[colKey{x.Name, x.Type}] == c.Name {
					m[k] = i
				}
			}
		}
		u.Maps = append(u.Maps, m)
	}
	return u
}

type colKey struct {
	name string
	t    types.Type
}
