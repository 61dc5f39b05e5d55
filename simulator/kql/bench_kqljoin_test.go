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

// top-n: each chunk keeps its best rows in a heap.
func BenchmarkI14Top(b *testing.B) {
	runBench(b, `SigninLogs | top 20 by TimeGenerated desc`, signinOnce())
}

// A filter whose survivors are projected to one column.
func BenchmarkI14FilterProject(b *testing.B) {
	runBench(b, `SigninLogs
| where RiskLevelDuringSignIn == 'high'
| project IPAddress`, signinOnce())
}
