package copilot

import (
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
)

// Caller is who asks: a delegated user (UPN and/or object id, from the token) or an app-only
// caller (AppID, the lab's service principal with the application permission).
type Caller struct {
	UPN, ObjectID, AppID string
}

// IsApp reports whether the caller is an application without a user.
func (c Caller) IsApp() bool { return c.UPN == "" && c.ObjectID == "" && c.AppID != "" }

// String names the caller (a session's owner).
func (c Caller) String() string {
	switch {
	case c.UPN != "":
		return c.UPN
	case c.ObjectID != "":
		return c.ObjectID
	}
	return c.AppID
}

// DefenderRoles are the Microsoft Entra directory roles (by template id) that can read Microsoft
// Defender XDR incidents and alerts: Security Copilot reads them on behalf of the asking user,
// so one of these is needed (Security Reader at least).
var DefenderRoles = map[string]string{
	"62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
	"194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
	"5f2222b1-57c3-48ba-8ad5-d4759f1fde6f": "Security Operator",
	"5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
	"f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
}

// SecurityReaderRole is the least Defender-capable role's template id.
const SecurityReaderRole = "5d6b6bb7-de71-4623-b4af-96380a352509"

// privilegedRoleAdmin is the role of the administrator the role fault's clean-up is logged by.
const privilegedRoleAdmin = "e8611ab8-c189-46e8-94e1-60213ab1f814"

// Analyst is the caller `soclab copilot ask` asks as: the tenant's first sign-in user (the
// learner's analyst account).
func Analyst(t simulator.Tenant) Caller {
	if len(t.Users) == 0 {
		return Caller{AppID: t.ServicePrincipal.AppID}
	}
	return Caller{UPN: t.Users[0].UserPrincipalName, ObjectID: t.Users[0].ObjectID}
}

// roleCheck is whether a caller may read Defender XDR through Copilot.
type roleCheck struct {
	ok bool
	// who is the caller as the directory names it; roles its directory roles.
	who   string
	roles []string
}

// defenderAccess checks the caller's directory roles at the tenant clock. An app-only caller
// holds the application permission and passes.
func (s *Service) defenderAccess(tenantID string, c Caller) (roleCheck, error) {
	if c.IsApp() {
		return roleCheck{ok: true, who: c.AppID}, nil
	}
	rc := roleCheck{who: c.String()}
	err := s.id.Read(tenantID, func(d *identity.Directory) error {
		var u *identity.User
		if c.ObjectID != "" {
			u = d.UserByKey(c.ObjectID)
		}
		if u == nil && c.UPN != "" {
			u = d.UserByKey(c.UPN)
		}
		if u == nil {
			return nil
		}
		rc.who = u.UserPrincipalName
		for _, r := range d.UserRoles(u.ID) {
			rc.roles = append(rc.roles, r.DisplayName)
			if _, ok := DefenderRoles[strings.ToLower(r.TemplateID)]; ok {
				rc.ok = true
			}
		}
		return nil
	})
	return rc, err
}

func (b *answer) noDefenderRole(rc roleCheck) {
	b.refused = true
	b.line("I don't have access to that incident. Security Copilot reads Microsoft Defender XDR on your behalf, and your account %s has no Microsoft Entra role that can read Defender XDR incidents and alerts (its directory roles: %s).", rc.who, orNone(rc.roles))
	b.line("")
	b.line("Security Reader is the least role that works (Security Operator, Security Administrator, Global Reader and Global Administrator do too). Ask an administrator to assign it and ask again:")
	b.line("")
	b.line("`az rest --method POST --url https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments --body '{\"principalId\":\"<your object id>\",\"roleDefinitionId\":\"%s\",\"directoryScopeId\":\"/\"}'`", SecurityReaderRole)
	b.source("Microsoft Entra ID: directory role assignments of %s", rc.who)
}

// removedRole is a role assignment the role fault took away (restored when it goes off).
type removedRole struct {
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
}

// roleFaults are the scenario's faults that remove the analysts' Defender-capable roles.
func (s *Service) roleFaults() []string {
	var out []string
	for _, f := range s.logs.Scenario().Faults {
		if f.Kind == scenario.FaultCopilotRoleMissing {
			out = append(out, f.ID)
		}
	}
	return out
}

// cleanupCaller is who the role fault's directory writes are logged by: a Privileged Role
// Administrator of the directory who is not one of the tenant's analysts.
func (s *Service) cleanupCaller(t simulator.Tenant) (identity.Caller, error) {
	c := identity.Caller{IsApp: true, AppName: "Microsoft Entra ID"}
	analyst := map[string]bool{}
	for _, u := range t.Users {
		analyst[strings.ToLower(u.ObjectID)] = true
	}
	err := s.id.Read(t.ID, func(d *identity.Directory) error {
		ids := d.RoleMembers(privilegedRoleAdmin)
		sort.Strings(ids)
		for _, id := range ids {
			if u := d.UserByKey(id); u != nil && !analyst[strings.ToLower(u.ID)] {
				c = identity.Caller{UserID: u.ID, UPN: u.UserPrincipalName}
				return nil
			}
		}
		return nil
	})
	return c, err
}

// applyRoleFault makes the role fault's effect in tx: switched on, the tenant's analysts lose
// their Defender-capable role assignments (Graph's roleAssignments and AuditLogs show it);
// switched off, the assignments it removed come back (unless they exist again).
func (s *Service) applyRoleFault(tx *simulator.TenantTx, st *pluginState, on bool, by identity.Caller) error {
	var removed []removedRole
	err := s.id.WriteTx(tx, by, func(w *identity.Writer) error {
		removed = nil
		if !on {
			for _, r := range st.Removed {
				if w.Dir.Assignment(identity.AssignmentID(r.RoleDefinitionID, r.PrincipalID)) != nil || w.Dir.UserByKey(r.PrincipalID) == nil {
					continue
				}
				if _, err := w.AssignRole(r.PrincipalID, r.RoleDefinitionID, "/"); err != nil {
					return fmt.Errorf("restore role %s of %s: %w", r.RoleDefinitionID, r.PrincipalID, err)
				}
			}
			return nil
		}
		for _, u := range tx.Tenant().Users {
			for _, a := range append([]*identity.RoleAssignment(nil), w.Dir.Assignments...) {
				if !strings.EqualFold(a.PrincipalID, u.ObjectID) {
					continue
				}
				if _, ok := DefenderRoles[strings.ToLower(a.RoleDefinitionID)]; !ok {
					continue
				}
				if err := w.Unassign(a.ID); err != nil {
					return fmt.Errorf("remove role %s of %s: %w", a.RoleDefinitionID, u.UserPrincipalName, err)
				}
				removed = append(removed, removedRole{PrincipalID: a.PrincipalID, RoleDefinitionID: a.RoleDefinitionID})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if on {
		st.Removed = append(st.Removed, removed...)
	} else {
		st.Removed = nil
	}
	return nil
}
