package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/soclab/soclab/simulator/kql"
)

// benchQuery is one of the benchmark's queries, with the tables it reads.
type benchQuery struct {
	Name   string
	Source string
	Tables []string
}

// benchQueries are the query texts of simulator/kql/bench_test.go, named like its benchmarks
// (without the Benchmark prefix).
var benchQueries = []benchQuery{
	{"Rule1FilterSummarize", `SigninLogs
| where TimeGenerated > ago(1h)
| where ResultType == 0
| where RiskLevelDuringSignIn in ('high', 'medium')
| where LocationDetails.city != ''
| summarize SignIns = count() by UserPrincipalName, City = tostring(LocationDetails.city)`, []string{"SigninLogs"}},
	{"Join100kx100k", `L | join kind=inner (R) on Key | count`, []string{"L", "R"}},
	{"Rule3DcountMakeSet", `AzureActivity
| summarize ResourceGroupCount = dcount(ResourceGroup), Operations = make_set(OperationNameValue, 10) by bin(TimeGenerated, 5m), Caller`, []string{"AzureActivity"}},
	{"HasAnyScan", `AzureActivity
| where OperationNameValue has_any ('Microsoft.KeyVault', 'Microsoft.Storage', 'Microsoft.Sql')
| count`, []string{"AzureActivity"}},
	// Issue 14's four shapes, all on the 1 M-row SigninLogs table (no Go benchmark: their KQL
	// time is `kqldata time`'s best wall time).
	{"I14FilterCountByUser", `SigninLogs
| where ResultType == 0 and RiskLevelDuringSignIn in ('high', 'medium')
| summarize count() by UserPrincipalName`, []string{"SigninLogs"}},
	{"I14BinDcountMakeSet", `SigninLogs
| summarize dcount(IPAddress), make_set(AppDisplayName, 10), count() by bin(TimeGenerated, 5m), UserPrincipalName`, []string{"SigninLogs"}},
	{"I14ContainsOr", `SigninLogs
| where AppDisplayName contains 'vault' or AppDisplayName contains 'storage'
| count`, []string{"SigninLogs"}},
	{"I14TakeJoinRowNumber", `SigninLogs
| take 100000
| join (SigninLogs | serialize | where row_number() between (100001 .. 200000)) on UserPrincipalName
| count`, []string{"SigninLogs"}},
	// Sorts (issue 14, the join/sort half): top by time, and sort | take after a filter.
	{"I14TopByTime", `SigninLogs
| top 20 by TimeGenerated desc
| project UserPrincipalName, TimeGenerated`, []string{"SigninLogs"}},
	{"I14SortTake", `SigninLogs
| where RiskLevelDuringSignIn == 'high'
| sort by UserPrincipalName asc, TimeGenerated desc
| take 1000
| project UserPrincipalName, TimeGenerated`, []string{"SigninLogs"}},
}

// tableSize describes one generated table: rows, the benchmark's raw-size estimate and the
// Go heap the engine's columnar copy occupies.
type tableSize struct {
	Table      string `json:"table"`
	Rows       int    `json:"rows"`
	ApproxByte int    `json:"approx_bytes"`
	HeapBytes  uint64 `json:"heap_bytes"`
}

// generators builds the four tables in a fixed order.
var generators = []struct {
	name string
	gen  func() *kql.Table
}{
	{"SigninLogs", func() *kql.Table { return genSignins(benchRows) }},
	{"AzureActivity", func() *kql.Table { return genActivity(benchRows) }},
	{"L", func() *kql.Table { return genKeyed("L", 100_000, 100_000, 5) }},
	{"R", func() *kql.Table { return genKeyed("R", 100_000, 100_000, 6) }},
}

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "export":
		err = export(os.Args[2])
	case len(os.Args) == 3 && os.Args[1] == "results":
		err = results(os.Args[2])
	case len(os.Args) == 4 && os.Args[1] == "time":
		err = timeQueries(os.Args[2], os.Args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: kqldata export DIR | kqldata results FILE | kqldata time RUNS FILE")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kqldata:", err)
		os.Exit(1)
	}
}

// export writes each table as CSV in the engine's own tostring() form (the same writer the
// benchmark's TestExportBenchData uses).
func export(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, g := range generators {
		path := filepath.Join(dir, g.name+".csv")
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		err = (&kql.Result{Table: g.gen()}).WriteCSV(w)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// results generates the tables (measuring the heap each one holds), runs every benchmark
// query once and writes {"sizes":[...]} then one {"query","columns","rows"} line per query.
func results(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	var tables []*kql.Table
	var sizes []tableSize
	for _, g := range generators {
		before := heapInUse()
		t := g.gen()
		after := heapInUse()
		tables = append(tables, t)
		sizes = append(sizes, tableSize{Table: g.name, Rows: t.N, ApproxByte: approxBytes(t), HeapBytes: after - before})
	}
	if err := writeLine(w, map[string]any{"sizes": sizes}); err != nil {
		return err
	}
	db := kql.NewDatabase(tables...)
	for _, bq := range benchQueries {
		q, err := kql.Compile(bq.Source, db.Catalog(), kql.CompileOptions{})
		if err != nil {
			return fmt.Errorf("compile %s: %w", bq.Name, err)
		}
		res, err := q.Run(context.Background(), db, kql.RunOptions{Now: benchNow})
		if err != nil {
			return fmt.Errorf("run %s: %w", bq.Name, err)
		}
		cols := make([]string, 0, len(res.Columns()))
		for _, c := range res.Columns() {
			cols = append(cols, c.Name)
		}
		rows, err := canonicalRows(res.Rows(false))
		if err != nil {
			return fmt.Errorf("%s: %w", bq.Name, err)
		}
		if err := writeLine(w, map[string]any{"query": bq.Name, "columns": cols, "rows": rows}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// canonicalRows sorts array cells (make_set has no order) and then the rows by their JSON
// text, so that two engines' results compare line by line.
func canonicalRows(rows [][]any) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(rows))
	for _, row := range rows {
		for i, cell := range row {
			if arr, ok := cell.([]any); ok {
				sort.Slice(arr, func(a, b int) bool { return fmt.Sprint(arr[a]) < fmt.Sprint(arr[b]) })
				row[i] = arr
			}
		}
		b, err := json.Marshal(row)
		if err != nil {
			return nil, fmt.Errorf("encode row: %w", err)
		}
		out = append(out, b)
	}
	sort.Slice(out, func(a, b int) bool { return string(out[a]) < string(out[b]) })
	return out, nil
}

func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
