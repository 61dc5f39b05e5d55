package ast

// LitKind is the Kusto type of a literal.
type LitKind int

// Literal kinds, one per Kusto scalar type.
const (
	LitBool LitKind = iota
	LitInt
	LitLong
	LitReal
	LitDecimal
	LitString
	LitDateTime
	LitTimespan
	LitGuid
	LitDynamic
)

var litKindNames = [...]string{"bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"}

// String returns the Kusto type name ("long", "datetime", ...).
func (k LitKind) String() string {
	if int(k) < len(litKindNames) {
		return litKindNames[k]
	}
	return "unknown"
}

// Literal is a constant of a Kusto type. Text depends on Kind:
//   - LitBool: "true" or "false" (lower-cased), or the bool(...) text.
//   - LitString: the decoded value (escapes resolved, adjacent literals joined).
//   - LitLong/LitReal from bare numbers: the token (`42`, `0x1F`, `1.5e3`,
//     `1.`); a sign is a separate *UnaryExpr.
//   - LitGuid from a bare guid: the token.
//   - LitDynamic: the JSON-like text between the parentheses, checked by the
//     parser (values may be Kusto literals such as datetime(...)).
//   - LitTimespan from a bare token: the token (`5m`, `1.5h`, `100ms`).
//   - typed forms `datetime(...)`, `timespan(...)`, `time(...)`, `int(...)`,
//     `long(...)`, `real(...)`, `double(...)`, `decimal(...)`, `bool(...)`,
//     `guid(...)`, `dynamic(...)`: the text between the parentheses, trimmed.
//
// Null is set for `type(null)` forms (Text is then "null"). The types package
// turns Text into a value.
type Literal struct {
	Span
	Kind LitKind
	Text string
	Null bool
}

// Ident is a name: a column, table, let-bound name, function or `$left` /
// `$right`. Quoted names (`['a b']`, `["x"]`) are stored unquoted.
// Wildcard is set for name patterns like `Signin*` or `Col*` (only in name
// lists of union, project-away, project-keep, project-reorder, find, search).
type Ident struct {
	Span
	Name     string
	Quoted   bool
	Wildcard bool
}

// UnaryExpr is `-X` or `+X`.
type UnaryExpr struct {
	Span
	Op string
	X  Expr
}

// BinaryExpr is `L Op R`. Op is canonical and lower-case: "or", "and",
// "==", "!=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "=~",
// "!~", "matches regex", ":" (search term), and the string operators
// "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
// "contains", "contains_cs", "startswith", "startswith_cs", "endswith",
// "endswith_cs", each also with a leading "!" (negated), plus "like",
// "likecs", "notlike", "notlikecs". Legacy spellings are normalized:
// containscs → contains_cs, notcontains → !contains, notcontainscs →
// !contains_cs. L is a *StarExpr for `* has "x"` / `* == x`.
type BinaryExpr struct {
	Span
	Op string
	L  Expr
	R  Expr
}

// InExpr is `X Op (List...)` for Op in "in", "!in", "in~", "!in~",
// "has_any", "has_all". List holds the elements; a single element can be a
// tabular expression (subquery) or a dynamic array.
type InExpr struct {
	Span
	X    Expr
	Op   string
	List []Expr
}

// BetweenExpr is `X between (Lo .. Hi)` or `X !between (Lo .. Hi)`.
type BetweenExpr struct {
	Span
	X   Expr
	Not bool
	Lo  Expr
	Hi  Expr
}

// CallExpr is `Func(Args...)`: a scalar function, an aggregate, a user
// function, or a tabular function such as table("T"), materialize(T),
// toscalar(T). Args may hold *NamedExpr (named arguments) and *StarExpr.
type CallExpr struct {
	Span
	Func *Ident
	Args []Expr
}

// NamedExpr is `Name = Value`: a named column in project/extend/summarize,
// a named argument, or an operator parameter such as `kind=inner` or
// `hint.strategy=shuffle` (Name then holds the dotted name). For the
// tuple form `(a, b) = f()` Names holds all names and Name is the first.
type NamedExpr struct {
	Span
	Name  *Ident
	Names []*Ident
	Value Expr
}

// StarExpr is `*` used as an argument (`arg_max(T, *)`, `distinct *`).
type StarExpr struct {
	Span
}

// MemberExpr is `X.Name` (dynamic member, `$left.col`, `$right.col`).
// Call is set for the path form `X.f(args)` (e.g. cluster("c").database("d"));
// Name is then Call.Func.
type MemberExpr struct {
	Span
	X    Expr
	Name *Ident
	Call *CallExpr
}

// IndexExpr is `X[Index]` (dynamic array index or `d["key"]`).
type IndexExpr struct {
	Span
	X     Expr
	Index Expr
}

// BracketExpr is a bare `[X]` path element (Kusto's grammar accepts it
// where a name could stand, e.g. `f([1])`); it has no scalar meaning and the
// analyzer rejects it.
type BracketExpr struct {
	Span
	X Expr
}

// ParenExpr is `(X)`; X may be scalar or tabular.
type ParenExpr struct {
	Span
	X Expr
}

// TypeExpr is `typeof(T)` used as a value (e.g. `extract(re, 1, s, typeof(long))`).
// Name is the scalar type name as written, lower-cased.
type TypeExpr struct {
	Span
	Name string
}

// PipeExpr is `Input | Op`. Input is nil when Op starts the query itself
// (union, print, range, search, find, evaluate at the start) or when the
// pipe is inside a subquery that receives its rows from the context
// (mv-apply ... on (...), facet ... with (...), partition ... (...),
// fork (...)).
type PipeExpr struct {
	Span
	Input Expr
	Op    Op
}

// ColumnDecl is `Name:Type` in datatable, externaldata, parse patterns and
// tabular parameter schemas.
type ColumnDecl struct {
	Span
	Name *Ident
	Type string // lower-cased type name
}

// DataTableExpr is `datatable(a:int, b:string) [1, "x", ...]`; Values are
// row-major.
type DataTableExpr struct {
	Span
	Columns []*ColumnDecl
	Values  []Expr
}

// ExternalDataExpr is `externaldata(cols) [uris] [with (props)]` (parsed only).
type ExternalDataExpr struct {
	Span
	Columns []*ColumnDecl
	URIs    []Expr
	With    []*NamedExpr
}

// Param is a function or query parameter. Exactly one of Type and Table is
// set: Type for scalar parameters (`a:string`), Table for tabular ones
// (`T:(*)`, `T:(Col:string, *)`).
type Param struct {
	Span
	Name    *Ident
	Type    string
	Table   *TableType
	Default Expr // nil unless `= default`
}

// TableType is the schema of a tabular parameter: `(*)`, `(a:int, b:string)`
// or `(a:int, *)`.
type TableType struct {
	Span
	Columns []*ColumnDecl
	Star    bool
}

// FuncExpr is a lambda / user function: `(params) { body }` or
// `view (params) { body }`.
type FuncExpr struct {
	Span
	View   bool
	Params []*Param
	Body   *Body
}

// Body is the body of a function: let statements, then one expression.
type Body struct {
	Span
	Lets   []*LetStmt
	Result Expr
}

func (*Literal) exprNode()          {}
func (*Ident) exprNode()            {}
func (*UnaryExpr) exprNode()        {}
func (*BinaryExpr) exprNode()       {}
func (*InExpr) exprNode()           {}
func (*BetweenExpr) exprNode()      {}
func (*CallExpr) exprNode()         {}
func (*NamedExpr) exprNode()        {}
func (*StarExpr) exprNode()         {}
func (*MemberExpr) exprNode()       {}
func (*IndexExpr) exprNode()        {}
func (*ParenExpr) exprNode()        {}
func (*BracketExpr) exprNode()      {}
func (*TypeExpr) exprNode()         {}
func (*PipeExpr) exprNode()         {}
func (*DataTableExpr) exprNode()    {}
func (*ExternalDataExpr) exprNode() {}
func (*FuncExpr) exprNode()         {}
