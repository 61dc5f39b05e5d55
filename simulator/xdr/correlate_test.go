package xdr

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

func testAlert(id, category, source, severity string, at time.Time, ents ...Entity) Alert {
	return Alert{ID: id, Title: "Alert " + id, Category: category, ServiceSource: source, Severity: severity, Status: "new",
		Created: at, LastUpdate: at, FirstActivity: at, LastActivity: at, Entities: ents, Comments: []Comment{}}
}

var (
	t0    = time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC)
	alex  = Entity{Kind: EntityUser, UPN: "alex.johnson@contoso.com"}
	maria = Entity{Kind: EntityUser, UPN: "maria.garcia@contoso.com"}
	tor   = Entity{Kind: EntityIP, Address: "185.220.101.45"}
	home  = Entity{Kind: EntityIP, Address: "203.0.113.7"}
	kv    = Entity{Kind: EntityResource, ResourceID: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"}
)

// TestCorrelate feeds alerts in order and checks the incidents: "id | status | name | alerts | redirect".
func TestCorrelate(t *testing.T) {
	cases := []struct {
		name   string
		alerts []Alert
		want   []string
	}{
		{"one alert", []Alert{testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex, tor)},
			[]string{"2972395 | active | medium | Alert a1 involving one user | 1 | 0"}},
		{"shared user joins, one category, two sources", []Alert{
			testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex, tor),
			testAlert("a2", "InitialAccess", "microsoftDefenderForCloudApps", "high", t0.Add(time.Minute), alex)},
			[]string{"2972395 | active | high | Multi-stage incident involving Initial access involving one user reported by multiple sources | 2 | 0"}},
		{"unrelated alerts stay separate", []Alert{
			testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex, tor),
			testAlert("a2", "CredentialAccess", "azureAdIdentityProtection", "low", t0, maria, home)},
			[]string{"2972395 | active | medium | Alert a1 involving one user | 1 | 0", "2972396 | active | low | Alert a2 involving one user | 1 | 0"}},
		{"too far apart in time", []Alert{
			testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex),
			testAlert("a2", "InitialAccess", "azureAdIdentityProtection", "medium", t0.Add(25*time.Hour), alex)},
			[]string{"2972395 | active | medium | Alert a1 involving one user | 1 | 0", "2972396 | active | medium | Alert a2 involving one user | 1 | 0"}},
		{"an alert linking two incidents merges them into the older one", []Alert{
			testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex),
			testAlert("a2", "CredentialAccess", "microsoftDefenderForCloud", "high", t0, tor, kv),
			testAlert("a3", "Exfiltration", "microsoftSentinel", "low", t0.Add(time.Hour), alex, tor)},
			[]string{"2972395 | active | high | Multi-stage incident involving Initial access & Credential access involving one user reported by multiple sources | 3 | 0",
				"2972396 | redirected | high | Alert a2 | 0 | 2972395"}},
		{"several users", []Alert{
			testAlert("a1", "LateralMovement", "microsoftSentinel", "low", t0, alex, tor),
			testAlert("a2", "Discovery", "microsoftSentinel", "informational", t0, maria, tor)},
			[]string{"2972395 | active | low | Multi-stage incident involving Discovery & Lateral movement involving multiple users | 2 | 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := simulator.Open(t.TempDir(), simulator.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			ten, _ := w.TenantByName(simulator.DefaultTenantName)
			for _, a := range c.alerts {
				err := w.UpdateAt(ten.ID, a.Created, func(tx *simulator.TenantTx) error {
					p, err := readProgress(tx)
					if err != nil {
						return err
					}
					if _, err := correlate(tx, &p, a, a.Created); err != nil {
						return err
					}
					return writeProgress(tx, p)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			got := []string{}
			w.View(ten.ID, func(tx *simulator.TenantTx) error {
				incs, err := Incidents(tx)
				for _, inc := range slicesReverse(incs) {
					got = append(got, fmt.Sprintf("%d | %s | %s | %s | %d | %d", inc.ID, inc.Status, inc.Severity, inc.DisplayName, len(inc.AlertIDs), inc.RedirectIncidentID))
				}
				return err
			})
			wantEqual(t, got, c.want)
		})
	}
}

func TestUpdateValidation(t *testing.T) {
	cur := Incident{ID: 1, Status: "active"}
	cases := []struct {
		name string
		u    IncidentUpdate
		want string
	}{
		{"pascal case accepted", IncidentUpdate{Status: s("Resolved"), Classification: s("TruePositive"), Determination: s("MultiStagedAttack")}, ""},
		{"alias accepted", IncidentUpdate{Classification: s("falsePositive"), Determination: s("clean")}, ""},
		{"bad status", IncidentUpdate{Status: s("closed")}, "The value 'closed' is not valid for 'status'. Valid values: active, resolved, inProgress, awaitingAction."},
		{"bad classification", IncidentUpdate{Classification: s("yes")}, "The value 'yes' is not valid for 'classification'. Valid values: unknown, falsePositive, truePositive, informationalExpectedActivity."},
		{"determination alone", IncidentUpdate{Determination: s("malware")}, "A determination can only be set together with a classification."},
		{"wrong pair", IncidentUpdate{Classification: s("falsePositive"), Determination: s("malware")}, "The determination 'malware' is not valid for the classification 'falsePositive'."},
		{"empty comment", IncidentUpdate{Comment: s("  ")}, "A comment must be 1 to 30000 characters long."},
		{"empty tag", IncidentUpdate{CustomTags: &[]string{""}}, "Each tag must be 1 to 120 characters long."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ""
			if err := c.u.Validate(cur); err != nil {
				got = err.Message
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if err := (&IncidentUpdate{Status: s("active")}).Validate(Incident{ID: 5, Status: "redirected", RedirectIncidentID: 4}); err == nil ||
		err.Message != "Incident 5 was redirected to incident 4 and cannot be changed." {
		t.Errorf("redirected: %v", err)
	}
}

func TestStory(t *testing.T) {
	alerts := []Alert{
		testAlert("a2", "CredentialAccess", "microsoftDefenderForCloud", "medium", t0.Add(time.Minute), alex, tor, kv),
		testAlert("a1", "InitialAccess", "azureAdIdentityProtection", "medium", t0, alex, tor),
	}
	alerts[1].Entities[0].Role, alerts[1].Entities[1].Role = "impacted", "related"
	st := buildStory(7, alerts)
	var got []string
	for _, e := range st.Timeline {
		got = append(got, fmt.Sprintf("%s %s %v", e.Time.Format("15:04"), e.AlertID, e.Entities))
	}
	for _, n := range st.Nodes {
		got = append(got, "node "+n.ID+" "+n.Kind+" "+n.Label)
	}
	for _, e := range st.Edges {
		got = append(got, fmt.Sprintf("edge %s -%s-> %s %v", e.From, e.Relation, e.To, e.Alerts))
	}
	kvKey := "resource:/subscriptions/x/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-contoso-prod"
	wantEqual(t, got, []string{
		"08:00 a1 [user:alex.johnson@contoso.com ip:185.220.101.45]",
		"08:01 a2 [user:alex.johnson@contoso.com ip:185.220.101.45 " + kvKey + "]",
		"node alert:a1 alert Alert a1",
		"node user:alex.johnson@contoso.com user alex.johnson@contoso.com",
		"node ip:185.220.101.45 ip 185.220.101.45",
		"node alert:a2 alert Alert a2",
		"node " + kvKey + " azureResource kv-contoso-prod",
		"edge alert:a1 -impacted-> user:alex.johnson@contoso.com [a1]",
		"edge alert:a1 -related-> ip:185.220.101.45 [a1]",
		"edge user:alex.johnson@contoso.com -signedInFrom-> ip:185.220.101.45 [a1 a2]",
		"edge alert:a2 -related-> user:alex.johnson@contoso.com [a2]",
		"edge alert:a2 -related-> ip:185.220.101.45 [a2]",
		"edge alert:a2 -related-> " + kvKey + " [a2]",
		"edge user:alex.johnson@contoso.com -accessed-> " + kvKey + " [a2]",
		"edge ip:185.220.101.45 -connectedTo-> " + kvKey + " [a2]",
	})
}
