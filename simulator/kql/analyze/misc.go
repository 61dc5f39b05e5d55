package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

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
	return &exec.Filter{In: node, Preds: []exec.Expr{pred}}
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

// find is `find [withsource=C] [in (tables)] where pred [project cols | project-smart]`: the
// matching rows of every table, with the table name in source_ (or C); without a project
// list, the columns the predicate names plus pack_, a bag of the row's other non-empty
// columns.
func (a *analyzer) find(sc *scope, o *ast.FindOp) exec.Node {
	src := "source_"
	if v, _, ok := paramValue(o.Params, "withsource"); ok && v != "" {
		src = v
	}
	tables := o.Tables
	if len(tables) == 0 {
		for _, n := range a.cat.Names() {
			tables = append(tables, &ast.Ident{Span: ast.Span{Start: o.Pos(), Stop: o.Pos()}, Name: n})
		}
	}
	u := a.union(sc, nil, &ast.UnionOp{Span: o.Span, Tables: tables,
		Params: []*ast.NamedExpr{{Name: &ast.Ident{Name: "withsource"}, Value: &ast.Ident{Name: src}}}})
	cols := u.Columns()
	filtered := &exec.Filter{In: u, Preds: []exec.Expr{a.searchPred(sc, cols, o.Pred)}}
	var keep []int
	keep = append(keep, 0)
	if len(o.Project) > 0 && !o.ProjectSmart {
		for _, p := range o.Project {
			x := p
			if ne, ok := p.(*ast.NamedExpr); ok {
				x = ne.Name
			}
			id, ok := x.(*ast.Ident)
			if !ok {
				continue
			}
			if j := colIndex(cols, id.Name); j >= 0 {
				keep = append(keep, j)
			}
		}
		out := make([]exec.Column, len(keep))
		for k, j := range keep {
			out[k] = cols[j]
		}
		return &exec.Project{In: filtered, Cols: out, Pass: keep, Exprs: make([]exec.Expr, len(out))}
	}
	named := map[int]bool{0: true}
	inspect(o.Pred, func(e ast.Expr) bool {
		if id, ok := e.(*ast.Ident); ok {
			if j := colIndex(cols, id.Name); j > 0 && !named[j] {
				named[j] = true
				keep = append(keep, j)
			}
		}
		return true
	})
	out := make([]exec.Column, 0, len(keep)+1)
	exprs := make([]exec.Expr, 0, len(keep)+1)
	for _, j := range keep {
		out = append(out, cols[j])
		exprs = append(exprs, exec.Expr{})
	}
	rest := cols
	out = append(out, exec.Column{Name: "pack_", Type: types.Dynamic})
	exprs = append(exprs, exec.Expr{T: types.Dynamic, Eval: func(_ *exec.Env, tb *exec.Table, i int) types.Value {
		m := map[string]any{}
		for j, c := range rest {
			if named[j] {
				continue
			}
			if v := tb.Vecs[j].Get(i); !v.IsEmpty() {
				m[c.Name] = types.ToDynamicElem(v)
			}
		}
		return types.NewDynamic(m)
	}})
	pass := append(append([]int(nil), keep...), -1)
	return &exec.Project{In: filtered, Cols: out, Pass: pass, Exprs: exprs}
}

// makeSeries analyzes make-series: keys, one array per aggregate, the axis array.
func (a *analyzer) makeSeries(sc *scope, in exec.Node, o *ast.MakeSeriesOp) exec.Node {
	inCols := in.Columns()
	m := &exec.MakeSeries{In: in}
	if k, _, ok := paramValue(o.Params, "kind"); ok && strings.EqualFold(k, "nonempty") {
		m.Nonempty = true
	}
	taken := map[string]bool{}
	for _, b := range o.By {
		name := ""
		x := b
		if ne, ok := b.(*ast.NamedExpr); ok {
			name, x = ne.Name.Name, ne.Value
		}
		e := a.scalarOp(sc, inCols, x, "make-series")
		if name == "" {
			name = autoName(x)
		}
		if name == "" {
			name = nextColumnName(taken)
		}
		taken[name] = true
		m.Keys = append(m.Keys, e)
		m.Cols = append(m.Cols, exec.Column{Name: name, Type: colType(e.T)})
	}
	for _, sa := range o.Aggs {
		name := ""
		x := sa.X
		if ne, ok := x.(*ast.NamedExpr); ok {
			name, x = ne.Name.Name, ne.Value
		}
		call, ok := unparen(x).(*ast.CallExpr)
		if !ok || !isAggregate(call.Func.Name) {
			fail(x, diag.CodeInvalid, "'make-series' operator: expected an aggregate function call")
		}
		spec, names := a.aggregate(sc, inCols, call, nil, "make-series")
		if len(spec.Out) != 1 {
			fail(x, diag.CodeInvalid, "'make-series' operator: the aggregate must return one value")
		}
		if name == "" {
			name = names[0]
		}
		name = uniqueName(name, taken)
		taken[name] = true
		def := types.NullOf(spec.Out[0])
		if spec.Out[0].IsNumeric() {
			def = types.Convert(types.NewLong(0), spec.Out[0])
		}
		if sa.Default != nil {
			d := a.scalarOp(sc, nil, sa.Default, "make-series")
			if d.Const == nil {
				fail(sa.Default, diag.CodeBadArgument, "'make-series' operator: default must be a constant")
			}
			def = *d.Const
		}
		m.Aggs = append(m.Aggs, spec)
		m.Defaults = append(m.Defaults, def)
		m.Cols = append(m.Cols, exec.Column{Name: name, Type: types.Dynamic})
	}
	m.Axis = a.scalarOp(sc, inCols, o.On, "make-series")
	from, to, step := o.From, o.To, o.Step
	if o.InRange != nil && len(o.InRange.Args) == 3 {
		from, to, step = o.InRange.Args[0], o.InRange.Args[1], o.InRange.Args[2]
	}
	if step == nil {
		fail(o, diag.CodeInvalid, "'make-series' operator: step is required")
	}
	st := a.scalarOp(sc, nil, step, "make-series")
	m.Step = &st
	if from != nil {
		f := a.scalarOp(sc, nil, from, "make-series")
		m.From = &f
	}
	if to != nil {
		t := a.scalarOp(sc, nil, to, "make-series")
		m.To = &t
	}
	axisName := autoName(o.On)
	if axisName == "" {
		axisName = nextColumnName(taken)
	}
	m.Cols = append(m.Cols, exec.Column{Name: axisName, Type: types.Dynamic})
	return m
}

// topNested analyzes top-nested levels (without `with others`).
func (a *analyzer) topNested(sc *scope, in exec.Node, o *ast.TopNestedOp) exec.Node {
	inCols := in.Columns()
	tn := &exec.TopNested{In: in}
	taken := map[string]bool{}
	for _, l := range o.Levels {
		if l.Others != nil {
			fail(l.Others, diag.CodeInvalid, "'top-nested' operator: 'with others' is not supported by this engine")
		}
		ofName := ""
		of := l.Of
		if ne, ok := of.(*ast.NamedExpr); ok {
			ofName, of = ne.Name.Name, ne.Value
		}
		ofExpr := a.scalarOp(sc, inCols, of, "top-nested")
		if ofName == "" {
			ofName = autoName(of)
		}
		if ofName == "" {
			ofName = nextColumnName(taken)
		}
		aggName := ""
		by := l.By
		if ne, ok := by.(*ast.NamedExpr); ok {
			aggName, by = ne.Name.Name, ne.Value
		}
		call, ok := unparen(by).(*ast.CallExpr)
		if !ok || !isAggregate(call.Func.Name) {
			fail(by, diag.CodeInvalid, "'top-nested' operator: expected an aggregate function call")
		}
		spec, _ := a.aggregate(sc, inCols, call, nil, "top-nested")
		if aggName == "" {
			aggName = "aggregated_" + ofName
		}
		lvl := exec.TopLevel{Of: ofExpr, Agg: spec, Desc: l.Order != "asc"}
		if l.Count != nil {
			n := a.scalarOp(sc, nil, l.Count, "top-nested")
			lvl.N = &n
		}
		ofName = uniqueName(ofName, taken)
		taken[ofName] = true
		aggName = uniqueName(aggName, taken)
		taken[aggName] = true
		tn.Levels = append(tn.Levels, lvl)
		tn.Cols = append(tn.Cols, exec.Column{Name: ofName, Type: colType(ofExpr.T)}, exec.Column{Name: aggName, Type: colType(spec.Out[0])})
	}
	return tn
}

// scan analyzes the scan operator in its one-step form (a running state over the rows).
func (a *analyzer) scan(sc *scope, in exec.Node, o *ast.ScanOp) exec.Node {
	if len(o.Steps) != 1 {
		fail(o, diag.CodeInvalid, "'scan' operator: only a single step is supported by this engine")
	}
	inCols := in.Columns()
	s := &exec.Scan1{In: in, NIn: len(inCols), Assign: map[int]exec.Expr{}}
	s.Cols = append(s.Cols, inCols...)
	for _, p := range o.Declare {
		t, ok := types.ParseType(p.Type)
		if !ok {
			fail(p, diag.CodeInvalid, "Unknown type '%s'", p.Type)
		}
		def := types.NullOf(t)
		if p.Default != nil {
			d := a.scalarOp(sc, nil, p.Default, "scan")
			if d.Const == nil {
				fail(p.Default, diag.CodeBadArgument, "'scan' operator: the default must be a constant")
			}
			def = types.Convert(*d.Const, t)
		}
		s.Cols = append(s.Cols, exec.Column{Name: p.Name.Name, Type: t})
		s.Defaults = append(s.Defaults, def)
	}
	step := o.Steps[0]
	ctx := &exprCtx{sc: sc, cols: s.Cols, op: "scan", stepName: step.Name.Name}
	s.Cond = a.scalarCtx(ctx, step.Cond)
	for _, as := range step.Assigns {
		j := colIndex(s.Cols, as.Name.Name)
		if j < s.NIn {
			fail(as, diag.CodeInvalid, "'scan' operator: '%s' is not a declared column", as.Name.Name)
		}
		e := a.scalarCtx(ctx, as.Value)
		s.Assign[j] = convertExpr(e, s.Cols[j].Type)
	}
	return s
}

// partition analyzes `partition by Col (subquery)` (the subquery reads the partition's rows)
// and `partition by Col { query }` (the query reads the key as a scalar named Col).
func (a *analyzer) partition(sc *scope, in exec.Node, o *ast.PartitionOp) exec.Node {
	inCols := in.Columns()
	key := a.scalarOp(sc, inCols, o.By, "partition")
	rows := &exec.Bound{Cols: inCols}
	pv := &exec.PartitionValue{T: key.T}
	psc := newScope(sc)
	if id, ok := o.By.(*ast.Ident); ok {
		psc.names[id.Name] = &binding{kind: bindScalar, expr: pv.Expr()}
	}
	sub := a.tabularIn(psc, o.Sub, rows, "partition")
	return &exec.Partition{In: in, Key: key, Rows: rows, Value: pv, Sub: sub}
}
