package analyze

import (
	"regexp"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

var arithOps = map[string]types.Op{"+": types.OpAdd, "-": types.OpSub, "*": types.OpMul, "/": types.OpDiv, "%": types.OpMod}

var cmpOps = map[string]funcs.CompareOp{"==": funcs.CmpEq, "!=": funcs.CmpNe, "<>": funcs.CmpNe,
	"<": funcs.CmpLt, "<=": funcs.CmpLe, ">": funcs.CmpGt, ">=": funcs.CmpGe}

func boolVal(b bool) types.Value { return types.NewBool(b) }

// binary compiles a binary operator.
func (a *analyzer) binary(c *exprCtx, x *ast.BinaryExpr) exec.Expr {
	l := a.scalarCtx(c, x.L)
	r := a.scalarCtx(c, x.R)
	switch x.Op {
	case "and", "or":
		return logical(x.Op == "and", l, r)
	}
	if op, ok := arithOps[x.Op]; ok {
		t, msg := types.ArithType(op, l.T, r.T)
		if msg != "" {
			fail(x, diag.CodeBadOperand, "%s%s", opPrefix(c.op), msg)
		}
		e := binaryExpr(l, r, t, func(a, b types.Value) types.Value { return types.Arith(op, a, b) })
		e.RowPure = l.RowPure && r.RowPure
		return e
	}
	if op, ok := cmpOps[x.Op]; ok {
		if op != funcs.CmpEq && op != funcs.CmpNe {
			if msg := types.ComparisonError(l.T, r.T); msg != "" {
				fail(x, diag.CodeBadOperand, "%s%s", opPrefix(c.op), msg)
			}
		}
		e := binaryExpr(l, r, types.Bool, func(a, b types.Value) types.Value {
			if a.IsNull() || b.IsNull() {
				if op == funcs.CmpEq || op == funcs.CmpNe {
					if a.IsNull() && b.IsNull() && a.T != types.String && b.T != types.String {
						return types.NullOf(types.Bool)
					}
					return boolVal(op == funcs.CmpNe)
				}
				return types.NullOf(types.Bool)
			}
			return boolVal(funcs.CompareValues(op, a, b))
		})
		e.Vec = fastCompare(op, l, r)
		e.VecPure = e.Vec != nil && r.Const != nil // a per-run constant is read from env
		e.RowPure = l.RowPure && r.RowPure         // the comparison itself reads nothing else
		return e
	}
	if x.Op == "matches regex" {
		if r.Const != nil {
			re, err := funcs.CompileRegex(types.FormatText(*r.Const))
			if err != nil {
				fail(x.R, diag.CodeBadArgument, "%s", err.Error())
			}
			return unary(l, func(v types.Value) types.Value { return boolVal(funcs.MatchesRegex(re, v)) }, types.Bool)
		}
		return binaryExpr(l, r, types.Bool, func(a, b types.Value) types.Value {
			re, err := regexp.Compile(types.FormatText(b))
			if err != nil {
				return types.NullOf(types.Bool)
			}
			return boolVal(funcs.MatchesRegex(re, a))
		})
	}
	if strings.Contains(x.Op, "like") {
		neg := strings.HasPrefix(x.Op, "!")
		cs := strings.HasSuffix(x.Op, "_cs")
		return binaryExpr(l, r, types.Bool, func(a, b types.Value) types.Value {
			return boolVal(likeMatch(types.FormatText(a), types.FormatText(b), cs) != neg)
		})
	}
	sop, ok := funcs.LookupStringOperator(x.Op)
	if !ok {
		fail(x, diag.CodeInvalid, "%sThe operator '%s' is not supported", opPrefix(c.op), x.Op)
	}
	e, ok := stringOpConst(sop, l, r)
	if !ok {
		e = binaryExpr(l, r, types.Bool, func(a, b types.Value) types.Value { return boolVal(sop.Match(a, b)) })
	}
	e.Vec = fastStringOp(sop, l, r)
	e.VecPure = e.Vec != nil
	e.RowPure = l.RowPure && r.RowPure // prepared matchers are safe for concurrent use (the parallel filter's)
	return e
}

// logical implements Kusto's three-valued and/or.
func logical(and bool, l, r exec.Expr) exec.Expr {
	truth := func(v types.Value) (bool, bool) {
		if v.IsNull() {
			return false, false
		}
		if v.T == types.Dynamic {
			b, ok := v.D.(bool)
			return b, ok
		}
		return v.I != 0, v.T == types.Bool
	}
	f := func(le, re func(*exec.Env, *exec.Table, int) types.Value, env *exec.Env, tb *exec.Table, i int) types.Value {
		lb, lok := truth(le(env, tb, i))
		if lok && lb != and {
			return boolVal(lb) // short-circuit: false and .. / true or ..
		}
		rb, rok := truth(re(env, tb, i))
		if rok && rb != and {
			return boolVal(rb)
		}
		if !lok || !rok {
			return types.NullOf(types.Bool)
		}
		return boolVal(and)
	}
	le, re := l.Eval, r.Eval
	e := exec.Expr{T: types.Bool, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value { return f(le, re, env, tb, i) }}
	if l.Const != nil && r.Const != nil {
		return exec.ConstExpr(f(le, re, nil, nil, 0))
	}
	if and && l.Vec != nil && r.Vec != nil {
		lv, rv := l.Vec, r.Vec
		e.Vec = func(env *exec.Env, t *exec.Table, in []int32) []int32 {
			first := lv(env, t, in)
			if len(first) == 0 {
				return first
			}
			return rv(env, t, first)
		}
	}
	if !and && l.Vec != nil && r.Vec != nil {
		e.Vec = orVec(l.Vec, r.Vec)
	}
	e.VecPure = e.Vec != nil && l.VecPure && r.VecPure
	e.RowPure = l.RowPure && r.RowPure
	return e
}

// in compiles in / !in / in~ / !in~ / has_any / has_all.
func (a *analyzer) in(c *exprCtx, x *ast.InExpr) exec.Expr {
	v := a.scalarCtx(c, x.X)
	list := make([]exec.Expr, 0, len(x.List))
	allConst := true
	for _, item := range x.List {
		var e exec.Expr
		if a.isTabular(c.sc, item) {
			e = a.tableColumnAsArray(c, item)
		} else {
			e = a.scalarCtx(c, item)
		}
		if e.Const == nil {
			allConst = false
		}
		list = append(list, e)
	}
	op := x.Op
	var pred func(v types.Value, items []types.Value) bool
	switch op {
	case "in", "!in":
		pred = funcs.In
	case "in~", "!in~":
		pred = funcs.InFold
	case "has_any":
		pred = funcs.HasAny
	case "has_all":
		pred = funcs.HasAll
	default:
		fail(x, diag.CodeInvalid, "%sThe operator '%s' is not supported", opPrefix(c.op), op)
	}
	neg := strings.HasPrefix(op, "!")
	if allConst {
		items := make([]types.Value, len(list))
		for i, e := range list {
			items[i] = *e.Const
		}
		if op == "has_any" || op == "has_all" {
			items = funcs.ExpandList(items)
		}
		e := unary(v, func(val types.Value) types.Value { return boolVal(pred(val, items) != neg) }, types.Bool)
		e.Vec = fastIn(op, v, items)
		e.VecPure = e.Vec != nil
		e.RowPure = v.RowPure // pred reads the value and the constant items only
		return e
	}
	ve := v.Eval
	return exec.Expr{T: types.Bool, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		items := make([]types.Value, len(list))
		for k, e := range list {
			items[k] = e.Eval(env, tb, i)
		}
		if op == "has_any" || op == "has_all" {
			items = funcs.ExpandList(items)
		}
		return boolVal(pred(ve(env, tb, i), items) != neg)
	}}
}

// tableColumnAsArray evaluates a subquery once per run into a dynamic array of its first
// column (`x in (T | project c)`).
func (a *analyzer) tableColumnAsArray(c *exprCtx, e ast.Expr) exec.Expr {
	n := a.tabular(c.sc, e)
	key := new(int)
	return exec.Expr{T: types.Dynamic, Eval: func(env *exec.Env, _ *exec.Table, _ int) types.Value {
		v, err := env.Cached(key, func() (any, error) {
			tb, err := n.Run(env)
			if err != nil {
				return nil, err
			}
			arr := make([]any, 0, tb.N)
			if len(tb.Vecs) > 0 {
				for i := 0; i < tb.N; i++ {
					arr = append(arr, types.ToDynamicElem(tb.Vecs[0].Get(i)))
				}
			}
			return types.NewDynamic(arr), nil
		})
		if err != nil {
			panic(err)
		}
		return v.(types.Value)
	}}
}

// between compiles x between (lo .. hi) and !between.
func (a *analyzer) between(c *exprCtx, x *ast.BetweenExpr) exec.Expr {
	v := a.scalarCtx(c, x.X)
	lo := a.scalarCtx(c, x.Lo)
	hi := a.scalarCtx(c, x.Hi)
	ve, le, he := v.Eval, lo.Eval, hi.Eval
	not := x.Not
	e := exec.Expr{T: types.Bool, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		val := ve(env, tb, i)
		if val.IsNull() {
			return types.NullOf(types.Bool)
		}
		return boolVal(funcs.Between(val, le(env, tb, i), he(env, tb, i)) != not)
	}}
	e.Vec = fastBetween(v, lo, hi, not)
	// row_number() between (...) is made as one range of rows, cheapest on the query's own
	// goroutine (a parallel filter would list every row as a candidate first).
	e.VecPure = e.Vec != nil && !(v.RowNumber && !not)
	return e
}

// likeMatch implements SQL-like patterns (% any run, _ one character).
func likeMatch(s, p string, cs bool) bool {
	if !cs {
		s, p = strings.ToLower(s), strings.ToLower(p)
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}
