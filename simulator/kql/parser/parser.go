package parser

import (
	"fmt"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// maxDepth bounds expression nesting so hostile input cannot exhaust the stack.
const maxDepth = 400

// maxLen bounds the query text (Kusto's own limit is far lower in practice).
const maxLen = 4 << 20

// Parse parses a KQL query text (statements separated by ';') into a
// script. On failure it returns nil and a *diag.Error for the first syntax
// error. It never panics.
func Parse(src string) (script *ast.Script, err error) {
	if len(src) > maxLen {
		return nil, diag.Errorf(diag.CodeTooComplex, 0, 0, "the query text is longer than %d bytes", maxLen)
	}
	p := newParser(src)
	defer p.recover(&err)
	script = p.parseScript()
	return script, nil
}

// ParseExpr parses a single expression (scalar or tabular, pipes allowed)
// that must span the whole text.
func ParseExpr(src string) (expr ast.Expr, err error) {
	if len(src) > maxLen {
		return nil, diag.Errorf(diag.CodeTooComplex, 0, 0, "the query text is longer than %d bytes", maxLen)
	}
	p := newParser(src)
	defer p.recover(&err)
	expr = p.parsePipe()
	if p.tok.kind != tEOF {
		p.fail("end of the expression")
	}
	return expr, nil
}

// parser is a recursive-descent parser over tokens scanned on demand: the
// lexer is a pure function of the byte offset, so lookahead and
// backtracking are cheap and need no buffer.
type parser struct {
	src     string
	tok     token    // the current token
	lastEnd diag.Pos // end of the last consumed token
	depth   int
	cache   [4]cachedToken // recently scanned tokens, by offset
}

// cachedToken memoizes scan results: lookahead rescans the same offsets.
type cachedToken struct {
	off int
	tok token
	ok  bool
}

// scanAt returns the token at or after byte offset off, memoized.
func (p *parser) scanAt(off int) token {
	c := &p.cache[off&3]
	if c.ok && c.off == off {
		return c.tok
	}
	t := scan(p.src, off)
	*c = cachedToken{off: off, tok: t, ok: true}
	return t
}

// state is a saved parser position for backtracking.
type state struct {
	tok     token
	lastEnd diag.Pos
}

// bailout carries a syntax error out of deep recursion to Parse.
type bailout struct{ err *diag.Error }

func newParser(src string) *parser {
	p := &parser{src: src}
	p.tok = scan(src, 0)
	return p
}

// recover turns a bailout (or, defensively, any panic) into an error.
func (p *parser) recover(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if b, ok := r.(bailout); ok {
		*err = b.err
		return
	}
	*err = diag.Errorf(diag.CodeSyntax, p.tok.pos, p.tok.end, "internal parser error: %v", r)
}

// next advances to the following token.
func (p *parser) next() {
	p.lastEnd = p.tok.end
	p.tok = p.scanAt(int(p.tok.end))
}

// peek returns the token after the current one.
func (p *parser) peek() token { return p.scanAt(int(p.tok.end)) }

// ahead returns the n-th token after the current one (0 is the current).
func (p *parser) ahead(n int) token {
	t := p.tok
	for ; n > 0 && t.kind != tEOF; n-- {
		t = p.scanAt(int(t.end))
	}
	return t
}

// save returns the current position for a later restore.
func (p *parser) save() state { return state{p.tok, p.lastEnd} }

// restore moves the parser back to a saved position.
func (p *parser) restore(s state) { p.tok, p.lastEnd = s.tok, s.lastEnd }

// adjacent reports whether token b starts right where a ends.
func adjacent(a, b token) bool { return a.end == b.pos }

// fail stops parsing at the current token, saying (in Kusto's words) what was expected.
func (p *parser) fail(what string) {
	p.failAt(p.tok, what)
}

func (p *parser) failAt(t token, what string) {
	if t.kind == tIllegal {
		panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end, "%s", t.msg)})
	}
	if t.is("~") || t.is("?") || t.is("#") {
		// Tokens of their own only in other contexts: Kusto's lexer rejects them here.
		panic(bailout{diag.Errorf(diag.CodeSyntax, t.pos, t.end, "Unexpected: %s", t.text)})
	}
	pos, end := p.errorPos(t, what)
	panic(bailout{diag.Errorf(diag.CodeSyntax, pos, end, "%s", kustoMessage(what))})
}

// errorPos places an error as Kusto.Language does: a missing token
// ("Expected: )") sits at the next token when exactly one blank separates
// them, otherwise right after the previous token; a missing expression,
// name or value sits right after the previous token; a misplaced name is
// itself the error.
func (p *parser) errorPos(t token, what string) (diag.Pos, diag.Pos) {
	if t.pos != p.tok.pos || p.lastEnd > t.pos {
		return t.pos, t.end // not at the parse position: point at the token
	}
	missingToken := strings.HasPrefix(what, "'")
	if what == "a query operator" && t.kind == tIdent && !reservedWords[t.text] {
		return t.pos, t.end // a name where an operator belongs is itself the error
	}
	if gap := p.src[p.lastEnd:t.pos]; missingToken && len(gap) == 1 && gap != "\n" && gap != "\r" {
		return t.pos, t.end // Kusto's placement: after exactly one blank, at the next token
	}
	return p.lastEnd, p.lastEnd
}

// failMissing reports a missing token, placed as errorPos does.
func (p *parser) failMissing(what string) {
	pos, end := p.errorPos(p.tok, what)
	panic(bailout{diag.Errorf(diag.CodeSyntax, pos, end, "%s", kustoMessage(what))})
}

// kustoMessage words a syntax error as Kusto.Language does: "Expected: )",
// "Missing expression", "Query operator expected.", ...
func kustoMessage(what string) string {
	if msg, ok := kustoMessages[what]; ok {
		return msg
	}
	if len(what) > 2 && what[0] == '\'' && what[len(what)-1] == '\'' {
		return "Expected: " + what[1:len(what)-1]
	}
	return "Missing " + strings.TrimPrefix(strings.TrimPrefix(what, "an "), "a ")
}

// kustoMessages maps what the parser expected to Kusto's wording.
var kustoMessages = map[string]string{
	"an expression":              "Missing expression",
	"a name":                     "Missing name",
	"a query operator":           "Query operator expected.",
	"a statement":                fragmentMessage,
	"end of the expression":      fragmentMessage,
	"a JSON value":               "Missing json value",
	"a literal value":            "Missing value",
	"a parameter value":          "Missing value",
	"a type name":                "Missing type name",
	"a closing bracket":          "Expected: )",
	"'first' or 'last'":          "Expected one of: first, last",
	"'(' or '{'":                 "Expected one of: (, {",
	"one of: ]->, ]-":            "Expected one of: ]->, ]-",
	"'nodes' or 'edges'":         "Expected one of: nodes, edges",
	"a table name or a subquery": "Missing expression",
	"a property name string":     "Missing string",
}

// fragmentMessage is Kusto's error for text that cannot continue the query.
const fragmentMessage = "The incomplete fragment is unexpected."

// expect consumes the punctuation s or fails.
func (p *parser) expect(s string) token {
	t := p.tok
	if !t.is(s) {
		p.fail(fmt.Sprintf("'%s'", s))
	}
	p.next()
	return t
}

// expectWord consumes the keyword w or fails.
func (p *parser) expectWord(w string) token {
	t := p.tok
	if !t.isWord(w) {
		p.fail(fmt.Sprintf("'%s'", w))
	}
	p.next()
	return t
}

// accept consumes the punctuation s if it is the current token.
func (p *parser) accept(s string) bool {
	if p.tok.is(s) {
		p.next()
		return true
	}
	return false
}

// acceptWord consumes the keyword w if it is the current token.
func (p *parser) acceptWord(w string) bool {
	if p.tok.isWord(w) {
		p.next()
		return true
	}
	return false
}

// enter guards recursion depth; call leave when done.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		panic(bailout{diag.Errorf(diag.CodeTooComplex, p.tok.pos, p.tok.end, "the query is nested too deeply")})
	}
}

func (p *parser) leave() { p.depth-- }

// span returns the range from start to the end of the last consumed token.
func (p *parser) span(start diag.Pos) ast.Span {
	return ast.Span{Start: start, Stop: p.lastEnd}
}

// list reads items separated by ',' up to (not including) the token
// close. An empty list is allowed; a trailing ',' only when trailing is
// set (Kusto allows it in schemas and datatable values only).
func (p *parser) list(close string, trailing bool, item func()) {
	if p.tok.is(close) || !p.itemStart() {
		return // empty: the caller's closing token reports what is wrong
	}
	for {
		item()
		if !p.accept(",") {
			p.checkComma()
			return
		}
		if trailing && (p.tok.is(close) || !p.itemStart()) {
			return
		}
	}
}

// itemStart reports whether the current token can start a list item.
func (p *parser) itemStart() bool {
	t := p.tok
	switch t.kind {
	case tEOF, tIllegal:
		return false
	case tPunct:
		switch t.text {
		case "(", "[", "{", "-", "+", "*", "@", ":", ",":
			return true
		}
		return false
	}
	return true
}

// clauseWords end a list without being an element (`by`, `on`, `asc`, ...).
var clauseWords = map[string]bool{
	"by": true, "on": true, "with": true, "from": true, "step": true, "limit": true, "default": true,
	"granny": true, "of": true, "to": true, "asc": true, "desc": true, "bin": true,
	"others": true, "in": true, "id": true, "kind": true,
}

// checkComma reports "Expected: ," when a list item is followed by what
// looks like another item, as Kusto does (`project a b`).
func (p *parser) checkComma() {
	t := p.tok
	switch t.kind {
	case tInt, tReal, tTimespan, tString, tGuid:
	case tIdent:
		if clauseWords[t.text] || reservedWords[t.text] && !afterName(p.peek()) {
			return
		}
	case tPunct:
		if t.text != "(" && t.text != "@" {
			return
		}
	default:
		return
	}
	p.fail("','")
}
