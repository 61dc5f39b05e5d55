package copilot

import (
	"context"
	"fmt"
	"strings"

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
