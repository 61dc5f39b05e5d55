package parser

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
)

// parseScript reads statements separated by ';' up to the end of input.
// Empty statements (extra ';') are allowed; two statements must be
// separated by ';'.
func (p *parser) parseScript() *ast.Script {
	s := &ast.Script{}
	s.Start = p.tok.pos
	for {
		for p.accept(";") {
		}
		if p.tok.kind == tEOF {
			break
		}
		s.Stmts = append(s.Stmts, p.parseStmt())
		if p.tok.kind == tEOF {
			break
		}
		if !p.tok.is(";") {
			p.fail("';'")
		}
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
	case p.tok.isWord("let"):
		return p.parseLet()
	case p.tok.isWord("set") && p.peek().kind == tIdent:
		p.next()
		name := p.parseDottedName()
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
		st.Span = p.span(start)
		return st
	}
	q := p.parsePipe()
	return &ast.QueryStmt{Span: p.span(start), Query: q}
}

// parseLet reads `let name = value`.
func (p *parser) parseLet() *ast.LetStmt {
	start := p.tok.pos
	p.expectWord("let")
	name := p.parseIdent()
	p.expect("=")
	var v ast.Expr
	if p.isLambdaStart() {
		v = p.parseFunc()
	} else {
		v = p.parsePipe()
	}
	return &ast.LetStmt{Span: p.span(start), Name: name, Value: v}
}

// isLambdaStart reports whether the current tokens start `(params) {` or
// `view (params) {`.
func (p *parser) isLambdaStart() bool {
	t := p.tok
	if t.isWord("view") {
		t = scan(p.src, int(t.end))
	}
	if !t.is("(") {
		return false
	}
	depth := 0
	for ; t.kind != tEOF && t.kind != tIllegal; t = scan(p.src, int(t.end)) {
		switch {
		case t.is("(") || t.is("["):
			depth++
		case t.is(")") || t.is("]"):
			depth--
			if depth == 0 {
				return scan(p.src, int(t.end)).is("{")
			}
		case t.is(";") || t.is("|"):
			return false
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
	for {
		for p.accept(";") {
		}
		if p.tok.isWord("let") {
			b.Lets = append(b.Lets, p.parseLet())
			if !p.tok.is(";") {
				p.fail("';'")
			}
			continue
		}
		break
	}
	if !p.tok.is("}") {
		b.Result = p.parsePipe()
		for p.accept(";") {
		}
	}
	p.expect("}")
	b.Span = p.span(start)
	return b
}

// parseParamList reads `(name:type [= default], T:(*), ...)`.
func (p *parser) parseParamList() []*ast.Param {
	p.expect("(")
	var params []*ast.Param
	for !p.tok.is(")") {
		params = append(params, p.parseParam())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return params
}

// parseParam reads one parameter.
func (p *parser) parseParam() *ast.Param {
	start := p.tok.pos
	prm := &ast.Param{Name: p.parseIdent()}
	p.expect(":")
	if p.tok.is("(") {
		prm.Table = p.parseTableType()
	} else {
		prm.Type = p.parseTypeName()
	}
	if p.accept("=") {
		prm.Default = p.parseExpr()
	}
	prm.Span = p.span(start)
	return prm
}

// parseTableType reads `(*)`, `(a:int, b:string)` or `(a:int, *)`.
func (p *parser) parseTableType() *ast.TableType {
	start := p.tok.pos
	p.expect("(")
	tt := &ast.TableType{}
	for !p.tok.is(")") {
		if p.accept("*") {
			tt.Star = true
		} else {
			tt.Columns = append(tt.Columns, p.parseColumnDecl(true))
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	tt.Span = p.span(start)
	return tt
}

// parseColumnDecl reads `name:type` (typeRequired) or `name[:type]`.
func (p *parser) parseColumnDecl(typeRequired bool) *ast.ColumnDecl {
	start := p.tok.pos
	c := &ast.ColumnDecl{Name: p.parseIdent()}
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
			for !p.tok.is("]") {
				st.PathParams = append(st.PathParams, p.parseParam())
				if !p.accept(",") {
					break
				}
			}
			p.expect("]")
		}
		p.expect("{")
		for p.tok.is("(") {
			rs := p.tok.pos
			r := &ast.PatternRule{}
			p.next()
			for !p.tok.is(")") {
				r.Args = append(r.Args, p.parseExpr())
				if !p.accept(",") {
					break
				}
			}
			p.expect(")")
			if p.accept(".") {
				p.expect("[")
				for !p.tok.is("]") {
					r.Path = append(r.Path, p.parseExpr())
					if !p.accept(",") {
						break
					}
				}
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
