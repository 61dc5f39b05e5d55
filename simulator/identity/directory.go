package identity

import (
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// Directory is a tenant's directory as of one lab time.
type Directory struct {
	TenantID string
	At       time.Time
	// Launched tells whether the attack's changes are part of it.
	Launched    bool
	Users       []*User
	Groups      []*Group
	Roles       []*Role
	Assignments []*RoleAssignment
	// Locations and Policies are the Conditional Access objects as Graph shows them.
	Locations []map[string]any
	Policies  []map[string]any
	// Risk holds the administrators' risk decisions per user id (riskState, riskLevel,
	// riskDetail, at).
	Risk map[string]RiskDecision

	base *Base
	// deletedIDs are the (lower-case) ids of users the learner deleted.
	deletedIDs map[string]bool
}

// RiskDecision is an administrator's action on a risky user.
type RiskDecision struct {
	State, Level, Detail string
	At                   time.Time
}

// Load builds the directory of the transaction's tenant as of at: the base, the attack's
// changes up to at (when launched) and the learner's writes stamped at or before at.
func Load(tx *simulator.TenantTx, b *Base, at time.Time) (*Directory, error) {
	st, err := logs.LaunchState(tx)
	if err != nil {
		return nil, err
	}
	evs, err := readEvents(tx)
	if err != nil {
		return nil, err
	}
	d := &Directory{TenantID: b.TenantID, At: at, Launched: st.Launched, Risk: map[string]RiskDecision{}, base: b, deletedIDs: map[string]bool{}}
	groups := map[string]*Group{}
	for _, g := range b.Groups {
		gr := &Group{ID: generate.GroupObjectID(b.TenantID, g.Name), DisplayName: g.Name, Description: g.Description, CreatedDateTime: b.Epoch}
		groups[g.Name] = gr
		d.Groups = append(d.Groups, gr)
	}
	roles := map[string]*Role{}
	for _, r := range b.Roles {
		ro := &Role{ID: generate.DirectoryRoleObjectID(b.TenantID, r.Name), DisplayName: r.Name, Description: roleDescriptions[r.Name], TemplateID: r.TemplateID}
		roles[r.Name] = ro
		d.Roles = append(d.Roles, ro)
	}
	assign := func(userID, role string, when time.Time) {
		if ro := roles[role]; ro != nil {
			d.Assignments = append(d.Assignments, &RoleAssignment{ID: AssignmentID(ro.TemplateID, userID), PrincipalID: userID,
				RoleDefinitionID: ro.TemplateID, DirectoryScopeID: "/", At: when})
		}
	}
	for i := range b.Users {
		bu := &b.Users[i]
		u := bu.User
		u.passwordSets = append([]passwordSet(nil), bu.passwordSets...)
		for _, gn := range bu.GroupNames {
			if g := groups[gn]; g != nil {
				g.Members = append(g.Members, u.ID)
			}
		}
		for _, rn := range bu.RoleNames {
			assign(u.ID, rn, time.Time{})
		}
		d.Users = append(d.Users, &u)
	}
	for _, p := range b.Policies {
		d.Policies = append(d.Policies, p)
	}
	if st.Launched {
		for _, ch := range b.Attack {
			if ch.At.After(at) {
				continue
			}
			switch ch.Kind {
			case "createUser":
				name := ch.DisplayName
				if name == "" {
					name = localPart(ch.UPN)
				}
				d.Users = append(d.Users, &User{ID: generate.UserObjectID(b.TenantID, ch.UPN), UserPrincipalName: ch.UPN, DisplayName: name,
					AccountEnabled: true, UserType: "Member", CreatedDateTime: ch.At, LastPasswordChangeDateTime: ch.At,
					SignInSessionsValidFromDateTime: ch.At, passwordSets: []passwordSet{{At: ch.At}}})
			case "assignRole":
				if u := d.UserByKey(ch.UPN); u != nil {
					assign(u.ID, ch.Role, ch.At)
				}
			case "passwordChange":
				// the attacker's self-service change: the changing session keeps working, so
				// signInSessionsValidFromDateTime stays (only a revocation or an admin reset moves it)
				if u := d.UserByKey(ch.UPN); u != nil {
					u.LastPasswordChangeDateTime = ch.At
					u.passwordSets = append(u.passwordSets, passwordSet{At: ch.At})
				}
			}
		}
	}
	for _, e := range evs {
		if e.At.After(at) {
			continue
		}
		d.apply(e)
	}
	for _, u := range d.Users {
		u.Groups = nil
	}
	for _, g := range d.Groups {
		for _, m := range g.Members {
			if u := d.UserByKey(m); u != nil {
				u.Groups = append(u.Groups, g.ID)
			}
		}
	}
	return d, nil
}

// apply replays one learner write.
func (d *Directory) apply(e event) {
	switch e.Kind {
	case evUserUpdate:
		if u := d.UserByKey(e.Target); u != nil {
			if v, ok := e.Body["accountEnabled"].(bool); ok {
				u.AccountEnabled = v
			}
			for k, p := range map[string]*string{"displayName": &u.DisplayName, "jobTitle": &u.JobTitle, "department": &u.Department,
				"officeLocation": &u.OfficeLocation, "mobilePhone": &u.MobilePhone, "usageLocation": &u.UsageLocation,
				"givenName": &u.GivenName, "surname": &u.Surname, "companyName": &u.CompanyName, "city": &u.City, "country": &u.Country} {
				if v, ok := e.Body[k].(string); ok {
					*p = v
				}
			}
		}
	case evUserPassword:
		if u := d.UserByKey(e.Target); u != nil {
			u.LastPasswordChangeDateTime = e.At
			u.SignInSessionsValidFromDateTime = e.At
			u.passwordSets = append(u.passwordSets, passwordSet{At: e.At})
			if r, ok := d.Risk[u.ID]; !ok || r.State == "atRisk" {
				d.Risk[u.ID] = RiskDecision{State: "remediated", Level: "none", Detail: "adminGeneratedTemporaryPassword", At: e.At}
			}
		}
	case evUserRevoke:
		if u := d.UserByKey(e.Target); u != nil {
			u.SignInSessionsValidFromDateTime = e.At
		}
	case evUserDelete:
		d.deleteUser(e.Target)
	case evRoleAssign:
		d.Assignments = append(d.Assignments, &RoleAssignment{ID: str(e.Body["id"]), PrincipalID: str(e.Body["principalId"]),
			RoleDefinitionID: str(e.Body["roleDefinitionId"]), DirectoryScopeID: str(e.Body["directoryScopeId"]), At: e.At})
	case evRoleUnassign:
		d.Assignments = removeWhere(d.Assignments, func(a *RoleAssignment) bool { return strings.EqualFold(a.ID, e.Target) })
	case evLocationPut:
		d.Locations = putObject(d.Locations, e.Target, e.Body)
	case evLocationDelete:
		d.Locations = removeWhere(d.Locations, func(o map[string]any) bool { return strings.EqualFold(str(o["id"]), e.Target) })
	case evPolicyPut:
		d.Policies = putObject(d.Policies, e.Target, e.Body)
	case evPolicyDelete:
		d.Policies = removeWhere(d.Policies, func(o map[string]any) bool { return strings.EqualFold(str(o["id"]), e.Target) })
	case evRiskSet:
		d.Risk[e.Target] = RiskDecision{State: str(e.Body["riskState"]), Level: str(e.Body["riskLevel"]), Detail: str(e.Body["riskDetail"]), At: e.At}
	}
}

func (d *Directory) deleteUser(id string) {
	d.deletedIDs[strings.ToLower(id)] = true
	d.Users = removeWhere(d.Users, func(u *User) bool { return strings.EqualFold(u.ID, id) })
	d.Assignments = removeWhere(d.Assignments, func(a *RoleAssignment) bool { return strings.EqualFold(a.PrincipalID, id) })
	for _, g := range d.Groups {
		g.Members = removeWhere(g.Members, func(m string) bool { return strings.EqualFold(m, id) })
	}
}

// UserByKey finds a user by object id or UPN (case-insensitive), as /users/{id | upn} does.
func (d *Directory) UserByKey(key string) *User {
	for _, u := range d.Users {
		if strings.EqualFold(u.ID, key) || strings.EqualFold(u.UserPrincipalName, key) {
			return u
		}
	}
	return nil
}

// Group finds a group by id.
func (d *Directory) Group(id string) *Group {
	for _, g := range d.Groups {
		if strings.EqualFold(g.ID, id) {
			return g
		}
	}
	return nil
}

// Role finds an activated directory role by object id or template id (Graph accepts both:
// directoryRoles(roleTemplateId='...') and the id).
func (d *Directory) Role(id string) *Role {
	for _, r := range d.Roles {
		if strings.EqualFold(r.ID, id) || strings.EqualFold(r.TemplateID, id) {
			return r
		}
	}
	return nil
}

// Assignment finds a role assignment by id.
func (d *Directory) Assignment(id string) *RoleAssignment {
	for _, a := range d.Assignments {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// RoleMembers lists the user ids holding the role (by template id).
func (d *Directory) RoleMembers(templateID string) []string {
	var out []string
	for _, a := range d.Assignments {
		if strings.EqualFold(a.RoleDefinitionID, templateID) && !contains(out, a.PrincipalID) {
			out = append(out, a.PrincipalID)
		}
	}
	return out
}

// UserRoles lists the activated roles a user holds.
func (d *Directory) UserRoles(userID string) []*Role {
	var out []*Role
	for _, r := range d.Roles {
		if contains(d.RoleMembers(r.TemplateID), userID) {
			out = append(out, r)
		}
	}
	return out
}

// Location finds a named location by id.
func (d *Directory) Location(id string) map[string]any { return findObject(d.Locations, id) }

// Policy finds a Conditional Access policy by id.
func (d *Directory) Policy(id string) map[string]any { return findObject(d.Policies, id) }

// SortedUsers are the users in Graph's list order (by id, as directory listings page).
func (d *Directory) SortedUsers() []*User {
	out := append([]*User(nil), d.Users...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func findObject(list []map[string]any, id string) map[string]any {
	for _, o := range list {
		if strings.EqualFold(str(o["id"]), id) {
			return o
		}
	}
	return nil
}

func putObject(list []map[string]any, id string, body map[string]any) []map[string]any {
	for i, o := range list {
		if strings.EqualFold(str(o["id"]), id) {
			list[i] = body
			return list
		}
	}
	return append(list, body)
}

func removeWhere[T any](list []T, drop func(T) bool) []T {
	out := list[:0:0]
	for _, x := range list {
		if !drop(x) {
			out = append(out, x)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
