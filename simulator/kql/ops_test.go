package kql

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"
)

// Operator semantics SOC queries depend on, with exact results (the doc examples cover few of
// them without the help cluster's tables).
func TestOperators(t *testing.T) {
	const xy = `let X = datatable(Key:string, Value1:long)['a',1,'b',2,'b',3,'c',4];
let Y = datatable(Key:string, Value2:long)['b',10,'c',20,'c',30,'d',40];
`
	cases := []struct {
		name, query string
		want        string // JSON rows
		ordered     bool
	}{
		{"join innerunique keeps the first left row per key", xy + "X | join Y on Key",
			`[["b",2,"b",10],["c",4,"c",20],["c",4,"c",30]]`, false},
		{"join inner", xy + "X | join kind=inner Y on Key",
			`[["b",2,"b",10],["b",3,"b",10],["c",4,"c",20],["c",4,"c",30]]`, false},
		{"join leftouter", xy + "X | join kind=leftouter Y on Key",
			`[["a",1,"",null],["b",2,"b",10],["b",3,"b",10],["c",4,"c",20],["c",4,"c",30]]`, false},
		{"join rightouter", xy + "X | join kind=rightouter Y on Key",
			`[["b",2,"b",10],["b",3,"b",10],["c",4,"c",20],["c",4,"c",30],["",null,"d",40]]`, false},
		{"join fullouter", xy + "X | join kind=fullouter Y on Key",
			`[["a",1,"",null],["b",2,"b",10],["b",3,"b",10],["c",4,"c",20],["c",4,"c",30],["",null,"d",40]]`, false},
		{"join leftanti", xy + "X | join kind=leftanti Y on Key", `[["a",1]]`, false},
		{"join rightanti", xy + "X | join kind=rightanti Y on Key", `[["d",40]]`, false},
		{"join leftsemi", xy + "X | join kind=leftsemi Y on Key", `[["b",2],["b",3],["c",4]]`, false},
		{"join rightsemi", xy + "X | join kind=rightsemi Y on Key", `[["b",10],["c",20],["c",30]]`, false},
		{"join $left/$right", xy + "X | join kind=inner (Y | project K2 = Key, Value2) on $left.Key == $right.K2 | project Value1, Value2",
			`[[2,10],[3,10],[4,20],[4,30]]`, false},
		{"lookup", xy + "X | lookup Y on Key", `[["a",1,null],["b",2,10],["b",3,10],["c",4,20],["c",4,30]]`, false},
		{"sort defaults to desc, nulls last", "datatable(a:long, s:string)[3,'x',long(null),'y',1,'z'] | sort by a",
			`[[3,"x"],[1,"z"],[null,"y"]]`, true},
		{"sort asc puts nulls first", "datatable(a:long, s:string)[3,'x',long(null),'y',1,'z'] | sort by a asc",
			`[[null,"y"],[1,"z"],[3,"x"]]`, true},
		{"top", "range x from 1 to 10 step 1 | top 3 by x", `[[10],[9],[8]]`, true},
		{"arg_max(*) keeps the other columns once", "datatable(u:string, t:long, x:string)['a',1,'p','a',5,'q','b',2,'r'] | summarize arg_max(t, *) by u",
			`[["a",5,"q"],["b",2,"r"]]`, false},
		{"string column == number compares text", "datatable(ResultType:string)['0','50126','00'] | where ResultType == 0",
			`[["0"]]`, false},
		{"union withsource", "union withsource=T (print a=1 | as A), (print a=2 | as B)", `[["A",1],["B",2]]`, false},
		{"union kind=inner keeps common columns", "union kind=inner (print a=1, b=2), (print a=3, c=4)", `[[1],[3]]`, false},
		{"serialize prev and row_number", "range x from 1 to 3 step 1 | serialize | extend p = prev(x), n = row_number()",
			`[[1,null,1],[2,1,2],[3,2,3]]`, true},
		{"mv-expand with index", "print d = dynamic(['a','b']) | mv-expand with_itemindex=i d", `[["a",0],["b",1]]`, true},
		{"mv-apply", "print d = dynamic([3,1,2]) | mv-apply v = d to typeof(long) on (summarize s = sum(v))", `[[[3,1,2],6]]`, false},
		{"summarize by bin", "datatable(t:datetime)[datetime(2025-01-15T08:31:00Z), datetime(2025-01-15T08:34:59Z), datetime(2025-01-15T08:35:00Z)] | summarize count() by bin(t, 5m)",
			`[["2025-01-15T08:30:00Z",2],["2025-01-15T08:35:00Z",1]]`, false},
		{"summarize over no rows gives one row of defaults", "datatable(x:long)[] | summarize count(), sum(x), avg(x), make_set(x), max(x)", `[[0,0,null,[],null]]`, false},
		{"summarize with keys over no rows gives no rows", "datatable(x:long)[] | summarize count() by x", `[]`, false},
		{"distinct", "datatable(a:string)['x','y','x'] | distinct a", `[["x"],["y"]]`, false},
		{"count", "range x from 1 to 7 step 1 | count", `[[7]]`, false},
		{"in with a subquery", "let bad = datatable(u:string)['a']; datatable(u:string, n:long)['a',1,'b',2] | where u in (bad)", `[["a",1]]`, false},
		{"toscalar", "let m = toscalar(range x from 1 to 5 step 1 | summarize max(x)); print m", `[[5]]`, false},
		{"project-away and rename", "print a=1, b=2, c=3 | project-away b | project-rename z = c", `[[1,3]]`, false},
		{"parse", "print s='user=alice ip=10.0.0.1' | parse s with 'user=' user ' ip=' ip | project user, ip", `[["alice","10.0.0.1"]]`, false},
		{"materialize", "let t = materialize(range x from 1 to 3 step 1); t | join kind=inner t on x | count", `[[3]]`, false},
		{"search a term", "let T = datatable(a:string, n:long)['alpha beta',1,'gamma',2]; T | search 'beta'", `[["alpha beta",1]]`, false},
		{"find with project", "let T1 = datatable(x:long, y:string)[1,'a',5,'b']; let T2 = datatable(x:long)[7]; find in (T1, T2) where x > 2 project x, y",
			`[["T1",5,"b"],["T2",7,""]]`, false},
		{"find project-smart", "let T1 = datatable(x:long, y:string)[1,'a',5,'b']; find in (T1) where x > 2",
			`[["T1",5,{"y":"b"}]]`, false},
		{"partition with a subquery", "datatable(k:string, v:long)['a',1,'a',5,'b',2] | partition by k (top 1 by v)", `[["a",5],["b",2]]`, false},
		{"partition with a scalar key", "let T = datatable(k:string, v:long)['a',1,'a',5,'b',2]; T | partition by k { T | where k == k | summarize n = count() | extend key = k }",
			`[[3,"a"],[3,"b"]]`, false},
		{"ingestion_time reads the event time", "datatable(TimeGenerated:datetime)[datetime(2025-01-15T09:30:00Z), datetime(2025-01-15T07:00:00Z)] | where ingestion_time() > ago(1h)",
			`[["2025-01-15T09:30:00Z"]]`, false},
		{"extend tostring(col) replaces the column", "print Location = dynamic(['a','b']), n = 1 | extend tostring(Location) | where Location has 'a' | project Location, n",
			`[["[\"a\",\"b\"]",1]]`, false},
		{"by tostring(path) is named after the path", "print d = dynamic({'q': 7}) | summarize count() by tostring(d.q) | project d_q",
			`[["7"]]`, false},
		{"count() is named count_", "range x from 1 to 4 step 1 | summarize count() by odd = x % 2 | where count_ == 2 | project odd", `[[0],[1]]`, false},
		{"aggregates of expressions get an empty suffix", "range x from 1 to 3 step 1 | summarize sum(x * 2) | project sum_", `[[12]]`, false},
		{"function result names", "print Name = 'abc', x = 2.5 | extend strlen(Name), round(x), gettype(x), column_ifexists('Name', ''), column_ifexists('Nope', 'd') | project strlen_Name, x, type_x, Name, Column1",
			`[[3,3,"real","abc","d"]]`, false},
		{"aggregate names", "datatable(b:bool, v:long)[true,1,false,2] | summarize countif(b), binary_all_or(v), take_any(v), any(v) | project countif_b, v, v1, any_v",
			`[[1,3,1,1]]`, false},
		{"operators after bag_unpack see its columns", "datatable(d:dynamic)[dynamic({'a':1,'b':'x'}), dynamic({'a':2,'b':'y'})] | evaluate bag_unpack(d) | where a > 1 | project b",
			`[["y"]]`, false},
		{"datetime arithmetic with ago", "print ago(1h) == datetime(2025-01-15T09:00:00Z)", `[[true]]`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := Compile(c.query, MapCatalog{}, CompileOptions{})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res, err := q.Run(context.Background(), nil, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			var got struct{ Rows []json.RawMessage }
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			var want []json.RawMessage
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			g, w := canonRows(t, got.Rows), canonRows(t, want)
			if !c.ordered {
				sort.Strings(g)
				sort.Strings(w)
			}
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Fatalf("rows\n got: %s\nwant: %s", strings.Join(g, " "), strings.Join(w, " "))
			}
		})
	}
}

// Limits: a run that exceeds its row or memory bound, or its deadline, fails with an error.
func TestRunLimits(t *testing.T) {
	q, err := Compile("range x from 1 to 100000 step 1 | extend s = strcat('row-', x) | summarize count() by s", nil, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Run(context.Background(), nil, RunOptions{MaxRows: 1000}); err == nil || !strings.Contains(err.Error(), "record count limit") {
		t.Errorf("row limit: got %v", err)
	}
	if _, err := q.Run(context.Background(), nil, RunOptions{MaxMemory: 1 << 20}); err == nil || !strings.Contains(err.Error(), "E_LOW_MEMORY_CONDITION") {
		t.Errorf("memory limit: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Run(ctx, nil, RunOptions{}); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancel: got %v", err)
	}
	if _, err := q.Run(context.Background(), nil, RunOptions{}); err != nil {
		t.Errorf("unbounded run: %v", err)
	}
}
