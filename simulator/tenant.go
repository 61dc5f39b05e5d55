package simulator

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Errors of the directory lookups; callers map them to their service's error format.
var (
	ErrTenantNotFound  = errors.New("tenant not found")
	ErrTenantExists    = errors.New("tenant already exists")
	ErrInvalidName     = errors.New("invalid tenant name")
	ErrClientNotFound  = errors.New("application not found in the directory")
	ErrBadClientSecret = errors.New("invalid client secret")
	ErrUserNotFound    = errors.New("user not found in the directory")
	ErrBadUserPassword = errors.New("invalid username or password")
	ErrNotInThisTenant = errors.New("principal does not belong to the tenant")
)

// Tenant is one learner's Entra ID tenant with its subscription and credentials.
type Tenant struct {
	// ID is the tenant id (GUID), the tid claim of its tokens.
	ID string `json:"id"`
	// Name is the short lab name ("contoso", "learner01"); unique, lower-case.
	Name string `json:"name"`
	// DisplayName is the organization's display name.
	DisplayName string `json:"displayName"`
	// Domain is the primary (default) verified domain, e.g. contoso.com.
	Domain string `json:"domain"`
	// InitialDomain is the <name>.onmicrosoft.com domain every tenant has.
	InitialDomain string `json:"initialDomain"`
	// Subscription is the tenant's one Azure subscription.
	Subscription Subscription `json:"subscription"`
	// ServicePrincipal is the lab's automation identity (az login --service-principal).
	ServicePrincipal ServicePrincipal `json:"servicePrincipal"`
	// Users are the directory users that can sign in (device code, password).
	Users []User `json:"users"`
	// Created is the real time the tenant was added.
	Created time.Time `json:"created"`
}

// Subscription is an Azure subscription of a tenant.
type Subscription struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// ServicePrincipal is an application identity with a client secret.
type ServicePrincipal struct {
	AppID       string `json:"appId"`
	ObjectID    string `json:"objectId"`
	DisplayName string `json:"displayName"`
	// Secret is the client secret; it lives only in the 0600 state file.
	Secret string `json:"secret"`
}

// User is a directory user that can sign in.
type User struct {
	ObjectID          string `json:"objectId"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	// Password lives only in the 0600 state file; the learner reads it with soclab env.
	Password string `json:"password"`
}

// Domains returns every domain of the tenant, primary first.
func (t Tenant) Domains() []string {
	if t.Domain == t.InitialDomain {
		return []string{t.Domain}
	}
	return []string{t.Domain, t.InitialDomain}
}

// User returns the user with the given UPN (case-insensitive).
func (t Tenant) User(upn string) (User, bool) {
	for _, u := range t.Users {
		if strings.EqualFold(u.UserPrincipalName, upn) {
			return u, true
		}
	}
	return User{}, false
}

// HasDomain reports whether d is one of the tenant's domains (case-insensitive).
func (t Tenant) HasDomain(d string) bool {
	for _, x := range t.Domains() {
		if strings.EqualFold(x, d) {
			return true
		}
	}
	return false
}

const tenantsColl = "tenants"

var tenantNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,30}[a-z0-9]$`)

// AddTenant creates a learner tenant with fresh ids and credentials, seeds its standing
// resources and starts its clock at the scenario's start.
func (w *World) AddTenant(name string) (Tenant, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !tenantNamePattern.MatchString(name) {
		return Tenant{}, fmt.Errorf("%w %q: use 3-32 lower-case letters, digits and hyphens, starting with a letter", ErrInvalidName, name)
	}
	t := w.newTenant(name)
	err := w.store.Update(func(tx Tx) error {
		if _, err := findTenant(tx, func(x Tenant) bool { return x.Name == name }); err == nil {
			return ErrTenantExists
		} else if !errors.Is(err, ErrTenantNotFound) {
			return err
		}
		return w.createTenant(tx, t)
	})
	w.cache.invalidate()
	if err != nil {
		return Tenant{}, fmt.Errorf("add tenant %q: %w", name, err)
	}
	return t, nil
}

// newTenant builds the identity of a tenant; the default tenant "contoso" owns contoso.com,
// the domain of the scenario's users.
func (w *World) newTenant(name string) Tenant {
	t := Tenant{
		ID:            NewGUID(),
		Name:          name,
		InitialDomain: name + ".onmicrosoft.com",
		Created:       w.realNow().UTC(),
	}
	seed := w.seed
	if name == DefaultTenantName {
		// The default tenant is the scenario's own directory: its domain and, when the
		// scenario names them, its ids, so generated telemetry and the tenant agree.
		t.DisplayName = seed.Organization
		t.Domain = seed.Domain
		if seed.TenantID != "" {
			t.ID = strings.ToLower(seed.TenantID)
		}
		t.Subscription = Subscription{ID: NewGUID(), DisplayName: seed.SubscriptionName}
		if seed.SubscriptionID != "" {
			t.Subscription.ID = strings.ToLower(seed.SubscriptionID)
		}
	} else {
		t.DisplayName = seed.Organization + " (" + name + ")"
		t.Domain = t.InitialDomain
		t.Subscription = Subscription{ID: NewGUID(), DisplayName: seed.SubscriptionName + " (" + name + ")"}
	}
	t.ServicePrincipal = ServicePrincipal{AppID: NewGUID(), ObjectID: NewGUID(), DisplayName: "soclab-automation", Secret: newSecret()}
	for _, su := range w.seed.Users {
		t.Users = append(t.Users, User{
			ObjectID:          NewGUID(),
			UserPrincipalName: su.Alias + "@" + t.Domain,
			DisplayName:       su.DisplayName,
			Password:          newPassword(),
		})
	}
	return t
}

func (w *World) createTenant(tx Tx, t Tenant) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode tenant: %w", err)
	}
	if err := tx.Put(worldScope, tenantsColl, t.ID, data); err != nil {
		return err
	}
	return w.seedTenant(tx, t)
}

// findTenant scans the tenant registry for the first tenant that matches.
func findTenant(tx Tx, match func(Tenant) bool) (Tenant, error) {
	var found *Tenant
	err := tx.Scan(worldScope, tenantsColl, "", func(_ string, v []byte) error {
		if found != nil {
			return nil
		}
		var t Tenant
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode tenant: %w", err)
		}
		if match(t) {
			found = &t
		}
		return nil
	})
	if err != nil {
		return Tenant{}, err
	}
	if found == nil {
		return Tenant{}, ErrTenantNotFound
	}
	return *found, nil
}

func (w *World) lookupTenant(what string, match func(Tenant) bool) (Tenant, error) {
	ts, err := w.cachedTenants()
	if err != nil {
		return Tenant{}, fmt.Errorf("tenant %s: %w", what, err)
	}
	for _, t := range ts {
		if match(t) {
			return t, nil
		}
	}
	return Tenant{}, fmt.Errorf("tenant %s: %w", what, ErrTenantNotFound)
}

// Tenants returns every tenant, ordered by name.
func (w *World) Tenants() ([]Tenant, error) {
	ts, err := w.cachedTenants()
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return append([]Tenant(nil), ts...), nil
}

// TenantByID returns the tenant with the given tenant id (case-insensitive GUID).
func (w *World) TenantByID(id string) (Tenant, error) {
	if _, err := w.cachedTenants(); err != nil {
		return Tenant{}, fmt.Errorf("tenant %q: %w", id, err)
	}
	w.cache.mu.RLock()
	t, ok := w.cache.byID[strings.ToLower(id)]
	w.cache.mu.RUnlock()
	if !ok {
		return Tenant{}, fmt.Errorf("tenant %q: %w", id, ErrTenantNotFound)
	}
	return t, nil
}

// TenantByName returns the tenant with the given lab name ("contoso").
func (w *World) TenantByName(name string) (Tenant, error) {
	return w.lookupTenant(fmt.Sprintf("%q", name), func(t Tenant) bool { return strings.EqualFold(t.Name, name) })
}

// TenantByDomain returns the tenant that owns the domain (contoso.com, learner01.onmicrosoft.com).
func (w *World) TenantByDomain(domain string) (Tenant, error) {
	return w.lookupTenant(fmt.Sprintf("with domain %q", domain), func(t Tenant) bool { return t.HasDomain(domain) })
}

// LookupTenant resolves what a login URL or a --tenant flag names: a tenant id, a domain or
// a lab tenant name.
func (w *World) LookupTenant(idOrDomainOrName string) (Tenant, error) {
	s := idOrDomainOrName
	return w.lookupTenant(fmt.Sprintf("%q", s), func(t Tenant) bool {
		return strings.EqualFold(t.ID, s) || t.HasDomain(s) || strings.EqualFold(t.Name, s)
	})
}

// ServicePrincipalByAppID returns the tenant and service principal whose appId matches.
func (w *World) ServicePrincipalByAppID(appID string) (Tenant, ServicePrincipal, error) {
	t, err := w.lookupTenant(fmt.Sprintf("of application %q", appID), func(t Tenant) bool {
		return strings.EqualFold(t.ServicePrincipal.AppID, appID)
	})
	if errors.Is(err, ErrTenantNotFound) {
		return Tenant{}, ServicePrincipal{}, fmt.Errorf("application %q: %w", appID, ErrClientNotFound)
	}
	if err != nil {
		return Tenant{}, ServicePrincipal{}, err
	}
	return t, t.ServicePrincipal, nil
}

// AuthenticateServicePrincipal checks a client-credentials login: tenant (id, domain or
// name; empty means any) must own the application and secret must match.
func (w *World) AuthenticateServicePrincipal(tenant, appID, secret string) (Tenant, ServicePrincipal, error) {
	t, sp, err := w.ServicePrincipalByAppID(appID)
	if err != nil {
		return Tenant{}, ServicePrincipal{}, err
	}
	if tenant != "" && !strings.EqualFold(t.ID, tenant) && !t.HasDomain(tenant) && !strings.EqualFold(t.Name, tenant) {
		return Tenant{}, ServicePrincipal{}, fmt.Errorf("application %q in tenant %q: %w", appID, tenant, ErrNotInThisTenant)
	}
	if subtle.ConstantTimeCompare([]byte(sp.Secret), []byte(secret)) != 1 {
		return Tenant{}, ServicePrincipal{}, fmt.Errorf("application %q: %w", appID, ErrBadClientSecret)
	}
	return t, sp, nil
}

// UserByUPN returns the tenant and user with the given user principal name.
func (w *World) UserByUPN(upn string) (Tenant, User, error) {
	t, err := w.lookupTenant(fmt.Sprintf("of user %q", upn), func(t Tenant) bool {
		_, ok := t.User(upn)
		return ok
	})
	if errors.Is(err, ErrTenantNotFound) {
		return Tenant{}, User{}, fmt.Errorf("user %q: %w", upn, ErrUserNotFound)
	}
	if err != nil {
		return Tenant{}, User{}, err
	}
	u, _ := t.User(upn)
	return t, u, nil
}

// AuthenticateUser checks a password sign-in (ROPC) and returns the user's tenant and user.
func (w *World) AuthenticateUser(upn, password string) (Tenant, User, error) {
	t, u, err := w.UserByUPN(upn)
	if err != nil {
		return Tenant{}, User{}, err
	}
	if subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) != 1 {
		return Tenant{}, User{}, fmt.Errorf("user %q: %w", upn, ErrBadUserPassword)
	}
	return t, u, nil
}
