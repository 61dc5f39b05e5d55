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
	case tPunct:
		switch t.text {
		case "(":
			p.next()
			x := p.parsePipe()
			p.expect(")")
			return &ast.ParenExpr{Span: p.span(t.pos), X: x}
		case "[":
			return p.parseIdent()
		case "*":
			p.next()
			return &ast.StarExpr{Span: sp}
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
	case (t.text == "true" || t.text == "false") && !call:
		p.next()
		return &ast.Literal{Span: ast.Span{Start: t.pos, Stop: t.end}, Kind: ast.LitBool, Text: t.text}
	case call && t.text == "typeof":
		return p.parseTypeof()
	case call && t.text == "datatable":
		return p.parseDataTable()
	case call && (t.text == "externaldata" || t.text == "external_data"):
		return p.parseExternalData()
	case call:
		if kind, ok := typedLiterals[t.text]; ok {
			return p.parseTypedLiteral(kind)
		}
		return p.parseCall()
	}
	return p.parseIdent()
}

// parseCall reads `name(args)`.
func (p *parser) parseCall() *ast.CallExpr {
	start := p.tok.pos
	fn := p.parseIdent()
	p.expect("(")
	var args []ast.Expr
	for !p.tok.is(")") {
		args = append(args, p.parseArg())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return &ast.CallExpr{Span: p.span(start), Func: fn, Args: args}
}

// parseArg reads one call argument: `*`, `name = value` or an expression
// (tabular arguments such as toscalar(T | count) included).
func (p *parser) parseArg() ast.Expr {
	if p.tok.is("*") {
		nt := p.peek()
		if nt.is(",") || nt.is(")") {
			t := p.tok
			p.next()
			return &ast.StarExpr{Span: ast.Span{Start: t.pos, Stop: t.end}}
		}
	}
	if p.tok.kind == tIdent && p.peek().is("=") {
		start := p.tok.pos
		name := p.parseIdent()
		p.next()
		v := p.parsePipe()
		return &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v}
	}
	return p.parsePipe()
}

// parseTypedLiteral reads `kind(raw text)`; the text between the
// parentheses is kept raw (the types package parses it), except that a
// single quoted string is decoded.
func (p *parser) parseTypedLiteral(kind ast.LitKind) *ast.Literal {
	start := p.tok.pos
	p.next() // the type name
	open := p.tok
	closeAt := matchParen(p.src, int(open.end))
	if closeAt < 0 {
		p.failAt(open, "a closing ')'")
	}
	raw := strings.TrimSpace(p.src[open.end:closeAt])
	p.lastEnd = diag.Pos(closeAt + 1)
	p.tok = scan(p.src, closeAt+1)
	lit := &ast.Literal{Span: ast.Span{Start: start, Stop: diag.Pos(closeAt + 1)}, Kind: kind, Text: raw}
	if raw == "null" {
		lit.Null = true
		return lit
	}
	if raw == "" && kind != ast.LitDynamic {
		p.failAt(scan(p.src, int(open.end)), "a literal value")
	}
	if kind != ast.LitDynamic {
		if s := scan(raw, 0); s.kind == tString && int(s.end) == len(raw) {
			lit.Text = s.text
		}
	}
	return lit
}

// matchParen returns the index of the ')' that closes the '(' just before
// off, skipping nested brackets and string literals, or -1.
func matchParen(src string, off int) int {
	depth := 1
	for i := off; i < len(src); i++ {
		switch c := src[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				if c != ')' {
					return -1
				}
				return i
			}
		case '\'', '"':
			t := scanString(src, i, i)
			if t.kind != tString {
				return -1
			}
			i = int(t.end) - 1
		case '@':
			if i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '"') {
				t := scanVerbatim(src, i, i+1)
				if t.kind != tString {
					return -1
				}
				i = int(t.end) - 1
			}
		case '\n':
			// literals may span lines (dynamic arrays); keep going
		}
	}
	return -1
}

// parseTypeof reads `typeof(type)` as a value.
func (p *parser) parseTypeof() ast.Expr {
	start := p.tok.pos
	p.next()
	p.expect("(")
	var name string
	if p.accept("*") {
		name = "*"
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
	for !p.tok.is("]") {
		dt.Values = append(dt.Values, p.parseExpr())
		if !p.accept(",") {
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
	var cols []*ast.ColumnDecl
	for !p.tok.is(")") {
		cols = append(cols, p.parseColumnDecl(true))
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return cols
}

// parseExternalData reads `externaldata(cols) [uris] [with (props)]`.
func (p *parser) parseExternalData() ast.Expr {
	start := p.tok.pos
	p.next()
	ed := &ast.ExternalDataExpr{Columns: p.parseColumnDecls()}
	p.expect("[")
	for !p.tok.is("]") {
		ed.URIs = append(ed.URIs, p.parseExpr())
		if !p.accept(",") {
			break
		}
	}
	p.expect("]")
	if p.acceptWord("with") {
		ed.With = p.parsePropertyList()
	}
	ed.Span = p.span(start)
	return ed
}

// parsePropertyList reads `(name = value, ...)`.
func (p *parser) parsePropertyList() []*ast.NamedExpr {
	p.expect("(")
	var props []*ast.NamedExpr
	for !p.tok.is(")") {
		start := p.tok.pos
		name := p.parseIdent()
		p.expect("=")
		v := p.parseExpr()
		props = append(props, &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v})
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return props
}
