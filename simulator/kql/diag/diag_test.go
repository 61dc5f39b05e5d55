package diag

import "testing"

func TestLineCol(t *testing.T) {
	src := "ab\ncdé\r\nf"
	cases := []struct {
		pos       Pos
		line, col int
	}{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 2, 4}, {9, 3, 1}, {10, 3, 2}, {99, 3, 2}, {-5, 1, 1},
	}
	for _, c := range cases {
		if l, col := LineCol(src, c.pos); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.pos, l, col, c.line, c.col)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		src  string
		err  *Error
		want string
	}{
		{"T | where x ==", Errorf(CodeSyntax, 14, 14, "unexpected end of query"),
			"Syntax error: SYN0002: unexpected end of query at line 1, column 15\n" +
				"   1 | T | where x ==\n" +
				"     |               ^"},
		{"let a = 'é';\r\nT | where b", Errorf(CodeUnknownName, 25, 26, "unknown column 'b'"),
			"Semantic error: SEM0100: unknown column 'b' at line 2, column 11\n" +
				"   2 | T | where b\n" +
				"     |           ^"},
		{"x\n\ty z", Errorf(CodeSyntax, 5, 6, "bad"),
			"Syntax error: SYN0002: bad at line 2, column 4\n" +
				"   2 | \ty z\n" +
				"     | \t  ^"},
		{"T", Errorf(CodeRuntimeError, NoPos, NoPos, "out of memory"),
			"Query error: RUN0001: out of memory"},
	}
	for _, c := range cases {
		if got := c.err.Format(c.src); got != c.want {
			t.Errorf("Format(%q)\n got: %q\nwant: %q", c.src, got, c.want)
		}
	}
}

func TestErrorAndToken(t *testing.T) {
	src := "T | wher x"
	e := Errorf(CodeSyntax, 4, 8, "unexpected %q", "wher")
	if got, want := e.Error(), `Syntax error: SYN0002: unexpected "wher" (at offset 4)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := e.Token(src); got != "wher" {
		t.Errorf("Token = %q, want wher", got)
	}
	if got := Errorf(CodeSyntax, 10, 10, "eof").Token(src); got != "" {
		t.Errorf("Token at end = %q, want empty", got)
	}
	if !e.IsSyntax() || Errorf(CodeInvalid, 0, 0, "x").IsSyntax() {
		t.Error("IsSyntax wrong")
	}
}
