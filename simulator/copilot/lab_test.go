package copilot

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/xdr"
)

// lab is a world with the lab workspace, the Defender XDR connector and the attack launched,
// the clock at 10:30 and Defender XDR advanced: the lab's multi-stage incident exists.
type lab struct {
	*armtest.Lab
	svc   *Service
	rules *detect.Engine
}

func newLab(t testing.TB, launched bool) *lab {
	t.Helper()
	l := &lab{Lab: armtest.New(t, mocksentinel.LabTypes()...)}
	l.svc = New(l.Logs)
	var err error
	if l.rules, err = detect.New(l.Logs, detect.Options{}); err != nil {
		t.Fatal(err)
	}
	ws := armtest.WorkspaceID(l.Tenant)
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+armtest.PreviewAPI, "")
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"/providers/Microsoft.SecurityInsights/dataConnectors/m365d?api-version=2023-02-01-preview",
		fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, l.Tenant.ID))
	l.at(t, "07:30")
	for _, name := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		body, err := os.ReadFile("../xdr/testdata/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"/providers/Microsoft.SecurityInsights/alertRules/"+name+"?api-version="+armtest.PreviewAPI, string(body))
	}
	if launched {
		if _, err := l.Logs.Launch(l.Tenant.ID, logs.Speed{}); err != nil {
			t.Fatal(err)
		}
		l.at(t, "10:30")
	}
	return l
}

func (l *lab) at(t testing.TB, hhmm string) {
	t.Helper()
	tm, _ := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	if _, err := l.World.SetTime(l.Tenant.ID, tm); err != nil {
		t.Fatal(err)
	}
	if _, err := l.rules.AdvanceToNow(l.Tenant.ID); err != nil {
		t.Fatal(err)
	}
	if err := xdr.New(l.Logs).Advance(l.Tenant.ID, tm); err != nil {
		t.Fatal(err)
	}
}

func (l *lab) ask(t testing.TB, prompt string) Result {
	t.Helper()
	r, err := l.svc.Answer(context.Background(), l.Tenant.ID, prompt)
	if err != nil {
		t.Fatalf("Answer(%q): %v", prompt, err)
	}
	return r
}

// facts are what an answer must contain, checked in order.
func wantInOrder(t *testing.T, answer string, facts ...string) {
	t.Helper()
	rest := answer
	for _, f := range facts {
		i := strings.Index(rest, f)
		if i < 0 {
			t.Errorf("answer lacks %q (in order) in:\n%s", f, answer)
			return
		}
		rest = rest[i+len(f):]
	}
}

func TestLabAnswers(t *testing.T) {
	l := newLab(t, true)
	incident := fmt.Sprint(xdr.FirstIncidentID)

	t.Run("incident summary: techniques in time order, entities, severity, sources", func(t *testing.T) {
		for _, p := range []string{
			"Summarise Defender XDR incident " + incident + ": its alerts, entities and timeline, each step mapped to MITRE ATT&CK.",
			"what happend in incident #" + incident,
		} {
			r := l.ask(t, p)
			if r.Intent != IntentIncidentSummary || r.Type != "success" {
				t.Fatalf("%q: intent %s type %s", p, r.Intent, r.Type)
			}
			m := regexp.MustCompile(`\*\*Techniques in order:\*\* (.*)`).FindStringSubmatch(r.Content)
			if m == nil {
				t.Fatalf("no technique line:\n%s", r.Content)
			}
			wantInOrder(t, m[1], "T1078", "T1555", "T1530", "T1098")
			wantInOrder(t, r.Content, "**Severity:** high", "User: alex.johnson@contoso.com", "**Sources**", "Microsoft Defender XDR incident "+incident, "alert ")
			for _, e := range []string{"185.220.101.45", "kv-contoso-prod", "stcontosoprod"} {
				if !strings.Contains(strings.ToLower(r.Content), e) {
					t.Errorf("summary lacks entity %s", e)
				}
			}
		}
	})
	t.Run("a Sentinel GUID gets: name it by its Defender number", func(t *testing.T) {
		r := l.ask(t, "Summarize incident 6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
		wantInOrder(t, r.Content, "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Defender XDR number", incident)
	})
	t.Run("unknown incident number", func(t *testing.T) {
		r := l.ask(t, "summarize incident 123")
		wantInOrder(t, r.Content, "I don't have access to incident 123")
	})
	t.Run("list incidents", func(t *testing.T) {
		r := l.ask(t, "List my recent incidents in Defender XDR")
		wantInOrder(t, r.Content, "| "+incident+" | high | active |", "**Sources**")
	})
	t.Run("user risk profile", func(t *testing.T) {
		r := l.ask(t, "What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?")
		if r.Intent != IntentUserRisk {
			t.Fatalf("intent %s", r.Intent)
		}
		wantInOrder(t, r.Content, "alex.johnson@contoso.com", "**Risk level:** high", "### Risk detections", "185.220.101.", "**Groups:**", "### Recent sign-ins", "185.220.101.", "### Incidents involving this user", "- "+incident+" (high, active)", "**Sources**")
		r = l.ask(t, "what's the risk profile of Alex Johnson?")
		wantInOrder(t, r.Content, "(alex.johnson@contoso.com)", "**Risk level:** high")
		r = l.ask(t, "risk profile of nobody@contoso.com")
		wantInOrder(t, r.Content, "couldn't find the user nobody@contoso.com")
	})
	t.Run("threat intelligence from the workspace's indicators and the telemetry", func(t *testing.T) {
		r := l.ask(t, "Enrich the IP address 185.220.101.45 with threat intelligence.")
		wantInOrder(t, r.Content, "**Verdict:** malicious", "Tor exit node 185.220.101.45", "Tags: Tor", "| Indicator |", "### What this tenant's telemetry shows", "2 sign-ins (1 failed)", "alex.johnson@contoso.com",
			"**Sources**", "ThreatIntelligenceIndicator on workspace law-contoso-unified: 2 indicators about 185.220.101.45")
		for _, row := range []string{"| 185.220.101.45 | Proxy |", "| 185.220.101.0/24 | Proxy |"} {
			if !strings.Contains(r.Content, row) {
				t.Errorf("TI answer lacks the indicator row %q", row)
			}
		}
		r = l.ask(t, "is 185.220.101.0/24 a known tor range?")
		wantInOrder(t, r.Content, "**Verdict:** malicious", "| 185.220.101.0/24 | Proxy |", "by: alex.johnson@contoso.com", "maria.garcia@contoso.com")
		r = l.ask(t, "enrich 8.8.8.8")
		wantInOrder(t, r.Content, "**Verdict:** unknown", "No sign-ins from 8.8.8.8", "0 indicators about 8.8.8.8")
		// The feed's false positive: a commercial VPN the tenant's travellers use, low confidence.
		vpn, err := l.svc.runWorkspace(context.Background(), l.Tenant.ID, `ThreatIntelligenceIndicator | where Description startswith "Commercial VPN" | summarize by NetworkIP | sort by NetworkIP asc | take 1`)
		if err != nil || len(vpn) != 1 {
			t.Fatalf("the feed's VPN indicator: %v %v", vpn, err)
		}
		r = l.ask(t, fmt.Sprintf("threat intel on %v", vpn[0]["NetworkIP"]))
		wantInOrder(t, r.Content, "**Verdict:** suspicious", "Commercial VPN service egress")
		// A phishing domain of the feed, with its invented actor marked fictional.
		dom, err := l.svc.runWorkspace(context.Background(), l.Tenant.ID, `ThreatIntelligenceIndicator | where isnotempty(DomainName) and ActivityGroupNames != "" and ConfidenceScore >= 70 | summarize arg_max(TimeGenerated, *) by IndicatorId | where Active | sort by DomainName asc | take 1 | project DomainName, ActivityGroupNames`)
		if err != nil || len(dom) != 1 {
			t.Fatalf("a phishing domain of the feed: %v %v", dom, err)
		}
		r = l.ask(t, fmt.Sprintf("Look up the domain %v", dom[0]["DomainName"]))
		if r.Intent != IntentIPEnrichment {
			t.Fatalf("domain lookup: intent %s", r.Intent)
		}
		if !strings.HasSuffix(fmt.Sprint(dom[0]["ActivityGroupNames"]), "(fictional)") {
			t.Errorf("the feed's actor %v is not marked fictional", dom[0]["ActivityGroupNames"])
		}
		wantInOrder(t, r.Content, "**Verdict:** malicious", "Related activity groups: "+fmt.Sprint(dom[0]["ActivityGroupNames"]), "No table of this workspace records DNS")
		r = l.ask(t, "reputation of unlisted-example.com")
		wantInOrder(t, r.Content, "**Verdict:** unknown")
	})
	t.Run("NL to KQL runs on the workspace and returns the sprayed accounts", func(t *testing.T) {
		r := l.ask(t, "Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.")
		if r.Intent != IntentKQL {
			t.Fatalf("intent %s", r.Intent)
		}
		wantInOrder(t, r.Content, "```kusto\nSigninLogs", `ipv4_is_in_range(IPAddress, "185.220.101.0/24")`, "```", "On law-contoso-unified it returns", "185.220.101.", "alex.johnson@contoso.com")
		r = l.ask(t, "kql for sign-ins from 185.220.101.0/24 in the past week")
		wantInOrder(t, r.Content, "over the last 7 days", "TimeGenerated > ago(7d)", "alex.johnson@contoso.com")
		r = l.ask(t, "write a kql query for sign-ins")
		wantInOrder(t, r.Content, "Which range? Give it as a CIDR")
		rows, err := l.svc.runWorkspace(context.Background(), l.Tenant.ID, SigninsFromRangeKQL(KQLParams{CIDR: "185.220.101.0/24", Days: 30}))
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]bool{}
		for _, r := range rows {
			for _, u := range regexp.MustCompile(`[\w.-]+@contoso\.com`).FindAllString(fmt.Sprint(r["Users"]), -1) {
				users[u] = true
			}
		}
		if !users["alex.johnson@contoso.com"] || len(users) < 3 {
			t.Errorf("the query finds %d accounts %v, want alex.johnson and the sprayed ones", len(users), users)
		}
	})
	t.Run("containment: priority order and what is done", func(t *testing.T) {
		r := l.ask(t, "Give containment and remediation steps in priority order.")
		wantInOrder(t, r.Content, "1. Revoke", "**not done yet**", "revokeSignInSessions", "2. Block 185.220.101.0/24", "**not done yet**", "3. Reset", "**not done yet**", "4. Remove the backdoor", "**not done yet**")
		svc := identity.NewService(l.Logs)
		if err := svc.Write(l.Tenant.ID, identity.Caller{UPN: "analyst@contoso.com"}, func(w *identity.Writer) error {
			return w.RevokeSessions("alex.johnson@contoso.com")
		}); err != nil {
			t.Fatal(err)
		}
		r = l.ask(t, "how do I contain this?")
		wantInOrder(t, r.Content, "1. Revoke", "**already done in this tenant**", "2. Block", "**not done yet**")
	})
	t.Run("blast radius: roles vs what was touched", func(t *testing.T) {
		r := l.ask(t, "Which Azure resources could alex.johnson@contoso.com reach, which secrets were read, which storage was touched? Estimate the blast radius.")
		if r.Intent != IntentBlastRadius {
			t.Fatalf("intent %s", r.Intent)
		}
		wantInOrder(t, r.Content, "Key Vault Secrets User on kv-contoso-prod", "Contributor on subscription", "User Administrator",
			"Reachable: 7 of 7 resource groups", "storage accounts: stcontosoappdata, stcontosobackup, stcontosodev, stcontosofinance, stcontosoprod",
			"**Key Vault secrets read**", "kv-contoso-prod: ",
			"**Storage account keys listed**", "stcontosoprod", "stcontosofinance", "stcontosoappdata", "stcontosobackup", "stcontosodev",
			"**Blobs downloaded**", "stcontosoprod/finance-reports with AccountKey: 5 downloads",
			"**Resource groups swept**", "rg-contoso-unified-soc", "rg-contoso-finance", "rg-contoso-prod-apps", "rg-contoso-backup", "rg-contoso-identity", "rg-contoso-dev",
			"Resource groups: 6 touched of 7 reachable; not touched yet: rg-contoso-network", "keys listed for 5 of 5", "**Sources**")
		for _, secret := range []string{"stcontosoprod-key1", "stcontosoprod-key2", "sql-finance-admin-password", "app-finance-reporting-client-secret", "payment-gateway-api-key",
			"customers-2025.csv", "payroll-2024-12.csv", "q4-2024-revenue.xlsx", "vendor-bank-details.xlsx", "board-deck-2025-q1.pptx"} {
			if !strings.Contains(r.Content, secret) {
				t.Errorf("blast radius lacks %s", secret)
			}
		}
		r = l.ask(t, "blast radius of nobody@contoso.com")
		if r.Outcome != OutcomeRefused {
			t.Errorf("unknown user: %s", r.Content)
		}
	})
	t.Run("refusal lists what it can do", func(t *testing.T) {
		r := l.ask(t, "what's the weather in Paris")
		wantInOrder(t, r.Content, "I can't help with that here", Capabilities[0], Capabilities[5])
	})
}

func TestBeforeTheAttack(t *testing.T) {
	l := newLab(t, false)
	r := l.ask(t, "List my recent incidents in Defender XDR")
	wantInOrder(t, r.Content, "There are no incidents")
	r = l.ask(t, "summarize incident "+fmt.Sprint(xdr.FirstIncidentID))
	wantInOrder(t, r.Content, "I don't have access to incident")
	var s Session
	if err := l.World.Update(l.Tenant.ID, func(tx *simulator.TenantTx) (err error) { s, err = CreateSession(tx, "x", "a"); return err }); err != nil {
		t.Fatal(err)
	}
	if s.Created != time.Date(2025, 1, 15, 7, 30, 0, 0, time.UTC) {
		t.Errorf("session created %v, want the tenant clock", s.Created)
	}
}
