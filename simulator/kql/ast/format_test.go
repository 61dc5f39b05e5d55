package ast

import "testing"

func TestFormat(t *testing.T) {
	id := func(n string) *Ident { return &Ident{Name: n} }
	cases := []struct {
		node Node
		want string
	}{
		{&Literal{Kind: LitLong, Text: "42"}, "42"},
		{&Literal{Kind: LitString, Text: "a\"b"}, `"a\"b"`},
		{&Literal{Kind: LitDateTime, Text: "2025-01-15"}, "datetime(2025-01-15)"},
		{&Literal{Kind: LitLong, Text: "null", Null: true}, "long(null)"},
		{&Ident{Name: "a b", Quoted: true}, "['a b']"},
		{&BinaryExpr{Op: "has", L: id("x"), R: &Literal{Kind: LitString, Text: "y"}}, `(has x "y")`},
		{&InExpr{Op: "!in~", X: id("x"), List: []Expr{id("a"), id("b")}}, "(!in~ x [a b])"},
		{&PipeExpr{Input: &PipeExpr{Input: id("T"), Op: &WhereOp{Keyword: "where", Pred: id("p")}}, Op: &TakeOp{Keyword: "take", Count: &Literal{Kind: LitLong, Text: "1"}}},
			"(pipe T (where p) (take 1))"},
		{&PipeExpr{Op: &PrintOp{Cols: []Expr{&NamedExpr{Name: id("x"), Names: []*Ident{id("x")}, Value: &Literal{Kind: LitLong, Text: "1"}}}}},
			"(pipe _ (print (= x 1)))"},
		{&SummarizeOp{Aggs: []Expr{&CallExpr{Func: id("count")}}, By: []Expr{id("k")}}, "(summarize (aggs (call count)) (by k))"},
		{&JoinOp{Params: []*NamedExpr{{Name: id("kind"), Names: []*Ident{id("kind")}, Value: id("inner")}}, Right: id("U"), On: []Expr{id("k")}},
			"(join (params (= kind inner)) U (on k))"},
		{&Script{Stmts: []Stmt{&LetStmt{Name: id("x"), Value: &Literal{Kind: LitLong, Text: "1"}}, &QueryStmt{Query: id("T")}}}, "(let x 1)\nT"},
	}
	for _, c := range cases {
		if got := Format(c.node); got != c.want {
			t.Errorf("Format(%T) = %q, want %q", c.node, got, c.want)
		}
	}
}

func TestLitKindString(t *testing.T) {
	if LitTimespan.String() != "timespan" || LitDynamic.String() != "dynamic" || LitKind(99).String() != "unknown" {
		t.Error("LitKind names wrong")
	}
}

func TestOpNames(t *testing.T) {
	ops := []Op{&WhereOp{}, &MvExpandOp{}, &ParseOp{Keyword: "parse-where"}, &GenericOp{Keyword: "make-graph"}, &ProjectAwayOp{}}
	want := []string{"where", "mv-expand", "parse-where", "make-graph", "project-away"}
	for i, op := range ops {
		if got := op.OpName(); got != want[i] {
			t.Errorf("OpName = %q, want %q", got, want[i])
		}
	}
}
