package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// parseCases pair a query with its tree printed by ast.Format.
var parseCases = []struct{ query, want string }{
	{"T | where x > 1",
		"(pipe T (where (> x 1)))"},
	{"T | where a == 1 and b != \"x\" or not(c)",
		"(pipe T (where (or (and (== a 1) (!= b \"x\")) (call not c))))"},
	{"T | where a + b * c - d / e % f > 2",
		"(pipe T (where (> (- (+ a (* b c)) (% (/ d e) f)) 2)))"},
	{"T | where -x < -1.5 and +y >= 0x1F",
		"(pipe T (where (and (< (- x) (- real(1.5))) (>= (+ y) 0x1F))))"},
	{"T | where Name has \"a\" and Name !has_cs 'b'",
		"(pipe T (where (and (has Name \"a\") (!has_cs Name \"b\"))))"},
	{"T | where s contains_cs \"x\" or s notcontains \"y\" or s !startswith_cs \"z\"",
		"(pipe T (where (or (or (contains_cs s \"x\") (!contains s \"y\")) (!startswith_cs s \"z\"))))"},
	{"T | where s matches regex @\"\\d+\" and s =~ \"A\" and s !~ \"b\"",
		"(pipe T (where (and (and (matches regex s \"\\\\d+\") (=~ s \"A\")) (!~ s \"b\"))))"},
	{"T | where x in (1, 2, 3) and y !in~ (\"a\") and z in~ (\"b\")",
		"(pipe T (where (and (and (in x [1 2 3]) (!in~ y [\"a\"])) (in~ z [\"b\"]))))"},
	{"T | where x in (U | project y)",
		"(pipe T (where (in x [(pipe U (project y))])))"},
	{"T | where x between (1 .. 10) and y !between (ago(1d) .. now())",
		"(pipe T (where (and (between x 1 10) (!between y (call ago timespan(1d)) (call now)))))"},
	{"T | where a has_any (\"x\", \"y\") and b has_all (dyn)",
		"(pipe T (where (and (has_any a [\"x\" \"y\"]) (has_all b [dyn]))))"},
	{"T | where * has \"evil\"",
		"(pipe T (where (has * \"evil\")))"},
	{"T | where d.a.b == 1 and d[\"k\"] == 2 and d[0] == 3 and d[-1] == 4",
		"(pipe T (where (and (and (and (== (. (. d a) b) 1) (== ([] d \"k\") 2)) (== ([] d 0) 3)) (== ([] d (- 1)) 4))))"},
	{"T | where ['col with space'] == [\"x\"]",
		"(pipe T (where (== ['col with space'] ['x'])))"},
	{"T | project a, b = c + 1, ['d e'] = f",
		"(pipe T (project a (= b (+ c 1)) (= ['d e'] f)))"},
	{"T | project-away a, b*, ['c d']",
		"(pipe T (project-away a b* ['c d']))"},
	{"T | project-keep a*",
		"(pipe T (project-keep a*))"},
	{"T | project-rename New = Old, ['N 2'] = ['O 2']",
		"(pipe T (project-rename (= New Old) (= ['N 2'] ['O 2'])))"},
	{"T | project-reorder b desc, a* asc, c granny-asc",
		"(pipe T (project-reorder b desc a* asc c granny-asc))"},
	{"T | extend (a, b) = f(x), c = iff(x > 0, \"p\", \"n\")",
		"(pipe T (extend (= (a b) (call f x)) (= c (call iff (> x 0) \"p\" \"n\"))))"},
	{"T | summarize count(), n = dcount(x), arg_max(TimeGenerated, *) by bin(TimeGenerated, 5m), User",
		"(pipe T (summarize (aggs (call count) (= n (call dcount x)) (call arg_max TimeGenerated *)) (by (call bin TimeGenerated timespan(5m)) User)))"},
	{"T | summarize hint.strategy=shuffle count() by x",
		"(pipe T (summarize (params (= hint.strategy shuffle)) (aggs (call count)) (by x)))"},
	{"T | summarize by x, y",
		"(pipe T (summarize (by x y)))"},
	{"T | count",
		"(pipe T (count))"},
	{"T | distinct a, b",
		"(pipe T (distinct a b))"},
	{"T | distinct *",
		"(pipe T (distinct *))"},
	{"T | sort by a desc nulls last, b asc",
		"(pipe T (sort (key a desc nulls-last) (key b asc)))"},
	{"T | order by a",
		"(pipe T (order (key a)))"},
	{"T | top 10 by count_ desc",
		"(pipe T (top 10 (key count_ desc)))"},
	{"T | take 5",
		"(pipe T (take 5))"},
	{"T | limit 5",
		"(pipe T (limit 5))"},
	{"T | join kind=leftouter hint.strategy=broadcast (U | where x) on a, $left.b == $right.c",
		"(pipe T (join (params (= kind leftouter) (= hint.strategy broadcast)) (paren (pipe U (where x))) (on a (== (. $left b) (. $right c)))))"},
	{"T | join U on a",
		"(pipe T (join U (on a)))"},
	{"T | lookup kind=inner U on k",
		"(pipe T (lookup (params (= kind inner)) U (on k)))"},
	{"union withsource=Src isfuzzy=true T1, Signin*, (U | take 1)",
		"(pipe _ (union (params (= withsource Src) (= isfuzzy bool(true))) T1 Signin* (paren (pipe U (take 1)))))"},
	{"T | union kind=outer U",
		"(pipe T (union (params (= kind outer)) U))"},
	{"T | mv-expand kind=array with_itemindex=i x to typeof(long), y = arr limit 10",
		"(pipe T (mv-expand (params (= kind array) (= with_itemindex i)) (to x long) (= y arr) (limit 10)))"},
	{"T | mvexpand x",
		"(pipe T (mv-expand x))"},
	{"T | mv-apply e = arr to typeof(dynamic) on (top 1 by tolong(e) | project v = e)",
		"(pipe T (mv-apply (to (= e arr) dynamic) (on (pipe _ (top 1 (key (call tolong e))) (project (= v e))))))"},
	{"T | parse kind=regex flags=Ui s with * \"id=\" id:long \",\" rest",
		"(pipe T (parse (params (= kind regex) (= flags Ui)) s (with * \"id=\" id:long \",\" rest)))"},
	{"T | parse-where s with \"a\" b \"c\" *",
		"(pipe T (parse-where s (with \"a\" b \"c\" *)))"},
	{"T | parse-kv s as (a:string, b:long) with (pair_delimiter=\",\", kv_delimiter=\"=\")",
		"(pipe T (parse-kv s (as a:string b:long) (with (= pair_delimiter \",\") (= kv_delimiter \"=\"))))"},
	{"T | serialize rn = row_number()",
		"(pipe T (serialize (= rn (call row_number))))"},
	{"T | as hint.materialized=true X",
		"(pipe T (as (params (= hint.materialized bool(true))) X))"},
	{"T | invoke f(1)",
		"(pipe T (invoke (call f 1)))"},
	{"T | evaluate bag_unpack(d)",
		"(pipe T (evaluate (call bag_unpack d)))"},
	{"T | evaluate bag_unpack(d) : (*, Name:string)",
		"(pipe T (evaluate (call bag_unpack d) (table Name:string *)))"},
	{"T | getschema",
		"(pipe T (getschema))"},
	{"search \"evil\"",
		"(pipe _ (search \"evil\"))"},
	{"search kind=case_sensitive in (T1, T2) \"x\" and y > 1",
		"(pipe _ (search (params (= kind case_sensitive)) (in T1 T2) (and \"x\" (> y 1))))"},
	{"T | search * has \"x\"",
		"(pipe T (search (has * \"x\")))"},
	{"find withsource=S in (T1, T2*) where x == 1 project a, b:string",
		"(pipe _ (find (params (= withsource S)) (in T1 T2*) (where (== x 1)) (project a (= b typeof(string)))))"},
	{"T | make-series n = count() default = 0 on TimeGenerated from ago(1d) to now() step 1h by User",
		"(pipe T (make-series (aggs (default (= n (call count)) 0)) (on TimeGenerated) (from (call ago timespan(1d))) (to (call now)) (step timespan(1h)) (by User)))"},
	{"T | make-series avg(x) on ts in range(datetime(2025-01-01), datetime(2025-01-02), 1h)",
		"(pipe T (make-series (aggs (call avg x)) (on ts) (in (call range datetime(2025-01-01) datetime(2025-01-02) timespan(1h)))))"},
	{"T | render timechart with (title=\"t\", xtitle=\"x\")",
		"(pipe T (render timechart (with (= title \"t\") (= xtitle \"x\"))))"},
	{"T | sample 10",
		"(pipe T (sample 10))"},
	{"T | sample-distinct 5 of x",
		"(pipe T (sample-distinct 5 (of x)))"},
	{"T | facet by a, b with (top 1 by c)",
		"(pipe T (facet (by a b) (with (pipe _ (top 1 (key c))))))"},
	{"range x from 1 to 10 step 1",
		"(pipe _ (range x 1 10 1))"},
	{"print a = 1, \"b\", c = now()",
		"(pipe _ (print (= a 1) \"b\" (= c (call now))))"},
	{"datatable(a:int, b:string) [1, \"x\", 2, \"y\",]",
		"(datatable (cols a:int b:string) (values 1 \"x\" 2 \"y\"))"},
	{"T | top-nested 3 of a by n = count(), top-nested 2 of b with others = \"o\" by sum(c) desc",
		"(pipe T (top-nested (level (n 3) (of a) (by (= n (call count)))) (level (n 2) (of b) (others \"o\") (by (call sum c)) (order desc))))"},
	{"T | partition hint.strategy=native by k (top 1 by t)",
		"(pipe T (partition (params (= hint.strategy native)) (by k) (pipe _ (top 1 (key t)))))"},
	{"T | fork (where x > 1) (take 1)",
		"(pipe T (fork (pipe _ (where (> x 1))) (pipe _ (take 1))))"},
	{"T | reduce by s with threshold=0.5",
		"(pipe T (reduce (by s) (with (= threshold real(0.5)))))"},
	{"T | scan with_match_id=id declare (s:string) with (step a: x > 1 => s = \"a\"; step b: x < 1;)",
		"(pipe T (scan (params (= with_match_id id)) (declare (param s string)) (step a (> x 1) (=> (= s \"a\"))) (step b (< x 1))))"},
	{"print 1d, 1.5h, 100ms, 30s, 2microseconds, 10tick, time(1.00:00:00), timespan(null)",
		"(pipe _ (print timespan(1d) timespan(1.5h) timespan(100ms) timespan(30s) timespan(2microseconds) timespan(10tick) timespan(1.00:00:00) timespan(null)))"},
	{"print datetime(2025-01-15T08:30:00Z), datetime(2025-01-15), datetime(null), date(2020-01-01)",
		"(pipe _ (print datetime(2025-01-15T08:30:00Z) datetime(2025-01-15) datetime(null) datetime(2020-01-01)))"},
	{"print int(1), long(null), real(nan), decimal(1.5), bool(true), true, False, 1e3, 0xff, 1.",
		"(pipe _ (print int(1) long(null) real(nan) decimal(1.5) bool(true) bool(true) bool(false) real(1e3) 0xff real(1.)))"},
	{"print dynamic({\"a\": [1, 2.5, -3, \"s\", null, true, datetime(2020-01-01)]}), dynamic(null), dynamic([])",
		"(pipe _ (print dynamic({\"a\": [1, 2.5, -3, \"s\", null, true, datetime(2020-01-01)]}) dynamic(null) dynamic([])))"},
	{"print guid(74be27de-1e4e-49d9-b579-fe0b331d3642), 74be27de-1e4e-49d9-b579-fe0b331d3642",
		"(pipe _ (print guid(74be27de-1e4e-49d9-b579-fe0b331d3642) guid(74be27de-1e4e-49d9-b579-fe0b331d3642)))"},
	{"print \"a\" 'b' @\"c\\d\" h'hid' H@\"x\"\"y\", \"esc\\t\\\"\\\\\\u0041\\x42\\101\"",
		"(pipe _ (print \"abc\\\\dhidx\\\"y\" \"esc\\t\\\"\\\\ABA\"))"},
	{"print ```multi\nline```",
		"(pipe _ (print \"multi\\nline\"))"},
	{"let x = 1; let f = (a:string, T:(*), n:long = 5) { T | where c == a | take n }; f(\"x\", U)",
		"(let x 1)\n(let f (func ((param a string) (param T (table *)) (param n long (= 5))) {(pipe T (where (== c a)) (take n))}))\n(call f \"x\" U)"},
	{"let g = view () { T }; let h = (T:(a:string, *)) { let k = 1; T | extend k };",
		"(let g (view () {T}))\n(let h (func ((param T (table a:string *))) {(let k 1); (pipe T (extend k))}))"},
	{"set querytrace; set x = 1; T",
		"(set querytrace)\n(set x (= 1))\nT"},
	{"declare query_parameters(p:string = \"d\", n:long); T | where x == p",
		"(declare (param p string (= \"d\")) (param n long))\n(pipe T (where (== x p)))"},
	{"let T = materialize(U | take 1); T | where x == toscalar(U | count)",
		"(let T (call materialize (pipe U (take 1))))\n(pipe T (where (== x (call toscalar (pipe U (count))))))"},
	{"table(\"T\") | count",
		"(pipe (call table \"T\") (count))"},
	{"T | where x has_any (dynamic([\"a\"])) | extend y = pack_all(), z = column_ifexists(\"c\", \"\")",
		"(pipe T (where (has_any x [dynamic([\"a\"])])) (extend (= y (call pack_all)) (= z (call column_ifexists \"c\" \"\"))))"},
	{"T | extend type = 1, count = 3, ['kind'] = 2 | where type == 1 and kind == 2",
		"(pipe T (extend (= type 1) (= count 3) (= ['kind'] 2)) (where (and (== type 1) (== kind 2))))"},
	{"T | extend where = 1, ['title'] = 2 | project kind, ['where']",
		"(pipe T (extend (= where 1) (= ['title'] 2)) (project kind ['where']))"},
	{"where x > 1",
		"(pipe _ (where (> x 1)))"},
	{"T | where $left.x == 1",
		"(pipe T (where (== (. $left x) 1)))"},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		s, err := Parse(c.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.query, err)
			continue
		}
		if got := ast.Format(s); got != c.want {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", c.query, got, c.want)
		}
	}
}

// errorCases pair an invalid query with the exact rendered error.
var errorCases = []struct{ query, want string }{
	{"T | where x ==",
		"Syntax error: SYN0002: Missing expression at line 1, column 15\n" +
			"   1 | T | where x ==\n" +
			"     |               ^"},
	{"T\n| where a == 1\n| summarize count() by\n",
		"Syntax error: SYN0002: Missing expression at line 3, column 23\n" +
			"   3 | | summarize count() by\n" +
			"     |                       ^"},
	{"T | wher x > 1",
		"Syntax error: SYN0002: Query operator expected. at line 1, column 5\n" +
			"   1 | T | wher x > 1\n" +
			"     |     ^"},
	{"T | take 1\nU | take 2",
		"Syntax error: SYN0002: Expected: ; at line 1, column 11\n" +
			"   1 | T | take 1\n" +
			"     |           ^"},
	{"T | where a == 1 == 2",
		"Syntax error: SYN0002: The incomplete fragment is unexpected. at line 1, column 18\n" +
			"   1 | T | where a == 1 == 2\n" +
			"     |                  ^"},
	{"T | where s == \"abc",
		"Syntax error: SYN0002: Missing: \" at line 1, column 20\n" +
			"   1 | T | where s == \"abc\n" +
			"     |                    ^"},
	{"T | where s == \"a\\d\"",
		"Syntax error: SYN0002: Missing: \" at line 1, column 18\n" +
			"   1 | T | where s == \"a\\d\"\n" +
			"     |                  ^"},
	{"let x = 1;;\nT",
		"Syntax error: SYN0002: The incomplete fragment is unexpected. at line 1, column 11\n" +
			"   1 | let x = 1;;\n" +
			"     |           ^"},
	{"T | project a,",
		"Syntax error: SYN0002: Missing expression at line 1, column 15\n" +
			"   1 | T | project a,\n" +
			"     |               ^"},
	{"T | where f(a,)",
		"Syntax error: SYN0002: Missing expression at line 1, column 15\n" +
			"   1 | T | where f(a,)\n" +
			"     |               ^"},
	{"print dynamic([a])",
		"Syntax error: SYN0002: Expected: ] at line 1, column 16\n" +
			"   1 | print dynamic([a])\n" +
			"     |                ^"},
	{"print datetime(2020-01-01",
		"Syntax error: SYN0002: Missing: ) at line 1, column 26\n" +
			"   1 | print datetime(2020-01-01\n" +
			"     |                          ^"},
	{"T | where x > --1",
		"Syntax error: SYN0002: Missing expression at line 1, column 16\n" +
			"   1 | T | where x > --1\n" +
			"     |                ^"},
	{"T\t| where x § 1",
		"Syntax error: SYN0002: Unexpected: § at line 1, column 13\n" +
			"   1 | T\t| where x § 1\n" +
			"     |  \t          ^"},
	{"T | project title",
		"Syntax error: SYN0002: Missing expression: If the keyword 'title' is intended to be part of an expression it needs to be bracketted as ['title']. at line 1, column 12\n" +
			"   1 | T | project title\n" +
			"     |            ^"},
	{"print datetime (2020-01-01)",
		"Syntax error: SYN0002: Missing expression: If the keyword 'datetime' is intended to be part of an expression it needs to be bracketted as ['datetime']. at line 1, column 6\n" +
			"   1 | print datetime (2020-01-01)\n" +
			"     |      ^"},
	{"T | join kind=inner (U) on",
		"Syntax error: SYN0002: Missing expression at line 1, column 27\n" +
			"   1 | T | join kind=inner (U) on\n" +
			"     |                           ^"},
}

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases {
		s, err := Parse(c.query)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want an error", c.query, ast.Format(s))
			continue
		}
		de, ok := err.(*diag.Error)
		if !ok {
			t.Errorf("Parse(%q): error %T, want *diag.Error", c.query, err)
			continue
		}
		if got := de.Format(c.query); got != c.want {
			t.Errorf("Parse(%q) error\n got: %q\nwant: %q", c.query, got, c.want)
		}
	}
}

// TestLabQueries parses every KQL block of the lab text (testdata/lab).
func TestLabQueries(t *testing.T) {
	files, err := filepath.Glob("testdata/lab/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no lab queries: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(string(src))
			if err != nil {
				t.Fatal(err.(*diag.Error).Format(string(src)))
			}
			if len(s.Stmts) == 0 {
				t.Fatal("no statements")
			}
			q, ok := s.Stmts[len(s.Stmts)-1].(*ast.QueryStmt)
			if !ok || !strings.HasPrefix(ast.Format(q), "(pipe ") {
				t.Fatalf("last statement is not a pipeline: %s", ast.Format(s.Stmts[len(s.Stmts)-1]))
			}
		})
	}
}

// TestSpans checks that node ranges cover exactly their source text.
func TestSpans(t *testing.T) {
	src := "let x = 1;\nT // c\n| where a  ==  'b' // comment\n| project c = f(x)  ;"
	s, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	q := s.Stmts[1].(*ast.QueryStmt).Query.(*ast.PipeExpr)
	checks := []struct {
		n    ast.Node
		want string
	}{
		{s, "let x = 1;\nT // c\n| where a  ==  'b' // comment\n| project c = f(x)  ;"},
		{s.Stmts[0], "let x = 1"},
		{q, "T // c\n| where a  ==  'b' // comment\n| project c = f(x)"},
		{q.Op, "project c = f(x)"},
		{q.Input.(*ast.PipeExpr).Op, "where a  ==  'b'"},
		{q.Input.(*ast.PipeExpr).Op.(*ast.WhereOp).Pred, "a  ==  'b'"},
		{q.Op.(*ast.ProjectOp).Cols[0].(*ast.NamedExpr).Value, "f(x)"},
	}
	for _, c := range checks {
		if got := src[c.n.Pos():c.n.End()]; got != c.want {
			t.Errorf("%T span = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestDeepNesting checks that hostile nesting gives an error, not a crash.
func TestDeepNesting(t *testing.T) {
	src := "print " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	_, err := Parse(src)
	de, ok := err.(*diag.Error)
	if !ok || de.Code != diag.CodeTooComplex {
		t.Fatalf("err = %v, want %s", err, diag.CodeTooComplex)
	}
	if _, err := Parse("print " + strings.Repeat("(", 50) + "1" + strings.Repeat(")", 50)); err != nil {
		t.Fatalf("moderate nesting: %v", err)
	}
}

func TestParseExpr(t *testing.T) {
	e, err := ParseExpr("a.b[0] + 1 > 2")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ast.Format(e), "(> (+ ([] (. a b) 0) 1) 2)"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if _, err := ParseExpr("a b"); err == nil {
		t.Fatal("ParseExpr(\"a b\") succeeded, want an error")
	}
}

func TestEmptyScript(t *testing.T) {
	for _, src := range []string{"", "  ", "// only a comment\n"} {
		s, err := Parse(src)
		if err != nil || len(s.Stmts) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want an empty script", src, s, err)
		}
	}
}
