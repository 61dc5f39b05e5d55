package server

import (
	"errors"
	"fmt"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/simulator"
)

// worldDirectory shows the simulator's tenants to the login service.
type worldDirectory struct{ w *simulator.World }

// LookupTenant implements aad.Directory.
func (d worldDirectory) LookupTenant(idOrDomain string) (aad.Tenant, error) {
	t, err := d.w.LookupTenant(idOrDomain)
	if errors.Is(err, simulator.ErrTenantNotFound) {
		return aad.Tenant{}, fmt.Errorf("%v: %w", err, aad.ErrNotFound)
	}
	if err != nil {
		return aad.Tenant{}, err
	}
	return toAADTenant(t), nil
}

func toAADTenant(t simulator.Tenant) aad.Tenant {
	out := aad.Tenant{ID: t.ID, DisplayName: t.DisplayName, Domains: t.Domains()}
	sp := t.ServicePrincipal
	out.ServicePrincipals = []aad.ServicePrincipal{{AppID: sp.AppID, ObjectID: sp.ObjectID, DisplayName: sp.DisplayName, Secret: sp.Secret}}
	for _, u := range t.Users {
		out.Users = append(out.Users, aad.User{ObjectID: u.ObjectID, UPN: u.UserPrincipalName, DisplayName: u.DisplayName, Password: u.Password})
	}
	return out
}
