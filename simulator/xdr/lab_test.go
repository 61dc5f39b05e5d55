package xdr

import (
	"fmt"

	"github.com/soclab/soclab/simulator/logs"
	"slices"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
)

const (
	multiStage = "Multi-stage incident involving Initial access & Credential access involving one user reported by multiple sources"
	firstID    = "2972395"
)

// the lab's Defender alerts as AlertInfo has them.
var huntingAlerts = []string{
	"Activity from infrequent country | Microsoft Defender for Cloud Apps | Medium",
	"Anonymous IP address | Microsoft Entra ID Protection | Medium",
	"Password spray | Microsoft Entra ID Protection | High",
	"Suspicious invocation of a high-risk 'Credential Access' operation detected (Preview) | Microsoft Defender for Cloud | Medium",
	"Suspicious secret listing and query in a key vault | Microsoft Defender for Cloud | Medium",
	"Unfamiliar sign-in properties | Microsoft Entra ID Protection | High",
	"Unusual amount of data extracted from a storage account | Microsoft Defender for Cloud | High",
}

func TestLabCorrelation(t *testing.T) {
	runScenarios(t, []scenarioTest{{
		name:  "connector on, rules at 07:30, attack launched, clock at 10:30: one multi-stage incident in both portals",
		steps: steps(labSetup, []step{launch, at("10:30")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{
				"2972395 | active | high | " + multiStage + " | 24 | 0",
				"2972396 | active | high | Password spray | 1 | 0",
			})
			var products []string
			var ents []string
			f.view(func(tx *simulator.TenantTx) error {
				inc, _, err := IncidentByID(tx, FirstIncidentID)
				if err != nil {
					return err
				}
				alerts, err := IncidentAlerts(tx, inc)
				for _, a := range alerts {
					if !slices.Contains(products, a.ServiceSource) {
						products = append(products, a.ServiceSource)
					}
					if a.IncidentID != FirstIncidentID {
						t.Errorf("alert %s names incident %d", a.ID, a.IncidentID)
					}
				}
				ents = inc.EntityKeys
				return err
			})
			slices.Sort(products)
			wantEqual(t, products, []string{"azureAdIdentityProtection", "microsoftDefenderForCloud", "microsoftDefenderForCloudApps", "microsoftSentinel"})
			for _, want := range []string{"user:alex.johnson@contoso.com", "ip:185.220.101.45", "/vaults/kv-contoso-prod", "/storageaccounts/stcontosoprod"} {
				if !slices.ContainsFunc(ents, func(k string) bool { return strings.HasSuffix(k, want) || k == want }) {
					t.Errorf("incident entities lack %s: %v", want, ents)
				}
			}
			// Advanced hunting has the same alerts (ids and titles) as Graph.
			wantEqual(t, f.hunting(`AlertInfo | summarize by Title, ServiceSource, Severity | order by Title asc`), huntingAlerts)
			var ids []string
			f.view(func(tx *simulator.TenantTx) error {
				all, err := Alerts(tx)
				for _, a := range all {
					if a.ServiceSource != "microsoftSentinel" {
						ids = append(ids, a.ID)
					}
				}
				return err
			})
			slices.Sort(ids)
			wantEqual(t, f.hunting(`AlertInfo | order by AlertId asc | project AlertId`), ids)
			// Sentinel: the Defender incidents with every alert; the rules' own incidents closed as redirected.
			wantEqual(t, f.sentinelIncidents(ProviderName), []string{
				"Microsoft 365 Defender | 2972395 | New | " + multiStage + " | 24 |  | ",
				"Microsoft 365 Defender | 2972396 | New | Password spray | 1 |  | ",
			})
			wantEqual(t, f.kql(`SecurityIncident | where ProviderName == "Azure Sentinel" | summarize arg_max(TimeGenerated, *) by IncidentName
				| summarize n = count() by Status, Classification, tostring(Labels[0].labelName)`), []string{"Closed | Undetermined | Redirected | 18"})
			wantEqual(t, f.kql(`SecurityIncident | where ProviderName == "Microsoft 365 Defender" | summarize arg_max(TimeGenerated, *) by IncidentName
				| project ProviderIncidentId, Title, Status, Alerts = array_length(AlertIds), Url = tostring(AdditionalData.providerIncidentUrl) | order by ProviderIncidentId asc`), []string{
				"2972395 | " + multiStage + " | New | 24 | https://security.microsoft.com/incidents/2972395?tid=" + f.tenant.ID,
				"2972396 | Password spray | New | 1 | https://security.microsoft.com/incidents/2972396?tid=" + f.tenant.ID,
			})
			// Automation sees the sync's changes as made by Microsoft365Defender.
			counts := map[string]int{}
			f.view(func(tx *simulator.TenantTx) error {
				evs, err := sentinel.PendingIncidentEvents(tx, 0)
				for _, ev := range evs {
					if ev.Source == sentinel.SourceDefender {
						counts[fmt.Sprintf("%s %s %s", ev.Kind, ev.After.ProviderName, ev.After.Status)]++
					}
				}
				return err
			})
			if counts["Created Microsoft 365 Defender New"] != 2 || counts["Updated Azure Sentinel Closed"] != 18 {
				t.Errorf("incident events by the sync: %v", counts)
			}
			wantEqual(t, f.kql(`SecurityAlert | where ProductName != "Azure Sentinel" | summarize n = count() by ProviderName, ProductName | order by ProviderName asc`), []string{
				"Azure Security Center | Azure Security Center | 3",
				"IPC | Azure Active Directory Identity Protection | 3",
				"MCAS | Microsoft Cloud App Security | 1",
			})
		},
	}, {
		name:  "connector off: Defender correlates its own alerts, nothing crosses",
		steps: []step{onboard, at("07:30"), labRule(labRules[0]), labRule(labRules[1]), labRule(labRules[2]), launch, at("10:30")},
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{
				"2972395 | active | high | " + multiStage + " | 6 | 0",
				"2972396 | active | high | Password spray | 1 | 0",
			})
			wantEqual(t, f.sentinelIncidents(ProviderName), []string{})
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) by IncidentName | summarize n = count() by ProviderName, Status`), []string{"Azure Sentinel | New | 18"})
			wantEqual(t, f.kql(`SecurityAlert | where ProductName != "Azure Sentinel" | count`), []string{"0"})
		},
	}, {
		name:  "before the launch nothing is raised; advancing twice changes nothing",
		steps: steps(labSetup, []step{at("09:00"), at("09:00")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{})
		},
	}})
}

// setSentinel changes the Defender incident's twin in Sentinel (as an ARM PUT or automation would).
func setSentinel(change func(*sentinel.Incident)) step {
	return func(f *fixture) {
		f.tx(func(tx *simulator.TenantTx) error {
			inc, _, err := IncidentByID(tx, FirstIncidentID)
			if err != nil {
				return err
			}
			_, err = sentinel.UpdateIncident(tx, inc.Sync.SentinelID, func(s *sentinel.Incident) error { change(s); return nil })
			return err
		})
	}
}

// setDefender updates the first Defender incident (as Graph or the Defender API would).
func setDefender(u IncidentUpdate) step {
	return func(f *fixture) {
		f.tx(func(tx *simulator.TenantTx) error {
			_, err := UpdateIncident(tx, FirstIncidentID, u)
			return err
		})
	}
}

func s(v string) *string { return &v }

// launchRealtime launches the attack at real-time speed: the clock goes to 08:30 and the attack
// unfolds as the steps move it.
func launchRealtime(f *fixture) {
	if _, err := f.logs.Launch(f.tenant.ID, logs.Speed{Factor: 1}); err != nil {
		f.t.Fatal(err)
	}
	f.advance()
}

func TestSync(t *testing.T) {
	lab := steps(labSetup, []step{launch, at("10:30")})
	twin := func(f *fixture) string { return f.sentinelIncidents(ProviderName)[0] }
	first := func(f *fixture) string { return f.defender()[0] }
	runScenarios(t, []scenarioTest{{
		name: "as the attack unfolds the Sentinel twin follows Defender's name and severity",
		steps: steps(labSetup, []step{launchRealtime, at("08:38"), func(f *fixture) {
			wantEqual(f.t.(*testing.T), f.defender(), []string{"2972395 | active | medium | Multi-stage incident involving Initial access involving one user reported by multiple sources | 2 | 0"})
			wantEqual(f.t.(*testing.T), f.sentinelIncidents(ProviderName), []string{})
		}, at("08:40"), func(f *fixture) {
			wantEqual(f.t.(*testing.T), f.sentinelIncidents(ProviderName), []string{
				"Microsoft 365 Defender | 2972395 | New | Multi-stage incident involving Initial access involving one user reported by multiple sources | 2 |  | "})
		}, at("10:30")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, []string{twin(f)}, []string{"Microsoft 365 Defender | 2972395 | New | " + multiStage + " | 24 |  | "})
			wantEqual(t, f.kql(`SecurityIncident | where ProviderIncidentId == "2972395" | summarize by Title, Severity | order by Title asc`), []string{
				"Multi-stage incident involving Initial access & Credential access involving one user reported by multiple sources | High",
				"Multi-stage incident involving Initial access involving one user reported by multiple sources | High",
			})
		},
	}, {
		name: "a merge in Defender: the emptied incident's twin closes as redirected, the alerts move",
		steps: steps(lab, []step{func(f *fixture) {
			f.tx(func(tx *simulator.TenantTx) error { return MoveAlerts(tx, FirstIncidentID+1, FirstIncidentID) })
		}, at("10:36")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{
				"2972395 | active | high | " + multiStage + " | 25 | 0",
				"2972396 | redirected | high | Password spray | 0 | 2972395",
			})
			wantEqual(t, f.sentinelIncidents(ProviderName), []string{
				"Microsoft 365 Defender | 2972395 | New | " + multiStage + " | 25 |  | ",
				"Microsoft 365 Defender | 2972396 | Closed | Password spray | 1 | Undetermined | ",
			})
			wantEqual(t, f.kql(`SecurityIncident | where ProviderIncidentId == "2972396" | summarize arg_max(TimeGenerated, *) | project Status, ClassificationComment, tostring(Labels[0].labelName)`),
				[]string{"Closed | Redirected to Microsoft Defender XDR incident 2972395. | Redirected"})
		},
	}, {
		name: "resolved in Defender: Sentinel closes after the sync delay",
		steps: steps(lab, []step{setDefender(IncidentUpdate{Status: s("resolved"), Classification: s("truePositive"),
			Determination: s("multiStagedAttack"), AssignedTo: s("analyst@contoso.com"), By: "analyst@contoso.com"}),
			at("10:34"), func(f *fixture) {
				wantEqual(f.t.(*testing.T), []string{twin(f)}, []string{"Microsoft 365 Defender | 2972395 | New | " + multiStage + " | 24 |  | "})
			}, at("10:36")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, []string{twin(f)}, []string{"Microsoft 365 Defender | 2972395 | Closed | " + multiStage + " | 24 | TruePositive | analyst@contoso.com"})
			wantEqual(t, []string{first(f)}, []string{"2972395 | resolved | high | " + multiStage + " | 24 | 0"})
			wantEqual(t, f.kql(`SecurityIncident | where ProviderIncidentId == "2972395" | summarize arg_max(TimeGenerated, *) | project TimeGenerated, Status, Classification, ClassificationReason, tostring(Owner.userPrincipalName), ModifiedBy`),
				[]string{"2025-01-15T10:35:00Z | Closed | TruePositive | SuspiciousActivity | analyst@contoso.com | Microsoft 365 Defender"})
			var resolved int
			f.view(func(tx *simulator.TenantTx) error {
				inc, _, _ := IncidentByID(tx, FirstIncidentID)
				alerts, err := IncidentAlerts(tx, inc)
				for _, a := range alerts {
					if a.Status == "resolved" {
						resolved++
					}
				}
				return err
			})
			if resolved != 24 {
				t.Errorf("%d of 24 alerts resolved with the incident", resolved)
			}
		},
	}, {
		name: "owner and status set in Sentinel reach Defender; closing in Sentinel resolves it",
		steps: steps(lab, []step{setSentinel(func(s *sentinel.Incident) {
			s.Properties.Status = ptr("Active")
			s.Properties.Owner = &sentinel.Owner{ObjectID: ptr("6b0f4a4e-55b4-4a46-9b5e-0e58f3a1c0de"), AssignedTo: ptr("SOC Tier 2"), OwnerType: ptr("Group")}
		}), at("10:34"), func(f *fixture) {
			wantEqual(f.t.(*testing.T), []string{first(f)}, []string{"2972395 | active | high | " + multiStage + " | 24 | 0"})
		}, at("10:35"), func(f *fixture) {
			wantEqual(f.t.(*testing.T), []string{first(f)}, []string{"2972395 | inProgress | high | " + multiStage + " | 24 | 0"})
		}, setSentinel(func(s *sentinel.Incident) {
			s.Properties.Status, s.Properties.Classification, s.Properties.ClassificationReason = ptr("Closed"), ptr("BenignPositive"), ptr("SuspiciousButExpected")
		}), at("10:45")}),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, []string{first(f)}, []string{"2972395 | resolved | high | " + multiStage + " | 24 | 0"})
			f.view(func(tx *simulator.TenantTx) error {
				inc, _, err := IncidentByID(tx, FirstIncidentID)
				if got := fmt.Sprintf("%s %s %s", inc.AssignedTo, inc.Classification, inc.LastModifiedBy); got != "SOC Tier 2 informationalExpectedActivity Microsoft Sentinel" {
					t.Errorf("Defender incident after the Sentinel changes: %s", got)
				}
				return err
			})
			// The group owner stays as Sentinel has it (no echo back).
			wantEqual(t, []string{twin(f)}, []string{"Microsoft 365 Defender | 2972395 | Closed | " + multiStage + " | 24 | BenignPositive | SOC Tier 2"})
		},
	}, {
		name:  "fault xdr-sync-severity-filter: the Medium lateral-movement alerts stay out; fixed, the next run syncs",
		steps: steps([]step{fault("xdr-sync-severity-filter", true)}, lab),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{
				"2972395 | active | high | " + multiStage + " | 12 | 0",
				"2972396 | active | high | Password spray | 1 | 0",
			})
			wantEqual(t, f.kql(`SecurityIncident | summarize arg_max(TimeGenerated, *) by IncidentName | summarize n = count() by ProviderName, Title, Status | order by Title asc`), []string{
				"Azure Sentinel | Lateral Movement via Azure Resource Access Escalation | New | 12",
				"Microsoft 365 Defender | " + multiStage + " | New | 1",
				"Microsoft 365 Defender | Password spray | New | 1",
				"Azure Sentinel | Post-Compromise Credential Access Attempt | Closed | 3",
				"Azure Sentinel | Suspicious Sign-in Followed by Azure Resource Access | Closed | 3",
			})
			f.view(func(tx *simulator.TenantTx) error {
				st, err := ReadSettings(tx)
				if fmt.Sprint(st) != "{true [High]}" {
					t.Errorf("settings with the fault: %v", st)
				}
				return err
			})
			// The fix: sync every severity; a replay of the sweep fires the rule again.
			f.tx(func(tx *simulator.TenantTx) error { return WriteSettings(tx, DefaultSettings()) })
			if _, err := f.logs.Replay(f.tenant.ID, "lateral-movement"); err != nil {
				t.Fatal(err)
			}
			at("11:30")(f)
			if got := f.defender()[0]; !strings.HasPrefix(got, "2972395 | active | high | "+multiStage+" | ") || got == "2972395 | active | high | "+multiStage+" | 12 | 0" {
				t.Errorf("after the fix the lateral-movement alerts should join: %s", got)
			}
			wantEqual(t, f.kql(`SecurityIncident | where TimeGenerated > datetime(2025-01-15T10:30:00Z) and ProviderName == "Azure Sentinel" and Title startswith "Lateral"
				| summarize arg_max(TimeGenerated, *) by IncidentName | where CreatedTime <= datetime(2025-01-15T11:20:00Z) | summarize by Status, Classification`), []string{"Closed | Undetermined"})
		},
	}, {
		name:  "fault xdr-sync-off: nothing crosses; switching the fault off restores the sync",
		steps: steps([]step{fault("xdr-sync-off", true)}, lab),
		check: func(t *testing.T, f *fixture) {
			wantEqual(t, f.defender(), []string{
				"2972395 | active | high | " + multiStage + " | 6 | 0",
				"2972396 | active | high | Password spray | 1 | 0",
			})
			wantEqual(t, f.sentinelIncidents(ProviderName), []string{})
			fault("xdr-sync-off", false)(f)
			at("10:40")(f)
			wantEqual(t, f.sentinelIncidents(ProviderName), []string{
				"Microsoft 365 Defender | 2972395 | New | " + multiStage + " | 6 |  | ",
				"Microsoft 365 Defender | 2972396 | New | Password spray | 1 |  | ",
			})
		},
	}})
}
