package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/soclab/soclab/simulator/kql"
)

// The constants and generators below mirror simulator/kql/bench_test.go exactly; any change
// there must be made here too (compare.sh -verify-export catches a drift).

var benchNow = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

const benchRows = 1_000_000

var (
	benchApps      = []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Azure CLI", "Microsoft Graph PowerShell", "SharePoint Online"}
	benchRisk      = []string{"none", "none", "none", "low", "medium", "high"}
	benchResult    = []string{"0", "0", "0", "0", "50126", "50074", "53003"}
	benchCities    = []string{"Seattle", "Redmond", "London", "Bucharest", "Kyiv", "Paris", "", "Berlin"}
	benchCountries = []string{"US", "US", "GB", "RO", "UA", "FR", "", "DE"}
)

func mustType(name string) kql.Type {
	t, ok := kql.ParseType(name)
	if !ok {
		panic("unknown KQL type " + name)
	}
	return t
}

// genSignins builds the SigninLogs-shaped table of n rows over the two hours before benchNow.
func genSignins(n int) *kql.Table {
	r := rand.New(rand.NewPCG(1, 2))
	locs := make([]map[string]any, len(benchCities))
	for i := range locs {
		locs[i] = map[string]any{"city": benchCities[i], "countryOrRegion": benchCountries[i]}
	}
	b := kql.NewBuilder("SigninLogs", []kql.Column{
		{Name: "TimeGenerated", Type: mustType("datetime")}, {Name: "UserPrincipalName", Type: mustType("string")},
		{Name: "IPAddress", Type: mustType("string")}, {Name: "ResultType", Type: mustType("string")},
		{Name: "RiskLevelDuringSignIn", Type: mustType("string")}, {Name: "LocationDetails", Type: mustType("dynamic")},
		{Name: "AppDisplayName", Type: mustType("string")},
	})
	start := benchNow.Add(-2 * time.Hour)
	for i := 0; i < n; i++ {
		loc := r.IntN(len(locs))
		if err := b.Append([]any{
			start.Add(time.Duration(r.Int64N(int64(2 * time.Hour)))),
			fmt.Sprintf("user%05d@contoso.com", r.IntN(20000)),
			fmt.Sprintf("185.%d.%d.%d", r.IntN(4), r.IntN(256), r.IntN(256)),
			benchResult[r.IntN(len(benchResult))],
			benchRisk[r.IntN(len(benchRisk))],
			locs[loc],
			benchApps[r.IntN(len(benchApps))],
		}); err != nil {
			panic(fmt.Errorf("signins row %d: %w", i, err))
		}
	}
	return b.Table()
}

// genActivity builds the AzureActivity-shaped table of n rows over the hour before benchNow.
func genActivity(n int) *kql.Table {
	r := rand.New(rand.NewPCG(3, 4))
	ops := []string{"Microsoft.KeyVault/vaults/secrets/read", "Microsoft.Storage/storageAccounts/listKeys/action",
		"Microsoft.Compute/virtualMachines/start/action", "Microsoft.Resources/subscriptions/resourceGroups/read",
		"Microsoft.Sql/servers/read", "Microsoft.Network/networkSecurityGroups/write", "Microsoft.Web/sites/read"}
	b := kql.NewBuilder("AzureActivity", []kql.Column{
		{Name: "TimeGenerated", Type: mustType("datetime")}, {Name: "Caller", Type: mustType("string")},
		{Name: "ResourceGroup", Type: mustType("string")}, {Name: "SubscriptionId", Type: mustType("string")},
		{Name: "OperationNameValue", Type: mustType("string")}, {Name: "CategoryValue", Type: mustType("string")},
		{Name: "ActivityStatusValue", Type: mustType("string")},
	})
	start := benchNow.Add(-time.Hour)
	for i := 0; i < n; i++ {
		if err := b.Append([]any{
			start.Add(time.Duration(r.Int64N(int64(time.Hour)))),
			fmt.Sprintf("user%04d@contoso.com", r.IntN(5000)),
			fmt.Sprintf("rg-%03d", r.IntN(300)),
			fmt.Sprintf("sub-%d", r.IntN(4)),
			ops[r.IntN(len(ops))],
			"Administrative",
			"Success",
		}); err != nil {
			panic(fmt.Errorf("activity row %d: %w", i, err))
		}
	}
	return b.Table()
}

// genKeyed builds a table of n rows with a string key drawn from keys distinct values.
func genKeyed(name string, n, keys int, seed uint64) *kql.Table {
	r := rand.New(rand.NewPCG(seed, 9))
	b := kql.NewBuilder(name, []kql.Column{{Name: "Key", Type: mustType("string")}, {Name: "V", Type: mustType("long")}})
	for i := 0; i < n; i++ {
		if err := b.Append([]any{fmt.Sprintf("key-%06d", r.IntN(keys)), int64(i)}); err != nil {
			panic(fmt.Errorf("%s row %d: %w", name, i, err))
		}
	}
	return b.Table()
}

// approxBytes is the benchmark's estimate of a table's raw value size (its data_MB metric):
// 8 bytes per fixed-size value, string bytes plus a 16-byte header, dynamic values uncounted.
func approxBytes(t *kql.Table) int {
	total := 0
	for _, v := range t.Vecs {
		total += 8 * (len(v.I) + len(v.F) + len(v.D))
		for _, s := range v.S {
			total += 16 + len(s)
		}
	}
	return total
}
