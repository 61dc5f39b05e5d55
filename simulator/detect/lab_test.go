package detect

import (
	"slices"
	"strings"
	"testing"
)

// labSetup is Task 1 before the attack: workspace, Sentinel, the three rules at 07:30.
var labSetup = []step{onboard, at("07:30"), labRule(labRules[0]), labRule(labRules[1]), labRule(labRules[2])}

func steps(groups ...[]step) []step { return slices.Concat(groups...) }

// healthByRule is the SentinelHealth summary per rule: runs, failures, result rows, alerts.
const healthByRule = `SentinelHealth
| summarize runs = count(), failures = countif(Status == "Failure"), results = sum(toint(ExtendedProperties.QueryResultAmount)),
    alerts = sum(toint(ExtendedProperties.AlertsGeneratedAmount)) by SentinelResourceName, SentinelResourceKind, OperationName
| order by SentinelResourceName asc`

func TestLabFlow(t *testing.T) {
	runScenarios(t, []scenarioTest{{
		name:  "rules at 07:30, attack launched, clock at 10:30",
		steps: steps(labSetup, []step{launch, at("10:30")}),
		check: func(t *testing.T, f *fixture) {
			// NRT: every minute from 07:31 to 10:30 (180 runs); rule 1 every 15 min from 07:45
			// (12 runs); rule 3 every 5 min from 07:35 (36 runs). The health rows of the 10:30
			// runs are not ingested yet at 10:30 (SentinelHealth's delay), so one run less shows.
			wantEqual(t, f.kql(healthByRule), []string{
				"Lateral Movement via Azure Resource Access Escalation | Scheduled | Scheduled analytics rule run | 36 | 0 | 12 | 12",
				"Post-Compromise Credential Access Attempt | NRT | NRT analytics rule run | 179 | 0 | 6 | 3",
				"Suspicious Sign-in Followed by Azure Resource Access | Scheduled | Scheduled analytics rule run | 12 | 0 | 30 | 3",
			})
			wantEqual(t, f.kql(`SecurityAlert | summarize n = count(), firstAlert = min(TimeGenerated) by AlertName, ProviderName, ProductName, AlertSeverity, Tactics, Techniques | order by AlertName asc`), []string{
				`Lateral Movement via Azure Resource Access Escalation | ASI Scheduled Alerts | Azure Sentinel | Medium | LateralMovement, Discovery | ["T1580","T1087"] | 12 | 2025-01-15T09:15:00Z`,
				`Post-Compromise Credential Access Attempt | ASI NRT Alerts | Azure Sentinel | High | CredentialAccess, Persistence | ["T1555","T1098"] | 3 | 2025-01-15T08:41:00Z`,
				`Suspicious Sign-in Followed by Azure Resource Access | ASI Scheduled Alerts | Azure Sentinel | High | InitialAccess, Collection | ["T1078","T1530"] | 3 | 2025-01-15T09:00:00Z`,
			})
			// The first credential-access alert: the attacker's secret reads, with entities.
			wantEqual(t, f.kql(`SecurityAlert | where ProviderName == "ASI NRT Alerts" | top 1 by TimeGenerated asc
				| extend e = parse_json(Entities), x = parse_json(ExtendedProperties)
				| project StartTime, EndTime, Account = tostring(e[0].Name), Resource = tolower(tostring(e[1].ResourceId)), Rule = tostring(x["Analytic Rule Name"]), Count = tostring(x["Search Query Results Overall Count"])`), []string{
				"2025-01-15T08:36:40Z | 2025-01-15T08:37:05Z | alex.johnson | /subscriptions/8d2e4f60-1a3b-4c5d-9e7f-a1b2c3d4e5f6/resourcegroups/rg-contoso-unified-soc/providers/microsoft.keyvault/vaults/kv-contoso-prod | Post-Compromise Credential Access Attempt | 2",
			})
			// Every alert made an incident (grouping is off in the lab's rules).
			wantEqual(t, f.kql(`SecurityIncident | summarize incidents = dcount(IncidentName), rows = count() by Title, Severity, Status, ProviderName | order by Title asc`), []string{
				"Lateral Movement via Azure Resource Access Escalation | Medium | New | Azure Sentinel | 12 | 12",
				"Post-Compromise Credential Access Attempt | High | New | Azure Sentinel | 3 | 3",
				"Suspicious Sign-in Followed by Azure Resource Access | High | New | Azure Sentinel | 3 | 3",
			})
			// The incidents carry alex.johnson, his 185.x address and kv-contoso-prod.
			var account, ip, vault bool
			for _, inc := range f.incidents() {
				for _, e := range inc.entities {
					account = account || e == "Account:alex.johnson"
					ip = ip || e == "Ip:185.220.101.45"
					vault = vault || strings.HasSuffix(strings.ToLower(e), "/vaults/kv-contoso-prod")
				}
			}
			if !account || !ip || !vault {
				t.Errorf("incident entities: account %v, ip %v, kv-contoso-prod %v", account, ip, vault)
			}
		},
	}, {
		name:  "a rule created after the attack does not fire for it",
		steps: []step{onboard, at("07:30"), launch, at("10:30"), labRule(labRules[1]), labRule(labRules[2]), at("12:00")},
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(healthByRule), []string{
				"Lateral Movement via Azure Resource Access Escalation | Scheduled | Scheduled analytics rule run | 18 | 0 | 0 | 0",
				"Post-Compromise Credential Access Attempt | NRT | NRT analytics rule run | 89 | 0 | 0 | 0",
			})
			wantEqual(t, f.kql(`SecurityAlert | count`), []string{"0"})
		},
	}, {
		// Sentinel runs a new Scheduled rule at once over its query period: created at 10:03, rule 3
		// looks back over 08:58-09:58 and alerts on the 09:05 sweep from before it existed.
		name:  "a Scheduled rule created just after the attack fires through its first run's look-back",
		steps: []step{onboard, at("07:30"), launch, at("10:03"), labRule(labRules[2]), at("10:10")},
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(healthByRule), []string{
				"Lateral Movement via Azure Resource Access Escalation | Scheduled | Scheduled analytics rule run | 2 | 0 | 2 | 2",
			})
			// Runs at 10:03 (the first) and 10:08 both see the sweep.
			wantEqual(t, f.kql(`SecurityAlert | summarize count(), min(StartTime), min(TimeGenerated), max(TimeGenerated)`), []string{
				"2 | 2025-01-15T09:05:00Z | 2025-01-15T10:03:00Z | 2025-01-15T10:08:00Z",
			})
		},
	}, {
		name: "break-and-fix 3: without Key Vault logs the NRT rule runs empty; after the fix and a replay it fires",
		steps: steps([]step{fault("kv-diagnostics-missing")}, labSetup, []step{launch, at("10:30"),
			func(f *fixture) {
				wantEqual(f.t.(*testing.T), f.kql(`SentinelHealth | where SentinelResourceKind == "NRT" | summarize runs = count(), results = sum(toint(ExtendedProperties.QueryResultAmount)) by Status`),
					[]string{"Success | 179 | 0"}) // the 08:52 password change is past the risky sign-in's 15 minutes
				wantEqual(f.t.(*testing.T), f.kql(`AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" | count`), []string{"0"})
			},
			kvDiagnostics, replay("initial-access"), replay("credential-access"), at("10:45")}),
		check: func(t *testing.T, f *fixture) {
			// The replayed reads reach the workspace over three minutes: three NRT alerts.
			wantEqual(t, f.kql(`SecurityAlert | where ProviderName == "ASI NRT Alerts" and TimeGenerated > datetime(2025-01-15T10:30:00Z)
				| extend e = parse_json(Entities) | summarize alerts = count() by Account = tostring(e[0].Name), Resource = tolower(tostring(e[1].ResourceId))`), []string{
				"alex.johnson | /subscriptions/8d2e4f60-1a3b-4c5d-9e7f-a1b2c3d4e5f6/resourcegroups/rg-contoso-unified-soc/providers/microsoft.keyvault/vaults/kv-contoso-prod | 3",
			})
		},
	}, {
		// The lab's rule 2 joins the Key Vault reads with a high-risk sign-in of the last 15
		// minutes; a replay of credential-access signs in again first (replayWith), so the
		// break-and-fix 3 text (fix, then replay the credential access) fires it.
		name: "break-and-fix 3: replaying the credential access (with its fresh sign-in) fires rule 2",
		steps: steps([]step{fault("kv-diagnostics-missing")}, labSetup, []step{launch, at("10:30"),
			kvDiagnostics, replay("credential-access"), at("10:45")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.kql(`SecurityAlert | where TimeGenerated > datetime(2025-01-15T10:30:00Z) | count`), []string{"3"})
			wantEqual(t, f.kql(`AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T10:30:00Z) and OperationName == "SecretGet" | summarize n = count() > 0`), []string{"true"})
		},
	}})
}

func wantEqual(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
