package parser

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// parsePipe reads a full expression with pipes: `source | op | op ...`.
// The source may be a source operator (union, print, range, search, find,
// evaluate), which then sits in a PipeExpr with a nil Input.
func (p *parser) parsePipe() ast.Expr {
	p.enter()
	defer p.leave()
	start := p.tok.pos
	var left ast.Expr
	if p.isSourceOp() {
		op := p.parseOperator()
		left = &ast.PipeExpr{Span: p.span(start), Op: op}
	} else {
		left = p.parseExpr()
	}
	return p.parsePipeTail(start, left)
}

// parsePipeTail reads `| op` repeatedly after left.
func (p *parser) parsePipeTail(start diag.Pos, left ast.Expr) ast.Expr {
	for p.accept("|") {
		op := p.parseOperator()
		left = &ast.PipeExpr{Span: p.span(start), Input: left, Op: op}
	}
	return left
}

// parseSubPipe reads a subquery that may start with an operator (its rows
// come from the context), e.g. the body of mv-apply ... on (...).
// With opOnly the subquery must start with an operator (mv-apply, facet),
// otherwise a full expression with its own source is also accepted.
func (p *parser) parseSubPipe(opOnly bool) ast.Expr {
	p.enter()
	defer p.leave()
	start := p.tok.pos
	if p.tok.kind == tIdent && (operatorKeyword(p) != "") {
		op := p.parseOperator()
		return p.parsePipeTail(start, &ast.PipeExpr{Span: p.span(start), Op: op})
	}
	if opOnly {
		p.fail("a query operator")
	}
	return p.parsePipe()
}

// isSourceOp reports whether the current token starts an operator at the
// start of a query, as Kusto's parser decides: reserved operator keywords
// always do; evaluate, facet, partition, range, reduce and render only when
// followed by what their syntax needs (otherwise they are names).
func (p *parser) isSourceOp() bool {
	if p.tok.kind != tIdent {
		return false
	}
	kw, n := p.operatorWord()
	if startOperators[kw] {
		return true
	}
	nt := p.ahead(n)
	switch kw {
	case "evaluate":
		return nt.kind == tIdent
	case "facet":
		return nt.isWord("by")
	case "partition", "reduce":
		return nt.isWord("by") || knownParams[nt.text]
	case "range":
		return nt.kind == tIdent && p.ahead(n+1).isWord("from")
	case "render":
		return nt.kind == tIdent
	}
	return false
}

// parseExpr reads a scalar expression (no pipes at the top level).
func (p *parser) parseExpr() ast.Expr {
	p.enter()
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() ast.Expr {
	start := p.tok.pos
	left := p.parseAnd()
	for p.tok.isWord("or") {
		p.next()
		right := p.parseAnd()
		left = &ast.BinaryExpr{Span: p.span(start), Op: "or", L: left, R: right}
	}
	return left
}

func (p *parser) parseAnd() ast.Expr {
	start := p.tok.pos
	left := p.parseEquality()
	for p.tok.isWord("and") {
		p.next()
		right := p.parseEquality()
		left = &ast.BinaryExpr{Span: p.span(start), Op: "and", L: left, R: right}
	}
	return left
}

// stringOps are the word operators that bind tighter than '*' (Kusto puts
// them just above unary minus); each takes one right operand and does not
// chain. The value is the canonical spelling.
var stringOps = map[string]string{
	"has": "has", "has_cs": "has_cs", "hasprefix": "hasprefix", "hasprefix_cs": "hasprefix_cs",
	"hassuffix": "hassuffix", "hassuffix_cs": "hassuffix_cs",
	"contains": "contains", "contains_cs": "contains_cs", "containscs": "contains_cs",
	"notcontains": "!contains", "notcontainscs": "!contains_cs",
	"startswith": "startswith", "startswith_cs": "startswith_cs",
	"endswith": "endswith", "endswith_cs": "endswith_cs",
	"like": "like", "likecs": "likecs", "notlike": "notlike", "notlikecs": "notlikecs",
}

// bangOps may be written with a leading '!' (no space between).
var bangOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"contains": true, "contains_cs": true, "startswith": true, "startswith_cs": true,
	"endswith": true, "endswith_cs": true, "in": true, "between": true,
}

// bangOp returns "!word" (or "!in~") when the current token is a '!'
// glued to a negatable operator word, with the number of tokens it spans.
func (p *parser) bangOp() (string, int) {
	t := p.tok
	if !t.is("!") {
		return "", 0
	}
	nt := p.peek()
	if nt.kind != tIdent || !adjacent(t, nt) || !bangOps[nt.text] {
		return "", 0
	}
	if nt.text == "in" {
		if t3 := p.ahead(2); t3.is("~") && adjacent(nt, t3) {
			return "!in~", 3
		}
	}
	return "!" + nt.text, 2
}

// stringOp returns the string operator at the current token, if any.
func (p *parser) stringOp() (string, int) {
	t := p.tok
	switch t.kind {
	case tPunct:
		switch t.text {
		case "=~", "!~", ":":
			return t.text, 1
		case "!":
			if op, n := p.bangOp(); op != "" && op != "!in" && op != "!in~" && op != "!between" {
				return op, n
			}
		}
	case tIdent:
		if op, ok := stringOps[t.text]; ok {
			return op, 1
		}
		if t.text == "matches" {
			if nt := p.peek(); nt.isWord("regex") {
				return "matches regex", 2
			}
		}
	}
	return "", 0
}

// equalityOp returns the equality-level operator at the current token.
func (p *parser) equalityOp() (string, int) {
	t := p.tok
	switch t.kind {
	case tPunct:
		switch t.text {
		case "==", "!=", "<>":
			return t.text, 1
		case "!":
			if op, n := p.bangOp(); op == "!in" || op == "!in~" || op == "!between" {
				return op, n
			}
		}
	case tIdent:
		switch t.text {
		case "in":
			if nt := p.peek(); nt.is("~") && adjacent(t, nt) {
				return "in~", 2
			}
			if p.peek().isWord("range") { // make-series ... on X in range(...)
				return "", 0
			}
			return "in", 1
		case "has_any", "has_all", "between":
			return t.text, 1
		}
	}
	return "", 0
}

// parseEquality reads one (non-chaining) equality-level comparison:
// == != <> in !in in~ !in~ has_any has_all between !between.
func (p *parser) parseEquality() ast.Expr {
	start := p.tok.pos
	var left ast.Expr
	if p.tok.is("*") && p.peek().is("==") {
		left = &ast.StarExpr{Span: ast.Span{Start: p.tok.pos, Stop: p.tok.end}}
		p.next()
	} else {
		left = p.parseRelational()
	}
	op, n := p.equalityOp()
	if op == "" {
		return left
	}
	for ; n > 0; n-- {
		p.next()
	}
	switch op {
	case "in", "!in", "in~", "!in~", "has_any", "has_all":
		list := p.parseInList()
		return &ast.InExpr{Span: p.span(start), X: left, Op: op, List: list}
	case "between", "!between":
		p.expect("(")
		lo := p.parseExpr()
		p.expect("..")
		hi := p.parseExpr()
		p.expect(")")
		return &ast.BetweenExpr{Span: p.span(start), X: left, Not: op == "!between", Lo: lo, Hi: hi}
	}
	right := p.parseRelational()
	return &ast.BinaryExpr{Span: p.span(start), Op: op, L: left, R: right}
}

// parseInList reads `(a, b, ...)` or `(tabular expression)`.
func (p *parser) parseInList() []ast.Expr {
	p.expect("(")
	var list []ast.Expr
	if p.isQueryExpr() {
		list = []ast.Expr{p.parsePipe()}
	} else {
		list = p.parseExprList()
	}
	p.expect(")")
	return list
}

// isQueryExpr reports whether the tokens ahead form a tabular expression:
// they start with a query operator or hold a '|' before the expression
// ends (at ',' ')' ';' outside parentheses), as Kusto decides.
func (p *parser) isQueryExpr() bool {
	if p.isSourceOp() {
		return true
	}
	depth := 0
	for t := p.tok; ; t = p.scanAt(int(t.end)) {
		switch {
		case t.kind == tEOF || t.kind == tIllegal || t.is(";"):
			return false
		case t.is(","):
			if depth == 0 {
				return false
			}
		case t.is("("):
			depth++
		case t.is(")"):
			if depth == 0 {
				return false
			}
			depth--
		case t.is("|"):
			if depth == 0 {
				return true
			}
		}
	}
}

// parseRelational reads one (non-chaining) < <= > >= comparison.
func (p *parser) parseRelational() ast.Expr {
	start := p.tok.pos
	left := p.parseAdditive()
	if p.tok.kind == tPunct {
		switch op := p.tok.text; op {
		case "<", "<=", ">", ">=":
			p.next()
			right := p.parseAdditive()
			return &ast.BinaryExpr{Span: p.span(start), Op: op, L: left, R: right}
		}
	}
	return left
}

func (p *parser) parseAdditive() ast.Expr {
	start := p.tok.pos
	left := p.parseMultiplicative()
	for p.tok.is("+") || p.tok.is("-") {
		op := p.tok.text
		p.next()
		right := p.parseMultiplicative()
		left = &ast.BinaryExpr{Span: p.span(start), Op: op, L: left, R: right}
	}
	return left
}

func (p *parser) parseMultiplicative() ast.Expr {
	start := p.tok.pos
	left := p.parseStringOp()
	for p.tok.is("*") || p.tok.is("/") || p.tok.is("%") {
		op := p.tok.text
		p.next()
		right := p.parseStringOp()
		left = &ast.BinaryExpr{Span: p.span(start), Op: op, L: left, R: right}
	}
	return left
}

// parseStringOp reads `X op Y` for one string operator (has, contains,
// =~, matches regex, ...), or just X. `* has "x"` searches all columns.
func (p *parser) parseStringOp() ast.Expr {
	start := p.tok.pos
	var left ast.Expr
	if p.tok.is("*") {
		save := p.save()
		star := &ast.StarExpr{Span: ast.Span{Start: p.tok.pos, Stop: p.tok.end}}
		p.next()
		if op, _ := p.stringOp(); op != "" {
			left = star
		} else {
			p.restore(save)
		}
	}
	if left == nil {
		left = p.parseUnary()
	}
	op, n := p.stringOp()
	if op == "" {
		return left
	}
	for ; n > 0; n-- {
		p.next()
	}
	right := p.parseUnary()
	return &ast.BinaryExpr{Span: p.span(start), Op: op, L: left, R: right}
}

// parseUnary reads an optional sign and a postfix expression (no repeated
// signs, as in Kusto).
func (p *parser) parseUnary() ast.Expr {
	if p.tok.is("-") || p.tok.is("+") {
		start := p.tok.pos
		op := p.tok.text
		p.next()
		x := p.parsePostfix(p.parsePrimary())
		return &ast.UnaryExpr{Span: p.span(start), Op: op, X: x}
	}
	return p.parsePostfix(p.parsePrimary())
}

// parsePostfix reads member access and indexing after x.
func (p *parser) parsePostfix(x ast.Expr) ast.Expr {
	start := x.Pos()
	for {
		switch {
		case p.tok.is("."):
			p.next()
			if p.tok.is("[") {
				idx := p.parseBracketIndex()
				x = &ast.IndexExpr{Span: p.span(start), X: x, Index: idx}
				continue
			}
			if p.tok.kind == tIdent && p.peek().is("(") {
				call := p.parseCall()
				x = &ast.MemberExpr{Span: p.span(start), X: x, Name: call.Func, Call: call}
				continue
			}
			name := p.parseIdent()
			x = &ast.MemberExpr{Span: p.span(start), X: x, Name: name}
		case p.tok.is("["):
			idx := p.parseBracketIndex()
			x = &ast.IndexExpr{Span: p.span(start), X: x, Index: idx}
		default:
			return x
		}
	}
}

// parseBracketIndex reads `[expr]`.
func (p *parser) parseBracketIndex() ast.Expr {
	p.expect("[")
	idx := p.parseExpr()
	p.expect("]")
	return idx
}

// parseIdent reads a name reference: an identifier, a keyword Kusto
// accepts as a name, or a quoted name `['x']` / `["x"]`.
func (p *parser) parseIdent() *ast.Ident {
	if t := p.tok; t.kind == tIdent && reservedWords[t.text] && !specialNames[t.text] {
		p.failReserved(t)
	}
	return p.parseAnyIdent()
}

// parseDeclName reads a name being declared (`name = expr`, column and
// parameter declarations), where Kusto also accepts some reserved words.
func (p *parser) parseDeclName() *ast.Ident {
	if t := p.tok; t.kind == tIdent && (boolWords[t.text] || reservedWords[t.text] && !declarableKeywords[t.text]) {
		panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end,
			"The name '%s' needs to be bracketed as ['%s'] to be used in this context.", t.text, t.text)})
	}
	return p.parseAnyIdent()
}

// parsePlainName reads a declared name that must be an identifier or a
// quoted name (let names).
func (p *parser) parsePlainName() *ast.Ident {
	if t := p.tok; t.kind == tIdent && (boolWords[t.text] || reservedWords[t.text]) {
		panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end,
			"Missing name: If the keyword '%s' is intended be used as the name, it needs to be bracketted as ['%s'].", t.text, t.text)})
	}
	return p.parseAnyIdent()
}

// tryQuotedName reads `['name']` (adjacent literals join: ['a' 'b']), or
// returns nil and consumes nothing.
func (p *parser) tryQuotedName() *ast.Ident {
	t := p.tok
	if !t.is("[") || p.peek().kind != tString {
		return nil
	}
	st := p.save()
	p.next()
	lit := p.parseStringLit()
	if c := p.tok; c.is("]") {
		p.next()
		return &ast.Ident{Span: ast.Span{Start: t.pos, Stop: c.end}, Name: lit.Text, Quoted: true}
	}
	p.restore(st)
	return nil
}

// failReserved reports a reserved word used as a name, in Kusto's words:
// when what follows shows it was meant as a name, Kusto says it needs
// brackets; otherwise it reports the missing expression.
func (p *parser) failReserved(t token) {
	if nt := p.scanAt(int(t.end)); afterName(nt) {
		panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end,
			"The name '%s' needs to be bracketed as ['%s'] to be used in this context.", t.text, t.text)})
	}
	// The expression is missing: Kusto reports it right after the previous token.
	pos := t.pos
	if t.pos == p.tok.pos && p.lastEnd <= t.pos {
		pos = p.lastEnd
	}
	panic(bailout{diag.Errorf(diag.CodeSyntax, pos, pos,
		"Missing expression: If the keyword '%s' is intended to be part of an expression it needs to be bracketted as ['%s'].", t.text, t.text)})
}

// afterName reports whether t is a token that only follows a name in an
// expression (a binary operator, a closing bracket, '.', ',', ':' or '|').
func afterName(t token) bool {
	switch t.kind {
	case tPunct:
		switch t.text {
		case "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "*", "/", "%", ")", "]", "}", ".", ",", ":", "|", "<>":
			return true
		}
	case tIdent:
		if _, ok := stringOps[t.text]; ok {
			return true
		}
		switch t.text {
		case "and", "or", "in", "has_any", "has_all", "between", "matches":
			return true
		}
	}
	return false
}

// parseAnyIdent reads an identifier or keyword token as a name, or a
// quoted name.
func (p *parser) parseAnyIdent() *ast.Ident {
	t := p.tok
	switch {
	case t.kind == tIdent:
		p.next()
		return &ast.Ident{Span: ast.Span{Start: t.pos, Stop: t.end}, Name: t.text}
	case t.is("[") && p.peek().kind == tString:
		if id := p.tryQuotedName(); id != nil {
			return id
		}
	}
	p.fail("a name")
	return nil
}

// isIdentStart reports whether the current token can start a name.
func (p *parser) atIdent() bool {
	return p.tok.kind == tIdent || (p.tok.is("[") && p.peek().kind == tString)
}

// parseNamePattern reads a name or a wildcard pattern such as `Signin*`,
// `*Logs` or `*` written without spaces.
func (p *parser) parseNamePattern() *ast.Ident {
	if p.tok.is("[") {
		return p.parseIdent()
	}
	start := p.tok
	if start.kind != tIdent && !start.is("*") {
		p.fail("a name")
	}
	if start.kind == tIdent && reservedWords[start.text] && !specialNames[start.text] {
		if nt := p.peek(); !nt.is("*") || !adjacent(start, nt) {
			p.failReserved(start)
		}
	}
	var b strings.Builder
	wild := false
	last := start
	for t := start; ; {
		if t.kind == tIdent || t.kind == tInt {
			b.WriteString(t.text)
		} else if t.is("*") {
			b.WriteString("*")
			wild = true
		} else {
			break
		}
		last = t
		p.next()
		t = p.tok
		if !adjacent(last, t) {
			break
		}
	}
	return &ast.Ident{Span: ast.Span{Start: start.pos, Stop: last.end}, Name: b.String(), Wildcard: wild}
}

// parseNamed reads an output column: `expr`, `Name = expr` or
// `(A, B) = expr`.
func (p *parser) parseNamed() ast.Expr {
	start := p.tok.pos
	if names := p.tryTupleNames(); names != nil {
		v := p.parseExpr()
		return &ast.NamedExpr{Span: p.span(start), Name: names[0], Names: names, Value: v}
	}
	if p.atIdent() && p.isNamedStart() {
		name := p.parseDeclName()
		if p.tok.is("=") {
			p.next()
			v := p.parseExpr()
			return &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v}
		}
	}
	return p.parseExpr()
}

// isNamedStart reports whether the current name is followed by a single '='.
func (p *parser) isNamedStart() bool {
	if p.tok.kind == tIdent {
		return p.peek().is("=") && !boolWords[p.tok.text]
	}
	return p.ahead(3).is("=") // ['name'] =
}

// tryTupleNames consumes `(A, B, ...) =` and returns the names, or
// returns nil and consumes nothing.
func (p *parser) tryTupleNames() []*ast.Ident {
	if !p.tok.is("(") {
		return nil
	}
	st := p.save()
	p.next()
	var names []*ast.Ident
	for p.atIdent() {
		t := p.tok
		if t.kind == tIdent {
			nt := p.peek()
			if !(nt.is(",") || nt.is(")")) || (reservedWords[t.text] && !declarableKeywords[t.text]) {
				break
			}
		}
		names = append(names, p.parseDeclName())
		if !p.accept(",") {
			break
		}
	}
	if len(names) > 0 && p.tok.is(")") && p.peek().is("=") {
		p.next()
		p.next()
		return names
	}
	p.restore(st)
	return nil
}

// parseNamedList reads a comma-separated list of output columns.
func (p *parser) parseNamedList() []ast.Expr {
	list := []ast.Expr{p.parseNamed()}
	for p.accept(",") {
		list = append(list, p.parseNamed())
	}
	p.checkComma()
	return list
}

// parseExprList reads a comma-separated list of expressions.
func (p *parser) parseExprList() []ast.Expr {
	list := []ast.Expr{p.parseExpr()}
	for p.accept(",") {
		list = append(list, p.parseExpr())
	}
	p.checkComma()
	return list
}
