package kql

import (
	"context"
	"strings"
	"testing"
	"time"
)

// externaldata parses the formats Kusto reads (csv, tsv, scsv, psv, txt, json, multijson)
// into the declared columns; a URI nothing serves fails as Kusto does when it cannot reach
// it, saying the lab is offline.
func TestExternalData(t *testing.T) {
	files := map[string]string{
		"https://lab/list.csv":   "Ip,Name,Score\n10.0.0.1,alpha,1.5\n10.0.0.2,\"beta, inc\",\n",
		"https://lab/list.tsv":   "10.0.0.1\talpha\n",
		"https://lab/list.psv":   "10.0.0.1|alpha\n",
		"https://lab/lines.txt":  "first line\nsecond, line\n",
		"https://lab/rows.json":  "{\"Ip\": \"10.0.0.9\", \"Score\": 7, \"Tags\": [\"a\"]}\n{\"Ip\": \"10.0.0.8\"}\n",
		"https://lab/many.json":  "[{\"Ip\": \"1.1.1.1\", \"Score\": \"2\"},\n {\"Ip\": \"2.2.2.2\"}]\n{\"Ip\": \"3.3.3.3\"}",
		"https://lab/bad.json":   "{\"Ip\": ",
		"https://lab/array.json": "[1, 2]",
	}
	fetch := func(_ context.Context, uri string) ([]byte, error) {
		if s, ok := files[uri]; ok {
			return []byte(s), nil
		}
		return nil, ErrUnreachable
	}
	cases := []struct{ name, query, want, err string }{
		{"csv with a header", `externaldata(Ip:string, Name:string, Score:real)["https://lab/list.csv"] with (format="csv", ignoreFirstRecord=true)`,
			`[["10.0.0.1","alpha",1.5],["10.0.0.2","beta, inc",null]]`, ""},
		{"csv is the default format", `externaldata(Ip:string)[@"https://lab/list.csv"] | count`, `[[3]]`, ""},
		{"tsv", `externaldata(Ip:string, Name:string)["https://lab/list.tsv"] with (format="tsv")`, `[["10.0.0.1","alpha"]]`, ""},
		{"psv", `externaldata(Ip:string, Name:string)["https://lab/list.psv"] with (format=psv)`, `[["10.0.0.1","alpha"]]`, ""},
		{"txt: one line per row", `externaldata(Line:string)["https://lab/lines.txt"] with (format="txt")`, `[["first line"],["second, line"]]`, ""},
		{"json lines", `externaldata(Ip:string, Score:long, Tags:dynamic)["https://lab/rows.json"] with (format="json")`,
			`[["10.0.0.9",7,["a"]],["10.0.0.8",null,null]]`, ""},
		{"multijson", `externaldata(Ip:string, Score:long)["https://lab/many.json"] with (format="multijson")`,
			`[["1.1.1.1",2],["2.2.2.2",null],["3.3.3.3",null]]`, ""},
		{"several URIs", `externaldata(Ip:string)["https://lab/list.tsv", "https://lab/list.psv"] with (format="txt") | count`, `[[2]]`, ""},
		{"in a where ... in subquery", `print ip = "10.0.0.1" | where ip in ((externaldata(Ip:string)["https://lab/list.csv"] with (ignoreFirstRecord=true)))`,
			`[["10.0.0.1"]]`, ""},
		{"the internet is unreachable", `externaldata(x:string)[@"https://raw.githubusercontent.com/org/repo/main/list.csv?token=abc"]`, "",
			"Partial query failure: 0x80131500 (message: 'The remote name could not be resolved: 'raw.githubusercontent.com''"},
		{"the offline error says why", `externaldata(x:string)["https://example.com/x"]`, "", "the lab is offline"},
		{"malformed json", `externaldata(Ip:string)["https://lab/bad.json"] with (format="json")`, "", "externaldata: https://lab/bad.json"},
		{"json records must be objects", `externaldata(Ip:string)["https://lab/array.json"] with (format="json")`, "", "not an object"},
		{"unknown format", `externaldata(x:string)["https://lab/list.csv"] with (format="parquet")`, "", "unsupported format 'parquet'"},
		{"URIs must be constants", `let u = strcat("https://", "lab"); externaldata(x:string)[u]`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := Compile(c.query, MapCatalog{}, CompileOptions{})
			var got string
			if err == nil {
				var res *Result
				res, err = q.Run(context.Background(), nil, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC), External: fetch})
				if err == nil {
					got = mustJSON(res.Rows(false))
				}
			}
			if c.err != "" || (c.want == "" && c.err == "") {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("rows\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
	// Without a reader (and over a database that is not one) nothing is reachable.
	q, err := Compile(`externaldata(x:string)["https://lab/list.csv"]`, MapCatalog{}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Run(context.Background(), nil, RunOptions{}); err == nil || !strings.Contains(err.Error(), "could not be resolved: 'lab'") {
		t.Fatalf("no reader: %v", err)
	}
}
