package identity

import (
	"net/netip"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
)

// Base is the part of a tenant's directory that does not live in its state: the scenario's
// cast resolved for the tenant, and the attack's directory changes.
type Base struct {
	TenantID string
	// Domain is the domain of the cast's UPNs (the telemetry's).
	Domain string
	Users  []BaseUser
	Groups []scenario.Group
	Roles  []scenario.DirectoryRole
	// Attack lists the attack's directory changes in time order.
	Attack []AttackChange
	// Places geolocate addresses (country named locations, trusted IPs).
	Places []scenario.Place
	// Epoch is when the cast's groups and roles were created.
	Epoch time.Time
	// Policies are the tenant's standing Conditional Access policies, the ones every sign-in
	// of the telemetry lists.
	Policies []map[string]any
}

// BaseUser is a cast member with the names of its groups and directory roles.
type BaseUser struct {
	User
	GroupNames, RoleNames []string
}

// AttackChange is one directory change of the attack, effective from At once launched.
type AttackChange struct {
	At time.Time
	// Kind: "createUser", "assignRole" or "passwordChange".
	Kind string
	// UPN is the target user; By the actor's UPN.
	UPN, By     string
	DisplayName string
	Role        string
}

var roleDescriptions = map[string]string{
	"Global Administrator":          "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
	"Privileged Role Administrator": "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
	"User Administrator":            "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
	"Helpdesk Administrator":        "Can reset passwords for non-administrators and Helpdesk Administrators.",
	"Security Administrator":        "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.",
	"Security Operator":             "Creates and manages security events.",
	"Security Reader":               "Can read security information and reports in Microsoft Entra ID and Office 365.",
	"Global Reader":                 "Can read everything that a Global Administrator can, but not update anything.",
}

// NewBase resolves the directory of tenant t from the scenario and its cast (logs.Engine.Cast
// gives the one the telemetry uses). A nil cast takes the scenario's named people only (what
// Evaluate needs: every account the attacker tries is one of them).
func NewBase(s *scenario.Scenario, c *generate.Cast, t simulator.Tenant) *Base {
	tid := strings.ToLower(t.ID)
	b := &Base{TenantID: tid, Domain: s.Tenant.Domain, Groups: s.Cast.Groups, Roles: s.Cast.DirectoryRoles,
		Places: s.Places, Epoch: s.Day.AddDate(-3, 0, 0)}
	if c != nil {
		b.Domain = c.Params.TenantDomain
		for _, u := range c.Users {
			b.Users = append(b.Users, castUser(u, s.Tenant.DisplayName))
		}
	} else {
		for _, p := range s.Cast.People {
			upn := p.User + "@" + b.Domain
			b.Users = append(b.Users, BaseUser{User: User{ID: generate.UserObjectID(tid, upn), UserPrincipalName: upn,
				DisplayName: p.GivenName + " " + p.Surname, AccountEnabled: true, UserType: "Member"},
				GroupNames: p.Groups, RoleNames: p.DirectoryRoles})
		}
	}
	b.Policies = standingPolicies(tid, b.Epoch)
	for _, lu := range t.Users {
		if b.user(lu.UserPrincipalName) != nil {
			continue
		}
		b.Users = append(b.Users, BaseUser{User: User{ID: lu.ObjectID, UserPrincipalName: lu.UserPrincipalName,
			DisplayName: lu.DisplayName, AccountEnabled: true, UserType: "Member", CreatedDateTime: t.Created.UTC().Truncate(time.Second),
			Mail: lu.UserPrincipalName, JobTitle: "Security Analyst", Department: "Security", CompanyName: s.Tenant.DisplayName},
			RoleNames: []string{"Global Administrator"}})
	}
	for _, st := range s.Attack.Steps {
		for _, e := range st.Events {
			if e.Kind != scenario.EventAudit || e.Failed {
				continue
			}
			ch := AttackChange{At: e.At, UPN: e.Target.User + "@" + b.Domain, By: e.User + "@" + b.Domain, DisplayName: e.Target.DisplayName, Role: e.Target.Role}
			switch e.Activity {
			case "Add user":
				ch.Kind = "createUser"
			case "Add member to role":
				ch.Kind = "assignRole"
			case "Change password (self-service)", "Reset password (self-service)", "Reset user password":
				ch.Kind = "passwordChange"
			default:
				continue
			}
			b.Attack = append(b.Attack, ch)
		}
	}
	return b
}

func castUser(u *generate.User, company string) BaseUser {
	bu := BaseUser{User: User{ID: u.ObjectID, UserPrincipalName: u.UPN, DisplayName: u.DisplayName, GivenName: u.GivenName,
		Surname: u.Surname, Mail: u.UPN, JobTitle: u.JobTitle, Department: u.Department, EmployeeID: u.EmployeeID,
		CompanyName: company, AccountEnabled: true, UserType: "Member", CreatedDateTime: u.Created.UTC(),
		LastPasswordChangeDateTime: u.PasswordChanged.UTC(), SignInSessionsValidFromDateTime: u.PasswordChanged.UTC()},
		GroupNames: u.Groups, RoleNames: u.DirectoryRoles}
	if u.Office != nil {
		bu.OfficeLocation, bu.City, bu.Country, bu.UsageLocation = u.Office.City, u.Office.City, u.Office.Country, u.Office.Country
	}
	if !u.PasswordChanged.IsZero() {
		bu.passwordSets = []passwordSet{{At: u.PasswordChanged.UTC()}}
	}
	return bu
}

func (b *Base) user(upn string) *BaseUser {
	for i := range b.Users {
		if strings.EqualFold(b.Users[i].UserPrincipalName, upn) {
			return &b.Users[i]
		}
	}
	return nil
}

// placeOf is the scenario place whose range holds ip.
func (b *Base) placeOf(ip string) (*scenario.Place, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, false
	}
	for i := range b.Places {
		if pr, err := netip.ParsePrefix(b.Places[i].CIDR); err == nil && pr.Contains(addr) {
			return &b.Places[i], true
		}
	}
	return nil, false
}

// standingPolicies are the two policies the telemetry's ConditionalAccessPolicies name: MFA
// for everyone (enforced), and a compliant device for Azure management from Windows and macOS
// (report-only; the attacker's Linux browser is outside it: reportOnlyNotApplied).
func standingPolicies(tid string, created time.Time) []map[string]any {
	empty := func() []any { return []any{} }
	policy := func(key, name, state string, apps []any, platforms any, control string) map[string]any {
		return map[string]any{
			"id": generate.ConditionalAccessPolicyID(tid, key), "templateId": nil, "displayName": name, "createdDateTime": graphTime(created),
			"modifiedDateTime": nil, "state": state, "sessionControls": nil,
			"grantControls": map[string]any{"operator": "OR", "builtInControls": []any{control}, "customAuthenticationFactors": empty(), "termsOfUse": empty(), "authenticationStrength": nil},
			"conditions": map[string]any{
				"userRiskLevels": empty(), "signInRiskLevels": empty(), "servicePrincipalRiskLevels": empty(), "clientAppTypes": []any{"all"},
				"platforms": platforms, "devices": nil, "clientApplications": nil, "locations": nil,
				"applications": map[string]any{"includeApplications": apps, "excludeApplications": empty(), "includeUserActions": empty(), "includeAuthenticationContextClassReferences": empty()},
				"users":        map[string]any{"includeUsers": []any{"All"}, "excludeUsers": empty(), "includeGroups": empty(), "excludeGroups": empty(), "includeRoles": empty(), "excludeRoles": empty()},
			},
		}
	}
	return []map[string]any{
		policy("mfa", "Require MFA for all users", "enabled", []any{"All"}, nil, "mfa"),
		policy("compliant", "Require compliant device for Azure management", "enabledForReportingButNotEnforced",
			[]any{"797f4846-ba00-4fd7-ba43-dac1f8f63013"}, map[string]any{"includePlatforms": []any{"windows", "macOS"}, "excludePlatforms": []any{}}, "compliantDevice"),
	}
}
