package copilot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql"
)

// TestKQLTemplatesRun: every template compiles and runs on the scenario's workspace (or in
// advanced hunting) with each kind of parameter, and for none where it has no requirement.
func TestKQLTemplatesRun(t *testing.T) {
	l := newLab(t, true)
	for _, tp := range KQLTemplates {
		for _, p := range []KQLParams{{CIDR: "185.220.101.0/24", Days: 30}, {UPN: "alex.johnson@contoso.com", Days: 7}, {Days: 90}, {CIDR: "10.0.0.1/32", UPN: `o"brien@contoso.com`, Days: 1}} {
			if tp.Needs == "range" && p.CIDR == "" || tp.Needs == "user" && p.UPN == "" {
				continue
			}
			if _, _, err := l.svc.runTable(context.Background(), l.Tenant.ID, tp.Build(p), tp.Hunting); err != nil {
				t.Errorf("%s %+v: %v\n%s", tp.ID, p, err, tp.Build(p))
			}
		}
	}
}

// TestKQLAsks: each ask picks its template, the answer shows the query it ran, and the query
// returns the scenario's rows (checked on the rows, not the wording).
func TestKQLAsks(t *testing.T) {
	l := newLab(t, true)
	col := func(rows []map[string]any, name string) []string {
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprint(r[name]))
		}
		return out
	}
	sorted := func(l []string) string { l = slices.Clone(l); sort.Strings(l); return strings.Join(l, " ") }
	cases := []struct {
		template string
		prompts  []string
		check    func(t *testing.T, rows []map[string]any)
	}{
		{"signins-range", []string{
			"Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.",
			"kql: logins from 185.220.101.0/24",
			"generate a query for authentications coming from 185.220.101.0/24 past week",
		}, func(t *testing.T, rows []map[string]any) {
			if got := sorted(col(rows, "IPAddress")); got != "185.220.101.112 185.220.101.23 185.220.101.45 185.220.101.89" {
				t.Errorf("addresses %s", got)
			}
		}},
		{"signins-user", []string{
			"Write KQL for the sign-ins of alex.johnson@contoso.com by location",
			"kusto query: where did Alex Johnson sign in from?",
		}, func(t *testing.T, rows []map[string]any) {
			for _, r := range rows {
				if r["IPAddress"] == "185.220.101.45" && r["City"] == "Bucharest" && fmt.Sprint(r["HighRisk"]) == "2" {
					return
				}
			}
			t.Errorf("no high-risk Bucharest row from 185.220.101.45 in %v", rows)
		}},
		{"password-spray", []string{
			"Write a KQL query to detect password spraying",
			"kql for brute force against many accounts in the last 7 days",
			"query for faild logins from 185.220.101.0/24",
		}, func(t *testing.T, rows []map[string]any) {
			if got := sorted(col(rows, "IPAddress")); got != "185.220.101.112 185.220.101.23 185.220.101.89" {
				t.Errorf("spraying addresses %s", got)
			}
			for _, r := range rows {
				for _, u := range []string{"maria.garcia", "olivia.bennett", "lisa.wong", "david.chen", "sarah.miller"} {
					if !strings.Contains(fmt.Sprint(r["Accounts"]), u+"@contoso.com") {
						t.Errorf("%v: %s not among the sprayed accounts", r["IPAddress"], u)
					}
				}
			}
		}},
		{"keyvault-secrets", []string{
			"Write KQL showing which Key Vault secrets alex.johnson@contoso.com read",
			"hunting query for secret reads by Alex Johnson in the key vault",
		}, func(t *testing.T, rows []map[string]any) {
			for _, r := range rows {
				if r["CallerIPAddress"] == "185.220.101.45" && r["Vault"] == "kv-contoso-prod" && fmt.Sprint(r["Operations"]) == "6" &&
					fmt.Sprint(r["Secrets"]) == `["stcontosoprod-key1","stcontosoprod-key2","sql-finance-admin-password","app-finance-reporting-client-secret","payment-gateway-api-key"]` {
					return
				}
			}
			t.Errorf("no attacker row with the five secrets in %v", rows)
		}},
		{"blob-downloads", []string{
			"Write a KQL query for blobs downloaded by alex.johnson@contoso.com",
			"kql: data exfiltration from storage by alex.johnson@contoso.com",
		}, func(t *testing.T, rows []map[string]any) {
			for _, r := range rows {
				if r["Ip"] == "185.220.101.45" && r["AuthenticationType"] == "AccountKey" && r["AccountName"] == "stcontosoprod" && r["Container"] == "finance-reports" && fmt.Sprint(r["Downloads"]) == "5" {
					return
				}
			}
			t.Errorf("no AccountKey download row from the attacker in %v", rows)
		}},
		{"azure-activity", []string{
			"Write KQL for the resource groups alex.johnson@contoso.com touched with listKeys",
			"kql query of Azure control plane operations by alex.johnson@contoso.com",
		}, func(t *testing.T, rows []map[string]any) {
			if got := sorted(col(rows, "ResourceGroup")); got != "rg-contoso-backup rg-contoso-dev rg-contoso-finance rg-contoso-identity rg-contoso-prod-apps rg-contoso-unified-soc" {
				t.Errorf("resource groups %s", got)
			}
		}},
		{"directory-changes", []string{
			"Write a KQL query for new users and admin role assignments",
			"kql to find a backdoor account created in the directory",
		}, func(t *testing.T, rows []map[string]any) {
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%v %v %v→%v", r["OperationName"], r["Result"], r["Actor"], r["Target"]))
			}
			want := []string{"Add user success alex.johnson@contoso.com→svc-backup-admin@contoso.com",
				"Add member to role failure alex.johnson@contoso.com→svc-backup-admin@contoso.com",
				"Add member to role success app-finance-reporting→svc-backup-admin@contoso.com"}
			if !slices.Equal(got, want) {
				t.Errorf("directory changes\n got %q\nwant %q", got, want)
			}
		}},
		{"hunting-signins-range", []string{
			"Write an advanced hunting query for sign-ins from 185.220.101.0/24",
			"Defender advanced hunting KQL: logons from 185.220.101.45",
		}, func(t *testing.T, rows []map[string]any) {
			if len(rows) == 0 || !strings.HasPrefix(fmt.Sprint(rows[0]["IPAddress"]), "185.220.101.") {
				t.Errorf("hunting rows %v", rows)
			}
		}},
		{"hunting-password-spray", []string{
			"advanced hunting query for password spraying",
			"Write a Defender advanced hunting KQL query for failed logins against many accounts",
		}, func(t *testing.T, rows []map[string]any) {
			if got := sorted(col(rows, "IPAddress")); got != "185.220.101.112 185.220.101.23 185.220.101.89" {
				t.Errorf("spraying addresses in hunting %s", got)
			}
		}},
		{"keyvault-secrets", []string{"advanced hunting: which key vault secrets did alex.johnson@contoso.com read"}, func(t *testing.T, rows []map[string]any) {
			if len(rows) == 0 {
				t.Error("no rows")
			}
		}},
	}
	for _, c := range cases {
		for _, p := range c.prompts {
			t.Run(c.template+"/"+p, func(t *testing.T) {
				r := l.ask(t, p)
				if r.Intent != IntentKQL || r.Outcome != OutcomeAnswered {
					t.Fatalf("intent %s outcome %s:\n%s", r.Intent, r.Outcome, r.Content)
				}
				if r.KQLTemplate != c.template {
					t.Fatalf("template %s, want %s", r.KQLTemplate, c.template)
				}
				hunting := strings.HasPrefix(c.template, "hunting-")
				wantInOrder(t, r.Content, "```kusto\n"+r.Query+"\n```", "it returns", "**Sources**", "Query run on")
				_, rows, err := l.svc.runTable(context.Background(), l.Tenant.ID, r.Query, hunting)
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, rows)
			})
		}
	}
}

// TestKQLQuestionsBack: asks that do not say what to look for, or lack what the query needs,
// get a question back (no query).
func TestKQLQuestionsBack(t *testing.T) {
	l := newLab(t, true)
	for _, c := range []struct{ prompt, want string }{
		{"write a kql query", "What should the query look for?"},
		{"Generate a KQL query for me please", "What should the query look for?"},
		{"write a kql query for sign-ins", "Which range? Give it as a CIDR"},
		{"advanced hunting query for logins", "Which range? Give it as a CIDR"},
	} {
		r := l.ask(t, c.prompt)
		if r.Intent != IntentKQL || r.Outcome != OutcomeClarify || r.Query != "" {
			t.Errorf("%q: intent %s outcome %s query %q", c.prompt, r.Intent, r.Outcome, r.Query)
		}
		wantInOrder(t, r.Content, c.want)
	}
}

// FuzzKQLTemplates: whatever the ask, the query Copilot would write compiles against the lab's
// tables (Kusto's parser rules as the engine has them): entities are quoted, never spliced.
func FuzzKQLTemplates(f *testing.F) {
	for _, s := range []string{
		"Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days.",
		`kql for the sign-ins of o"brien\@contoso.com`,
		"kql: blobs downloaded from 10.0.0.0/8 in the last 999 days",
		"advanced hunting logons from 1.2.3.4",
		"query new admin users created by a\"b@c.de",
		"kql password spray past week",
		"kql secrets read by x@y.io from 185.220.101.45",
	} {
		f.Add(s)
	}
	cat, err := kql.LabCatalog()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prompt string) {
		e := Understand(prompt).Entities
		tp, ok := pickKQLTemplate(prompt, e)
		if !ok {
			return
		}
		p := KQLParams{CIDR: e.CIDR, UPN: e.UPN, Days: e.Days}
		if p.CIDR == "" && e.IP != "" {
			p.CIDR = e.IP + "/32"
		}
		if p.Days <= 0 || p.Days > kqlMaxLookback {
			p.Days = kqlLookback
		}
		if tp.Needs == "range" && p.CIDR == "" || tp.Needs == "user" && p.UPN == "" {
			return
		}
		if _, err := kql.Compile(tp.Build(p), cat, kql.CompileOptions{}); err != nil {
			t.Errorf("%s for %q does not compile: %v\n%s", tp.ID, prompt, err, tp.Build(p))
		}
	})
}
