package copilot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/xdr"
)

// labUser is the user asked about when a prompt names none.
const labUser = "alex.johnson@contoso.com"

func kqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (s *Service) userRisk(ctx context.Context, b *answer, tenantID string, e Entities) error {
	if e.UPN == "" {
		b.clarify = true
		b.line("Which user? Name the account by its user principal name (for example %s).", labUser)
		return nil
	}
	var user *identity.User
	var groups, roles []string
	err := s.id.Read(tenantID, func(d *identity.Directory) error {
		user = d.UserByKey(e.UPN)
		if user == nil {
			return nil
		}
		for _, g := range d.Groups {
			if contains(g.Members, user.ID) {
				groups = append(groups, g.DisplayName)
			}
		}
		for _, r := range d.UserRoles(user.ID) {
			roles = append(roles, r.DisplayName)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if user == nil {
		b.refused = true
		b.line("I couldn't find the user %s in this tenant's directory.", e.UPN)
		b.source("Microsoft Entra ID users")
		return nil
	}
	risk, err := s.id.Risk(ctx, tenantID)
	if err != nil {
		return err
	}
	level, state := "none", "none"
	for _, ru := range risk.Users {
		if strings.EqualFold(fmt.Sprint(ru["userPrincipalName"]), e.UPN) {
			level, state = fmt.Sprint(ru["riskLevel"]), fmt.Sprint(ru["riskState"])
		}
	}
	b.line("## Risk profile of %s (%s)", user.DisplayName, user.UserPrincipalName)
	b.line("**Risk level:** %s · **Risk state:** %s · **Account enabled:** %v", level, state, user.AccountEnabled)
	b.line("")
	b.line("### Risk detections")
	n := 0
	for _, d := range risk.Detections {
		if strings.EqualFold(fmt.Sprint(d["userPrincipalName"]), e.UPN) {
			n++
			b.line("- %v: %v (%v) from %v", d["detectedDateTime"], d["riskEventType"], d["riskLevel"], d["ipAddress"])
		}
	}
	if n == 0 {
		b.line("- none")
	}
	b.line("")
	b.line("**Groups:** %s", orNone(groups))
	b.line("**Directory roles:** %s", orNone(roles))
	b.line("")
	rows, _, err := s.id.Logs(ctx, tenantID, `SigninLogs | where UserPrincipalName =~ `+kqlString(e.UPN)+`
| extend City = tostring(LocationDetails.city), Country = tostring(LocationDetails.countryOrRegion)
| summarize SignIns = count(), Failures = countif(ResultType != "0"), Last = max(TimeGenerated) by IPAddress, City, Country
| order by Last desc | take 10`)
	if err != nil {
		return err
	}
	b.line("### Recent sign-ins by address")
	b.line("| IP | Location | Sign-ins | Failures | Last |")
	b.line("|---|---|---|---|---|")
	for _, r := range rows {
		b.line("| %v | %v, %v | %v | %v | %v |", r["IPAddress"], r["City"], r["Country"], r["SignIns"], r["Failures"], r["Last"])
	}
	past, err := s.incidentsOf(tenantID, e.UPN)
	if err != nil {
		return err
	}
	b.line("")
	b.line("### Incidents involving this user")
	if len(past) == 0 {
		b.line("- none")
	}
	for _, i := range past {
		b.line("- %d (%s, %s): %s", i.ID, i.Severity, i.Status, i.DisplayName)
	}
	b.source("Microsoft Entra ID: user %s, its groups and directory roles", user.UserPrincipalName)
	b.source("Microsoft Defender XDR incidents involving the user (%d)", len(past))
	b.source("Microsoft Entra ID Protection: risky users and risk detections (%d for this user)", n)
	b.source("SigninLogs of the tenant (%d addresses)", len(rows))
	return nil
}

// userByDisplayName finds the user whose display name the prompt names (the longest match,
// case-insensitive, names of 5+ characters); "" if none.
func (s *Service) userByDisplayName(tenantID, prompt string) (string, error) {
	text := strings.ToLower(prompt)
	upn, best := "", 0
	err := s.id.Read(tenantID, func(d *identity.Directory) error {
		for _, u := range d.SortedUsers() {
			n := strings.ToLower(strings.TrimSpace(u.DisplayName))
			if len(n) >= 5 && len(n) > best && strings.Contains(text, n) {
				upn, best = strings.ToLower(u.UserPrincipalName), len(n)
			}
		}
		return nil
	})
	return upn, err
}

// incidentsOf lists the Defender XDR incidents whose entities include the user (merged ones left out).
func (s *Service) incidentsOf(tenantID, upn string) ([]xdr.Incident, error) {
	var out []xdr.Incident
	err := s.World().View(tenantID, func(tx *simulator.TenantTx) error {
		incs, err := xdr.Incidents(tx)
		for _, i := range incs {
			if i.Status != "redirected" && contains(i.EntityKeys, "user:"+strings.ToLower(upn)) {
				out = append(out, i)
			}
		}
		return err
	})
	return out, err
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// TIFact is a threat intelligence fact of the lab's built-in feed (lab data, not real intel).
type TIFact struct {
	CIDR, Verdict, Description string
	Reputation                 int
	FirstSeen, LastSeen        time.Time
}

// threatIntel is the lab's built-in feed.
var threatIntel = []TIFact{{
	CIDR: "185.220.101.0/24", Verdict: "malicious", Reputation: 95,
	Description: "Known Tor exit node range: anonymized traffic, password spraying and account takeover seen from it.",
	FirstSeen:   time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC),
}}

// LookupTI returns the feed's fact about an address or range.
func LookupTI(ipOrCIDR string) (TIFact, bool) {
	for _, f := range threatIntel {
		if inRange(ipOrCIDR, f.CIDR) || strings.EqualFold(ipOrCIDR, f.CIDR) {
			return f, true
		}
	}
	return TIFact{}, false
}

func (s *Service) enrich(ctx context.Context, b *answer, tenantID string, e Entities) error {
	target := e.IP
	if target == "" {
		target = e.CIDR
	}
	if target == "" {
		b.clarify = true
		b.line("Which IP address? Give the address (for example 185.220.101.45).")
		return nil
	}
	b.line("## Threat intelligence for %s", target)
	if f, ok := LookupTI(target); ok {
		b.line("**Verdict:** %s (reputation score %d/100) · range %s", f.Verdict, f.Reputation, f.CIDR)
		b.line("%s First seen %s, last seen %s.", f.Description, f.FirstSeen.Format("2006-01-02"), f.LastSeen.Format("2006-01-02"))
		b.source("soclab built-in threat intelligence feed (lab data, not real intelligence): %s", f.CIDR)
	} else {
		b.line("**Verdict:** unknown: no threat intelligence about this address in the lab's feed.")
		b.source("soclab built-in threat intelligence feed (lab data): no match")
	}
	filter := `IPAddress == ` + kqlString(target)
	if e.IP == "" {
		filter = `ipv4_is_in_range(IPAddress, ` + kqlString(target) + `)`
	}
	rows, _, err := s.id.Logs(ctx, tenantID, `SigninLogs | where `+filter+`
| summarize SignIns = count(), Failures = countif(ResultType != "0"), Users = make_set(UserPrincipalName, 20), First = min(TimeGenerated), Last = max(TimeGenerated)`)
	if err != nil {
		return err
	}
	b.line("")
	b.line("### What this tenant's telemetry shows")
	if len(rows) == 0 || fmt.Sprint(rows[0]["SignIns"]) == "0" {
		b.line("No sign-ins from %s in this tenant's SigninLogs.", target)
	} else {
		r := rows[0]
		b.line("%v sign-ins (%v failed) from %v to %v by: %v", r["SignIns"], r["Failures"], r["First"], r["Last"], r["Users"])
	}
	b.source("SigninLogs of the tenant where %s", filter)
	return nil
}
