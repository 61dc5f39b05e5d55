package generate

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/soclab/soclab/scenarios/scenario"
)

// TenantTokens lists every string the telemetry of cast derives from its tenant and
// subscription ids: the ids themselves, the object ids of users, devices, service
// principals, roles, groups and Conditional Access policies, role assignment ids, alert ids
// and storage key hashes, each also in the other spellings the tables use (upper case,
// without dashes). Two casts of the same scenario, seed and size list their tokens in the
// same order, so token i of one names the same thing as token i of the other: telemetry
// generated for one tenant becomes another tenant's by replacing each token with its
// counterpart (the log engine shares one generation between tenants this way). Other
// values (names, addresses, times, random ids) do not depend on the tenant.
func TenantTokens(s *scenario.Scenario, c *Cast) []string {
	p := c.Params
	tid, sub := p.TenantID, p.SubscriptionID
	var raw []string
	add := func(v ...string) { raw = append(raw, v...) }
	add(tid, sub, p.WorkspaceID)

	// Directory objects: the cast, and every user, role and group an event names.
	var actors []string
	for _, u := range c.Users {
		add(u.ObjectID)
		actors = append(actors, u.ObjectID)
		for _, d := range u.Devices {
			add(d.ID)
		}
	}
	for _, sp := range c.ServicePrincipals {
		add(sp.ObjectID)
		actors = append(actors, sp.ObjectID)
	}
	forEachEvent(s, func(e *scenario.Event) {
		if e.Target.User != "" {
			add(UserObjectID(tid, e.Target.User+"@"+p.TenantDomain))
		}
		if e.Target.Role != "" {
			add(nameUUID(tid, "role", e.Target.Role))
		}
		if e.Target.Group != "" {
			add(nameUUID(tid, "group", e.Target.Group))
		}
		if e.Service != "" {
			add(AlertID(tid, e))
		}
	})
	for _, gr := range s.Cast.Groups {
		add(nameUUID(tid, "group", gr.Name))
	}
	for _, r := range s.Cast.DirectoryRoles {
		add(nameUUID(tid, "role", r.Name))
	}
	add(nameUUID(tid, "ca", "mfa"), nameUUID(tid, "ca", "compliant"))
	for _, a := range s.Cast.Apps {
		add(nameUUID(tid, "resource-sp", a.ResourceID))
	}

	// Role assignments: every actor on every scope a role can be held at (the subscription,
	// a group, a resource) and on every storage account (data-plane reads).
	scopes := []string{"/subscriptions/" + sub}
	for _, r := range sortedResources(s, sub) {
		scopes = append(scopes, r.ID)
	}
	for _, sa := range s.Cast.StorageAccounts {
		scopes = append(scopes, sa.Name)
	}
	for _, oid := range actors {
		for _, scope := range scopes {
			add(nameUUID(tid, "ra", oid, scope))
		}
	}
	for _, sa := range s.Cast.StorageAccounts {
		key := sha256.Sum256([]byte(sub + "/" + sa.Name + "/key1"))
		add(fmt.Sprintf("%X", key))
	}

	out := make([]string, 0, 3*len(raw))
	for _, v := range raw {
		out = append(out, v, strings.ToUpper(v))
		if strings.Contains(v, "-") {
			out = append(out, strings.ReplaceAll(v, "-", ""))
		} else {
			out = append(out, v) // keeps positions aligned between casts
		}
	}
	return out
}

// forEachEvent calls fn for every event of the scenario's attack and background noise.
func forEachEvent(s *scenario.Scenario, fn func(*scenario.Event)) {
	for i := range s.Attack.Steps {
		for j := range s.Attack.Steps[i].Events {
			fn(&s.Attack.Steps[i].Events[j])
		}
	}
	for i := range s.Background.Noise {
		for j := range s.Background.Noise[i].Events {
			fn(&s.Background.Noise[i].Events[j])
		}
	}
}

// sortedResources are the scenario's resource groups and resources for a subscription, in a
// fixed order (group, then its resources, as the cast lists them).
func sortedResources(s *scenario.Scenario, sub string) []resourceRef {
	all := resources(s, sub)
	var out []resourceRef
	for _, rg := range s.Cast.ResourceGroups {
		out = append(out, all["rg:"+rg.Name])
		for _, r := range rg.Resources {
			out = append(out, all[r.Name])
		}
	}
	return out
}
