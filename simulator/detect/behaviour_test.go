package detect

import (
	"fmt"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// attackSignins are the attacker's successful sign-ins from his 185.x address (08:32 and
// the non-interactive ones are not in SigninLogs): one row per sign-in.
const attackSignins = `SigninLogs | where TimeGenerated > ago(1h) | where IPAddress startswith "185.220.101." and ResultType == "0" | project TimeGenerated, UserPrincipalName, IPAddress`

// scheduled is a Scheduled rule body with the given query and extra properties (JSON members).
func scheduled(query, extra string) string {
	return fmt.Sprintf(`{"kind":"Scheduled","properties":{"displayName":"Test rule","severity":"Low","enabled":true,"query":%q,
		"queryFrequency":"PT5M","queryPeriod":"PT1H","triggerOperator":"GreaterThan","triggerThreshold":0,
		"suppressionDuration":"PT5H","suppressionEnabled":false,"tactics":["InitialAccess"],"techniques":["T1078"]%s}}`, query, extra)
}

// summary is the test rule's health and output: runs, failures, result rows, alerts; then
// alerts and incidents.
const summary = `let h = SentinelHealth | where SentinelResourceName == "Test rule"
  | summarize runs = count(), failures = countif(Status == "Failure"), results = sum(toint(ExtendedProperties.QueryResultAmount)), alerts = sum(toint(ExtendedProperties.AlertsGeneratedAmount));
let a = toscalar(SecurityAlert | where AlertName startswith "Test" | count);
let i = toscalar(SecurityIncident | summarize dcount(IncidentName));
h | extend securityAlerts = a, incidents = i`

// launchRealtime launches the attack at real-time speed: the clock goes to 08:30 and the
// attack unfolds as later steps move it.
func launchRealtime(f *fixture) {
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{Factor: 1}); err != nil {
		f.t.Fatal(err)
	}
	f.advance()
}

// closeIncidents closes every incident of the workspace as a learner would.
func closeIncidents(f *fixture) {
	err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, f.wsID)
		if err != nil {
			return err
		}
		for _, inc := range incs {
			_, err := sentinel.UpdateIncident(tx, inc.ID, func(i *sentinel.Incident) error {
				closed, tp := "Closed", "TruePositive"
				i.Properties.Status, i.Properties.Classification = &closed, &tp
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestRuleBehaviour(t *testing.T) {
	attack := []step{onboard, at("08:00")}
	after := []step{launch, at("10:00")}
	runScenarios(t, []scenarioTest{{
		// Created at 08:00, the rule runs at once (Sentinel's first run) and then every 5 minutes
		// to 10:00 (24 runs); the sign-in at 08:32:05 is in the window of the runs 08:40 ... 09:35
		// (12 runs).
		name:  "SingleAlert: one alert per run while the row is in the window",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins, ""))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 12 | 12 | 12"})
		},
	}, {
		name:  "threshold: GreaterThan 1 never passes with one row",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins, `,"triggerThreshold":1`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 0 | 0 | 0"})
		},
	}, {
		// The 12 empty runs are the first (08:00) and 08:05 ... 08:35 (7), 09:40 ... 10:00 (5).
		name:  "threshold: LessThan 1 fires on the empty runs",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins, `,"triggerOperator":"LessThan","triggerThreshold":1`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 12 | 12 | 12"})
		},
	}, {
		name:  "suppression: one alert, then quiet for five hours",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins, `,"suppressionEnabled":true`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 1 | 1 | 1"})
			wantEqual(t, f.kql(`SentinelHealth | where tostring(ExtendedProperties.Issues) has "AlertsSuppressed" | count`), []string{"11"})
		},
	}, {
		name: "AlertPerResult: one alert per row",
		steps: steps(attack, []step{rule("test", scheduled(`SigninLogs | where TimeGenerated > ago(5m) | where IPAddress startswith "185.220.101." | project TimeGenerated, UserPrincipalName, IPAddress`,
			`,"eventGroupingSettings":{"aggregationKind":"AlertPerResult"}`))}, after),
		check: func(t *testing.T, f *fixture) {
			rows := f.kql(`SecurityAlert | summarize alerts = count() by bin(TimeGenerated, 1m) | where alerts > 1 | count`)
			if rows[0] == "0" {
				t.Errorf("no run made more than one alert")
			}
			wantEqual(t, f.kql(`let h = toscalar(SentinelHealth | where Status == "Success" | summarize sum(toint(ExtendedProperties.QueryResultAmount)));
				SecurityAlert | summarize alerts = count() | extend same = alerts == h`), []string{f.kql(`SecurityAlert | count`)[0] + " | true"})
		},
	}, {
		name: "grouping AnyAlert: every alert joins the first incident",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins,
			`,"incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT5H","matchingMethod":"AnyAlert","groupByEntities":[],"groupByAlertDetails":[],"groupByCustomDetails":[]}}`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 12 | 12 | 1"})
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) | project Title, alerts = array_length(AlertIds), AdditionalData.alertsCount`), []string{"Test rule | 12 | 12"})
			incs := f.incidents()
			if len(incs) != 1 || len(incs[0].alerts) != 12 {
				t.Errorf("incidents: %+v", incs)
			}
		},
	}, {
		name: "grouping lookback: alerts past the look-back open a new incident",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins,
			`,"incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT30M","matchingMethod":"AllEntities","groupByEntities":[],"groupByAlertDetails":[],"groupByCustomDetails":[]}}`))}, after),
		check: func(t *testing.T, f *fixture) {
			// 08:40 opens one; 08:40..09:10 join it (7 alerts); 09:15 opens the next (5 alerts).
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) by IncidentNumber | project IncidentNumber, array_length(AlertIds) | order by IncidentNumber asc`),
				[]string{"1 | 7", "2 | 5"})
		},
	}, {
		name: "grouping reopens a closed incident when reopenClosedIncident is set",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins,
			`,"incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":true,"lookbackDuration":"PT5H","matchingMethod":"AnyAlert","groupByEntities":[],"groupByAlertDetails":[],"groupByCustomDetails":[]}}`)),
			launchRealtime, at("09:00"), closeIncidents, at("10:00")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) | project Status, array_length(AlertIds)`), []string{"Active | 12"})
		},
	}, {
		name: "grouping leaves a closed incident closed without reopenClosedIncident",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins,
			`,"incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT5H","matchingMethod":"AnyAlert","groupByEntities":[],"groupByAlertDetails":[],"groupByCustomDetails":[]}}`)),
			launchRealtime, at("09:00"), closeIncidents, at("10:00")}),
		check: func(t *testing.T, f *fixture) {
			// The first incident closed with the alerts of 08:40..09:00 (5); the rest (7) open a new one.
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) by IncidentNumber | project IncidentNumber, Status, array_length(AlertIds) | order by IncidentNumber asc`),
				[]string{"1 | New | 5", "2 | New | 7"})
			if incs := f.incidents(); len(incs) != 2 {
				t.Errorf("incidents: %+v", incs)
			}
		},
	}, {
		// A one-table NRT rule sees each row once: in the run of the minute it was ingested.
		name: "NRT over one table: every attacker Key Vault row in exactly one run",
		steps: steps(attack, []step{rule("test", `{"kind":"NRT","properties":{"displayName":"Test rule","severity":"Low","enabled":true,
			"query":"AzureDiagnostics | where CallerIPAddress == \"185.220.101.45\" | project TimeGenerated, OperationName, CallerIPAddress",
			"suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":[],"techniques":[]}}`)}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(`let results = toscalar(SentinelHealth | where ingestion_time() < now() | summarize sum(toint(ExtendedProperties.QueryResultAmount)));
				let alerts = toscalar(SecurityAlert | count);
				AzureDiagnostics | where CallerIPAddress == "185.220.101.45" | where TimeGenerated < datetime(2025-01-15T09:55:00Z)
				| summarize rows = count() | extend same = rows == results, oneAlertPerRun = alerts == toscalar(SentinelHealth | where toint(ExtendedProperties.QueryResultAmount) > 0 | count)
				| project same, oneAlertPerRun, some = rows > 0`), []string{"true | true | true"})
		},
	}, {
		name:  "createIncident false: alerts only",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins, `,"incidentConfiguration":{"createIncident":false}`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(summary), []string{"24 | 0 | 12 | 12 | 12 | 0"})
		},
	}, {
		name: "entity mappings, custom details and the display-name override",
		steps: steps(attack, []step{rule("test", scheduled(attackSignins,
			`,"entityMappings":[{"entityType":"IP","fieldMappings":[{"identifier":"Address","columnName":"IPAddress"}]}],"customDetails":{"Who":"UserPrincipalName"},"alertDetailsOverride":{"alertDisplayNameFormat":"Test sign-in by {{UserPrincipalName}}"}`))}, after),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(`SecurityAlert | summarize count() by AlertName, Entities, Custom = tostring(parse_json(ExtendedProperties)["Custom Details"])`), []string{
				`Test sign-in by alex.johnson@contoso.com | [{"$id":"2","Address":"185.220.101.45","Type":"ip"}] | {"Who":["alex.johnson@contoso.com"]} | 12`,
			})
		},
	}, {
		name: "a query that fails at run time: Failure runs with the reason",
		steps: steps(attack, []step{rule("test", scheduled(`SigninLogs | where TimeGenerated > ago(1h) | summarize n = count() | where assert(n < 0, "the rule is broken") | project n`, ""))},
			[]step{at("08:30")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(`SentinelHealth | summarize count() by Status, Reason, OperationName`), []string{
				"Failure | An internal server error occurred while running the query. | Scheduled analytics rule run | 6",
			})
		},
	}})
}
