package ast

import "github.com/soclab/soclab/simulator/kql/diag"

// Node is any syntax tree node: it knows its source range [Pos, End).
type Node interface {
	Pos() diag.Pos
	End() diag.Pos
}

// Span is the source range of a node; every node embeds one.
type Span struct {
	Start diag.Pos // first byte of the node
	Stop  diag.Pos // byte after the node
}

// Pos returns the first byte of the node.
func (s Span) Pos() diag.Pos { return s.Start }

// End returns the byte after the node.
func (s Span) End() diag.Pos { return s.Stop }

// Stmt is a statement of a script: *LetStmt, *SetStmt, *DeclareStmt,
// *PatternStmt, *QueryStmt.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression: scalar or tabular (KQL does not separate them in
// the grammar; the analyzer decides). See doc.go for the list.
type Expr interface {
	Node
	exprNode()
}

// Op is a tabular operator, the right side of a pipe. See doc.go.
type Op interface {
	Node
	opNode()
	// OpName returns the operator keyword as written in canonical form
	// ("where", "project-away", "mv-expand", ...).
	OpName() string
}

// Script is a whole query text: statements separated by ';'.
type Script struct {
	Span
	Stmts []Stmt
}

// LetStmt is `let Name = Value`. Value is a scalar expression, a tabular
// expression or a *FuncExpr (a lambda / user function).
type LetStmt struct {
	Span
	Name  *Ident
	Value Expr
}

// SetStmt is `set name [= value]` (a request option; kept, ignored later).
type SetStmt struct {
	Span
	Name  string
	Value Expr // nil when the option has no value
}

// DeclareStmt is `declare query_parameters (name:type [= default], ...)`.
type DeclareStmt struct {
	Span
	Params []*Param
}

// PatternStmt is `declare pattern Name [= (params)[[path params]] { rules }]`.
type PatternStmt struct {
	Span
	Name       *Ident
	Params     []*Param
	PathParams []*Param
	Rules      []*PatternRule
}

// PatternRule is one `(args).[path] = { query };` of a pattern.
type PatternRule struct {
	Span
	Args []Expr
	Path []Expr
	Body Expr
}

// QueryStmt is a tabular (or scalar) expression whose result is returned.
type QueryStmt struct {
	Span
	Query Expr
}

func (*LetStmt) stmtNode()     {}
func (*SetStmt) stmtNode()     {}
func (*DeclareStmt) stmtNode() {}
func (*QueryStmt) stmtNode()   {}
func (*PatternStmt) stmtNode() {}
