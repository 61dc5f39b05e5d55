package parser

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/diag"

	"github.com/soclab/soclab/simulator/kql/ast"
)

// parseScript reads statements separated by ';' up to the end of input.
// As in Kusto, one trailing ';' is allowed, empty statements are not, and
// two statements must be separated by ';'.
func (p *parser) parseScript() *ast.Script {
	s := &ast.Script{}
	s.Start = p.tok.pos
	for p.tok.kind != tEOF {
		if p.tok.is(";") {
			p.failFragment()
		}
		s.Stmts = append(s.Stmts, p.parseStmt())
		if p.tok.kind == tEOF {
			break
		}
		if !p.tok.is(";") {
			if p.startsExpr() {
				p.failMissing("';'")
			}
			p.failFragment()
		}
		p.next()
	}
	s.Stop = p.lastEnd
	if len(s.Stmts) == 0 {
		s.Start, s.Stop = 0, 0
	}
	return s
}

// parseStmt reads one statement.
func (p *parser) parseStmt() ast.Stmt {
	start := p.tok.pos
	switch {
	case p.tok.isWord("let") && p.letFollows():
		return p.parseLet()
	case p.tok.isWord("set"):
		p.next()
		name := p.parsePlainName().Name
		st := &ast.SetStmt{Name: name}
		if p.accept("=") {
			st.Value = p.parseExpr()
		}
		st.Span = p.span(start)
		return st
	case p.tok.isWord("declare") && p.peek().isWord("pattern"):
		return p.parsePattern()
	case p.tok.isWord("declare") && p.peek().isWord("query_parameters"):
		p.next()
		p.next()
		st := &ast.DeclareStmt{Params: p.parseParamList()}
		if len(st.Params) == 0 {
			p.failAt(p.tok, "a parameter") // Kusto requires at least one
		}
		st.Span = p.span(start)
		return st
	}
	if !p.startsExpr() {
		p.failFragment()
	}
	q := p.parsePipe()
	return &ast.QueryStmt{Span: p.span(start), Query: q}
}

// failFragment reports text that cannot start a statement, in the words of
// Kusto's parser.
func (p *parser) failFragment() {
	t := p.tok
	if t.kind == tIllegal {
		p.fail("a statement")
	}
	panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end, "%s", fragmentMessage)})
}

// startsExpr reports whether the current token can start an expression or
// a query.
func (p *parser) startsExpr() bool {
	t := p.tok
	switch t.kind {
	case tEOF, tIllegal:
		return false
	case tPunct:
		return t.text == "(" || t.text == "[" || t.text == "-" || t.text == "+" || t.text == "*" || t.text == "@"
	case tIdent:
		if reservedWords[t.text] && !specialNames[t.text] {
			// A reserved word starts a statement only as an operator, a
			// statement keyword or a literal/special form.
			if kw, _ := p.operatorWord(); startOperators[kw] {
				return true
			}
			switch t.text {
			case "set", "datatable", "externaldata", "external_data", "toscalar", "totable", "typeof":
				return true
			}
			return p.peek().is("(") && isTypedLiteral(t.text)
		}
	}
	return true
}

// parseLet reads `let name = value`.
func (p *parser) parseLet() *ast.LetStmt {
	start := p.tok.pos
	p.expectWord("let")
	name := p.parsePlainName()
	p.expect("=")
	var v ast.Expr
	switch {
	case p.tok.isWord("materialize") && p.peek().is("("):
		// materialize() is only valid as the whole value of a let.
		v = p.parseCall()
	case p.isLambdaStart():
		v = p.parseFunc()
	default:
		v = p.parsePipe()
	}
	return &ast.LetStmt{Span: p.span(start), Name: name, Value: v}
}

// isLambdaStart reports whether the current tokens start a function
// declaration, as Kusto decides: `view`, or `(` followed by `)`, `*` or
// `name:`.
func (p *parser) isLambdaStart() bool {
	t := p.tok
	if t.isWord("view") {
		t = p.scanAt(int(t.end))
		if t.is("(") {
			return true
		}
	}
	if !t.is("(") {
		return false
	}
	n := p.scanAt(int(t.end))
	if n.is(")") || n.is("*") {
		return true
	}
	if n.kind == tIdent {
		return p.scanAt(int(n.end)).is(":")
	}
	if n.is("[") {
		if s := p.scanAt(int(n.end)); s.kind == tString {
			if c := p.scanAt(int(s.end)); c.is("]") {
				return p.scanAt(int(c.end)).is(":")
			}
		}
	}
	return false
}

// parseFunc reads `[view] (params) { body }`.
func (p *parser) parseFunc() *ast.FuncExpr {
	start := p.tok.pos
	f := &ast.FuncExpr{}
	if p.acceptWord("view") {
		f.View = true
	}
	f.Params = p.parseParamList()
	f.Body = p.parseBody()
	f.Span = p.span(start)
	return f
}

// parseBody reads `{ let ...; ... ; expr }`.
func (p *parser) parseBody() *ast.Body {
	start := p.tok.pos
	p.expect("{")
	b := &ast.Body{}
	for p.tok.isWord("let") {
		b.Lets = append(b.Lets, p.parseLet())
		p.expect(";")
	}
	if !p.tok.is("}") {
		b.Result = p.parsePipe()
		p.accept(";")
	}
	p.expect("}")
	b.Span = p.span(start)
	return b
}

// parseParamList reads `(name:type [= default], T:(*), ...)`.
func (p *parser) parseParamList() []*ast.Param {
	p.expect("(")
	var params []*ast.Param
	if !p.tok.is(")") {
		params = append(params, p.parseParam())
		for p.accept(",") {
			params = append(params, p.parseParam())
		}
	}
	p.expect(")")
	return params
}

// parseParam reads one parameter.
func (p *parser) parseParam() *ast.Param {
	start := p.tok.pos
	prm := &ast.Param{Name: p.parseDeclName()}
	p.expect(":")
	if p.tok.is("(") {
		prm.Table = p.parseTableType()
	} else {
		prm.Type = p.parseTypeName()
	}
	if p.accept("=") {
		prm.Default = p.parseDefaultValue()
	}
	prm.Span = p.span(start)
	return prm
}

// parseDefaultValue reads a parameter default: a literal (signed numbers
// included) or a name, as Kusto allows.
func (p *parser) parseDefaultValue() ast.Expr {
	t := p.tok
	switch {
	case t.kind == tIdent && !p.peek().is("("):
		return p.parseIdent()
	}
	return p.parseLiteralValue()
}

// parseTableType reads `(*)`, `(a:int, b:string)` or `(a:int, *)`.
func (p *parser) parseTableType() *ast.TableType {
	start := p.tok.pos
	p.expect("(")
	tt := &ast.TableType{}
	p.list(")", true, func() {
		if p.accept("*") {
			tt.Star = true
		} else {
			tt.Columns = append(tt.Columns, p.parseColumnDecl(true))
		}
	})
	p.expect(")")
	tt.Span = p.span(start)
	return tt
}

// parseColumnDecl reads `name:type` (typeRequired) or `name[:type]`.
func (p *parser) parseColumnDecl(typeRequired bool) *ast.ColumnDecl {
	start := p.tok.pos
	c := &ast.ColumnDecl{Name: p.parseDeclName()}
	if typeRequired || p.tok.is(":") {
		p.expect(":")
		c.Type = p.parseTypeName()
	}
	c.Span = p.span(start)
	return c
}

// scalarTypes are the type names Kusto accepts in declarations.
var scalarTypes = map[string]string{
	"bool": "bool", "boolean": "bool", "int": "int", "int32": "int", "long": "long", "int64": "long",
	"real": "real", "double": "real", "float": "real", "decimal": "decimal", "string": "string",
	"datetime": "datetime", "date": "datetime", "timespan": "timespan", "time": "timespan",
	"guid": "guid", "uniqueid": "guid", "dynamic": "dynamic",
}

// parseTypeName reads a scalar type name and returns its canonical form.
func (p *parser) parseTypeName() string {
	if p.tok.kind != tIdent {
		p.fail("a type name")
	}
	name, ok := scalarTypes[strings.ToLower(p.tok.text)]
	if !ok {
		p.fail("a type name")
	}
	p.next()
	return name
}

// parseDottedName reads `a.b.c` written without spaces (set options, hints).
func (p *parser) parseDottedName() string {
	if p.tok.kind != tIdent {
		p.fail("a name")
	}
	var b strings.Builder
	b.WriteString(p.tok.text)
	p.next()
	for p.tok.is(".") && p.lastEnd == p.tok.pos {
		nt := p.peek()
		if nt.kind != tIdent || !adjacent(p.tok, nt) {
			break
		}
		b.WriteString(".")
		b.WriteString(nt.text)
		p.next()
		p.next()
	}
	return b.String()
}

// parsePattern reads `declare pattern Name [= (params)[[path]] { rules }]`.
func (p *parser) parsePattern() *ast.PatternStmt {
	start := p.tok.pos
	p.next()
	p.next()
	st := &ast.PatternStmt{Name: p.parseIdent()}
	if p.accept("=") {
		st.Params = p.parseParamList()
		if p.accept("[") {
			p.list("]", false, func() {
				st.PathParams = append(st.PathParams, p.parseParam())
			})
			p.expect("]")
		}
		p.expect("{")
		for p.tok.is("(") {
			rs := p.tok.pos
			r := &ast.PatternRule{}
			p.next()
			p.list(")", false, func() {
				r.Args = append(r.Args, p.parseExpr())
			})
			p.expect(")")
			if p.accept(".") {
				p.expect("[")
				p.list("]", false, func() {
					r.Path = append(r.Path, p.parseExpr())
				})
				p.expect("]")
			}
			p.expect("=")
			p.expect("{")
			r.Body = p.parsePipe()
			for p.accept(";") {
			}
			p.expect("}")
			p.expect(";")
			r.Span = p.span(rs)
			st.Rules = append(st.Rules, r)
		}
		p.expect("}")
	}
	st.Span = p.span(start)
	return st
}

// letFollows reports whether `let` is followed by a name (otherwise Kusto
// reads `let` as a name in an expression).
func (p *parser) letFollows() bool {
	nt := p.peek()
	if nt.kind == tIdent {
		return !reservedWords[nt.text] && !boolWords[nt.text]
	}
	return nt.is("[") && p.ahead(2).kind == tString
}
