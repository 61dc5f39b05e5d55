// Package ast is the KQL syntax tree: one small struct per statement,
// expression and tabular operator, in the style of go/ast. Every node embeds
// a Span (Pos()/End() byte offsets into the query text, see package diag).
//
// # AST guide
//
// A query text parses into a *Script holding statements:
//
//	*LetStmt      let Name = Value        Value: scalar expr, tabular expr or *FuncExpr
//	*SetStmt      set name [= value]      request options: keep, ignore
//	*DeclareStmt  declare query_parameters(p:type = default, ...)
//	*PatternStmt  declare pattern Name = (...) { (args).[path] = { query }; }
//	*QueryStmt    Query                   the expressions whose results are returned
//
// Scalar and tabular expressions share the Expr interface (KQL's grammar does
// not tell them apart; a bare name can be a column, a table or a let name).
//
//	*Literal        constants; Kind is the Kusto type, Text the source form (see Literal)
//	*Ident          names, incl. $left/$right, quoted ['a b'] (Quoted) and patterns Signin* (Wildcard)
//	*UnaryExpr      -x, +x
//	*BinaryExpr     or, and, comparisons, string operators (has, contains, ...), + - * / %
//	*InExpr         x in (...), !in, in~, !in~, has_any, has_all; List may hold one tabular expr
//	*BetweenExpr    x between (lo .. hi), Not for !between
//	*CallExpr       f(args); args may be *NamedExpr (named args) or *StarExpr (arg_max(t, *))
//	*NamedExpr      name = value: output column names, named args, operator params (kind=inner)
//	*StarExpr       *
//	*MemberExpr     x.name ($left.col, dyn.a.b)
//	*IndexExpr      x[i], x["key"]
//	*ParenExpr      (x), scalar or tabular (the right side of join, subqueries)
//	*BracketExpr    a bare [x] path element (syntax only; no scalar meaning)
//	*TypeExpr       typeof(long) as a value
//	*PipeExpr       Input | Op: a tabular pipeline is a left-nested chain of PipeExprs
//	*DataTableExpr  datatable(a:int, b:string)[1, "x", ...]
//	*ExternalDataExpr externaldata(...)[...] (parsed only)
//	*FuncExpr       (params) { lets; result }: lambdas bound by let, view (...) {...}
//
// Pipelines: `T | where A | project B` is
//
//	PipeExpr{Input: PipeExpr{Input: Ident T, Op: WhereOp}, Op: ProjectOp}
//
// A source operator that starts a query (union, print, range, search, find,
// evaluate) has Input == nil. Subqueries that receive rows from their context
// (mv-apply ... on (...), facet with (...), partition, fork) are pipe chains
// whose innermost Input is nil as well.
//
// Operators (the Op interface; OpName() gives the canonical keyword):
//
//	WhereOp (where/filter), ProjectOp, ExtendOp, ProjectAwayOp, ProjectKeepOp,
//	ProjectRenameOp, ProjectReorderOp, SummarizeOp, CountOp, DistinctOp,
//	SortOp (sort/order), TopOp, TopNestedOp, TakeOp (take/limit), JoinOp,
//	LookupOp, UnionOp, MvExpandOp (mv-expand/mvexpand), MvApplyOp, ParseOp
//	(parse/parse-where), ParseKvOp, SerializeOp, AsOp, InvokeOp, EvaluateOp,
//	GetSchemaOp, SearchOp, FindOp, MakeSeriesOp, RenderOp, SampleOp,
//	SampleDistinctOp, FacetOp, RangeOp, PrintOp, PartitionOp, ForkOp,
//	ReduceOp, ScanOp, and GenericOp for operators that are parsed but not run
//	(graph operators, ...): its Keyword and raw Text.
//
// Operator parameters written as `name=value` before the operator's main
// arguments (kind=, hint.strategy=, withsource=, isfuzzy=, bagexpansion=,
// with_itemindex=, flags=) are kept in a Params []*NamedExpr field, names
// as written (dotted names such as "hint.strategy" in one Ident).
//
// Format(node) prints any node as a compact S-expression, used by the
// parser's tests; it is stable and exact.
package ast
