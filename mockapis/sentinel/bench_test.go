package sentinel

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkPutScheduledRule measures one az-style rule PUT end to end: HTTP, validation,
// KQL compilation of the lab's rule 1 query against the lab schemas, and the durable write.
func BenchmarkPutScheduledRule(b *testing.B) {
	f := newFixture(b)
	f.setup(true)
	body := `{"kind":"Scheduled","properties":{"displayName":"r","severity":"High","enabled":true,"queryFrequency":"PT15M","queryPeriod":"PT1H","triggerOperator":"GreaterThan","triggerThreshold":0,"query":` +
		fmt.Sprintf("%q", "let s = SigninLogs | where ResultType == \"0\" | project SignInTime=TimeGenerated, UserPrincipalName, IPAddress;\nlet a = AzureActivity | where CategoryValue == \"Administrative\" | project AccessTime=TimeGenerated, Caller, ResourceId;\ns | join kind=inner (a) on $left.UserPrincipalName == $right.Caller | where AccessTime > SignInTime") + `}}`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := f.do("tok-a", http.MethodPut, siPath+"/alertRules/bench?api-version="+apiV, body)
		if r.status != 201 && r.status != 200 {
			b.Fatalf("%d %s", r.status, r.body)
		}
	}
}

// BenchmarkValidateRule measures validation with the KQL compile alone (no HTTP, no store).
func BenchmarkValidateRule(b *testing.B) {
	q := "SigninLogs | where ResultType == \"0\" | summarize count() by UserPrincipalName, IPAddress"
	c, err := labChecker()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Check(q); err != nil {
			b.Fatal(err)
		}
	}
}
