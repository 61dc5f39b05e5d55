package main

import (
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/automation"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// newAutomation builds the automation stage (CONTRACTS §1: last, after the rules and the XDR
// sync) with owners resolved in the tenant's directory.
func newAutomation(le *logs.Engine) *automation.Engine {
	return automation.New(le, automation.Options{Directory: directoryOwners{identity.NewService(le)}})
}

// directoryOwners resolves an automation rule's owner by object id in the identity plane: a
// group (the lab's SOC Tier 2) or a user, as Entra knows it at the transaction's time.
type directoryOwners struct{ svc *identity.Service }

// Owners reads the tenant's base directory (outside any transaction) and returns the lookup.
func (d directoryOwners) Owners(tenantID string) (automation.OwnerLookup, error) {
	b, err := d.svc.Base(tenantID)
	if err != nil {
		return nil, err
	}
	return func(tx *simulator.TenantTx, objectID string) (sentinel.Owner, bool, error) {
		dir, err := identity.Load(tx, b, tx.Now())
		if err != nil {
			return sentinel.Owner{}, false, err
		}
		if g := dir.Group(objectID); g != nil {
			return sentinel.Owner{ObjectID: &g.ID, AssignedTo: &g.DisplayName, OwnerType: ptrTo("Group")}, true, nil
		}
		if u := dir.UserByKey(objectID); u != nil && u.ID != "" {
			o := sentinel.Owner{ObjectID: &u.ID, AssignedTo: &u.DisplayName, UserPrincipalName: &u.UserPrincipalName, OwnerType: ptrTo("User")}
			if u.Mail != "" {
				o.Email = &u.Mail
			}
			return o, true, nil
		}
		return sentinel.Owner{}, false, nil
	}, nil
}
