package kql

import (
	"context"
	"testing"
	"time"
)

// FuzzEval runs random queries over a small table: compile errors are fine, but nothing may
// panic (Run turns internal panics into errors, which the fuzzer reports as failures here)
// or hang (each run has a deadline).
func FuzzEval(f *testing.F) {
	tbl, err := NewTable("T", []Column{
		{Name: "s", Type: mustType("string")}, {Name: "n", Type: mustType("long")},
		{Name: "r", Type: mustType("real")}, {Name: "t", Type: mustType("datetime")},
		{Name: "d", Type: mustType("dynamic")}, {Name: "b", Type: mustType("bool")},
	}, [][]any{
		{"alpha beta", int64(1), 1.5, time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), map[string]any{"a": int64(1), "l": []any{"x", "y"}}, true},
		{"", nil, nil, nil, nil, nil},
		{"Gamma", int64(-7), -0.25, time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC), []any{int64(1), int64(2)}, false},
	})
	if err != nil {
		f.Fatal(err)
	}
	db := NewDatabase(tbl)
	for _, seed := range []string{
		"T | where s has 'beta' | project n, r",
		"T | summarize count(), dcount(s), make_set(d), arg_max(t, *) by b",
		"T | extend x = d.a, y = d['l'][1] | mv-expand d | sort by n",
		"T | join kind=leftouter (T | project s, k = n) on s | top 2 by r desc nulls first",
		"T | union T | distinct s | take 5",
		"range x from 1 to 10 step 3 | extend y = x * 2 | summarize sum(y) by bin(x, 2)",
		"print a = 1 / 0, b = strlen('abc'), c = todatetime('x')",
		"T | parse s with w1 ' ' w2 | project w1, w2",
		"T | serialize | extend rn = row_number(), p = prev(n)",
		"let f = (x:long) { x + 1 }; T | extend y = f(n) | where y > 0",
		"union isfuzzy=true T, Missing, (Nope | where x > 1) | count",
		"T | summarize d = make_list(n) | extend (a, s, b) = series_decompose_anomalies(d, 1.5, -1, 'linefit')",
		"T | summarize d = make_list(r) | project series_stats(d), series_fit_2lines(d), series_periods_detect(d, 0, 10, 2)",
		"T | summarize d = make_list(n) | extend series_decompose(d), o = series_outliers(d, 'tukey'), f = series_decompose_forecast(d, 1)",
		"externaldata(a:string, b:long)[@'https://x.blob.core.windows.net/c/b.csv'] with (format='csv', ignoreFirstRecord=true)",
		"T | where s in ((externaldata(x:string)['https://h/x'] with (format=multijson)))",
		"T | project s, b, n | evaluate basket(0.2, '~', 2, '*', long(-1))",
		"T | project s, b, d | evaluate autocluster(0.7, n)",
		"T | evaluate diffpatterns(b, 'true', 'false', '~', 0.1, 2)",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 2000 {
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzOne(t, db, src)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("query %q did not finish in 20s", src)
		}
	})
}

func fuzzOne(t *testing.T, db MapDatabase, src string) {
	{
		q, err := Compile(src, db.Catalog(), CompileOptions{})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Errorf("compile returned %T, want *Error: %v", err, err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err = q.Run(ctx, db, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC), MaxRows: 100000})
		if err != nil {
			if e, ok := err.(*Error); ok && len(e.Msg) > 14 && e.Msg[:14] == "internal error" {
				t.Errorf("query %q: %v", src, err)
			}
		}
	}
}

func mustType(name string) Type {
	t, ok := ParseType(name)
	if !ok {
		panic(name)
	}
	return t
}
