package detect

import (
	"testing"
)

func TestExplore(t *testing.T) {
	f := newFixture(t)
	for _, s := range []step{onboard, at("07:30"), labRule(labRules[0]), labRule(labRules[1]), labRule(labRules[2]), launch, at("10:30")} {
		s(f)
	}
	for _, q := range []string{
		"SentinelHealth | summarize runs=count(), results=sum(toint(ExtendedProperties.QueryResultAmount)), alerts=sum(toint(ExtendedProperties.AlertsGeneratedAmount)), firstRun=min(TimeGenerated), lastRun=max(TimeGenerated) by SentinelResourceName, Status, Reason",
		"SecurityAlert | project TimeGenerated, AlertName, ProviderName, StartTime, EndTime, Entities, Tactics, Techniques",
		"SecurityIncident | project TimeGenerated, IncidentNumber, Title, Severity, Status, AlertIds",
	} {
		for _, r := range f.kql(q) {
			t.Log(r)
		}
	}
	for _, inc := range f.incidents() {
		t.Logf("%+v", inc)
	}
}
