package aad

import (
	"errors"
	"strings"
)

// ErrNotFound is what a Directory returns (possibly wrapped) for an unknown tenant.
var ErrNotFound = errors.New("not found")

// Directory is the read-only view of the tenants the login service needs. The simulator's
// World provides it (through a small adapter in mockapis/server).
type Directory interface {
	// LookupTenant returns the tenant whose id, lab name or one of whose domains is
	// idOrDomain (case-insensitive), or an error wrapping ErrNotFound.
	LookupTenant(idOrDomain string) (Tenant, error)
}

// Tenant is an Entra ID tenant as the login service sees it.
type Tenant struct {
	// ID is the tenant id (GUID), the tid claim.
	ID string
	// DisplayName is the organization's name, used in AADSTS messages.
	DisplayName string
	// Domains are the verified domains, primary first; user UPNs end in one of them.
	Domains []string
	// ServicePrincipals are the applications that can sign in with a client secret.
	ServicePrincipals []ServicePrincipal
	// Users can sign in with device code or password; the first one is the default user a
	// device code is approved for when none is named.
	Users []User
}

// ServicePrincipal is an application identity with a client secret.
type ServicePrincipal struct {
	AppID       string
	ObjectID    string
	DisplayName string
	Secret      string
}

// User is a directory user.
type User struct {
	ObjectID    string
	UPN         string
	DisplayName string
	Password    string
}

// servicePrincipal returns the tenant's application with appID (case-insensitive).
func (t Tenant) servicePrincipal(appID string) (ServicePrincipal, bool) {
	for _, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.AppID, appID) {
			return sp, true
		}
	}
	return ServicePrincipal{}, false
}

// user returns the tenant's user with upn (case-insensitive).
func (t Tenant) user(upn string) (User, bool) {
	for _, u := range t.Users {
		if strings.EqualFold(u.UPN, upn) {
			return u, true
		}
	}
	return User{}, false
}

// tenantSegment classifies the first path segment of a login URL.
type tenantSegment struct {
	raw      string // as the client sent it
	generic  bool   // common, organizations or consumers: no tenant named
	consumer bool
}

func parseTenantSegment(s string) tenantSegment {
	switch strings.ToLower(s) {
	case "common", "organizations":
		return tenantSegment{raw: s, generic: true}
	case "consumers", "9188040d-6c67-4c5b-b112-36a304b66dad":
		return tenantSegment{raw: s, generic: true, consumer: true}
	}
	return tenantSegment{raw: s}
}

// domainOf returns the domain part of a UPN.
func domainOf(upn string) string {
	if i := strings.LastIndexByte(upn, '@'); i >= 0 {
		return upn[i+1:]
	}
	return ""
}
