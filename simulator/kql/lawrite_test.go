package kql

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runLA compiles and runs query for the writer tests.
func runLA(query string, cat Catalog, db Database, opts RunOptions) (*Result, error) {
	q, err := Compile(query, cat, CompileOptions{})
	if err != nil {
		return nil, err
	}
	opts.Now, opts.Seed = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC), 7
	return q.Run(context.Background(), db, opts)
}

// referenceLogAnalytics is the writer before lawrite.go: the rows as values, then
// encoding/json.
func referenceLogAnalytics(r *Result) string {
	tables := []LogAnalyticsTable{r.LogAnalytics()}
	for _, t := range r.More {
		more := &Result{Table: t}
		tables = append(tables, LogAnalyticsTable{Name: t.Name, Columns: more.Columns(), Rows: nonNil(more.Rows(true))})
	}
	var b bytes.Buffer
	if err := writeJSON(&b, struct {
		Tables []LogAnalyticsTable `json:"tables"`
		Error  *PartialError       `json:"error,omitempty"`
	}{tables, r.partialError()}); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

func laBytes(t *testing.T, r *Result) string {
	var b bytes.Buffer
	if err := r.WriteLogAnalytics(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// edgeQueries render every type's awkward values: nulls, non-finite and exponent reals,
// control characters, invalid UTF-8, line separators, HTML characters, nested dynamics,
// several result tables, a truncated result.
var edgeQueries = []string{
	`print b = true, nb = bool(null), i = int(7), l = long(-9223372036854775808), nl = long(null), r = 1.5, nr = real(null), nan = real(nan), inf = real(+inf), ninf = real(-inf), z = -0.0, big = 1e21, small = 1e-7, tiny = 5e-324, mid = 123456789.125`,
	`print s = "a\"b\\c\n\r\t\b\f", u = "\u2028\u2029<>&", c = strcat("x", "\x01\x1f\x7f"), e = "", g = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), ng = guid(null)`,
	`print d = datetime(2024-01-02 03:04:05.1234567), nd = datetime(null), t = 1d + 2h + 4.5s, nt = timespan(null), neg = -1h`,
	`print dyn = dynamic({"a":[1,2.5,"x\n",null,{"b<":true}],"z":"\u2028"}), nd = dynamic(null), arr = pack_array(1, "two", 3.0), bag = bag_pack("k", real(nan)), s = dynamic("str"), n = dynamic(42)`,
	`range x from 1 to 2000 step 1 | extend s = strcat("row-", x), d = pack("x", x), r = x / 3.0`,
	`range x from 1 to 5 step 1 | fork (where x > 2) (summarize c = count())`,
	`datatable(s:string)["\xff\xfe", "ok", "mixed\xc3("] | extend l = strlen(s)`,
}

func TestLogAnalyticsWriterEqualsEncodingJSON(t *testing.T) {
	check := func(name string, r *Result) {
		t.Helper()
		if got, want := laBytes(t, r), referenceLogAnalytics(r); got != want {
			t.Errorf("%s:\n got  %.600s\n want %.600s", name, got, want)
		}
	}
	for _, q := range edgeQueries {
		res, err := runLA(q, MapCatalog{}, MapDatabase{}, RunOptions{Workers: 1})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		check(q, res)
	}
	// A truncated result carries the partial error.
	res, err := runLA(`range x from 1 to 30 step 1`, MapCatalog{}, MapDatabase{}, RunOptions{MaxResultRows: 10})
	if err != nil || res.Partial == nil {
		t.Fatalf("truncation: %v %v", err, res)
	}
	check("truncated", res)
	compared := 0
	for _, c := range loadDocCases(t) {
		if c.Nondeterministic {
			continue
		}
		res, err := runLA(c.Query, MapCatalog{}, MapDatabase{}, RunOptions{Workers: 1})
		if err != nil {
			continue
		}
		check("doc case "+c.ID, res)
		compared++
	}
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	labDB, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/lab/queries/*.kql")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := runLA(string(src), lab, labDB, RunOptions{Workers: 1})
		if err != nil {
			continue // a query of a table the test data lacks
		}
		check(f, res)
		compared++
	}
	if compared < 50 {
		t.Fatalf("only %d results compared", compared)
	}
}

// FuzzJSONEncoders: the string and real encoders write what encoding/json writes.
func FuzzJSONEncoders(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c", "\x00\x01\b\f\n\r\t\x1f\x7f", "\u2028\u2029", "<>&", "\xff", "é\xc3(", "日本"} {
		f.Add(s, 1.5)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1e21, 1e20, 1e-6, 9.99e-7, 5e-324, math.MaxFloat64, -123.456, 1e-100} {
		f.Add("", x)
	}
	f.Fuzz(func(t *testing.T, s string, x float64) {
		want, _ := marshalNoHTML(s)
		if got := appendJSONText(nil, s); string(got) != string(want) {
			t.Errorf("string %q: %s, want %s", s, got, want)
		}
		if got := appendJSONText(nil, []byte(s)); string(got) != string(want) {
			t.Errorf("bytes %q: %s, want %s", s, got, want)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		wantF, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, x); string(got) != string(wantF) {
			t.Errorf("real %v: %s, want %s", x, got, wantF)
		}
	})
}

// BenchmarkWriteLogAnalytics writes a 2000-row answer with string, long, real and dynamic
// columns.
func BenchmarkWriteLogAnalytics(b *testing.B) {
	res, err := runLA(edgeQueries[4], MapCatalog{}, MapDatabase{}, RunOptions{Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		res.WriteLogAnalytics(&out)
	}
	if !strings.HasPrefix(out.String(), `{"tables":`) {
		b.Fatal(out.String()[:40])
	}
}
