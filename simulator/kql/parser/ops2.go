package parser

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// parseRightTable reads the right side of join/lookup: an expression
// without pipes (a name, a call or a parenthesized subquery).
func (p *parser) parseRightTable() ast.Expr {
	return p.parseExpr()
}

// parseJoinKeys reads `key, $left.a == $right.b, ...` after `on`.
func (p *parser) parseJoinKeys() []ast.Expr {
	return p.parseExprList()
}

func (p *parser) parseJoin() ast.Op {
	op := &ast.JoinOp{Params: p.parseParams(nil, true)}
	op.Right = p.parseRightTable()
	switch {
	case p.acceptWord("on"):
		op.On = p.parseJoinKeys()
	case p.acceptWord("where"):
		op.Where = p.parseExpr()
	}
	return op
}

func (p *parser) parseLookup() ast.Op {
	op := &ast.LookupOp{Params: p.parseParams(nil, true)}
	op.Right = p.parseRightTable()
	p.expectWord("on")
	op.On = p.parseJoinKeys()
	return op
}

func (p *parser) parseUnion() ast.Op {
	op := &ast.UnionOp{Params: p.parseParams(unionParamNames, true)}
	for {
		op.Tables = append(op.Tables, p.parseTableRef())
		if !p.accept(",") {
			return op
		}
	}
}

// parseTableRef reads a table in union/search/find: a name pattern, a
// call such as table("T"), or a parenthesized subquery.
func (p *parser) parseTableRef() ast.Expr {
	t := p.tok
	switch {
	case t.kind == tIdent && reservedWords[t.text] && !keywordFuncs[t.text]:
		p.failReserved(t)
	case t.is("*") || (t.kind == tIdent && !p.peek().is("(") && !p.peek().is(".")):
		return p.parseNamePattern()
	case t.is("(") || t.kind == tIdent || (t.is("[") && p.peek().kind == tString):
		return p.parsePostfix(p.parsePrimary())
	}
	p.fail("a table name or a subquery")
	return nil
}

// parseMvItems reads `[Name =] expr [to typeof(T)], ...`.
func (p *parser) parseMvItems() []*ast.MvItem {
	var items []*ast.MvItem
	for {
		start := p.tok.pos
		it := &ast.MvItem{X: p.parseNamed()}
		if p.acceptWord("to") {
			if !p.tok.isWord("typeof") || !p.peek().is("(") {
				p.fail("'typeof'")
			}
			it.ToType = p.parseTypeof().(*ast.TypeExpr).Name
		}
		it.Span = p.span(start)
		items = append(items, it)
		if !p.accept(",") {
			return items
		}
	}
}

func (p *parser) parseMvExpand() ast.Op {
	op := &ast.MvExpandOp{Params: p.parseParams(nil, true)}
	op.Items = p.parseMvItems()
	if p.acceptWord("limit") {
		op.Limit = p.parseExpr()
	}
	return op
}

func (p *parser) parseMvApply() ast.Op {
	op := &ast.MvApplyOp{Params: p.parseParams(nil, true)}
	op.Items = p.parseMvItems()
	if p.acceptWord("limit") {
		op.Limit = p.parseExpr()
	}
	p.expectWord("on")
	p.expect("(")
	op.Sub = p.parseSubPipe(true)
	p.expect(")")
	return op
}

func (p *parser) parseParse(kw string) ast.Op {
	op := &ast.ParseOp{Keyword: kw, Params: p.parseParams(parseParamNames, true)}
	op.Source = p.parseExpr()
	p.expectWord("with")
	for {
		t := p.tok
		switch {
		case t.is("*"):
			p.next()
			op.Pattern = append(op.Pattern, &ast.ParsePart{Span: ast.Span{Start: t.pos, Stop: t.end}, Star: true})
		case t.kind == tString:
			lit := p.parseStringLit()
			op.Pattern = append(op.Pattern, &ast.ParsePart{Span: lit.Span, Lit: lit})
		case t.kind == tIdent || (t.is("[") && p.peek().kind == tString):
			col := p.parseColumnDecl(false)
			op.Pattern = append(op.Pattern, &ast.ParsePart{Span: col.Span, Column: col})
		default:
			return op
		}
	}
}

func (p *parser) parseParseKv() ast.Op {
	op := &ast.ParseKvOp{Source: p.parseExpr()}
	p.expectWord("as")
	op.Columns = p.parseColumnDecls()
	if p.acceptWord("with") {
		op.With = p.parsePropertyList(parseKvProps)
	}
	return op
}

// parseTableList reads `in (T1, T2*, ...)` after `in` was seen.
func (p *parser) parseTableList() []ast.Expr {
	p.expect("(")
	var list []ast.Expr
	for {
		list = append(list, p.parseTableRef())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return list
}

func (p *parser) parseSearch() ast.Op {
	op := &ast.SearchOp{Params: p.parseParams(nil, true)}
	if p.tok.isWord("in") && p.peek().is("(") {
		p.next()
		op.Tables = p.parseTableList()
	}
	if t := p.tok; t.is("*") && !p.isStarOperand() {
		// `search *` alone, or `search * and pred`.
		p.next()
		star := &ast.StarExpr{Span: ast.Span{Start: t.pos, Stop: t.end}}
		if p.acceptWord("and") {
			r := p.parseExpr()
			op.Pred = &ast.BinaryExpr{Span: p.span(t.pos), Op: "and", L: star, R: r}
		} else {
			op.Pred = star
		}
		return op
	}
	op.Pred = p.parseExpr()
	return op
}

// isStarOperand reports whether a '*' at the current token is the left
// operand of a comparison or string operator (`* has "x"`, `* == 1`).
func (p *parser) isStarOperand() bool {
	st := p.save()
	defer p.restore(st)
	p.next()
	if op, _ := p.stringOp(); op != "" {
		return true
	}
	return p.tok.is("==")
}

func (p *parser) parseFind() ast.Op {
	op := &ast.FindOp{Params: p.parseParams(nil, false)}
	if p.tok.isWord("in") && p.peek().is("(") {
		p.next()
		op.Tables = p.parseTableList()
	}
	if len(op.Params) > 0 || op.Tables != nil {
		p.expectWord("where")
	} else {
		p.acceptWord("where")
	}
	op.Pred = p.parseExpr()
	switch {
	case p.isWords("project", "-", "smart"):
		p.next()
		p.next()
		p.next()
		op.ProjectSmart = true
	case p.isWords("project", "-", "away"):
		p.next()
		p.next()
		p.next()
		p.parsePatternList() // accepted, ignored
	case p.tok.isWord("project"):
		p.next()
		for {
			start := p.tok.pos
			if p.tok.isWord("pack_all") && p.peek().is("(") {
				op.Project = append(op.Project, p.parseCall())
			} else {
				c := p.parseColumnDecl(false)
				id := c.Name
				if c.Type != "" {
					op.Project = append(op.Project, &ast.NamedExpr{Span: p.span(start), Name: id, Names: []*ast.Ident{id}, Value: &ast.TypeExpr{Span: c.Span, Name: c.Type}})
				} else {
					op.Project = append(op.Project, id)
				}
			}
			if !p.accept(",") {
				break
			}
		}
	}
	return op
}

// isWords reports whether the next tokens are exactly the given texts,
// written without spaces between them.
func (p *parser) isWords(words ...string) bool {
	t := p.tok
	for i, w := range words {
		if t.text != w || (t.kind != tIdent && t.kind != tPunct) {
			return false
		}
		if i+1 < len(words) {
			nt := p.scanAt(int(t.end))
			if !adjacent(t, nt) {
				return false
			}
			t = nt
		}
	}
	return true
}

func (p *parser) parseMakeSeries() ast.Op {
	op := &ast.MakeSeriesOp{Params: p.parseParams(nil, true)}
	for {
		start := p.tok.pos
		a := &ast.SeriesAgg{X: p.parseNamed()}
		if p.acceptWord("default") {
			p.expect("=")
			a.Default = p.parseExpr()
		}
		a.Span = p.span(start)
		op.Aggs = append(op.Aggs, a)
		if !p.accept(",") {
			break
		}
	}
	p.expectWord("on")
	op.On = p.parseAdditive()
	if p.acceptWord("in") {
		if !p.tok.isWord("range") {
			p.fail("'range'")
		}
		op.InRange = p.parseCall()
	} else {
		if p.acceptWord("from") {
			op.From = p.parseExpr()
		}
		if p.acceptWord("to") {
			op.To = p.parseExpr()
		}
		p.expectWord("step")
		op.Step = p.parseExpr()
	}
	if p.acceptWord("by") {
		op.By = p.parseNamedList()
	}
	return op
}

func (p *parser) parseRender() ast.Op {
	if p.tok.kind != tIdent {
		p.fail("a chart type")
	}
	op := &ast.RenderOp{Chart: p.tok.text}
	p.next()
	// Legacy properties without `with (...)`: kind=, title=, accumulate=,
	// `with "text"` and `by cols`.
	for {
		switch {
		case (p.tok.isWord("kind") || p.tok.isWord("title") || p.tok.isWord("accumulate")) && p.peek().is("="):
			op.With = append(op.With, p.parseProperty(renderProps))
			continue
		case p.tok.isWord("by"):
			start := p.tok.pos
			name := p.parseAnyIdent()
			v := p.parseExprList()
			op.With = append(op.With, &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name},
				Value: &ast.InExpr{Span: p.span(v[0].Pos()), X: v[0], Op: "list", List: v}})
			continue
		case p.tok.isWord("with") && !p.peek().is("("):
			start := p.tok.pos
			name := p.parseAnyIdent()
			v := p.parseStringLit()
			op.With = append(op.With, &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v})
			continue
		}
		break
	}
	if p.acceptWord("with") {
		p.expect("(")
		p.accept(",") // Kusto allows a leading comma
		p.list(")", false, func() {
			op.With = append(op.With, p.parseProperty(renderProps))
		})
		p.expect(")")
	}
	return op
}

func (p *parser) parseFacet() ast.Op {
	p.expectWord("by")
	op := &ast.FacetOp{Cols: p.parseExprList()}
	if p.acceptWord("with") {
		p.expect("(")
		op.With = p.parseSubPipe(true)
		p.expect(")")
	}
	return op
}

func (p *parser) parseRange() ast.Op {
	op := &ast.RangeOp{Col: p.parseIdent()}
	p.expectWord("from")
	op.From = p.parseExpr()
	p.expectWord("to")
	op.To = p.parseExpr()
	p.expectWord("step")
	op.Step = p.parseExpr()
	return op
}

func (p *parser) parsePartition() ast.Op {
	op := &ast.PartitionOp{Params: p.parseParams(nil, false)}
	p.expectWord("by")
	op.By = p.parseIdent()
	switch {
	case p.accept("("):
		op.Sub = p.parseSubPipe(false)
		p.expect(")")
	case p.accept("{"):
		op.Sub = p.parsePipe()
		p.expect("}")
	default:
		p.fail("'(' or '{'")
	}
	return op
}

func (p *parser) parseFork() ast.Op {
	op := &ast.ForkOp{}
	for p.tok.is("(") || (p.tok.kind == tIdent && p.peek().is("=")) {
		if p.tok.kind == tIdent {
			p.next() // named branch: name = (...)
			p.next()
		}
		p.expect("(")
		op.Branches = append(op.Branches, p.parseSubPipe(false))
		p.expect(")")
	}
	if len(op.Branches) == 0 {
		p.fail("'('")
	}
	return op
}

func (p *parser) parseReduce() ast.Op {
	op := &ast.ReduceOp{}
	p.parseParams(nil, false)
	p.expectWord("by")
	op.By = p.parseExpr()
	if p.acceptWord("with") {
		for {
			start := p.tok.pos
			name := p.parseIdent()
			p.expect("=")
			v := p.parseExpr()
			op.With = append(op.With, &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: v})
			if !p.accept(",") {
				break
			}
		}
	}
	return op
}

func (p *parser) parseScan() ast.Op {
	op := &ast.ScanOp{}
	for {
		if ps := p.parseParams(nil, false); len(ps) > 0 {
			op.Params = append(op.Params, ps...)
			continue
		}
		if p.tok.isWord("declare") && p.peek().is("(") {
			p.next()
			op.Declare = p.parseParamList()
			continue
		}
		break
	}
	p.expectWord("with")
	p.expect("(")
	for p.tok.isWord("step") {
		start := p.tok.pos
		p.next()
		st := &ast.ScanStep{Name: p.parseIdent()}
		if p.tok.isWord("optional") {
			st.Optional = true
			p.next()
		}
		if p.tok.isWord("output") {
			p.next()
			p.expect("=")
			p.parseIdent()
		}
		p.expect(":")
		st.Cond = p.parseExpr()
		if p.accept("=>") {
			for {
				a := p.parseNamed()
				ne, ok := a.(*ast.NamedExpr)
				if !ok {
					p.fail("an assignment 'Column = value'")
				}
				st.Assigns = append(st.Assigns, ne)
				if !p.accept(",") {
					break
				}
			}
		}
		p.expect(";")
		st.Span = p.span(start)
		op.Steps = append(op.Steps, st)
	}
	p.expect(")")
	return op
}

// parseGeneric skips the arguments of an operator that is parsed but not
// run, up to the next '|' or ';' outside brackets, and keeps the raw text.
func (p *parser) parseGeneric(kw string) ast.Op {
	start := p.tok.pos
	if p.parseGraphOp(kw) {
		return p.genericOp(kw, start)
	}
	depth := 0
	for {
		t := p.tok
		switch {
		case t.kind == tEOF:
			if depth > 0 {
				p.fail("a closing bracket")
			}
			return &ast.GenericOp{Keyword: kw, Text: p.rawFrom(start)}
		case t.kind == tIllegal:
			p.fail("an operator argument")
		case t.is("(") || t.is("[") || t.is("{"):
			depth++
		case t.is(")") || t.is("]") || t.is("}"):
			if depth == 0 {
				return &ast.GenericOp{Keyword: kw, Text: p.rawFrom(start)}
			}
			depth--
		case depth == 0 && (t.is("|") || t.is(";")):
			return &ast.GenericOp{Keyword: kw, Text: p.rawFrom(start)}
		}
		p.next()
	}
}

// rawFrom returns the source text from start to the last consumed token.
func (p *parser) rawFrom(start diag.Pos) string {
	if p.lastEnd <= start {
		return ""
	}
	return strings.TrimSpace(p.src[start:p.lastEnd])
}
