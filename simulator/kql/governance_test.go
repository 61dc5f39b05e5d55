package kql_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql"
)

// peakHeap runs fn while sampling the heap, and returns the largest HeapAlloc seen above the
// heap before fn (a generous measure: garbage not yet collected counts too).
func peakHeap(t *testing.T, fn func()) uint64 {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestHostileQueriesStopWithKustoErrors runs the hostile queries (and relatives that
// grow memory in other operators) under a budget: each ends with Kusto's limit error and
// the heap stays far below what the query would need.
func TestHostileQueriesStopWithKustoErrors(t *testing.T) {
	const budget = 64 << 20
	cases := []struct {
		name, query, code, msg string
	}{
		{"nested strrep", `print x = strlen(strrep(strrep(strrep(strrep("a", 1024), 1024), 1024), 1024))`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"range arrays per row", `range x from 1 to 300 step 1 | extend a = range(x, x + 1000000, 1) | summarize sum(array_length(a))`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"make_list of new strings", `range x from 1 to 2000000 step 1 | summarize make_list(strcat("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", x), 2000000)`,
			kql.CodeRunaway, "Query execution has exceeded the allowed limits (80DA0001): The Summarize operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY)."},
		{"cross join", `let t = range x from 1 to 30000 step 1 | extend k = 1; t | join kind=inner t on k | count`,
			kql.CodeRunaway, "Query execution has exceeded the allowed limits (80DA0001): The HashJoin operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY)."},
		{"repeat", `print a = repeat("x", 100000000)`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"strcat of big strings", `range x from 1 to 100 step 1 | extend s = strrep(strrep("abcdefgh", 1024), 1024) | extend t = strcat(s, s, s, s)`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"array_concat doubling", `range x from 1 to 200 step 1 | extend a = range(1, 1000000, 1) | extend b = array_concat(a, a, a, a)`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"mv-expand of big arrays", `range x from 1 to 100 step 1 | extend a = range(1, 1000000, 1) | mv-expand a | count`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
		{"replace_string growth", `print s = replace_string(strrep(strrep("a", 1024), 1024), "a", strrep("b", 1000))`,
			kql.CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			peak := peakHeap(t, func() {
				q, cerr := kql.Compile(c.query, nil, kql.CompileOptions{})
				if cerr != nil {
					err = cerr
					return
				}
				_, err = q.Run(context.Background(), nil, kql.RunOptions{MaxMemory: budget, MaxRows: 1 << 30})
			})
			var ke *kql.Error
			if !errors.As(err, &ke) || ke.Code != c.code || ke.Msg != c.msg {
				t.Fatalf("error = %v, want %s: %s", err, c.code, c.msg)
			}
			if !kql.IsLimitError(err) || kql.LimitCode(err) != c.code {
				t.Errorf("IsLimitError(%v) = false or code %q", err, kql.LimitCode(err))
			}
			if peak > 1<<30 {
				t.Errorf("peak heap growth %d MB, want < 1024 MB", peak>>20)
			}
			t.Logf("peak heap growth %d MB", peak>>20)
		})
	}
}

// TestBudgetedQueriesStillAnswer: ordinary work under the same budget is not refused, and
// a constant too large to fold at compile time is still computed at run time.
func TestBudgetedQueriesStillAnswer(t *testing.T) {
	cases := []struct{ query, want string }{
		{`print x = strlen(strrep(strrep(strrep("a", 1024), 1024), 16))`, `[[16777216]]`},
		{`range x from 1 to 3 step 1 | extend a = range(x, x + 1000, 1) | summarize sum(array_length(a))`, `[[3003]]`},
		{`range x from 1 to 100000 step 1 | summarize make_list(x) | project n = array_length(list_x)`, `[[100000]]`},
		{`print a = repeat(7, 3), b = repeat("x", 0), c = repeat(1, -1)`, `[[[7,7,7],[],null]]`},
		{`let t = range x from 1 to 1000 step 1 | extend k = x % 10; t | join kind=inner t on k | count`, `[[100000]]`},
	}
	for _, c := range cases {
		q, err := kql.Compile(c.query, nil, kql.CompileOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		res, err := q.Run(context.Background(), nil, kql.RunOptions{MaxMemory: 256 << 20})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		var b strings.Builder
		if err := res.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		got := b.String()
		i := strings.Index(got, `"rows":`)
		if i < 0 || strings.TrimSpace(got[i+7:len(strings.TrimSpace(got))-1]) != c.want {
			t.Errorf("%s = %s, want rows %s", c.query, got, c.want)
		}
	}
}

// TestCancellationStopsALongRun: a cancelled context stops a run in progress with the
// cancellation error; a time budget stops it with the timeout error.
func TestCancellationStopsALongRun(t *testing.T) {
	long := `range x from 1 to 40000000 step 1 | extend s = strcat("k", tostring(x % 1000003)) | summarize dcount(s) by x % 7`
	q, err := kql.Compile(long, nil, kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = q.Run(ctx, nil, kql.RunOptions{MaxRows: 1 << 30})
	if kql.LimitCode(err) != kql.CodeCancelled {
		t.Fatalf("cancelled run: %v, want %s", err, kql.CodeCancelled)
	}
	ctx, cancel = kql.WithTimeBudget(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = q.Run(ctx, nil, kql.RunOptions{MaxRows: 1 << 30})
	var ke *kql.Error
	if !errors.As(err, &ke) || ke.Code != kql.CodeTimeout ||
		ke.Msg != "Query execution has exceeded the allowed limits: the request execution timed out after 30ms (Request_ExecutionTimeout)." {
		t.Fatalf("timed-out run: %v", err)
	}
	// compilation honours the context too
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := kql.CompileContext(done, "print 1", nil, kql.CompileOptions{}); kql.LimitCode(err) != kql.CodeCancelled {
		t.Fatalf("compile with a cancelled context: %v", err)
	}
	if _, err := kql.CompileContext(context.Background(), "print 1 | where", nil, kql.CompileOptions{}); err == nil || kql.IsLimitError(err) {
		t.Fatalf("a syntax error is not a limit error: %v", err)
	}
}

// TestResultTruncation: the result limits keep the first rows and say why.
func TestResultTruncation(t *testing.T) {
	cases := []struct {
		query   string
		opts    kql.RunOptions
		rows    int
		partial string
	}{
		{`range x from 1 to 100 step 1`, kql.RunOptions{MaxResultRows: 10}, 10,
			"Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of 10 records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). See https://aka.ms/kustoquerylimits for more information and possible solutions.."},
		{`range x from 1 to 100 step 1 | extend s = strrep("a", 100)`, kql.RunOptions{MaxResultBytes: 1000}, 8, // 8 + 116 bytes a row
			"Query result set has exceeded the internal data size limit 1000 (E_QUERY_RESULT_SET_TOO_LARGE)."},
		{`range x from 1 to 100 step 1`, kql.RunOptions{MaxResultRows: 100, MaxResultBytes: 1 << 20}, 100, ""},
	}
	for _, c := range cases {
		q, err := kql.Compile(c.query, nil, kql.CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := q.Run(context.Background(), nil, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if res.Partial != nil {
			got = res.Partial.Msg
		}
		if res.Len() != c.rows || got != c.partial {
			t.Errorf("%s: %d rows, partial %q; want %d, %q", c.query, res.Len(), got, c.rows, c.partial)
		}
	}
}

// BenchmarkCompileLongPipeline compiles `print x=1 | where x > 0 | …` of 10 KB, 100 KB and
// 650 KB: the time per byte stays flat (compile is linear in the query's length; `where
// true` is dropped at compile time, so the fused filter is measured with a real predicate).
func BenchmarkCompileLongPipeline(b *testing.B) {
	for _, size := range []int{10 << 10, 100 << 10, 650 << 10} {
		src := "print x=1" + strings.Repeat(" | where x > 0", size/14)
		b.Run(strconv.Itoa(size>>10)+"KB", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := kql.Compile(src, nil, kql.CompileOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzGovernedFunctions evaluates the size-multiplying functions with fuzzed sizes under a
// small budget: every call answers or ends with a limit error, never a crash or a result
// past the budget.
func FuzzGovernedFunctions(f *testing.F) {
	f.Add("a", int64(1024), int64(3))
	f.Add("abc", int64(1<<40), int64(-1))
	f.Add("", int64(0), int64(1<<62))
	f.Add("xyz", int64(-5), int64(1000000))
	templates := []string{
		`print strlen(strrep(strrep(S, N), M))`,
		`print array_length(repeat(S, N))`,
		`print array_length(range(1, N, 1))`,
		`print array_length(range(N, M, 1))`,
		`print strlen(strcat(strrep(S, N), strrep(S, M)))`,
		`print array_length(array_concat(range(1, N, 1), range(1, M, 1)))`,
		`print strlen(replace_string(strrep(S, N), S, strrep(S, M)))`,
		`print array_length(pack_array(strrep(S, N), strrep(S, M)))`,
		`print bag_merge(bag_pack(S, N), bag_pack(S, M))`,
		`range x from 1 to N % 1000 step 1 | summarize make_list(strrep(S, M))`,
		`range x from 1 to N % 1000 step 1 | mv-expand range(1, M % 100000, 1) | count`,
	}
	f.Fuzz(func(t *testing.T, s string, n, m int64) {
		if len(s) > 64 {
			s = s[:64]
		}
		lit := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", " ", "\r", " ").Replace(s) + "'"
		for _, tpl := range templates {
			src := strings.NewReplacer("S", lit, "N", itoa64(n), "M", itoa64(m)).Replace(tpl)
			q, err := kql.Compile(src, nil, kql.CompileOptions{})
			if err != nil {
				continue // a query the engine refuses is fine; a panic is not
			}
			_, err = q.Run(context.Background(), nil, kql.RunOptions{MaxMemory: 32 << 20})
			var ke *kql.Error
			if err != nil && !errors.As(err, &ke) {
				t.Fatalf("%s: non-Kusto error %v", src, err)
			}
			if ke != nil && strings.Contains(ke.Msg, "internal error") {
				t.Fatalf("%s: %v", src, err)
			}
		}
	})
}

func itoa64(n int64) string {
	if n < 0 {
		return "(" + strconv.FormatInt(n, 10) + ")"
	}
	return strconv.FormatInt(n, 10)
}

// TestAggregateStateIsCharged: distinct-count and percentile state count against the budget
// (the error names the Summarize operator), while the same aggregates over few distinct
// values stay well within it.
func TestAggregateStateIsCharged(t *testing.T) {
	const summarizeBudget = "Query execution has exceeded the allowed limits (80DA0001): The Summarize operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY)."
	cases := []struct{ query, err string }{
		{`range x from 1 to 1000000 step 1 | summarize dcount(x)`, summarizeBudget},
		{`range x from 1 to 1000000 step 1 | summarize percentile(x, 50)`, summarizeBudget},
		{`range x from 1 to 1000000 step 1 | summarize hll(x)`, summarizeBudget},
		{`range x from 1 to 1000000 step 1 | summarize make_set(x, 1000000)`, summarizeBudget},
		{`range x from 1 to 1000000 step 1 | summarize dcount(x % 10), hll(x % 10), make_set(x % 10)`, ""},
		// typed keys: the groups fold on every worker, each charging the shared budget
		{`range x from 1 to 1000000 step 1 | extend k = x % 4 | summarize dcount(x) by k`, summarizeBudget},
		{`range x from 1 to 1000000 step 1 | extend k = x % 4 | summarize make_list(x) by k`, summarizeBudget},
		{`range x from 1 to 200000 step 1 | extend k = x % 7, v = x % 10 | summarize dcount(v), make_set(v), count() by k`, ""},
		{`range x from 1 to 100000 step 1 | extend k = tostring(x % 20000), v = tostring(x % 3) | summarize dcount(v), make_set(v) by k`, ""},
	}
	for _, c := range cases {
		q, err := kql.Compile(c.query, nil, kql.CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = q.Run(context.Background(), nil, kql.RunOptions{MaxMemory: 16 << 20, Workers: 2, ParallelMinRows: 1})
		got := ""
		if err != nil {
			var ke *kql.Error
			if !errors.As(err, &ke) {
				t.Fatalf("%s: %v", c.query, err)
			}
			got = ke.Msg
		}
		if got != c.err {
			t.Errorf("%s: error %q, want %q", c.query, got, c.err)
		}
	}
}

// TestMakeSeriesIsCharged: many series of many bins stop with the operator's budget error
// before the arrays are made.
func TestMakeSeriesIsCharged(t *testing.T) {
	q, err := kql.Compile(`range x from 0 to 99999 step 1 | make-series count() on x from 0 to 1000000 step 1 by k = x % 1000`, nil, kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Run(context.Background(), nil, kql.RunOptions{MaxMemory: 64 << 20})
	var ke *kql.Error
	if !errors.As(err, &ke) || ke.Msg != "Query execution has exceeded the allowed limits (80DA0001): The MakeSeries operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY)." {
		t.Fatalf("make-series: %v", err)
	}
}
