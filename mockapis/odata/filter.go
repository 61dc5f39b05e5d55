package odata

import (
	"strings"
)

// Filter is a parsed $filter expression.
type Filter struct {
	src  string
	root node
}

// String is the expression's text as given.
func (f *Filter) String() string { return f.src }

// Match reports whether obj passes the filter. A nil Filter matches everything.
func (f *Filter) Match(obj map[string]any) (bool, error) {
	if f == nil {
		return true, nil
	}
	v, err := f.root.eval(scope{obj: obj})
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// Properties lists the property paths the filter names (lambda variables resolved to
// "collection/property"), so a handler can refuse properties it does not support.
func (f *Filter) Properties() []string {
	if f == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	f.root.walk(func(n node) {
		if p, ok := n.(*pathNode); ok && !seen[p.qualified] {
			seen[p.qualified] = true
			out = append(out, p.qualified)
		}
	})
	return out
}

// maxDepth bounds nesting so a hostile filter cannot exhaust the stack.
const maxDepth = 64

// ParseFilter parses a $filter expression.
func ParseFilter(src string) (*Filter, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.syntax(t)
	}
	return &Filter{src: src, root: n}, nil
}

type parser struct {
	src  string
	toks []token
	i    int
	vars []string // lambda variables in scope
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) keyword(word string) bool {
	t := p.peek()
	if t.kind == tIdent && strings.EqualFold(t.text, word) {
		p.i++
		return true
	}
	return false
}

func (p *parser) syntax(t token) *Error {
	if t.kind == tEOF {
		return errorf("Syntax error at position %d in '%s'.", t.pos, p.src)
	}
	return errorf("Syntax error at position %d in '%s'.", t.pos+len(t.text), p.src)
}

func (p *parser) expect(kind tokenKind) error {
	if t := p.next(); t.kind != kind {
		return p.syntax(t)
	}
	return nil
}

// expr := and ('or' and)*
func (p *parser) expr(depth int) (node, error) {
	if depth > maxDepth {
		return nil, errorf("The $filter expression is nested too deeply (more than %d levels).", maxDepth)
	}
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		left = &logicNode{or: true, left: left, right: right}
	}
	return left, nil
}

// and := unary ('and' unary)*
func (p *parser) and(depth int) (node, error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		left = &logicNode{left: left, right: right}
	}
	return left, nil
}

// unary := 'not' unary | comparison
func (p *parser) unary(depth int) (node, error) {
	if p.keyword("not") {
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &notNode{n}, nil
	}
	return p.comparison(depth)
}

var comparisonOps = map[string]bool{"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true}

// comparison := operand [op operand | 'in' '(' list ')']
func (p *parser) comparison(depth int) (node, error) {
	left, err := p.operand(depth)
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tIdent && comparisonOps[strings.ToLower(t.text)] {
		p.next()
		right, err := p.operand(depth)
		if err != nil {
			return nil, err
		}
		return &compareNode{op: strings.ToLower(t.text), left: left, right: right}, nil
	}
	if p.keyword("in") {
		if err := p.expect(tLParen); err != nil {
			return nil, err
		}
		in := &inNode{left: left}
		for {
			v, err := p.operand(depth)
			if err != nil {
				return nil, err
			}
			in.list = append(in.list, v)
			if p.peek().kind == tComma {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return in, nil
	}
	return left, nil
}

// operand := literal | '(' expr ')' | function '(' args ')' | path [ '/' lambda ]
func (p *parser) operand(depth int) (node, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return &literalNode{v: t.text}, nil
	case tNumber:
		return &literalNode{v: t.num}, nil
	case tDate:
		return &literalNode{v: t.date}, nil
	case tGUID:
		return &literalNode{v: t.text}, nil
	case tLParen:
		n, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return n, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return &literalNode{v: true}, nil
		case "false":
			return &literalNode{v: false}, nil
		case "null":
			return &literalNode{v: nil}, nil
		}
		if p.peek().kind == tLParen {
			return p.function(t, depth)
		}
		return p.path(t, depth)
	}
	return nil, p.syntax(t)
}

var functions = map[string]int{"startswith": 2, "endswith": 2, "contains": 2, "tolower": 1, "toupper": 1}

func (p *parser) function(name token, depth int) (node, error) {
	fn := strings.ToLower(name.text)
	arity, ok := functions[fn]
	if !ok {
		return nil, errorf("An unknown function with name '%s' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.", name.text)
	}
	p.next() // (
	var args []node
	for len(args) < arity {
		a, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if len(args) < arity {
			if err := p.expect(tComma); err != nil {
				return nil, err
			}
		}
	}
	if err := p.expect(tRParen); err != nil {
		return nil, err
	}
	return &funcNode{name: fn, args: args}, nil
}

// path reads a/b/c, possibly ending in a lambda a/any(x: ...).
func (p *parser) path(first token, depth int) (node, error) {
	segs := []string{first.text}
	for p.peek().kind == tSlash {
		p.next()
		t := p.next()
		if t.kind != tIdent {
			return nil, p.syntax(t)
		}
		low := strings.ToLower(t.text)
		if (low == "any" || low == "all") && p.peek().kind == tLParen {
			return p.lambda(segs, low == "all", depth)
		}
		segs = append(segs, t.text)
	}
	return p.newPath(segs), nil
}

func (p *parser) newPath(segs []string) *pathNode {
	n := &pathNode{segs: segs, qualified: strings.Join(segs, "/")}
	for i := len(p.vars) - 1; i >= 0; i-- {
		if strings.EqualFold(segs[0], p.vars[i]) {
			n.variable = p.vars[i]
			n.segs = segs[1:]
			break
		}
	}
	return n
}

func (p *parser) lambda(collection []string, all bool, depth int) (node, error) {
	p.next() // (
	coll := p.newPath(collection)
	if p.peek().kind == tRParen { // any() : non-empty
		p.next()
		return &lambdaNode{coll: coll, all: all}, nil
	}
	v := p.next()
	if v.kind != tIdent {
		return nil, p.syntax(v)
	}
	if err := p.expect(tColon); err != nil {
		return nil, err
	}
	p.vars = append(p.vars, v.text)
	body, err := p.expr(depth + 1)
	p.vars = p.vars[:len(p.vars)-1]
	if err != nil {
		return nil, err
	}
	if err := p.expect(tRParen); err != nil {
		return nil, err
	}
	// the qualified names of the body's paths read as collection/property
	body.walk(func(n node) {
		if pn, ok := n.(*pathNode); ok && strings.EqualFold(pn.variable, v.text) {
			pn.qualified = strings.Join(append(append([]string{}, collection...), pn.segs...), "/")
		}
	})
	return &lambdaNode{coll: coll, all: all, variable: v.text, body: body}, nil
}
