package analyze

import (
	"math"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// exprCtx is where a scalar expression is compiled: the scope, the row's columns (nil outside
// a row context), the operator name for error messages, and substitutions.
type exprCtx struct {
	sc   *scope
	cols []exec.Column
	op   string
	// aggCols maps aggregate calls to the summarized columns that hold them.
	aggCols map[ast.Expr]int
	// left/right are the two sides of a join's `on` clause ($left.x, $right.x).
	left, right []exec.Column
	// stepName is the scan step whose `step.column` refers to the state columns.
	stepName string
}

// scalar compiles a scalar expression with the given row columns.
func (a *analyzer) scalar(sc *scope, cols []exec.Column, e ast.Expr) exec.Expr {
	return a.tracked(func() exec.Expr { return a.scalarCtx(&exprCtx{sc: sc, cols: cols}, e) })
}

func (a *analyzer) scalarCtx(c *exprCtx, e ast.Expr) exec.Expr {
	if c.aggCols != nil {
		if i, ok := c.aggCols[e]; ok {
			return a.colExpr(i, c.cols[i].Type)
		}
	}
	switch x := e.(type) {
	case *ast.Literal:
		return exec.ConstExpr(a.literal(x))
	case *ast.Ident:
		return a.ident(c, x)
	case *ast.ParenExpr:
		if a.isTabular(c.sc, x.X) {
			return a.toScalar(c, x.X)
		}
		return a.scalarCtx(c, x.X)
	case *ast.UnaryExpr:
		v := a.scalarCtx(c, x.X)
		if x.Op == "+" {
			return v
		}
		return unary(v, func(v types.Value) types.Value { return types.Negate(v) }, v.T)
	case *ast.BinaryExpr:
		return a.binary(c, x)
	case *ast.InExpr:
		return a.in(c, x)
	case *ast.BetweenExpr:
		return a.between(c, x)
	case *ast.CallExpr:
		return a.call(c, x)
	case *ast.MemberExpr:
		return a.member(c, x)
	case *ast.IndexExpr:
		base := a.scalarCtx(c, x.X)
		idx := a.scalarCtx(c, x.Index)
		return binaryExpr(base, idx, types.Dynamic, func(b, k types.Value) types.Value {
			if b.T != types.Dynamic {
				return types.NullOf(types.Dynamic)
			}
			return types.Subscript(b, k)
		})
	case *ast.TypeExpr:
		fail(x, diag.CodeInvalid, "%stypeof() is only allowed as a function argument", opPrefix(c.op))
	case *ast.NamedExpr:
		return a.scalarCtx(c, x.Value)
	case *ast.PipeExpr, *ast.DataTableExpr:
		return a.toScalar(c, x)
	}
	fail(e, diag.CodeInvalid, "%sThe expression is not a scalar expression", opPrefix(c.op))
	return exec.Expr{}
}

// ident resolves a name: a column of the row, then a let-bound scalar.
func (a *analyzer) ident(c *exprCtx, id *ast.Ident) exec.Expr {
	if i := colIndex(c.cols, id.Name); i >= 0 {
		return a.colExpr(i, c.cols[i].Type)
	}
	if b, ok := c.sc.lookup(id.Name); ok {
		switch b.kind {
		case bindScalar:
			return b.expr
		case bindTable:
			return a.toScalar(c, id)
		case bindFunc:
			if len(b.fn.Params) == 0 {
				return a.call(c, &ast.CallExpr{Span: id.Span, Func: id})
			}
		}
	}
	if _, ok := a.cat.Table(id.Name); ok && c.cols == nil {
		return a.toScalar(c, id)
	}
	fail(id, diag.CodeUnknownName, "%sFailed to resolve column or scalar expression named '%s'", opPrefix(c.op), id.Name)
	return exec.Expr{}
}

// toScalar turns a tabular expression into a scalar: the first column of the first row
// (toscalar semantics; a table used where a scalar is expected).
func (a *analyzer) toScalar(c *exprCtx, e ast.Expr) exec.Expr {
	n := a.tabular(c.sc, e)
	cols := n.Columns()
	t := types.Dynamic
	if len(cols) > 0 {
		t = cols[0].Type
	}
	key := new(int)
	return exec.Expr{T: t, RunConst: true, Eval: func(env *exec.Env, _ *exec.Table, _ int) types.Value {
		v, err := env.Cached(key, func() (any, error) {
			tb, err := n.Run(env)
			if err != nil {
				return nil, err
			}
			if tb.N == 0 || len(tb.Vecs) == 0 {
				return types.NullOf(t), nil
			}
			return tb.Vecs[0].Get(0), nil
		})
		if err != nil {
			panic(err)
		}
		return v.(types.Value)
	}}
}

// member compiles d.name (dynamic property access).
func (a *analyzer) member(c *exprCtx, x *ast.MemberExpr) exec.Expr {
	if id, ok := x.X.(*ast.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
		side := c.left
		if id.Name == "$right" {
			side = c.right
		}
		if side == nil {
			fail(x, diag.CodeInvalid, "%s$left and $right may only be used in a join condition", opPrefix(c.op))
		}
		i := colIndex(side, x.Name.Name)
		if i < 0 {
			fail(x.Name, diag.CodeUnknownName, "%sFailed to resolve column or scalar expression named '%s'", opPrefix(c.op), x.Name.Name)
		}
		return a.colExpr(i, side[i].Type)
	}
	if id, ok := x.X.(*ast.Ident); ok && c.stepName != "" && id.Name == c.stepName {
		i := colIndex(c.cols, x.Name.Name)
		if i < 0 {
			fail(x.Name, diag.CodeUnknownName, "%sFailed to resolve column or scalar expression named '%s'", opPrefix(c.op), x.Name.Name)
		}
		return a.colExpr(i, c.cols[i].Type)
	}
	base := a.scalarCtx(c, x.X)
	if base.T != types.Dynamic && base.T != types.Null {
		fail(x, diag.CodeBadOperand, "%sThe expression must have the type dynamic.", opPrefix(c.op))
	}
	name := x.Name.Name
	return unary(base, func(v types.Value) types.Value { return types.Member(v, name) }, types.Dynamic)
}

// literal converts a literal's text to a value.
func (a *analyzer) literal(l *ast.Literal) types.Value {
	t := litType(l.Kind)
	if l.Null {
		return types.NullOf(t)
	}
	text := strings.TrimSpace(l.Text)
	bad := func() types.Value {
		fail(l, diag.CodeSyntax, "Query could not be parsed: invalid %s literal '%s'", t, l.Text)
		return types.Value{}
	}
	switch l.Kind {
	case ast.LitBool:
		switch strings.ToLower(text) {
		case "true", "1":
			return types.NewBool(true)
		case "false", "0":
			return types.NewBool(false)
		}
		return bad()
	case ast.LitInt, ast.LitLong:
		i, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(text, 64)
			if ferr != nil {
				return bad()
			}
			i = int64(f)
		}
		if l.Kind == ast.LitInt {
			return types.NewInt(i)
		}
		return types.NewLong(i)
	case ast.LitReal, ast.LitDecimal:
		f, ok := parseReal(text)
		if !ok {
			return bad()
		}
		if l.Kind == ast.LitDecimal {
			return types.NewDecimal(f)
		}
		return types.NewReal(f)
	case ast.LitString:
		return types.NewString(l.Text)
	case ast.LitDateTime:
		ticks, ok := types.ParseDateTime(text)
		if !ok {
			return bad()
		}
		return types.NewDateTimeTicks(ticks)
	case ast.LitTimespan:
		ticks, ok := types.ParseTimeSpan(text)
		if !ok {
			return bad()
		}
		return types.NewTimeSpan(ticks)
	case ast.LitGuid:
		g, ok := types.ParseGUID(text)
		if !ok {
			return bad()
		}
		return types.NewGUID(g)
	case ast.LitDynamic:
		d, ok := parseDynamicLiteral(text)
		if !ok {
			return bad()
		}
		return types.NewDynamic(d)
	}
	return bad()
}

func parseReal(text string) (float64, bool) {
	switch strings.ToLower(text) {
	case "nan":
		return math.NaN(), true
	case "+inf", "inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(text, 64)
	return f, err == nil
}

func litType(k ast.LitKind) types.Type {
	switch k {
	case ast.LitBool:
		return types.Bool
	case ast.LitInt:
		return types.Int
	case ast.LitLong:
		return types.Long
	case ast.LitReal:
		return types.Real
	case ast.LitDecimal:
		return types.Decimal
	case ast.LitString:
		return types.String
	case ast.LitDateTime:
		return types.DateTime
	case ast.LitTimespan:
		return types.TimeSpan
	case ast.LitGuid:
		return types.GUID
	}
	return types.Dynamic
}

// unary builds an expression applying f to one operand (constant-folded when possible).
func unary(x exec.Expr, f func(types.Value) types.Value, t types.Type) exec.Expr {
	if x.Const != nil {
		return exec.ConstExpr(retag(f(*x.Const), t))
	}
	ev := x.Eval
	// f is a function of the value alone (member, index, negation, a compiled regex), so the
	// result is as row-pure as x: the parallel filter and fold may call it from their workers.
	return exec.Expr{T: t, RunConst: x.RunConst, RowPure: x.RowPure, Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		return f(ev(env, tb, i))
	}}
}

// runConst reports whether e has the same value for every row of a run.
func runConst(e exec.Expr) bool { return e.Const != nil || e.RunConst }

// binaryExpr builds an expression applying f to two operands.
func binaryExpr(l, r exec.Expr, t types.Type, f func(a, b types.Value) types.Value) exec.Expr {
	if l.Const != nil && r.Const != nil {
		return exec.ConstExpr(retag(f(*l.Const, *r.Const), t))
	}
	le, re := l.Eval, r.Eval
	return exec.Expr{T: t, RunConst: runConst(l) && runConst(r), Eval: func(env *exec.Env, tb *exec.Table, i int) types.Value {
		return f(le(env, tb, i), re(env, tb, i))
	}}
}

// retag gives a folded constant its static type (an untyped null becomes a typed null).
func retag(v types.Value, t types.Type) types.Value {
	if v.T == types.Null && t != types.Null {
		return types.NullOf(t)
	}
	return v
}

var _ = funcs.Builtins
