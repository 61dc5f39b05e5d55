package kql

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// runCompact compiles and runs src over no tables and returns the result as compact JSON.
func runCompact(t *testing.T, src string) string {
	t.Helper()
	q, err := Compile(src, MapCatalog{}, CompileOptions{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	res, err := q.Run(context.Background(), MapDatabase{}, RunOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Operators and plugins fixed after the doc conformance run, with exact outputs.
func TestFollowUpOperators(t *testing.T) {
	const people = `datatable(d:dynamic, Description:string)[dynamic({"Name":"John","Age":20,"height":180}),"Student",dynamic({"Name":"Dave","Age":"40"}),"Teacher"]`
	cases := []struct{ name, query, want string }{
		{"bag_unpack with an output schema keeps only its columns, in its order and types",
			people + ` | evaluate bag_unpack(d) : (*, Name:string, Age:long)`,
			`{"columns":[{"name":"Description","type":"string"},{"name":"Name","type":"string"},{"name":"Age","type":"long"}],"rows":[["Student","John",20],["Teacher","Dave",40]]}`},
		{"bag_unpack schema without * and with a prefix",
			people + ` | evaluate bag_unpack(d, 'p_') : (p_height:int, Description:string, p_Missing:string)`,
			`{"columns":[{"name":"p_height","type":"int"},{"name":"Description","type":"string"},{"name":"p_Missing","type":"string"}],"rows":[[180,"Student",""],[null,"Teacher",""]]}`},
		{"indexof reads length+1 characters and counts occurrences",
			`print a = indexof("abcdefgabcdefg", "cde", 1, 10, 2), b = indexof("abcdefg", "cde", 1, 2), c = indexof("abcdefg", "cde", 1, 3), d = indexof("abcdefgabcdefg", "cde", 1, -1, 3), e = indexof("abcdefg", "cde", 2, 0)`,
			`{"columns":[{"name":"a","type":"long"},{"name":"b","type":"long"},{"name":"c","type":"long"},{"name":"d","type":"long"},{"name":"e","type":"long"}],"rows":[[9,-1,2,-1,-1]]}`},
		{"parse kind=relaxed: a value that does not convert is null, the row still matches",
			`datatable(s:string)["n=27, m=5, t=02/17/2016 08:40:01, x", "n=bad, m=6, t=notadate, x", "n=, m=7, t=, x"] | parse kind=relaxed s with "n=" n:long ", m=" m:long * "t=" t:datetime "," * | project-away s`,
			`{"columns":[{"name":"n","type":"long"},{"name":"m","type":"long"},{"name":"t","type":"datetime"}],"rows":[[27,5,"2016-02-17T08:40:01Z"],[null,6,null],[null,7,null]]}`},
		{"parse (simple): a value that does not convert voids the row",
			`datatable(s:string)["n=27, m=5", "n=bad, m=6"] | parse s with "n=" n:long ", m=" m:long | project-away s`,
			`{"columns":[{"name":"n","type":"long"},{"name":"m","type":"long"}],"rows":[[27,5],[null,null]]}`},
		{"row_rank_dense and row_rank_min, with restart",
			`datatable(g:string, v:long)['a',2,'a',3,'a',3,'a',9,'b',1,'b',1,'b',4] | serialize | extend d = row_rank_dense(v), m = row_rank_min(v), dg = row_rank_dense(v, g != prev(g)), mg = row_rank_min(v, g != prev(g))`,
			`{"columns":[{"name":"g","type":"string"},{"name":"v","type":"long"},{"name":"d","type":"long"},{"name":"m","type":"long"},{"name":"dg","type":"long"},{"name":"mg","type":"long"}],"rows":[["a",2,1,1,1,1],["a",3,2,2,2,2],["a",3,2,2,2,2],["a",9,3,4,3,4],["b",1,4,5,1,1],["b",1,4,5,1,1],["b",4,5,7,2,3]]}`},
		{"row_window_session: distance from the first, from the neighbour, restart",
			`datatable(id:string, t:datetime)['1',datetime(2024-04-11 10:00),'1',datetime(2024-04-11 10:04),'1',datetime(2024-04-11 10:08),'1',datetime(2024-04-11 10:20),'2',datetime(2024-04-11 10:21)] | serialize | extend s = row_window_session(t, 6m, 5m, id != prev(id))`,
			`{"columns":[{"name":"id","type":"string"},{"name":"t","type":"datetime"},{"name":"s","type":"datetime"}],"rows":[["1","2024-04-11T10:00:00Z","2024-04-11T10:00:00Z"],["1","2024-04-11T10:04:00Z","2024-04-11T10:00:00Z"],["1","2024-04-11T10:08:00Z","2024-04-11T10:08:00Z"],["1","2024-04-11T10:20:00Z","2024-04-11T10:20:00Z"],["2","2024-04-11T10:21:00Z","2024-04-11T10:21:00Z"]]}`},
		{"estimate_data_size over * and over columns",
			`datatable(l:long, i:int, s:string, b:bool, d:dynamic, g:guid, n:long)[1, 2, 'héllo', true, dynamic({"a":1}), guid(00000000-0000-0000-0000-000000000001), long(null)] | project all = estimate_data_size(*), two = estimate_data_size(s, l), e = estimate_data_size(d)`,
			`{"columns":[{"name":"all","type":"long"},{"name":"two","type":"long"},{"name":"e","type":"long"}],"rows":[[42,14,7]]}`},
		{"bag_pack_columns",
			`datatable(Id:string, Value:long, Other:long)['A', 1, 9] | project P = bag_pack_columns(Id, Value)`,
			`{"columns":[{"name":"P","type":"dynamic"}],"rows":[[{"Id":"A","Value":1}]]}`},
		{"column_names_of a table and a function's result",
			`let T = datatable(A:string, B:int)[]; let F = (x:int) { print A = "", B = x }; print t = column_names_of(T), f = column_names_of(F(1))`,
			`{"columns":[{"name":"t","type":"dynamic"},{"name":"f","type":"dynamic"}],"rows":[[["A","B"],["A","B"]]]}`},
		{"buildschema merges the shapes per group",
			`datatable(k:string, d:dynamic)['a', dynamic({"x":1,"t":[1,"s"]}), 'a', dynamic({"x":"v","y":{"w":true}}), 'b', dynamic([1.5]), 'c', dynamic(null)] | summarize buildschema(d) by k`,
			`{"columns":[{"name":"k","type":"string"},{"name":"schema_d","type":"dynamic"}],"rows":[["a",{"t":{"` + "`indexer`" + `":["long","string"]},"x":["long","string"],"y":{"w":"bool"}}],["b",{"` + "`indexer`" + `":"double"}],["c",null]]}`},
		{"hll sketches: per group, merged by aggregate and by function, counted",
			`range x from 1 to 12 step 1 | extend g = x % 3, y = x % 5 | summarize h = hll(y), hi = hll_if(x, x > 6) by g | summarize m = hll_merge(h), both = dcount_hll(hll_merge(hi)) | project dcount_hll(m), both, f = dcount_hll(hll_merge(m, m))`,
			`{"columns":[{"name":"dcount_hll_m","type":"long"},{"name":"both","type":"long"},{"name":"f","type":"long"}],"rows":[[5,6,5]]}`},
		{"tdigest sketches: weighted percentiles, typed result, rank, merge",
			`range x from 1 to 10 step 1 | summarize a = tdigest(x), b = tdigest(x * 10, 2) | project p50 = percentile_tdigest(a, 50), p90 = percentile_tdigest(a, 90, typeof(long)), r = rank_tdigest(b, 30), m = percentile_tdigest(tdigest_merge(a, b), 100, typeof(long))`,
			`{"columns":[{"name":"p50","type":"real"},{"name":"p90","type":"long"},{"name":"r","type":"long"},{"name":"m","type":"long"}],"rows":[[5,9,6,100]]}`},
		{"evaluate dcount_intersect",
			`range x from 1 to 30 step 1 | summarize a = hll(iif(x % 2 == 0, x, 0)), b = hll(iif(x % 3 == 0, x, 0)), c = hll(iif(x % 5 == 0, x, 0)) | evaluate dcount_intersect(a, b, c) | project s0, s1, s2`,
			`{"columns":[{"name":"s0","type":"long"},{"name":"s1","type":"long"},{"name":"s2","type":"long"}],"rows":[[16,6,2]]}`},
		{"evaluate schema_merge keeps first positions and first types",
			`let s1 = datatable(A:string, B:int)[] | getschema; let s2 = datatable(C:long, A:string, B:long)[] | getschema; union s1, s2 | evaluate schema_merge()`,
			`{"columns":[{"name":"ColumnName","type":"string"},{"name":"ColumnOrdinal","type":"long"},{"name":"DataType","type":"string"},{"name":"ColumnType","type":"string"}],"rows":[["A",0,"System.String","string"],["B",1,"System.Int32","int"],["C",2,"System.Int64","long"]]}`},
		{"evaluate schema_merge(PreserveOrder=false) takes the last schema's positions",
			`let s1 = datatable(A:string, B:int)[] | getschema; let s2 = datatable(C:long, A:string, B:long)[] | getschema; union s1, s2 | evaluate schema_merge(PreserveOrder = false)`,
			`{"columns":[{"name":"ColumnName","type":"string"},{"name":"ColumnOrdinal","type":"long"},{"name":"DataType","type":"string"},{"name":"ColumnType","type":"string"}],"rows":[["C",0,"System.Int64","long"],["A",1,"System.String","string"],["B",2,"System.Int32","int"]]}`},
		{"take_any(*) and take_any(*) by a column",
			`datatable(a:long, b:string, c:bool)[1,'x',true,2,'y',false] | summarize take_any(*) by a | order by a asc`,
			`{"columns":[{"name":"a","type":"long"},{"name":"b","type":"string"},{"name":"c","type":"bool"}],"rows":[[1,"x",true],[2,"y",false]]}`},
		{"evaluate activity_counts_metrics: every window, rows outside ignored",
			`datatable(u:string, t:datetime)['a',datetime(2025-01-01 05:00),'b',datetime(2025-01-01 06:00),'a',datetime(2025-01-03),'c',datetime(2024-12-31),'d',datetime(2025-01-09)] | evaluate activity_counts_metrics(u, t, datetime(2025-01-01), datetime(2025-01-03), 1d)`,
			`{"columns":[{"name":"Timestamp","type":"datetime"},{"name":"count","type":"long"},{"name":"dcount","type":"long"},{"name":"new_dcount","type":"long"},{"name":"aggregated_dcount","type":"long"}],"rows":[["2025-01-01T00:00:00Z",2,2,2,2],["2025-01-02T00:00:00Z",0,0,0,2],["2025-01-03T00:00:00Z",1,1,0,2]]}`},
		{"evaluate pivot with an aggregate and by columns, then more operators",
			`datatable(u:string, op:string, n:long)['a','x',1,'a','y',2,'b','x',3,'a','x',4] | evaluate pivot(op, sum(n), u) | extend total = x + y | order by u asc`,
			`{"columns":[{"name":"u","type":"string"},{"name":"x","type":"long"},{"name":"y","type":"long"},{"name":"total","type":"long"}],"rows":[["a",5,2,7],["b",3,0,3]]}`},
		{"evaluate pivot(Key, any(Value), ...) as Sentinel's event-data rules use it",
			`datatable(Key:string, Value:string, T:long)['k2','v2',1,'k1','v1',1,'k1','v3',2] | evaluate pivot(Key, any(Value), T) | order by T asc`,
			`{"columns":[{"name":"T","type":"long"},{"name":"k1","type":"string"},{"name":"k2","type":"string"}],"rows":[[1,"v1","v2"],[2,"v3",""]]}`},
		{"evaluate pivot counts by default",
			`datatable(s:string)['b','a','b'] | evaluate pivot(s)`,
			`{"columns":[{"name":"a","type":"long"},{"name":"b","type":"long"}],"rows":[[1,2]]}`},
		{"deprecated names in Sentinel content: argmax/argmin, array_strcat, make_string",
			`datatable(a:long, b:string)[1,'x',2,'y'] | summarize (t, v) = argmax(a, b), (t2, v2) = argmin(a, b) | extend s = array_strcat(dynamic(['a','b']), '-'), m = make_string(dynamic([75,117]))`,
			`{"columns":[{"name":"t","type":"long"},{"name":"v","type":"string"},{"name":"t2","type":"long"},{"name":"v2","type":"string"},{"name":"s","type":"string"},{"name":"m","type":"string"}],"rows":[[2,"y",1,"x","a-b","Ku"]]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := runCompact(t, c.query); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// fork and facet give several result tables: the primary one, then the others by name.
func TestForkFacet(t *testing.T) {
	cases := []struct{ name, query, want string }{
		{"fork: one table per branch, input computed once",
			`range x from 1 to 5 step 1 | extend k = x % 2 | fork (where k == 0 | count) (summarize s = sum(x) | as Total)`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"Count","type":"long"}],"rows":[[2]]},{"name":"Total","columns":[{"name":"s","type":"long"}],"rows":[[15]]}]}`},
		{"facet: a value-count table per column",
			`datatable(a:string, b:string)['x','p','x','q','y','p'] | facet by a, b`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"string"},{"name":"count_","type":"long"}],"rows":[["x",2],["y",1]]},{"name":"b","columns":[{"name":"b","type":"string"},{"name":"count_","type":"long"}],"rows":[["p",2],["q",1]]}]}`},
		{"facet with: the subquery's table first",
			`datatable(a:string, b:string)['x','p','x','q','y','p'] | facet by a with (where b == 'q')`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"string"},{"name":"b","type":"string"}],"rows":[["x","q"]]},{"name":"a","columns":[{"name":"a","type":"string"},{"name":"count_","type":"long"}],"rows":[["x",2],["y",1]]}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := Compile(c.query, MapCatalog{}, CompileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := q.Run(context.Background(), MapDatabase{}, RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.WriteLogAnalytics(&buf); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(buf.String()); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	_, err := Compile(`range x from 1 to 5 step 1 | fork (count) (take 1) | take 1`, MapCatalog{}, CompileOptions{})
	if err == nil || err.Error() != "Semantic error: SEM0103: 'fork' operator: it must be the last operator of the query (at offset 29)" {
		t.Errorf("operator after fork: got %v", err)
	}
}
