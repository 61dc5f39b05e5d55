package generate

import (
	"time"
)

// identityInfoStream writes the UEBA identity snapshot of every user: weekly and on the attack day
// (IdentityInfo is a snapshot table; queries take arg_max(TimeGenerated, *) by AccountObjectId).
func (g *gen) identityInfoStream(b *batch) {
	f := newFaker(g.p.Seed, "identityinfo")
	phones := make([]string, len(g.cast.Users))
	for i := range phones {
		phones[i] = "+1 " + f.Numerify("(###) 555-####")
	}
	var days []time.Time
	for d := 0; d < g.p.Days; d += 7 {
		days = append(days, g.start.AddDate(0, 0, d))
	}
	days = append(days, g.s.Day)
	for _, day := range days {
		at := day.Add(3*time.Hour + time.Duration(f.IntN(1800))*time.Second)
		for i, u := range g.cast.Users {
			roles := []any{}
			for _, r := range u.DirectoryRoles {
				roles = append(roles, r)
			}
			for _, r := range u.AzureRoles {
				roles = append(roles, r.Role)
			}
			groups := make([]any, len(u.Groups))
			for j, gr := range u.Groups {
				groups[j] = gr
			}
			local := localOf(u.UPN)
			r := g.tables[tIdentityInfo].newRow().
				set("AccountCreationTime", u.Created).set("AccountDisplayName", u.DisplayName).
				set("AccountDomain", g.p.TenantDomain).set("AccountName", local).set("AccountObjectId", u.ObjectID).
				set("AccountTenantId", g.p.TenantID).set("AccountUPN", u.UPN).set("AdditionalMailAddresses", []any{}).
				set("AssignedRoles", roles).set("_BilledSize", float64(1900+f.IntN(600))).set("BlastRadius", blastRadius(u)).
				set("ChangeSource", "AzureActiveDirectory").set("City", u.Home.City).set("CompanyName", g.s.Tenant.DisplayName).
				set("Country", u.Home.Country).set("Department", u.Department).set("EmployeeId", u.EmployeeID).
				set("GivenName", u.GivenName).set("GroupMembership", groups).set("InvestigationPriority", int64(0)).
				set("InvestigationPriorityPercentile", int64(0)).set("IsAccountEnabled", true).set("_IsBillable", "True").
				set("IsMFARegistered", true).set("IsServiceAccount", false).set("JobTitle", u.JobTitle).
				set("LastSeenDate", day.Add(-time.Duration(1+f.IntN(20))*time.Hour)).set("MailAddress", u.UPN).
				set("Manager", u.Manager).set("Phone", phones[i]).set("RiskLevel", "").set("RiskState", "").
				set("SourceSystem", "Azure").set("State", u.Home.State).set("StreetAddress", u.Office.Street).
				set("Surname", u.Surname).set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).
				set("Type", "IdentityInfo").set("UserState", "Active").set("UserType", "Member")
			b.emit(tIdentityInfo, r, RowMeta{Time: at, Source: SourceSentinelUEBA})
		}
	}
}
