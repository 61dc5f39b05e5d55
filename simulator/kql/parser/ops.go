package parser

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// operatorNames are the tabular operators this parser knows; the value is
// false for operators kept as *ast.GenericOp (parsed, not run).
var operatorNames = map[string]bool{
	"where": true, "filter": true, "project": true, "project-away": true, "project-keep": true,
	"project-rename": true, "project-reorder": true, "extend": true, "summarize": true,
	"count": true, "distinct": true, "sort": true, "order": true, "top": true, "top-nested": true,
	"take": true, "limit": true, "join": true, "lookup": true, "union": true, "mv-expand": true,
	"mvexpand": true, "mv-apply": true, "mvapply": true, "parse": true, "parse-where": true, "parse-kv": true,
	"serialize": true, "as": true, "invoke": true, "evaluate": true, "getschema": true,
	"search": true, "find": true, "make-series": true, "render": true, "sample": true,
	"sample-distinct": true, "facet": true, "range": true, "print": true, "partition": true,
	"fork": true, "reduce": true, "scan": true,
	"make-graph": false, "graph-match": false, "graph-shortest-paths": false,
	"graph-mark-components": false, "graph-to-table": false, "graph-merge": false,
	"graph-where-nodes": false, "graph-where-edges": false,
	"project-by-names": false, "consume": false, "assert-schema": false, "top-hitters": false,
	"execute-and-cache": false, "extend-schema": false, "macro-expand": false,
}

// operatorKeyword returns the operator keyword at the current token,
// joining hyphenated names written without spaces (`mv-expand`), or "".
func operatorKeyword(p *parser) string {
	kw, _ := p.operatorWord()
	return kw
}

// operatorWord returns the keyword and the token after it.
func (p *parser) operatorWord() (string, int) {
	t := p.tok
	if t.kind != tIdent {
		return "", 0
	}
	name := t.text
	best, bestN := "", 0
	if _, ok := operatorNames[name]; ok {
		best, bestN = name, 1
	}
	n := 1
	for {
		dash := p.scanAt(int(t.end))
		if !dash.is("-") || !adjacent(t, dash) {
			break
		}
		w := p.scanAt(int(dash.end))
		if w.kind != tIdent || !adjacent(dash, w) {
			break
		}
		name += "-" + w.text
		n += 2
		t = w
		if _, ok := operatorNames[name]; ok {
			best, bestN = name, n
		}
	}
	return best, bestN
}

// parseOperator reads one tabular operator (the part after a '|').
func (p *parser) parseOperator() ast.Op {
	p.enter()
	defer p.leave()
	start := p.tok.pos
	kw, n := p.operatorWord()
	if kw == "" {
		p.fail("a query operator")
	}
	for ; n > 0; n-- {
		p.next()
	}
	var op ast.Op
	switch kw {
	case "where", "filter":
		p.parseParams(nil, true)
		op = &ast.WhereOp{Keyword: kw, Pred: p.parseNamed()}
	case "project":
		pr := &ast.ProjectOp{}
		if !p.atListEnd() {
			pr.Cols = p.parseNamedList()
		}
		op = pr
	case "extend":
		op = &ast.ExtendOp{Cols: p.parseNamedList()}
	case "project-away":
		pa := &ast.ProjectAwayOp{}
		if !p.atListEnd() {
			pa.Cols = p.parsePatternList()
		}
		op = pa
	case "project-keep":
		pk := &ast.ProjectKeepOp{}
		if !p.atListEnd() {
			pk.Cols = p.parsePatternList()
		}
		op = pk
	case "project-rename":
		op = p.parseProjectRename()
	case "project-reorder":
		if p.atListEnd() {
			op = &ast.ProjectReorderOp{}
		} else {
			op = p.parseProjectReorder()
		}
	case "summarize":
		op = p.parseSummarize()
	case "count":
		c := &ast.CountOp{}
		if p.tok.isWord("as") {
			p.next()
			c.As = p.parseIdent()
		}
		op = c
	case "distinct":
		d := &ast.DistinctOp{Params: p.parseParams(nil, true)}
		for {
			if t := p.tok; t.is("*") {
				p.next()
				d.Cols = append(d.Cols, &ast.StarExpr{Span: ast.Span{Start: t.pos, Stop: t.end}})
			} else {
				d.Cols = append(d.Cols, p.parseNamed())
			}
			if !p.accept(",") {
				break
			}
		}
		op = d
	case "sort", "order":
		s := &ast.SortOp{Keyword: kw, Params: p.parseParams(nil, false)}
		p.expectWord("by")
		s.Keys = p.parseSortKeys()
		op = s
	case "top":
		op = p.parseTop()
	case "top-nested":
		op = p.parseTopNested(start)
	case "take", "limit":
		p.parseParams(nil, true)
		op = &ast.TakeOp{Keyword: kw, Count: p.parseNamed()}
	case "join":
		op = p.parseJoin()
	case "lookup":
		op = p.parseLookup()
	case "union":
		op = p.parseUnion()
	case "mv-expand", "mvexpand":
		op = p.parseMvExpand()
	case "mv-apply", "mvapply":
		op = p.parseMvApply()
	case "parse", "parse-where":
		op = p.parseParse(kw)
	case "parse-kv":
		op = p.parseParseKv()
	case "serialize":
		p.parseParams(nil, true)
		s := &ast.SerializeOp{}
		if !p.atListEnd() {
			s.Cols = p.parseNamedList()
		}
		op = s
	case "as":
		a := &ast.AsOp{Params: p.parseParams(nil, true)}
		a.Name = p.parseIdent()
		op = a
	case "invoke":
		op = &ast.InvokeOp{Call: p.parseCallOnly()}
	case "evaluate":
		e := &ast.EvaluateOp{Params: p.parseParams(nil, false)}
		e.Call = p.parseCallOnly()
		if p.accept(":") {
			e.Schema = p.parseTableType()
		}
		op = e
	case "getschema":
		op = &ast.GetSchemaOp{}
	case "search":
		op = p.parseSearch()
	case "find":
		op = p.parseFind()
	case "make-series":
		op = p.parseMakeSeries()
	case "render":
		op = p.parseRender()
	case "sample":
		p.parseParams(nil, true)
		op = &ast.SampleOp{Count: p.parseExpr()}
	case "sample-distinct":
		p.parseParams(nil, true)
		s := &ast.SampleDistinctOp{Count: p.parseExpr()}
		p.expectWord("of")
		s.Of = p.parseExpr()
		op = s
	case "facet":
		op = p.parseFacet()
	case "range":
		op = p.parseRange()
	case "print":
		op = &ast.PrintOp{Cols: p.parseNamedList()}
	case "partition":
		op = p.parsePartition()
	case "fork":
		op = p.parseFork()
	case "reduce":
		op = p.parseReduce()
	case "scan":
		op = p.parseScan()
	default:
		op = p.parseGeneric(kw)
	}
	setSpan(op, p.span(start))
	return op
}

// setSpan fills the Span of any operator node.
func setSpan(op ast.Op, sp ast.Span) {
	switch o := op.(type) {
	case *ast.WhereOp:
		o.Span = sp
	case *ast.ProjectOp:
		o.Span = sp
	case *ast.ExtendOp:
		o.Span = sp
	case *ast.ProjectAwayOp:
		o.Span = sp
	case *ast.ProjectKeepOp:
		o.Span = sp
	case *ast.ProjectRenameOp:
		o.Span = sp
	case *ast.ProjectReorderOp:
		o.Span = sp
	case *ast.SummarizeOp:
		o.Span = sp
	case *ast.CountOp:
		o.Span = sp
	case *ast.DistinctOp:
		o.Span = sp
	case *ast.SortOp:
		o.Span = sp
	case *ast.TopOp:
		o.Span = sp
	case *ast.TopNestedOp:
		o.Span = sp
	case *ast.TakeOp:
		o.Span = sp
	case *ast.JoinOp:
		o.Span = sp
	case *ast.LookupOp:
		o.Span = sp
	case *ast.UnionOp:
		o.Span = sp
	case *ast.MvExpandOp:
		o.Span = sp
	case *ast.MvApplyOp:
		o.Span = sp
	case *ast.ParseOp:
		o.Span = sp
	case *ast.ParseKvOp:
		o.Span = sp
	case *ast.SerializeOp:
		o.Span = sp
	case *ast.AsOp:
		o.Span = sp
	case *ast.InvokeOp:
		o.Span = sp
	case *ast.EvaluateOp:
		o.Span = sp
	case *ast.GetSchemaOp:
		o.Span = sp
	case *ast.SearchOp:
		o.Span = sp
	case *ast.FindOp:
		o.Span = sp
	case *ast.MakeSeriesOp:
		o.Span = sp
	case *ast.RenderOp:
		o.Span = sp
	case *ast.SampleOp:
		o.Span = sp
	case *ast.SampleDistinctOp:
		o.Span = sp
	case *ast.FacetOp:
		o.Span = sp
	case *ast.RangeOp:
		o.Span = sp
	case *ast.PrintOp:
		o.Span = sp
	case *ast.PartitionOp:
		o.Span = sp
	case *ast.ForkOp:
		o.Span = sp
	case *ast.ReduceOp:
		o.Span = sp
	case *ast.ScanOp:
		o.Span = sp
	case *ast.GenericOp:
		o.Span = sp
	}
}

// atListEnd reports whether the current token ends a list (Kusto's
// common list end: a closing bracket, '|', ';' or the end of the query).
func (p *parser) atListEnd() bool {
	t := p.tok
	return t.kind == tEOF || t.is(")") || t.is("]") || t.is("}") || t.is("|") || t.is(";")
}

// knownParams are the operator parameter names Kusto's parser accepts
// before any operator's arguments (its "known" names).
var knownParams = map[string]bool{
	"bagexpansion": true, "bin_legacy": true, "__crossCluster": true, "__crossDB": true,
	"decodeblocks": true, "expandoutput": true, "hint.concurrency": true, "hint.distribution": true,
	"hint.materialized": true, "hint.num_partitions": true, "hint.pass_filters": true,
	"hint.pass_filters_column": true, "hint.progressive_top": true, "hint.remote": true,
	"hint.shufflekey": true, "hint.spread": true, "hint.strategy": true, "__id": true,
	"isfuzzy": true, "__isFuzzy": true, "kind": true, "__noWithSource": true, "__packedColumn": true,
	"__sourceColumnIndex": true, "cycles": true, "with_match_id": true, "with_itemindex": true,
	"withsource": true, "with_source": true, "with_step_name": true, "force_remote": true,
}

// Operator-specific parameter names beyond knownParams.
var (
	parseParamNames = map[string]bool{"flags": true}
	unionParamNames = map[string]bool{"best_effort": true}
)

// parseParams reads leading `name=value` operator parameters whose names
// are known (or in extra). With equalsNeeded a known name not followed by
// '=' ends the list (it is then a column name); without it, the '=' is
// required, as in Kusto.
func (p *parser) parseParams(extra map[string]bool, equalsNeeded bool) []*ast.NamedExpr {
	var params []*ast.NamedExpr
	for p.tok.kind == tIdent {
		st := p.save()
		start := p.tok.pos
		name := p.parseDottedName()
		if !knownParams[name] && !extra[name] {
			p.restore(st)
			break
		}
		if !p.tok.is("=") {
			if equalsNeeded {
				p.restore(st)
				break
			}
			p.fail("'='")
		}
		p.next()
		v := p.parseParamValue()
		id := &ast.Ident{Span: ast.Span{Start: start, Stop: start + diag.Pos(len(name))}, Name: name}
		params = append(params, &ast.NamedExpr{Span: p.span(start), Name: id, Names: []*ast.Ident{id}, Value: v})
	}
	return params
}

// reservedParamValues are keywords that are valid operator parameter values.
var reservedParamValues = map[string]bool{"simple": true, "relaxed": true, "regex": true, "first": true, "last": true, "hotcache": true, "nooptimization": true}

// parseParamValue reads the value of an operator parameter: a name, a
// literal or a signed number (never a call, so `kind=inner (T)` works).
func (p *parser) parseParamValue() ast.Expr {
	t := p.tok
	switch {
	case t.kind == tIdent:
		if t.text == "true" || t.text == "false" {
			p.next()
			return &ast.Literal{Span: ast.Span{Start: t.pos, Stop: t.end}, Kind: ast.LitBool, Text: t.text}
		}
		if _, ok := typedLiterals[t.text]; ok && p.peek().is("(") {
			return p.parsePrimary()
		}
		if reservedWords[t.text] && !reservedParamValues[t.text] {
			p.failReserved(t)
		}
		return p.parseAnyIdent()
	case t.kind == tString || t.kind == tInt || t.kind == tReal || t.kind == tTimespan:
		return p.parsePrimary()
	case t.is("-"):
		return p.parseUnary()
	}
	p.fail("a parameter value")
	return nil
}

// parseCallOnly reads `name(args)` (invoke, evaluate).
func (p *parser) parseCallOnly() *ast.CallExpr {
	if p.tok.kind != tIdent || !p.peek().is("(") {
		p.fail("a function call")
	}
	if t := p.tok; reservedWords[t.text] && !keywordFuncs[t.text] {
		p.failReserved(t)
	}
	return p.parseCall()
}

// parsePatternList reads `a, b*, ['c d']` for project-away/keep.
func (p *parser) parsePatternList() []*ast.Ident {
	list := []*ast.Ident{p.parseNamePattern()}
	for p.accept(",") {
		list = append(list, p.parseNamePattern())
	}
	return list
}

func (p *parser) parseProjectRename() ast.Op {
	op := &ast.ProjectRenameOp{}
	if p.atListEnd() {
		return op
	}
	for {
		start := p.tok.pos
		name := p.parseDeclName()
		p.expect("=")
		old := p.parseExpr()
		op.Renames = append(op.Renames, &ast.NamedExpr{Span: p.span(start), Name: name, Names: []*ast.Ident{name}, Value: old})
		if !p.accept(",") {
			return op
		}
	}
}

func (p *parser) parseProjectReorder() ast.Op {
	op := &ast.ProjectReorderOp{}
	for {
		op.Cols = append(op.Cols, p.parseNamePattern())
		op.Orders = append(op.Orders, p.parseOrder())
		if !p.accept(",") {
			return op
		}
	}
}

func (p *parser) parseSummarize() ast.Op {
	op := &ast.SummarizeOp{Params: p.parseParams(nil, true)}
	if !p.atListEnd() && !p.tok.isWord("by") {
		op.Aggs = p.parseNamedList()
	}
	if p.acceptWord("by") {
		op.By = []ast.Expr{p.parseNamed()}
		for p.accept(",") {
			if p.isLegacyBin() {
				p.fail("an expression")
			}
			op.By = append(op.By, p.parseNamed())
		}
		if p.isLegacyBin() {
			// Legacy `by a bin=1h`: kept as a named expression.
			op.By = append(op.By, p.parseNamed())
		}
	}
	return op
}

// isLegacyBin reports whether `bin = value` (the legacy summarize form)
// starts here.
func (p *parser) isLegacyBin() bool {
	return p.tok.isWord("bin") && p.peek().is("=")
}

// parseSortKeys reads `x [asc|desc] [nulls first|last], ...`.
func (p *parser) parseSortKeys() []*ast.SortKey {
	var keys []*ast.SortKey
	for {
		keys = append(keys, p.parseSortKey())
		if !p.accept(",") {
			return keys
		}
	}
}

func (p *parser) parseSortKey() *ast.SortKey {
	start := p.tok.pos
	k := &ast.SortKey{X: p.parseNamed()}
	if o := p.parseOrder(); o != "" {
		k.Order = o
	}
	if p.acceptWord("nulls") {
		if !p.tok.isWord("first") && !p.tok.isWord("last") {
			p.fail("'first' or 'last'")
		}
		k.Nulls = p.tok.text
		p.next()
	}
	k.Span = p.span(start)
	return k
}

// parseOrder reads asc, desc, granny-asc or granny-desc, or returns "".
func (p *parser) parseOrder() string {
	switch {
	case p.tok.isWord("asc") || p.tok.isWord("desc"):
		o := p.tok.text
		p.next()
		return o
	case p.isWords("granny", "-", "asc") || p.isWords("granny", "-", "desc"):
		p.next()
		p.next()
		o := "granny-" + p.tok.text
		p.next()
		return o
	}
	return ""
}

func (p *parser) parseTop() ast.Op {
	p.parseParams(nil, true)
	op := &ast.TopOp{Count: p.parseExpr()}
	p.expectWord("by")
	op.Keys = []*ast.SortKey{p.parseSortKey()}
	return op
}

func (p *parser) parseTopNested(start diag.Pos) ast.Op {
	op := &ast.TopNestedOp{}
	for {
		lv := &ast.TopNestedLevel{}
		if !p.tok.isWord("of") {
			lv.Count = p.parseExpr()
		}
		p.expectWord("of")
		lv.Of = p.parseNamed()
		if p.tok.isWord("with") && p.peek().isWord("others") {
			p.next()
			p.next()
			p.expect("=")
			lv.Others = p.parseExpr()
		}
		p.expectWord("by")
		lv.By = p.parseNamed()
		if p.tok.isWord("asc") || p.tok.isWord("desc") {
			lv.Order = p.tok.text
			p.next()
		}
		lv.Span = p.span(start)
		op.Levels = append(op.Levels, lv)
		if !p.tok.is(",") {
			return op
		}
		p.next()
		start = p.tok.pos
		if kw, n := p.operatorWord(); kw != "top-nested" {
			p.fail("'top-nested'")
		} else {
			for ; n > 0; n-- {
				p.next()
			}
		}
	}
}
