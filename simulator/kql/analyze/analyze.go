package analyze

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Catalog gives the schemas of the database tables a query may name.
type Catalog interface {
	// Table returns the columns of the named table (exact, case-sensitive name).
	Table(name string) ([]exec.Column, bool)
	// Names lists every table (for wildcard union, search and find).
	Names() []string
}

// Plan is an analyzed query, ready to run many times.
type Plan struct {
	// Root produces the query's result (the last tabular statement).
	Root exec.Node
	// Cols is the result schema as known at compile time.
	Cols []exec.Column
	// Tables lists the database tables the plan reads.
	Tables []string
}

// Analyze resolves names and types in a parsed script against cat and builds the executable
// plan. Errors are *diag.Error with Kusto's wording.
func Analyze(script *ast.Script, cat Catalog) (plan *Plan, err error) {
	return AnalyzeContext(context.Background(), script, cat)
}

// AnalyzeContext is Analyze within a context: it stops between operators once ctx is done
// (the error is ctxErr's, a limit error the caller recognises).
func AnalyzeContext(ctx context.Context, script *ast.Script, cat Catalog) (plan *Plan, err error) {
	a := &analyzer{cat: cat, reg: funcs.Builtins(), used: map[string]bool{}, asNames: map[exec.Node]string{}, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*diag.Error); ok {
				plan, err = nil, e
				return
			}
			panic(r)
		}
	}()
	sc := newScope(nil)
	var last ast.Expr
	for _, st := range script.Stmts {
		switch s := st.(type) {
		case *ast.LetStmt:
			a.let(sc, s.Name.Name, s.Value)
		case *ast.QueryStmt:
			last = s.Query
		case *ast.SetStmt, *ast.DeclareStmt:
			// request options are accepted and ignored
		}
	}
	if last == nil {
		return nil, diag.Errorf(diag.CodeSyntax, diag.Pos(0), diag.Pos(0), "Query could not be parsed: the query has no tabular expression statement")
	}
	node := a.tabularOrPrint(sc, last)
	if a.multi != nil && node != exec.Node(a.multi) {
		return nil, diag.Errorf(diag.CodeInvalid, a.multiOp.Pos(), a.multiOp.End(), "'%s' operator: it must be the last operator of the query", a.multiOp.OpName())
	}
	node = exec.Prune(node)
	tables := make([]string, 0, len(a.used))
	for t := range a.used {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	return &Plan{Root: node, Cols: node.Columns(), Tables: tables}, nil
}

type analyzer struct {
	cat  Catalog
	reg  *funcs.Registry
	used map[string]bool
	// asNames remembers the names given by the as operator (union withsource reports them).
	asNames map[exec.Node]string
	// extendBase is the input schema of the extend being analyzed (pack_all reads it).
	extendBase []exec.Column
	// depth guards recursive user functions.
	depth int
	// multi is the fork/facet operator of the query, which must be its last operator.
	multi   *exec.Multi
	multiOp ast.Op
	// ctx bounds the analysis in time (checked per operator).
	ctx context.Context
	// spreading is the tuple function call being spread into columns (the only place such a
	// call may appear).
	spreading *ast.CallExpr
	// ops counts analyzed operators, to check ctx every few of them.
	ops int
	// reads is the stack of row-column sets of the scalar expressions being compiled (see
	// tracked): late materialisation needs what each operator reads.
	reads []*readSet
}

// fail aborts analysis with a semantic error at node n.
func fail(n ast.Node, code string, format string, args ...any) {
	panic(diag.Errorf(code, n.Pos(), n.End(), format, args...))
}

// bindKind tells what a name in scope stands for.
type bindKind uint8

const (
	bindScalar bindKind = iota
	bindTable
	bindFunc
)

type binding struct {
	kind  bindKind
	expr  exec.Expr
	table exec.Node
	fn    *ast.FuncExpr
	fnSc  *scope
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, names: map[string]*binding{}} }

func (s *scope) lookup(name string) (*binding, bool) {
	for c := s; c != nil; c = c.parent {
		if b, ok := c.names[name]; ok {
			return b, true
		}
	}
	return nil, false
}

// let binds a name: a function, a tabular expression or a scalar.
func (a *analyzer) let(sc *scope, name string, v ast.Expr) { a.letBind(sc, name, v, true) }

// letBind binds a let name; cache evaluates a scalar once per run (top-level lets), while lets
// inside function bodies may depend on the caller's row and are evaluated where used.
func (a *analyzer) letBind(sc *scope, name string, v ast.Expr, cache bool) {
	if fn, ok := v.(*ast.FuncExpr); ok {
		sc.names[name] = &binding{kind: bindFunc, fn: fn, fnSc: sc}
		return
	}
	if a.isTabular(sc, v) {
		n := a.tabular(sc, v)
		sc.names[name] = &binding{kind: bindTable, table: &exec.Materialized{In: n, Cols: n.Columns()}}
		return
	}
	e := a.scalar(sc, nil, v)
	if e.Const == nil && cache {
		e = cachedScalar(e)
	}
	sc.names[name] = &binding{kind: bindScalar, expr: e}
}

// cachedScalar evaluates a row-independent expression once per run.
func cachedScalar(e exec.Expr) exec.Expr {
	key := new(int)
	return exec.Expr{T: e.T, RunConst: true, Eval: func(env *exec.Env, _ *exec.Table, _ int) types.Value {
		v, err := env.Cached(key, func() (any, error) { return e.Eval(env, nil, 0), nil })
		if err != nil {
			return types.NullOf(e.T)
		}
		return v.(types.Value)
	}}
}

// isTabular decides whether an expression denotes a table (KQL's grammar does not say).
func (a *analyzer) isTabular(sc *scope, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.PipeExpr, *ast.DataTableExpr, *ast.ExternalDataExpr:
		return true
	case *ast.ParenExpr:
		return a.isTabular(sc, x.X)
	case *ast.Ident:
		if b, ok := sc.lookup(x.Name); ok {
			return b.kind == bindTable
		}
		if x.Wildcard {
			return true
		}
		_, ok := a.cat.Table(x.Name)
		return ok
	case *ast.CallExpr:
		switch x.Func.Name {
		case "materialize", "table", "view", "range":
			return x.Func.Name != "range" || len(x.Args) == 0
		case "toscalar":
			return false
		}
		if b, ok := sc.lookup(x.Func.Name); ok && b.kind == bindFunc {
			return a.isTabular(newScope(b.fnSc), b.fn.Body.Result) || a.funcReturnsTable(b)
		}
	}
	return false
}

// funcReturnsTable looks through a function body's lets for the result's kind.
func (a *analyzer) funcReturnsTable(b *binding) bool {
	body := b.fn.Body
	sc := newScope(b.fnSc)
	for _, p := range b.fn.Params {
		if p.Table != nil {
			sc.names[p.Name.Name] = &binding{kind: bindTable}
		} else {
			sc.names[p.Name.Name] = &binding{kind: bindScalar}
		}
	}
	for _, l := range body.Lets {
		if fn, ok := l.Value.(*ast.FuncExpr); ok {
			sc.names[l.Name.Name] = &binding{kind: bindFunc, fn: fn, fnSc: sc}
		} else if a.isTabular(sc, l.Value) {
			sc.names[l.Name.Name] = &binding{kind: bindTable}
		} else {
			sc.names[l.Name.Name] = &binding{kind: bindScalar}
		}
	}
	return a.isTabular(sc, body.Result)
}

// tabularOrPrint analyzes the final statement; a scalar query statement is not allowed.
func (a *analyzer) tabularOrPrint(sc *scope, e ast.Expr) exec.Node {
	if !a.isTabular(sc, e) {
		if id, ok := e.(*ast.Ident); ok {
			fail(id, diag.CodeUnknownName, "Failed to resolve table or column expression named '%s'", id.Name)
		}
	}
	return a.tabular(sc, e)
}

// uniqueName returns name, or name with the smallest numeric suffix not in taken.
func uniqueName(name string, taken map[string]bool) string {
	if !taken[name] {
		return name
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", name, i)
		if !taken[n] {
			return n
		}
	}
}

func nameSet(cols []exec.Column) map[string]bool {
	m := make(map[string]bool, len(cols))
	for _, c := range cols {
		m[c.Name] = true
	}
	return m
}

func colIndex(cols []exec.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// wildcardMatch matches Kusto name patterns where * stands for any text.
func wildcardMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		k := strings.Index(name, parts[i])
		if k < 0 {
			return false
		}
		name = name[k+len(parts[i]):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}
