package kql

import "testing"

// Issue 14's sort and late-materialisation shapes over the 1 M-row SigninLogs table.

// A full sort by two keys of which only two columns are read afterwards.
func BenchmarkI14SortTwoKeys(b *testing.B) {
	runBench(b, `SigninLogs
| sort by UserPrincipalName asc, TimeGenerated desc
| project UserPrincipalName, TimeGenerated
| count`, signinOnce())
}

// top-n: each chunk keeps its best rows in a heap (bench/kqldata's I14TopByTime).
func BenchmarkI14Top(b *testing.B) {
	runBench(b, `SigninLogs | top 20 by TimeGenerated desc | project UserPrincipalName, TimeGenerated`, signinOnce())
}

// sort | take after a filter: run as top (bench/kqldata's I14SortTake).
func BenchmarkI14SortTake(b *testing.B) {
	runBench(b, `SigninLogs
| where RiskLevelDuringSignIn == 'high'
| sort by UserPrincipalName asc, TimeGenerated desc
| take 1000
| project UserPrincipalName, TimeGenerated`, signinOnce())
}

// A filter whose survivors are projected to one column.
func BenchmarkI14FilterProject(b *testing.B) {
	runBench(b, `SigninLogs
| where RiskLevelDuringSignIn == 'high'
| project IPAddress`, signinOnce())
}
