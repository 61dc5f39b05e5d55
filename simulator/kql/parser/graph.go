package parser

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// The graph operators are parsed for their syntax only (the engine does
// not run them): the parser checks them as Kusto does and keeps their text
// in an *ast.GenericOp.

// graphParams are the parameter names of the graph operators.
var graphParams = map[string]bool{
	"cycles": true, "output": true, "with_component_id": true, "with_node_id": true,
	"with_source_id": true, "with_target_id": true, "with_step_name": true,
}

// parseGraphOp checks a graph operator's arguments; it reports false for
// operators it does not know (left to parseGeneric).
func (p *parser) parseGraphOp(kw string) bool {
	switch kw {
	case "make-graph":
		p.parseParams(graphParams, true)
		p.parseIdent()
		if !p.arrow("-", "-", ">") && !p.arrow("-", "-") {
			p.fail("'-->'")
		}
		p.parseIdent()
		switch {
		case p.tok.isWord("with_node_id"):
			p.next()
			p.expect("=")
			p.parsePlainName()
		case p.acceptWord("with"):
			for {
				p.parseUnary()
				p.expectWord("on")
				p.parseIdent()
				if !p.accept(",") {
					break
				}
			}
		}
		if p.isWords("partitioned", "-", "by") {
			p.next()
			p.next()
			p.next()
			p.parseIdent()
			p.expect("(")
			p.parseSubPipe(true)
			p.expect(")")
		}
	case "graph-match", "graph-shortest-paths":
		p.parseParams(graphParams, true)
		for {
			p.parseGraphPattern()
			if !p.accept(",") {
				break
			}
		}
		if p.acceptWord("where") {
			p.parsePipe()
		}
		if p.acceptWord("project") {
			p.parseNamedList()
		}
	case "graph-to-table":
		for {
			if !p.tok.isWord("nodes") && !p.tok.isWord("edges") {
				p.fail("'nodes' or 'edges'")
			}
			p.next()
			if p.acceptWord("as") {
				p.parsePlainName()
			}
			p.parseParams(graphParams, true)
			if !p.accept(",") {
				break
			}
		}
	case "graph-mark-components":
		p.parseParams(graphParams, true)
	case "graph-where-nodes", "graph-where-edges":
		p.parseExpr()
	default:
		return false
	}
	return true
}

// parseGraphPattern reads one path pattern: nodes `(name)` joined by edges
// `-->`, `<--`, `--`, `-[e]->`, `<-[e]-`, `-[e*1..3]-`.
func (p *parser) parseGraphPattern() {
	n := 0
	for {
		switch {
		case p.accept("("):
			if !p.tok.is(")") {
				p.parsePlainName()
			}
			p.expect(")")
		case p.arrow("-", "-", ">") || p.arrow("<", "-", "-") || p.arrow("-", "-"):
		case p.arrow("-", "[") || p.arrow("<", "-", "["):
			if p.tok.kind == tIdent {
				p.parsePlainName()
			}
			if p.accept("*") {
				p.parseUnary()
				p.expect("..")
				p.parseUnary()
			}
			if !p.arrow("]", "-", ">") && !p.arrow("]", "-") {
				p.failAt(p.tok, "one of: ]->, ]-")
			}
		default:
			if n == 0 {
				panic(bailout{diag.Errorf(diag.CodeSyntax, p.lastEnd, p.lastEnd, "Missing graph-match pattern.")})
			}
			return
		}
		n++
	}
}

// arrow consumes the punctuation sequence parts written without spaces
// (`-->` is three tokens for this lexer) and reports whether it did.
func (p *parser) arrow(parts ...string) bool {
	t := p.tok
	for i, s := range parts {
		if !t.is(s) {
			return false
		}
		if i+1 < len(parts) {
			nt := p.scanAt(int(t.end))
			if !adjacent(t, nt) {
				return false
			}
			t = nt
		}
	}
	for range parts {
		p.next()
	}
	return true
}

// genericOp builds the GenericOp for an operator parsed from start.
func (p *parser) genericOp(kw string, start diag.Pos) *ast.GenericOp {
	return &ast.GenericOp{Keyword: kw, Text: p.rawFrom(start)}
}
