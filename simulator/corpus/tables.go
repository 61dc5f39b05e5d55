package corpus

import (
	"reflect"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/parser"
)

// Refs are the tables (and tabular functions such as _GetWatchlist) a query reads.
type Refs struct {
	// Required are read outside `union isfuzzy=true` legs: the query needs every one.
	Required []string
	// Optional are read only inside fuzzy union legs: Kusto drops a leg whose table is
	// missing.
	Optional []string
}

// aggregates are aggregation functions (a let may bind one's result: let n = count()).
var aggregates = map[string]bool{"count": true, "dcount": true, "sum": true, "min": true, "max": true, "avg": true,
	"make_set": true, "make_list": true, "makeset": true, "makelist": true, "arg_max": true, "arg_min": true}

// tabularBuiltins are calls in a table's position that are not tables.
var tabularBuiltins = map[string]bool{"materialize": true, "toscalar": true, "view": true, "range": true}

// Tables parses a query and returns the names it reads as tables: identifiers in a source
// position (a pipe's input, a union leg, a join's or lookup's right side, a let's value,
// search/find's tables) and table("X"), less the names the query binds itself (let,
// parameters, as).
func Tables(src string) (Refs, error) {
	script, err := parser.Parse(src)
	if err != nil {
		return Refs{}, err
	}
	w := &walker{bound: map[string]bool{}, required: map[string]bool{}, optional: map[string]bool{}, tableParams: map[string][]int{}}
	w.visit(reflect.ValueOf(script), false)
	w.visitCalls(reflect.ValueOf(script))
	var r Refs
	for n := range w.required {
		if !w.bound[n] {
			r.Required = append(r.Required, n)
		}
	}
	for n := range w.optional {
		if !w.bound[n] && !w.required[n] {
			r.Optional = append(r.Optional, n)
		}
	}
	sort.Strings(r.Required)
	sort.Strings(r.Optional)
	return r, nil
}

type walker struct {
	bound, required, optional map[string]bool
	// tableParams are the parameters (by position) that a let-bound function reads with
	// table(param): the string arguments of its calls are table names (aadFunc("SigninLogs")).
	tableParams map[string][]int
}

// source records a tabular expression's table name, if it is one.
func (w *walker) source(e ast.Expr, fuzzy bool) {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	name := ""
	switch x := e.(type) {
	case *ast.Ident:
		if !x.Wildcard && !strings.HasPrefix(x.Name, "$") {
			name = x.Name
		}
	case *ast.CallExpr:
		switch {
		case x.Func.Name == "table" && len(x.Args) > 0:
			if lit, ok := x.Args[0].(*ast.Literal); ok && lit.Kind == ast.LitString {
				name = lit.Text
			}
		case tabularBuiltins[x.Func.Name]:
			if len(x.Args) > 0 {
				w.source(x.Args[0], fuzzy) // materialize(T), toscalar(T)
			}
		default:
			if _, scalar := funcs.Builtins().Lookup(x.Func.Name); !scalar && !aggregates[x.Func.Name] {
				name = x.Func.Name // a tabular function: _GetWatchlist('x'), a let-bound one
			}
		}
	}
	if name == "" {
		return
	}
	if fuzzy {
		w.optional[name] = true
	} else {
		w.required[name] = true
	}
}

// visit walks every node reachable from v; fuzzy is set inside fuzzy union legs.
func (w *walker) visit(v reflect.Value, fuzzy bool) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		w.node(v.Interface(), fuzzy)
		w.visit(v.Elem(), fuzzy)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			w.visit(v.Index(i), fuzzy)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if u, ok := addrOf(v).(*ast.UnionOp); ok && v.Type().Field(i).Name == "Tables" && unionFuzzy(u) {
				w.visit(f, true)
				continue
			}
			w.visit(f, fuzzy)
		}
	}
}

// node records what one node binds or reads.
func (w *walker) node(n any, fuzzy bool) {
	switch x := n.(type) {
	case *ast.LetStmt:
		w.bound[x.Name.Name] = true
		w.source(x.Value, fuzzy)
		if fn, ok := x.Value.(*ast.FuncExpr); ok {
			w.noteTableParams(x.Name.Name, fn)
		}
	case *ast.Param:
		w.bound[x.Name.Name] = true
	case *ast.AsOp:
		w.bound[x.Name.Name] = true
	case *ast.PatternStmt:
		w.bound[x.Name.Name] = true
	case *ast.QueryStmt:
		w.source(x.Query, fuzzy)
	case *ast.PipeExpr:
		if x.Input != nil {
			w.source(x.Input, fuzzy)
		}
	case *ast.UnionOp:
		f := fuzzy || unionFuzzy(x)
		for _, t := range x.Tables {
			w.source(t, f)
		}
	case *ast.JoinOp:
		w.source(x.Right, fuzzy)
	case *ast.LookupOp:
		w.source(x.Right, fuzzy)
	case *ast.SearchOp:
		for _, t := range x.Tables {
			w.source(t, fuzzy)
		}
	case *ast.FindOp:
		for _, t := range x.Tables {
			w.source(t, fuzzy)
		}
	}
}

func unionFuzzy(u *ast.UnionOp) bool {
	for _, p := range u.Params {
		if strings.EqualFold(p.Name.Name, "isfuzzy") {
			switch v := p.Value.(type) {
			case *ast.Ident:
				return strings.EqualFold(v.Name, "true")
			case *ast.Literal:
				return strings.EqualFold(v.Text, "true")
			}
		}
	}
	return false
}

// addrOf is a pointer to an addressable struct (nil otherwise).
func addrOf(v reflect.Value) any {
	if !v.CanAddr() {
		return nil
	}
	return v.Addr().Interface()
}

// noteTableParams records which parameters of a function are read with table(param).
func (w *walker) noteTableParams(name string, fn *ast.FuncExpr) {
	idx := map[string]int{}
	for i, p := range fn.Params {
		idx[p.Name.Name] = i
	}
	eachNode(reflect.ValueOf(fn.Body), func(n any) {
		if c, ok := n.(*ast.CallExpr); ok && c.Func.Name == "table" && len(c.Args) > 0 {
			if id, ok := c.Args[0].(*ast.Ident); ok {
				if i, ok := idx[id.Name]; ok {
					w.tableParams[name] = append(w.tableParams[name], i)
				}
			}
		}
	})
}

// visitCalls records the string arguments of calls to functions that read table(param).
func (w *walker) visitCalls(v reflect.Value) {
	if len(w.tableParams) == 0 {
		return
	}
	eachNode(v, func(n any) {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return
		}
		for _, i := range w.tableParams[c.Func.Name] {
			if i < len(c.Args) {
				if lit, ok := c.Args[i].(*ast.Literal); ok && lit.Kind == ast.LitString {
					w.required[lit.Text] = true
				}
			}
		}
	})
}

// eachNode calls f on every pointer reachable from v.
func eachNode(v reflect.Value, f func(any)) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		f(v.Interface())
		eachNode(v.Elem(), f)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			eachNode(v.Index(i), f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				eachNode(v.Field(i), f)
			}
		}
	}
}
