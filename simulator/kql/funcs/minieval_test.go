package funcs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// miniEval is a test-only evaluator for `print` statements made of
// literals, scalar function calls and operators, so the library can be
// checked against Kusto's documentation examples before the executor
// exists. It is deliberately small: it is not the engine's parser.
type miniEval struct {
	src string
	pos int
	ctx *Context
}

type miniErr string

func (e miniErr) Error() string { return string(e) }

func (p *miniEval) fail(format string, a ...any) { panic(miniErr(fmt.Sprintf(format, a...))) }

// evalPrint evaluates `print [name =] expr, ...` and returns the values.
func evalPrint(src string, ctx *Context) (vals []types.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(miniErr); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	p := &miniEval{src: src, ctx: ctx}
	p.skip()
	if !p.word("print") {
		return nil, miniErr("not a print")
	}
	for {
		p.skip()
		save := p.pos
		if p.peek("['") {
			p.pos = strings.Index(p.src[p.pos:], "']") + p.pos + 2
			p.expect("=")
		} else if id := p.ident(); id != "" {
			p.skip()
			if p.peek("=") && !p.peek("==") && !p.peek("=~") {
				p.pos++
			} else {
				p.pos = save
			}
		}
		vals = append(vals, p.expr(0))
		p.skip()
		if !p.peek(",") {
			break
		}
		p.pos++
	}
	p.skip()
	if p.pos < len(p.src) {
		return nil, miniErr("trailing text: " + p.src[p.pos:])
	}
	return vals, nil
}

func (p *miniEval) skip() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			p.pos++
		} else if strings.HasPrefix(p.src[p.pos:], "//") {
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		} else {
			return
		}
	}
}

func (p *miniEval) peek(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *miniEval) ident() string {
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *miniEval) word(w string) bool {
	if p.peek(w) && (p.pos+len(w) == len(p.src) || !isIdent(p.src[p.pos+len(w)])) {
		p.pos += len(w)
		return true
	}
	return false
}

// binary operators by precedence level.
var miniLevels = [][]string{
	{"or"},
	{"and"},
	{"==", "!=", "<=", ">=", "<", ">", "=~", "!~", "!in~", "in~", "!in", "in", "!between", "between",
		"has_any", "has_all", "!has_cs", "has_cs", "!hasprefix_cs", "hasprefix_cs", "!hassuffix_cs", "hassuffix_cs",
		"!hasprefix", "hasprefix", "!hassuffix", "hassuffix", "!has", "has", "!contains_cs", "contains_cs", "!contains", "contains",
		"!startswith_cs", "startswith_cs", "!startswith", "startswith", "!endswith_cs", "endswith_cs", "!endswith", "endswith", "matches regex"},
	{"+", "-"},
	{"*", "/", "%"},
}

func (p *miniEval) matchOp(level int) string {
	p.skip()
	for _, op := range miniLevels[level] {
		if p.peek(op) {
			last := op[len(op)-1]
			if isIdent(last) && p.pos+len(op) < len(p.src) && isIdent(p.src[p.pos+len(op)]) {
				continue
			}
			p.pos += len(op)
			return op
		}
	}
	return ""
}

func (p *miniEval) expr(level int) types.Value {
	if level == len(miniLevels) {
		return p.unary()
	}
	left := p.expr(level + 1)
	for {
		op := p.matchOp(level)
		if op == "" {
			return left
		}
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all":
			list := p.list()
			var r bool
			switch op {
			case "in", "!in":
				r = In(left, list) != (op == "!in")
			case "in~", "!in~":
				r = InFold(left, list) != (op == "!in~")
			case "has_any":
				r = HasAny(left, ExpandList(list))
			default:
				r = HasAll(left, ExpandList(list))
			}
			left = types.NewBool(r)
			continue
		case "between", "!between":
			p.skip()
			p.expect("(")
			lo := p.expr(3)
			p.skip()
			p.expect("..")
			hi := p.expr(3)
			p.skip()
			p.expect(")")
			left = types.NewBool(Between(left, lo, hi) != (op == "!between"))
			continue
		}
		right := p.expr(level + 1)
		left = applyOp(op, left, right)
	}
}

func applyOp(op string, l, r types.Value) types.Value {
	switch op {
	case "and":
		return types.NewBool(l.Bool() && r.Bool())
	case "or":
		return types.NewBool(l.Bool() || r.Bool())
	case "==":
		return types.NewBool(CompareValues(CmpEq, l, r))
	case "!=":
		return types.NewBool(CompareValues(CmpNe, l, r))
	case "<":
		return types.NewBool(CompareValues(CmpLt, l, r))
	case "<=":
		return types.NewBool(CompareValues(CmpLe, l, r))
	case ">":
		return types.NewBool(CompareValues(CmpGt, l, r))
	case ">=":
		return types.NewBool(CompareValues(CmpGe, l, r))
	case "+":
		return types.Arith(types.OpAdd, l, r)
	case "-":
		return types.Arith(types.OpSub, l, r)
	case "*":
		return types.Arith(types.OpMul, l, r)
	case "/":
		return types.Arith(types.OpDiv, l, r)
	case "%":
		return types.Arith(types.OpMod, l, r)
	case "matches regex":
		re, err := CompileRegex(str(r))
		if err != nil {
			panic(miniErr(err.Error()))
		}
		return types.NewBool(MatchesRegex(re, l))
	}
	so, ok := LookupStringOperator(op)
	if !ok {
		panic(miniErr("operator " + op))
	}
	return types.NewBool(so.Match(l, r))
}

func (p *miniEval) expect(s string) {
	p.skip()
	if !p.peek(s) {
		p.fail("expected %q at %q", s, p.src[p.pos:])
	}
	p.pos += len(s)
}

func (p *miniEval) list() []types.Value {
	p.expect("(")
	var out []types.Value
	p.skip()
	if p.peek(")") {
		p.pos++
		return out
	}
	for {
		out = append(out, p.expr(0))
		p.skip()
		if p.peek(")") {
			p.pos++
			return out
		}
		p.expect(",")
	}
}

func (p *miniEval) unary() types.Value {
	p.skip()
	if p.peek("-") && !p.peek("->") {
		p.pos++
		v := p.unary()
		return types.Negate(v)
	}
	return p.postfix(p.primary())
}

func (p *miniEval) postfix(v types.Value) types.Value {
	for {
		p.skip()
		switch {
		case p.peek("["):
			p.pos++
			k := p.expr(0)
			p.expect("]")
			v = types.Subscript(v, k)
		case p.peek(".") && !p.peek(".."):
			p.pos++
			v = types.Member(v, p.ident())
		default:
			return v
		}
	}
}

// rawParen returns the text inside balanced parentheses after the cursor.
func (p *miniEval) rawParen() string {
	p.expect("(")
	depth, start := 1, p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '"', '\'':
			p.pos++
			for p.pos < len(p.src) && p.src[p.pos] != c {
				if p.src[p.pos] == '\\' {
					p.pos++
				}
				p.pos++
			}
		}
		if depth == 0 {
			s := p.src[start:p.pos]
			p.pos++
			return s
		}
		p.pos++
	}
	p.fail("unbalanced")
	return ""
}

func (p *miniEval) primary() types.Value {
	p.skip()
	if p.pos >= len(p.src) {
		p.fail("unexpected end")
	}
	c := p.src[p.pos]
	switch {
	case c == '(':
		p.pos++
		v := p.expr(0)
		p.expect(")")
		return v
	case c == '"' || c == '\'' || ((c == '@' || c == 'h' || c == 'H') && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\'')):
		return types.NewString(p.stringLit())
	case c >= '0' && c <= '9':
		return p.number()
	}
	id := p.ident()
	if id == "" {
		p.fail("unexpected %q", p.src[p.pos:])
	}
	p.skip()
	switch id {
	case "true":
		return types.NewBool(true)
	case "false":
		return types.NewBool(false)
	}
	if !p.peek("(") {
		p.fail("unknown name %s", id)
	}
	if t, ok := types.ParseType(id); ok {
		raw := strings.TrimSpace(p.rawParen())
		return typedLiteral(t, raw, p)
	}
	if id == "typeof" {
		p.fail("typeof outside a call")
	}
	f, ok := Builtins().Lookup(id)
	if !ok {
		p.fail("unknown function %s", id)
	}
	p.expect("(")
	var args []Arg
	var vals []types.Value
	p.skip()
	for !p.peek(")") {
		p.skip()
		if p.word("typeof") {
			raw := strings.TrimSpace(p.rawParen())
			t, _ := types.ParseType(raw)
			args = append(args, Arg{IsTypeLiteral: true, TypeLiteral: t})
			vals = append(vals, types.Value{})
		} else {
			v := p.expr(0)
			args = append(args, Arg{T: v.T, Const: true, V: v})
			vals = append(vals, v)
		}
		p.skip()
		if p.peek(",") {
			p.pos++
			p.skip()
		}
	}
	p.pos++
	if _, err := f.ResultType(args); err != nil {
		p.fail("%v", err)
	}
	ev, err := f.Bind(args)
	if err != nil {
		p.fail("%v", err)
	}
	return ev(p.ctx, vals)
}

func typedLiteral(t types.Type, raw string, p *miniEval) types.Value {
	if raw == "null" {
		return types.NullOf(t)
	}
	switch t {
	case types.DateTime:
		ticks, ok := types.ParseDateTime(raw)
		if !ok {
			p.fail("bad datetime %q", raw)
		}
		return types.NewDateTimeTicks(ticks)
	case types.TimeSpan:
		ticks, ok := types.ParseTimeSpan(raw)
		if !ok {
			p.fail("bad timespan %q", raw)
		}
		return types.NewTimeSpan(ticks)
	case types.Dynamic:
		d, err := types.ParseJSON(raw)
		if err != nil {
			p.fail("bad dynamic %q", raw)
		}
		return types.NewDynamic(d)
	case types.String:
		sub := &miniEval{src: raw, ctx: p.ctx}
		return types.NewString(sub.stringLit())
	}
	sub := &miniEval{src: raw, ctx: p.ctx}
	v := sub.expr(0)
	return types.Convert(v, t)
}

func (p *miniEval) stringLit() string {
	verbatim := false
	if c := p.src[p.pos]; c == '@' {
		verbatim = true
		p.pos++
	} else if c == 'h' || c == 'H' {
		p.pos++
	}
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == q {
			if verbatim && p.pos+1 < len(p.src) && p.src[p.pos+1] == q {
				b.WriteByte(q)
				p.pos += 2
				continue
			}
			p.pos++
			return b.String()
		}
		if c == '\\' && !verbatim && p.pos+1 < len(p.src) {
			p.pos++
			switch e := p.src[p.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				n, _ := strconv.ParseUint(p.src[p.pos+1:p.pos+5], 16, 32)
				b.WriteRune(rune(n))
				p.pos += 4
			default:
				b.WriteByte(e)
			}
			p.pos++
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	p.fail("unterminated string")
	return ""
}

func (p *miniEval) number() types.Value {
	start := p.pos
	for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '.') {
		if p.src[p.pos] == '.' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '.' {
			break
		}
		p.pos++
	}
	text := p.src[start:p.pos]
	if i, err := strconv.ParseInt(text, 0, 64); err == nil {
		return types.NewLong(i)
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return types.NewReal(f)
	}
	if t, ok := types.ParseTimeSpan(text); ok {
		return types.NewTimeSpan(t)
	}
	p.fail("bad number %q", text)
	return types.Value{}
}
