package kql

import "testing"

// Issue 14's four query shapes over the 1 M-row SigninLogs table (bench/compare.sh runs the
// same queries in DuckDB through bench/kqldata).

func BenchmarkI14FilterCountByUser(b *testing.B) {
	runBench(b, `SigninLogs
| where ResultType == 0 and RiskLevelDuringSignIn in ('high', 'medium')
| summarize count() by UserPrincipalName`, signinOnce())
}

func BenchmarkI14ContainsOr(b *testing.B) {
	runBench(b, `SigninLogs
| where AppDisplayName contains 'vault' or AppDisplayName contains 'storage'
| count`, signinOnce())
}

func BenchmarkI14TakeJoinRowNumber(b *testing.B) {
	runBench(b, `SigninLogs
| take 100000
| join (SigninLogs | serialize | where row_number() between (100001 .. 200000)) on UserPrincipalName
| count`, signinOnce())
}

func BenchmarkI14BinDcountMakeSet(b *testing.B) {
	runBench(b, `SigninLogs
| summarize dcount(IPAddress), make_set(AppDisplayName, 10), count() by bin(TimeGenerated, 5m), UserPrincipalName`, signinOnce())
}

// Countifs by user: the lab rules' failure/success counts (countif folds through the
// predicates' vectorised filters).
func BenchmarkI14CountifByUser(b *testing.B) {
	runBench(b, `SigninLogs
| summarize Failures = countif(ResultType != '0'), Risky = countif(RiskLevelDuringSignIn in ('high', 'medium')) by UserPrincipalName`, signinOnce())
}
