package kql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/cputime"
)

// Benchmarks at the sizes the issue names (run with: go test -run XXX -bench . -benchtime 3x).
// The tables are generated deterministically in-process; the memory of the generated data is
// reported as data_MB beside the per-run allocations.

var benchNow = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

const benchRows = 1_000_000

var (
	signinOnce   = sync.OnceValue(func() *Table { return genSignins(benchRows) })
	activityOnce = sync.OnceValue(func() *Table { return genActivity(benchRows) })
)

var (
	benchApps      = []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Azure CLI", "Microsoft Graph PowerShell", "SharePoint Online"}
	benchRisk      = []string{"none", "none", "none", "low", "medium", "high"}
	benchResult    = []string{"0", "0", "0", "0", "50126", "50074", "53003"}
	benchCities    = []string{"Seattle", "Redmond", "London", "Bucharest", "Kyiv", "Paris", "", "Berlin"}
	benchCountries = []string{"US", "US", "GB", "RO", "UA", "FR", "", "DE"}
)

// genSignins builds a SigninLogs-shaped table of n rows over the hour before benchNow.
func genSignins(n int) *Table {
	r := rand.New(rand.NewPCG(1, 2))
	locs := make([]map[string]any, len(benchCities))
	for i := range locs {
		locs[i] = map[string]any{"city": benchCities[i], "countryOrRegion": benchCountries[i]}
	}
	b := NewBuilder("SigninLogs", []Column{
		{Name: "TimeGenerated", Type: mustType("datetime")}, {Name: "UserPrincipalName", Type: mustType("string")},
		{Name: "IPAddress", Type: mustType("string")}, {Name: "ResultType", Type: mustType("string")},
		{Name: "RiskLevelDuringSignIn", Type: mustType("string")}, {Name: "LocationDetails", Type: mustType("dynamic")},
		{Name: "AppDisplayName", Type: mustType("string")},
	})
	start := benchNow.Add(-2 * time.Hour)
	for i := 0; i < n; i++ {
		loc := r.IntN(len(locs))
		_ = b.Append([]any{
			start.Add(time.Duration(r.Int64N(int64(2 * time.Hour)))),
			fmt.Sprintf("user%05d@contoso.com", r.IntN(20000)),
			fmt.Sprintf("185.%d.%d.%d", r.IntN(4), r.IntN(256), r.IntN(256)),
			benchResult[r.IntN(len(benchResult))],
			benchRisk[r.IntN(len(benchRisk))],
			locs[loc],
			benchApps[r.IntN(len(benchApps))],
		})
	}
	return b.Table()
}

// genActivity builds an AzureActivity-shaped table of n rows over the hour before benchNow.
func genActivity(n int) *Table {
	r := rand.New(rand.NewPCG(3, 4))
	ops := []string{"Microsoft.KeyVault/vaults/secrets/read", "Microsoft.Storage/storageAccounts/listKeys/action",
		"Microsoft.Compute/virtualMachines/start/action", "Microsoft.Resources/subscriptions/resourceGroups/read",
		"Microsoft.Sql/servers/read", "Microsoft.Network/networkSecurityGroups/write", "Microsoft.Web/sites/read"}
	b := NewBuilder("AzureActivity", []Column{
		{Name: "TimeGenerated", Type: mustType("datetime")}, {Name: "Caller", Type: mustType("string")},
		{Name: "ResourceGroup", Type: mustType("string")}, {Name: "SubscriptionId", Type: mustType("string")},
		{Name: "OperationNameValue", Type: mustType("string")}, {Name: "CategoryValue", Type: mustType("string")},
		{Name: "ActivityStatusValue", Type: mustType("string")},
	})
	start := benchNow.Add(-time.Hour)
	for i := 0; i < n; i++ {
		_ = b.Append([]any{
			start.Add(time.Duration(r.Int64N(int64(time.Hour)))),
			fmt.Sprintf("user%04d@contoso.com", r.IntN(5000)),
			fmt.Sprintf("rg-%03d", r.IntN(300)),
			fmt.Sprintf("sub-%d", r.IntN(4)),
			ops[r.IntN(len(ops))],
			"Administrative",
			"Success",
		})
	}
	return b.Table()
}

// genKeyed builds a table of n rows with a string key drawn from keys distinct values.
func genKeyed(name string, n, keys int, seed uint64) *Table {
	r := rand.New(rand.NewPCG(seed, 9))
	b := NewBuilder(name, []Column{{Name: "Key", Type: mustType("string")}, {Name: "V", Type: mustType("long")}})
	for i := 0; i < n; i++ {
		_ = b.Append([]any{fmt.Sprintf("key-%06d", r.IntN(keys)), int64(i)})
	}
	return b.Table()
}

// approxBytes estimates the raw size of a table's values (8 bytes per fixed-size value,
// string bytes plus a 16-byte header, dynamic values counted as shared references).
func approxBytes(t *Table) float64 {
	total := 0
	for _, v := range t.Vecs {
		total += 8 * (len(v.I) + len(v.F) + len(v.D))
		for _, s := range v.S {
			total += 16 + len(s)
		}
	}
	return float64(total)
}

func runBench(b *testing.B, src string, tables ...*Table) {
	db := NewDatabase(tables...)
	q, err := Compile(src, db.Catalog(), CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	raw := 0.0
	for _, t := range tables {
		raw += approxBytes(t)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process()
	rows := 0
	for i := 0; i < b.N; i++ {
		res, err := q.Run(context.Background(), db, RunOptions{Now: benchNow})
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Len()
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1e3/float64(b.N), "cpu_ms/op")
	b.ReportMetric(raw/1e6, "data_MB")
	b.ReportMetric(float64(rows), "rows_out")
}

// The filters of the lab's first rule over 1M sign-ins, then a summarize.
func BenchmarkRule1FilterSummarize(b *testing.B) {
	runBench(b, `SigninLogs
| where TimeGenerated > ago(1h)
| where ResultType == 0
| where RiskLevelDuringSignIn in ('high', 'medium')
| where LocationDetails.city != ''
| summarize SignIns = count() by UserPrincipalName, City = tostring(LocationDetails.city)`, signinOnce())
}

// An inner join of 100k x 100k rows on a string key.
func BenchmarkJoin100kx100k(b *testing.B) {
	l := genKeyed("L", 100_000, 100_000, 5)
	r := genKeyed("R", 100_000, 100_000, 6)
	runBench(b, `L | join kind=inner (R) on Key | count`, l, r)
}

// The lab's third rule's aggregation over 1M activity rows.
func BenchmarkRule3DcountMakeSet(b *testing.B) {
	runBench(b, `AzureActivity
| summarize ResourceGroupCount = dcount(ResourceGroup), Operations = make_set(OperationNameValue, 10) by bin(TimeGenerated, 5m), Caller`, activityOnce())
}

// A has_any scan over 1M rows.
func BenchmarkHasAnyScan(b *testing.B) {
	runBench(b, `AzureActivity
| where OperationNameValue has_any ('Microsoft.KeyVault', 'Microsoft.Storage', 'Microsoft.Sql')
| count`, activityOnce())
}

// TestExportBenchData writes the benchmark tables as CSV for the DuckDB comparison in
// bench/duckdb (only when KQL_BENCH_EXPORT names a folder).
func TestExportBenchData(t *testing.T) {
	dir := os.Getenv("KQL_BENCH_EXPORT")
	if dir == "" {
		t.Skip("set KQL_BENCH_EXPORT=DIR to export the benchmark tables")
	}
	for name, tbl := range map[string]*Table{
		"SigninLogs": signinOnce(), "AzureActivity": activityOnce(),
		"L": genKeyed("L", 100_000, 100_000, 5), "R": genKeyed("R", 100_000, 100_000, 6),
	} {
		f, err := os.Create(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if err := (&Result{Table: tbl}).WriteCSV(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
