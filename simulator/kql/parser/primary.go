package parser

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// typedLiterals maps `name(...)` literal forms to their kind.
var typedLiterals = map[string]ast.LitKind{
	"datetime": ast.LitDateTime, "date": ast.LitDateTime,
	"timespan": ast.LitTimespan, "time": ast.LitTimespan,
	"guid": ast.LitGuid, "dynamic": ast.LitDynamic,
	"bool": ast.LitBool, "boolean": ast.LitBool,
	"int": ast.LitInt, "long": ast.LitLong, "int64": ast.LitLong,
	"real": ast.LitReal, "double": ast.LitReal, "decimal": ast.LitDecimal,
}

// parsePrimary reads a literal, a name, a call, a parenthesized expression
// or one of the special forms (datatable, externaldata, typeof).
func (p *parser) parsePrimary() ast.Expr {
	t := p.tok
	sp := ast.Span{Start: t.pos, Stop: t.end}
	switch t.kind {
	case tInt:
		p.next()
		return &ast.Literal{Span: sp, Kind: ast.LitLong, Text: t.text}
	case tReal:
		p.next()
		return &ast.Literal{Span: sp, Kind: ast.LitReal, Text: t.text}
	case tTimespan:
		p.next()
		return &ast.Literal{Span: sp, Kind: ast.LitTimespan, Text: t.text}
	case tString:
		return p.parseStringLit()
	case tGuid:
		p.next()
		return &ast.Literal{Span: sp, Kind: ast.LitGuid, Text: t.text}
	case tPunct:
		switch t.text {
		case "(":
			p.next()
			x := p.parsePipe()
			p.expect(")")
			return &ast.ParenExpr{Span: p.span(t.pos), X: x}
		case "[":
			if p.peek().kind == tString {
				if id := p.tryQuotedName(); id != nil {
					return id
				}
			}
			p.next()
			x := p.parseExpr()
			p.expect("]")
			return &ast.BracketExpr{Span: p.span(t.pos), X: x}
		case "@":
			// Kusto's `@` path element (the current row in some contexts).
			p.next()
			return &ast.Ident{Span: sp, Name: "@"}
		}
	case tIdent:
		return p.parseNameOrCall()
	}
	p.fail("an expression")
	return nil
}

// parseStringLit reads one string literal or several adjacent ones, which
// Kusto joins into one.
func (p *parser) parseStringLit() *ast.Literal {
	start := p.tok.pos
	text := p.tok.text
	p.next()
	if p.tok.kind == tString {
		var b strings.Builder
		b.WriteString(text)
		for p.tok.kind == tString {
			b.WriteString(p.tok.text)
			p.next()
		}
		text = b.String()
	}
	return &ast.Literal{Span: p.span(start), Kind: ast.LitString, Text: text}
}

// parseNameOrCall reads an identifier-led primary.
func (p *parser) parseNameOrCall() ast.Expr {
	t := p.tok
	nt := p.peek()
	call := nt.is("(")
	switch {
	case boolWords[t.text]:
		p.next()
		return &ast.Literal{Span: ast.Span{Start: t.pos, Stop: t.end}, Kind: ast.LitBool, Text: strings.ToLower(t.text)}
	case call && t.text == "typeof":
		return p.parseTypeof()
	case call && t.text == "datatable":
		return p.parseDataTable()
	case t.text == "datatable":
		p.next()
		panic(bailout{diag.Errorf(diag.CodeSyntax, p.lastEnd, p.lastEnd, "Missing schema declaration")})
	case call && (t.text == "externaldata" || t.text == "external_data"):
		return p.parseExternalData()
	case call && t.text == "dynamic":
		return p.parseDynamic()
	case call && adjacent(t, nt) && isTypedLiteral(t.text):
		return p.parseTypedLiteral(typedLiterals[t.text])
	case call:
		if reservedWords[t.text] && !keywordFuncs[t.text] || specialNames[t.text] {
			p.failReserved(t)
		}
		return p.parseCall()
	}
	return p.parseIdent()
}

// isTypedLiteral reports whether name(...) is a typed literal form.
func isTypedLiteral(name string) bool {
	_, ok := typedLiterals[name]
	return ok
}

// parseCall reads `name(args)`.
func (p *parser) parseCall() *ast.CallExpr {
	start := p.tok.pos
	fn := p.parseAnyIdent()
	p.expect("(")
	var args []ast.Expr
	p.list(")", false, func() {
		args = append(args, p.parseArg(fn.Name))
	})
	p.expect(")")
	return &ast.CallExpr{Span: p.span(start), Func: fn, Args: args}
}

// pipeArgFuncs take a tabular expression (pipes allowed) as argument.
var pipeArgFuncs = map[string]bool{"toscalar": true, "materialize": true, "totable": true}

// keywordFuncs are reserved words that are still callable anywhere.
var keywordFuncs = map[string]bool{"toscalar": true, "totable": true}

// boolWords are the spellings of the bool literals.
var boolWords = map[string]bool{"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true}

// parseArg reads one call argument: `*`, `name = value` or an expression.
// Pipes are not allowed at the top level of an argument (parenthesize
// them), except in toscalar/materialize, as in Kusto.
func (p *parser) parseArg(fn string) ast.Expr {
	if p.tok.is("*") {
		nt := p.peek()
		if nt.is(",") || nt.is(")") {
			t := p.tok
			p.next()
			return &ast.StarExpr{Span: ast.Span{Start: t.pos, Stop: t.end}}
		}
	}
	if pipeArgFuncs[fn] {
		return p.parsePipe()
	}
	return p.parseNamed()
}

// parseTypedLiteral reads `kind(text)` (no space before the parenthesis):
// like Kusto's lexer, the text runs to the first ')' on the same line. It
// is kept raw for the types package, except that a quoted string is decoded.
func (p *parser) parseTypedLiteral(kind ast.LitKind) *ast.Literal {
	start := p.tok.pos
	open := p.peek()
	closeAt := -1
	for i := int(open.end); i < len(p.src); i++ {
		if c := p.src[i]; c == ')' {
			closeAt = i
			break
		} else if c == '\n' || c == '\r' {
			break
		}
	}
	if closeAt < 0 {
		end := strings.IndexAny(p.src[open.end:], "\r\n")
		if end < 0 {
			end = len(p.src)
		} else {
			end += int(open.end)
		}
		panic(bailout{diag.Errorf(diag.CodeSyntax, diag.Pos(end), diag.Pos(end), "Missing: )")})
	}
	raw := strings.TrimSpace(p.src[open.end:closeAt])
	p.lastEnd = diag.Pos(closeAt + 1)
	p.tok = p.scanAt(closeAt + 1)
	lit := &ast.Literal{Span: ast.Span{Start: start, Stop: diag.Pos(closeAt + 1)}, Kind: kind, Text: raw}
	switch {
	case raw == "null":
		lit.Null = true
	case raw == "":
		// Kusto's lexer accepts an empty literal such as bool(); its value is null.
		lit.Null = true
	default:
		if s := scan(raw, 0); s.kind == tString && int(s.end) == len(raw) {
			lit.Text = s.text
		}
	}
	return lit
}

// parseDynamic reads `dynamic(json)`: a JSON-like value whose scalars may
// be Kusto literals (datetime(...), timespans, guids). Text keeps the raw
// source between the parentheses for the types package.
func (p *parser) parseDynamic() *ast.Literal {
	start := p.tok.pos
	p.next()
	open := p.expect("(")
	lit := &ast.Literal{Kind: ast.LitDynamic}
	if p.tok.isWord("null") {
		p.next()
		lit.Null = true
	} else {
		p.parseJSONValue()
	}
	end := p.expect(")")
	lit.Text = strings.TrimSpace(p.src[open.end:end.pos])
	if lit.Null {
		lit.Text = "null"
	}
	lit.Span = p.span(start)
	return lit
}

// parseJSONValue checks one value inside dynamic(...).
func (p *parser) parseJSONValue() {
	p.enter()
	defer p.leave()
	t := p.tok
	switch {
	case t.kind == tInt || t.kind == tReal || t.kind == tTimespan || t.kind == tString || t.kind == tGuid:
		p.next()
		for t.kind == tString && p.tok.kind == tString {
			p.next()
		}
	case t.is("-") && (p.peek().kind == tInt || p.peek().kind == tReal):
		p.next()
		p.next()
	case t.kind == tIdent && (boolWords[t.text] || t.text == "null"):
		p.next()
	case t.kind == tIdent && p.peek().is("(") && adjacent(t, p.peek()):
		if t.text == "dynamic" {
			p.parseDynamic()
			return
		}
		kind, ok := typedLiterals[t.text]
		if !ok {
			p.fail("a JSON value")
		}
		p.parseTypedLiteral(kind)
	case t.is("["):
		p.next()
		if p.jsonStart() { // an invalid first element ends the list: "Expected: ]"
			p.list("]", false, func() {
				p.parseJSONValue()
			})
		}
		p.expect("]")
	case t.is("{"):
		p.next()
		if p.tok.kind == tString || p.tok.is(":") || p.jsonStart() {
			p.list("}", false, func() {
				if p.tok.kind != tString {
					p.fail("a property name string")
				}
				p.next()
				p.expect(":")
				p.parseJSONValue()
			})
		}
		p.expect("}")
	default:
		p.fail("a JSON value")
	}
}

// jsonStart reports whether the current token can start a JSON value.
func (p *parser) jsonStart() bool {
	t := p.tok
	switch t.kind {
	case tInt, tReal, tTimespan, tString, tGuid:
		return true
	case tIdent:
		return boolWords[t.text] || t.text == "null" || p.peek().is("(")
	case tPunct:
		return t.text == "-" || t.text == "[" || t.text == "{"
	}
	return false
}

// parseTypeof reads `typeof(type)` as a value.
func (p *parser) parseTypeof() ast.Expr {
	start := p.tok.pos
	p.next()
	p.expect("(")
	var name string
	if p.accept("*") {
		name = "*"
	} else if nt := p.peek(); p.tok.kind == tIdent && nt.is(")") {
		// typeof(name): Kusto's grammar takes any name; unknown types are a
		// semantic error.
		name = strings.ToLower(p.tok.text)
		if n, ok := scalarTypes[name]; ok {
			name = n
		}
		p.next()
	} else {
		name = p.parseTypeName()
		// typeof(a:string, b:int) schemas are accepted and kept as text.
		for p.tok.is(":") || p.tok.is(",") {
			p.next()
			if p.tok.kind == tIdent || p.tok.is("*") {
				p.next()
			}
		}
	}
	p.expect(")")
	return &ast.TypeExpr{Span: p.span(start), Name: name}
}

// parseDataTable reads `datatable(a:int, ...) [v1, v2, ...]`.
func (p *parser) parseDataTable() ast.Expr {
	start := p.tok.pos
	p.next()
	dt := &ast.DataTableExpr{Columns: p.parseColumnDecls()}
	p.expect("[")
	p.accept(",") // Kusto allows a leading comma
	for p.literalStart() {
		dt.Values = append(dt.Values, p.parseLiteralValue())
		if !p.accept(",") {
			p.checkComma()
			break
		}
	}
	p.expect("]")
	dt.Span = p.span(start)
	return dt
}

// parseColumnDecls reads `(a:type, b:type, ...)`.
func (p *parser) parseColumnDecls() []*ast.ColumnDecl {
	p.expect("(")
	p.accept(",") // Kusto allows a leading comma in row schemas
	var cols []*ast.ColumnDecl
	p.list(")", true, func() {
		cols = append(cols, p.parseColumnDecl(true))
	})
	p.expect(")")
	return cols
}

// parseExternalData reads `externaldata(cols) [uris] [with (props)]`.
func (p *parser) parseExternalData() ast.Expr {
	start := p.tok.pos
	p.next()
	ed := &ast.ExternalDataExpr{Columns: p.parseColumnDecls()}
	p.expect("[")
	p.list("]", true, func() {
		ed.URIs = append(ed.URIs, p.parseExpr())
	})
	p.expect("]")
	if p.acceptWord("with") {
		ed.With = p.parsePropertyList(nil)
	}
	ed.Span = p.span(start)
	return ed
}

// Property names accepted in `with (...)` clauses; nil means any name that
// is a valid declared name.
var (
	renderProps = map[string]bool{
		"kind": true, "title": true, "accumulate": true, "xcolumn": true, "ycolumns": true,
		"anomalycolumns": true, "series": true, "xtitle": true, "ytitle": true, "xaxis": true,
		"yaxis": true, "legend": true, "ysplit": true, "ymin": true, "ymax": true, "xmin": true, "xmax": true,
	}
	parseKvProps = map[string]bool{
		"pair_delimiter": true, "kv_delimiter": true, "regex": true, "quote": true, "escape": true, "greedy": true,
	}
	// columnListProps take a list of column names: ycolumns=a, b.
	columnListProps = map[string]bool{"ycolumns": true, "anomalycolumns": true, "series": true}
)

// parsePropertyList reads `(name = value, ...)`; names must be in allowed
// (or, when allowed is nil, be valid declared names).
func (p *parser) parsePropertyList(allowed map[string]bool) []*ast.NamedExpr {
	p.expect("(")
	var props []*ast.NamedExpr
	p.list(")", false, func() {
		props = append(props, p.parseProperty(allowed))
	})
	p.expect(")")
	return props
}

// parseProperty reads one `name = value` of a with-clause.
func (p *parser) parseProperty(allowed map[string]bool) *ast.NamedExpr {
	start := p.tok.pos
	var name *ast.Ident
	if allowed != nil {
		if p.tok.kind != tIdent || !allowed[p.tok.text] {
			p.fail("a property name")
		}
		name = p.parseAnyIdent()
	} else {
		name = p.parseDeclName()
	}
	p.expect("=")
	var v ast.Expr
	if columnListProps[name.Name] && allowed != nil {
		// A comma-separated column list ends at the next `property =`.
		vs := []ast.Expr{p.parseIdent()}
		for p.tok.is(",") {
			if nt := p.peek(); nt.kind == tIdent && allowed[nt.text] && p.ahead(2).is("=") {
				break
			}
			p.next()
			vs = append(vs, p.parseIdent())
		}
		v = vs[0]
		if len(vs) > 1 {
			v = &ast.InExpr{Span: p.span(vs[0].Pos()), X: vs[0], Op: "list", List: vs}
		}
	} else {
		v = p.parseExpr()
	}
	return &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v}
}

// literalStart reports whether the current token can start a literal.
func (p *parser) literalStart() bool {
	t := p.tok
	switch t.kind {
	case tInt, tReal, tTimespan, tString, tGuid:
		return true
	case tPunct:
		return t.text == "-" || t.text == "+"
	case tIdent:
		return boolWords[t.text] || (p.peek().is("(") && (isTypedLiteral(t.text) || t.text == "typeof"))
	}
	return false
}

// parseLiteralValue reads a literal: a constant of any type, a signed
// number or typeof(T) (datatable values, parameter defaults).
func (p *parser) parseLiteralValue() ast.Expr {
	t := p.tok
	switch t.kind {
	case tInt, tReal, tTimespan, tString, tGuid:
		return p.parsePrimary()
	case tPunct:
		if nt := p.peek(); (t.text == "-" || t.text == "+") && adjacent(t, nt) &&
			(nt.kind == tInt || nt.kind == tReal || nt.kind == tTimespan) {
			return p.parseUnary()
		}
	case tIdent:
		nt := p.peek()
		if boolWords[t.text] {
			return p.parsePrimary()
		}
		if nt.is("(") {
			if _, ok := typedLiterals[t.text]; ok || t.text == "typeof" {
				return p.parsePrimary()
			}
		}
	}
	p.fail("a literal value")
	return nil
}
