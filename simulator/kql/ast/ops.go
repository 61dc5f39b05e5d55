package ast

// WhereOp is `where Pred` (Keyword "where" or "filter"). Kusto's grammar
// lets Pred be a *NamedExpr (`where a = 1`); the analyzer must reject it.
type WhereOp struct {
	Span
	Keyword string
	Pred    Expr
}

// ProjectOp is `project a, b = expr, ...`. Cols hold *Ident or *NamedExpr
// (or any expression, which gets an automatic name).
type ProjectOp struct {
	Span
	Cols []Expr
}

// ExtendOp is `extend a = expr, expr, ...` (same shape as ProjectOp).
type ExtendOp struct {
	Span
	Cols []Expr
}

// ProjectAwayOp is `project-away a, b*` (Idents, possibly Wildcard).
type ProjectAwayOp struct {
	Span
	Cols []*Ident
}

// ProjectKeepOp is `project-keep a, b*`.
type ProjectKeepOp struct {
	Span
	Cols []*Ident
}

// ProjectRenameOp is `project-rename New = Old, ...`; each NamedExpr's
// Value should be an *Ident (the old name); the grammar accepts any
// expression, as Kusto's parser does, and the analyzer rejects the rest.
type ProjectRenameOp struct {
	Span
	Renames []*NamedExpr
}

// ProjectReorderOp is `project-reorder a, b* asc, ...`; Orders[i] is "",
// "asc", "desc", "granny-asc" or "granny-desc" for Cols[i].
type ProjectReorderOp struct {
	Span
	Cols   []*Ident
	Orders []string
}

// SummarizeOp is `summarize [hints] aggs [by keys]`. Aggs and By hold plain
// expressions or *NamedExpr (`n = count()`, `(a, b) = arg_max(...)`).
type SummarizeOp struct {
	Span
	Params []*NamedExpr
	Aggs   []Expr
	By     []Expr
}

// CountOp is `count` (optionally `count as Name`, Name nil otherwise).
type CountOp struct {
	Span
	As *Ident
}

// DistinctOp is `distinct a, b` or `distinct *` (a *StarExpr).
type DistinctOp struct {
	Span
	Params []*NamedExpr
	Cols   []Expr
}

// SortKey is one `X [asc|desc|granny-asc|granny-desc] [nulls first|last]`
// (X may be a *NamedExpr, as Kusto's grammar allows); Order and Nulls are ""
// when not written (Kusto's defaults: desc, and nulls last for desc / first
// for asc).
type SortKey struct {
	Span
	X     Expr
	Order string
	Nulls string
}

// SortOp is `sort by keys` or `order by keys` (Keyword tells which).
type SortOp struct {
	Span
	Keyword string
	Params  []*NamedExpr
	Keys    []*SortKey
}

// TopOp is `top N by key [asc|desc] [nulls ...]`.
type TopOp struct {
	Span
	Count Expr
	Keys  []*SortKey
	// WithTies is unused by Kusto grammar today; reserved.
}

// TopNestedLevel is one `top-nested [N] of Expr [with others = X] by Agg [asc|desc]`.
type TopNestedLevel struct {
	Span
	Count  Expr // nil when N is omitted
	Of     Expr // may be *NamedExpr
	Others Expr // nil unless `with others = X`
	By     Expr // may be *NamedExpr
	Order  string
}

// TopNestedOp is `top-nested ... , top-nested ...`.
type TopNestedOp struct {
	Span
	Levels []*TopNestedLevel
}

// TakeOp is `take N` or `limit N` (Count may be a *NamedExpr, as for WhereOp).
type TakeOp struct {
	Span
	Keyword string
	Count   Expr
}

// JoinOp is `join [kind=K] [hint.x=y] Right on keys`. On holds *Ident
// (same name on both sides) or comparisons `$left.a == $right.b`
// (*BinaryExpr, possibly joined by `and`). Right is usually a *ParenExpr.
// Where is set for the `join ... where pred` form (nil otherwise).
type JoinOp struct {
	Span
	Params []*NamedExpr
	Right  Expr
	On     []Expr
	Where  Expr
}

// LookupOp is `lookup [kind=leftouter|inner] Right on keys` (keys as JoinOp).
type LookupOp struct {
	Span
	Params []*NamedExpr
	Right  Expr
	On     []Expr
}

// UnionOp is `union [kind=][withsource=][isfuzzy=] T1, T2*, (subquery)`.
// Tables hold *Ident (maybe Wildcard), *CallExpr, *ParenExpr or other
// tabular expressions.
type UnionOp struct {
	Span
	Params []*NamedExpr
	Tables []Expr
}

// MvItem is one expanded/applied column: `[Name =] Expr [to typeof(T)]`.
// X may be a *NamedExpr.
type MvItem struct {
	Span
	X      Expr
	ToType string // "" unless `to typeof(T)`
}

// MvExpandOp is `mv-expand [kind=][bagexpansion=][with_itemindex=X] items [limit N]`
// (also spelled `mvexpand`).
type MvExpandOp struct {
	Span
	Params []*NamedExpr
	Items  []*MvItem
	Limit  Expr
}

// MvApplyOp is `mv-apply [params] items [limit N] on (subquery)`; Sub is a
// pipe chain whose innermost Input is nil (it reads the expanded rows).
type MvApplyOp struct {
	Span
	Params []*NamedExpr
	Items  []*MvItem
	Limit  Expr
	Sub    Expr
}

// ParsePart is one element of a parse pattern: a `*`, a string literal or a
// column (with optional type).
type ParsePart struct {
	Span
	Star   bool
	Lit    *Literal    // string literal part
	Column *ColumnDecl // Type "" when not given (string)
}

// ParseOp is `parse [kind=simple|regex|relaxed] [flags=F] Source with Pattern`
// (Keyword "parse" or "parse-where").
type ParseOp struct {
	Span
	Keyword string
	Params  []*NamedExpr
	Source  Expr
	Pattern []*ParsePart
}

// ParseKvOp is `parse-kv Source as (cols) [with (props)]`.
type ParseKvOp struct {
	Span
	Source  Expr
	Columns []*ColumnDecl
	With    []*NamedExpr
}

// SerializeOp is `serialize [cols]`.
type SerializeOp struct {
	Span
	Cols []Expr
}

// AsOp is `as [hint.materialized=true] Name`.
type AsOp struct {
	Span
	Params []*NamedExpr
	Name   *Ident
}

// InvokeOp is `invoke func(args)`; the piped table is the function's first argument.
type InvokeOp struct {
	Span
	Call *CallExpr
}

// EvaluateOp is `evaluate [hints] plugin(args) [: (output schema)]`.
type EvaluateOp struct {
	Span
	Params []*NamedExpr
	Call   *CallExpr
	Schema *TableType // nil unless an output schema is given
}

// GetSchemaOp is `getschema`.
type GetSchemaOp struct {
	Span
}

// SearchOp is `search [kind=case_sensitive|case_insensitive] [in (T1, T2)] Pred`.
// A bare string term is a *Literal predicate.
type SearchOp struct {
	Span
	Params []*NamedExpr
	Tables []Expr
	Pred   Expr
}

// FindOp is `find [withsource=X] [in (T1, T2)] where Pred [project cols | project-smart]`.
// Project holds *Ident, *CallExpr (pack_all()) or, for a typed column
// `name:type`, a *NamedExpr whose Value is a *TypeExpr.
type FindOp struct {
	Span
	Params       []*NamedExpr
	Tables       []Expr
	Pred         Expr
	Project      []Expr
	ProjectSmart bool
}

// SeriesAgg is one aggregate of make-series: `[Name =] Agg [default = X]`.
type SeriesAgg struct {
	Span
	X       Expr // may be *NamedExpr
	Default Expr
}

// MakeSeriesOp is `make-series aggs on Axis [from A] [to B] step S [by keys]`
// or the older `... on Axis in range(A, B, S) by keys` (InRange then set,
// From/To/Step nil).
type MakeSeriesOp struct {
	Span
	Params  []*NamedExpr
	Aggs    []*SeriesAgg
	On      Expr
	From    Expr
	To      Expr
	Step    Expr
	InRange *CallExpr
	By      []Expr
}

// RenderOp is `render Chart [with (props)]` (accepted, ignored by the engine).
type RenderOp struct {
	Span
	Chart string
	With  []*NamedExpr
}

// SampleOp is `sample N`.
type SampleOp struct {
	Span
	Count Expr
}

// SampleDistinctOp is `sample-distinct N of Col`.
type SampleDistinctOp struct {
	Span
	Count Expr
	Of    Expr
}

// FacetOp is `facet by cols [with (subquery)]`.
type FacetOp struct {
	Span
	Cols []Expr
	With Expr
}

// RangeOp is `range Col from A to B step S` (a source operator).
type RangeOp struct {
	Span
	Col  *Ident
	From Expr
	To   Expr
	Step Expr
}

// PrintOp is `print a = expr, expr` (a source operator).
type PrintOp struct {
	Span
	Cols []Expr
}

// PartitionOp is `partition [params] by Col (subquery)` or `{ subquery }`.
type PartitionOp struct {
	Span
	Params []*NamedExpr
	By     Expr
	Sub    Expr
}

// ForkOp is `fork (q1) (q2) ...`; Branches are pipe chains with a nil
// innermost Input; a branch may be named by a trailing `| as name`.
type ForkOp struct {
	Span
	Branches []Expr
}

// ReduceOp is `reduce by Expr [with threshold=...]`.
type ReduceOp struct {
	Span
	By   Expr
	With []*NamedExpr
}

// ScanStep is one `step Name [optional]: Cond [=> assignments];`.
type ScanStep struct {
	Span
	Name     *Ident
	Optional bool
	Cond     Expr
	Assigns  []*NamedExpr
}

// ScanOp is `scan [with_match_id=X] [declare (cols)] with (steps)`.
type ScanOp struct {
	Span
	Params  []*NamedExpr
	Declare []*Param
	Steps   []*ScanStep
}

// GenericOp keeps operators the engine does not run but must parse
// (graph operators, consume, ...): the keyword and its raw text.
type GenericOp struct {
	Span
	Keyword string
	Text    string
}

// OpName methods give each operator's canonical keyword.

func (o *WhereOp) OpName() string        { return "where" }
func (*ProjectOp) OpName() string        { return "project" }
func (*ExtendOp) OpName() string         { return "extend" }
func (*ProjectAwayOp) OpName() string    { return "project-away" }
func (*ProjectKeepOp) OpName() string    { return "project-keep" }
func (*ProjectRenameOp) OpName() string  { return "project-rename" }
func (*ProjectReorderOp) OpName() string { return "project-reorder" }
func (*SummarizeOp) OpName() string      { return "summarize" }
func (*CountOp) OpName() string          { return "count" }
func (*DistinctOp) OpName() string       { return "distinct" }
func (*SortOp) OpName() string           { return "sort" }
func (*TopOp) OpName() string            { return "top" }
func (*TopNestedOp) OpName() string      { return "top-nested" }
func (*TakeOp) OpName() string           { return "take" }
func (*JoinOp) OpName() string           { return "join" }
func (*LookupOp) OpName() string         { return "lookup" }
func (*UnionOp) OpName() string          { return "union" }
func (*MvExpandOp) OpName() string       { return "mv-expand" }
func (*MvApplyOp) OpName() string        { return "mv-apply" }
func (o *ParseOp) OpName() string        { return o.Keyword }
func (*ParseKvOp) OpName() string        { return "parse-kv" }
func (*SerializeOp) OpName() string      { return "serialize" }
func (*AsOp) OpName() string             { return "as" }
func (*InvokeOp) OpName() string         { return "invoke" }
func (*EvaluateOp) OpName() string       { return "evaluate" }
func (*GetSchemaOp) OpName() string      { return "getschema" }
func (*SearchOp) OpName() string         { return "search" }
func (*FindOp) OpName() string           { return "find" }
func (*MakeSeriesOp) OpName() string     { return "make-series" }
func (*RenderOp) OpName() string         { return "render" }
func (*SampleOp) OpName() string         { return "sample" }
func (*SampleDistinctOp) OpName() string { return "sample-distinct" }
func (*FacetOp) OpName() string          { return "facet" }
func (*RangeOp) OpName() string          { return "range" }
func (*PrintOp) OpName() string          { return "print" }
func (*PartitionOp) OpName() string      { return "partition" }
func (*ForkOp) OpName() string           { return "fork" }
func (*ReduceOp) OpName() string         { return "reduce" }
func (*ScanOp) OpName() string           { return "scan" }
func (o *GenericOp) OpName() string      { return o.Keyword }

func (*WhereOp) opNode()          {}
func (*ProjectOp) opNode()        {}
func (*ExtendOp) opNode()         {}
func (*ProjectAwayOp) opNode()    {}
func (*ProjectKeepOp) opNode()    {}
func (*ProjectRenameOp) opNode()  {}
func (*ProjectReorderOp) opNode() {}
func (*SummarizeOp) opNode()      {}
func (*CountOp) opNode()          {}
func (*DistinctOp) opNode()       {}
func (*SortOp) opNode()           {}
func (*TopOp) opNode()            {}
func (*TopNestedOp) opNode()      {}
func (*TakeOp) opNode()           {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*UnionOp) opNode()          {}
func (*MvExpandOp) opNode()       {}
func (*MvApplyOp) opNode()        {}
func (*ParseOp) opNode()          {}
func (*ParseKvOp) opNode()        {}
func (*SerializeOp) opNode()      {}
func (*AsOp) opNode()             {}
func (*InvokeOp) opNode()         {}
func (*EvaluateOp) opNode()       {}
func (*GetSchemaOp) opNode()      {}
func (*SearchOp) opNode()         {}
func (*FindOp) opNode()           {}
func (*MakeSeriesOp) opNode()     {}
func (*RenderOp) opNode()         {}
func (*SampleOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*FacetOp) opNode()          {}
func (*RangeOp) opNode()          {}
func (*PrintOp) opNode()          {}
func (*PartitionOp) opNode()      {}
func (*ForkOp) opNode()           {}
func (*ReduceOp) opNode()         {}
func (*ScanOp) opNode()           {}
func (*GenericOp) opNode()        {}
