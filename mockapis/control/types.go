package control

import (
	"time"

	"github.com/soclab/soclab/simulator"
)

// TenantInfo is a tenant as the control API lists it (no secrets).
type TenantInfo struct {
	Name             string   `json:"name"`
	ID               string   `json:"id"`
	DisplayName      string   `json:"displayName"`
	Domains          []string `json:"domains"`
	SubscriptionID   string   `json:"subscriptionId"`
	SubscriptionName string   `json:"subscriptionName"`
	SPAppID          string   `json:"spAppId"`
	Users            []string `json:"users"`
}

// NewTenant is the answer of POST tenants: the tenant and the credentials its learner needs.
type NewTenant struct {
	TenantInfo
	SPSecret string     `json:"spSecret"`
	Logins   []UserInfo `json:"logins"`
}

// UserInfo is a sign-in user with its password.
type UserInfo struct {
	UserPrincipalName string `json:"userPrincipalName"`
	Password          string `json:"password"`
}

// TenantList is the answer of GET tenants.
type TenantList struct {
	Value []TenantInfo `json:"value"`
}

// AddTenantRequest is the body of POST tenants.
type AddTenantRequest struct {
	Name string `json:"name"`
}

// Clock is a tenant's virtual clock.
type Clock struct {
	Tenant     string    `json:"tenant"`
	TenantName string    `json:"tenantName"`
	Now        time.Time `json:"now"`
	Frozen     bool      `json:"frozen"`
}

// ClockRequest is the body of POST clock/freeze|resume|advance|set. Tenant is a name, id or
// domain (empty: the default tenant); Duration is for advance ("90m", "1h30m", "2d",
// "PT1H"); Time is for set (RFC 3339).
type ClockRequest struct {
	Tenant   string `json:"tenant,omitempty"`
	Duration string `json:"duration,omitempty"`
	Time     string `json:"time,omitempty"`
}

// ResetResult is the answer of POST reset.
type ResetResult struct {
	Tenant     string `json:"tenant"`
	TenantName string `json:"tenantName"`
	Clock      Clock  `json:"clock"`
}

// Info describes a tenant for the control API.
func Info(t simulator.Tenant) TenantInfo {
	ti := TenantInfo{Name: t.Name, ID: t.ID, DisplayName: t.DisplayName, Domains: t.Domains(),
		SubscriptionID: t.Subscription.ID, SubscriptionName: t.Subscription.DisplayName, SPAppID: t.ServicePrincipal.AppID}
	for _, u := range t.Users {
		ti.Users = append(ti.Users, u.UserPrincipalName)
	}
	return ti
}

// Credentials describes a new tenant with the secrets its learner signs in with.
func Credentials(t simulator.Tenant) NewTenant {
	nt := NewTenant{TenantInfo: Info(t), SPSecret: t.ServicePrincipal.Secret}
	for _, u := range t.Users {
		nt.Logins = append(nt.Logins, UserInfo{UserPrincipalName: u.UserPrincipalName, Password: u.Password})
	}
	return nt
}
