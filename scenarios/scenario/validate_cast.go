package scenario

import (
	"fmt"
	"strings"
)

// Sources are the event sources rows are tagged with (see package generate).
var Sources = map[string]bool{
	"entra-signin": true, "entra-noninteractive": true, "entra-audit": true, "azure-activity": true,
	"keyvault": true, "storage": true, "defender-cloudapps": true, "defender-identity": true,
	"defender-xdr": true, "sentinel-ueba": true, "sentinel-ti": true, "defender-office": true, "defender-endpoint": true, "office365": true, "entra-serviceprincipal": true, "azure-monitor-agent": true,
}

func (v *validator) cast(c *Cast) {
	f := FileCast
	v.groups = set(len(c.Groups))
	for i, g := range c.Groups {
		v.unique(f, fmt.Sprintf("groups[%d].name", i), "group", g.Name, v.groups)
	}
	v.roles = set(len(c.DirectoryRoles))
	for i, r := range c.DirectoryRoles {
		v.unique(f, fmt.Sprintf("directoryRoles[%d].name", i), "role", r.Name, v.roles)
		v.guid(f, fmt.Sprintf("directoryRoles[%d].templateId", i), r.TemplateID)
	}
	v.apps = set(len(c.Apps))
	for i, a := range c.Apps {
		path := fmt.Sprintf("apps[%d]", i)
		v.unique(f, path+".name", "app", a.Name, v.apps)
		v.guid(f, path+".appId", a.AppID)
		v.guid(f, path+".resourceId", a.ResourceID)
		if a.Client != "Browser" && a.Client != "Mobile Apps and Desktop clients" {
			v.errf(f, path+".client", "%q is not Browser or Mobile Apps and Desktop clients", a.Client)
		}
		if a.CloudApp == "" || a.CloudAppID <= 0 || a.Resource == "" {
			v.errf(f, path, "resource, cloudApp and cloudAppId are required")
		}
	}
	subs := set(len(c.Subscriptions))
	for i, s := range c.Subscriptions {
		v.unique(f, fmt.Sprintf("subscriptions[%d].key", i), "subscription", s.Key, subs)
	}
	v.rgs = set(len(c.ResourceGroups))
	v.resources = map[string]string{}
	for i, rg := range c.ResourceGroups {
		path := fmt.Sprintf("resourceGroups[%d]", i)
		v.unique(f, path+".name", "resource group", rg.Name, v.rgs)
		if !subs[rg.Subscription] {
			v.errf(f, path+".subscription", "unknown subscription %q", rg.Subscription)
		}
		for j, r := range rg.Resources {
			rp := fmt.Sprintf("%s.resources[%d]", path, j)
			if strings.Count(r.Type, "/") != 1 || r.Name == "" {
				v.errf(f, rp, "type %q must be Provider/type and name non-empty", r.Type)
			}
			if _, dup := v.resources[r.Name]; dup {
				v.errf(f, rp+".name", "duplicate resource %q", r.Name)
			}
			v.resources[r.Name] = rg.Name
		}
	}
	v.vaults = map[string]*KeyVault{}
	for i := range c.KeyVaults {
		kv := &c.KeyVaults[i]
		path := fmt.Sprintf("keyVaults[%d]", i)
		if v.resources[kv.Name] != kv.ResourceGroup {
			v.errf(f, path+".name", "vault %q is not a resource of group %q", kv.Name, kv.ResourceGroup)
		}
		if len(kv.Secrets) == 0 {
			v.errf(f, path+".secrets", "is empty")
		}
		v.vaults[kv.Name] = kv
	}
	v.accounts = map[string]*StorageAccount{}
	for i := range c.StorageAccounts {
		sa := &c.StorageAccounts[i]
		path := fmt.Sprintf("storageAccounts[%d]", i)
		if v.resources[sa.Name] != sa.ResourceGroup {
			v.errf(f, path+".name", "account %q is not a resource of group %q", sa.Name, sa.ResourceGroup)
		}
		for j, ct := range sa.Containers {
			if len(ct.Blobs) == 0 {
				v.errf(f, fmt.Sprintf("%s.containers[%d].blobs", path, j), "is empty")
			}
		}
		v.accounts[sa.Name] = sa
	}
	v.sps = set(len(c.ServicePrincipals))
	for i, sp := range c.ServicePrincipals {
		path := fmt.Sprintf("servicePrincipals[%d]", i)
		v.sps[sp.Name] = true
		v.place(f, path+".place", sp.Place, PlaceCloud, PlaceOffice)
		if sp.KeyVault != "" {
			v.secrets(f, path, sp.KeyVault, sp.Secrets)
			if sp.ReadEveryMinutes <= 0 {
				v.errf(f, path+".readEveryMinutes", "must be positive when keyVault is set")
			}
		}
		if sp.StorageAccount != "" {
			v.container(f, path, sp.StorageAccount, sp.Container, nil)
		}
	}
	v.departments(c)
	v.people(c)
	for i, d := range c.DiagnosticSettings {
		path := fmt.Sprintf("diagnosticSettings[%d]", i)
		if d.Scope != "tenant" && d.Scope != "subscription" && v.vaults[d.Scope] == nil && v.accounts[d.Scope] == nil {
			v.errf(f, path+".scope", "%q is not tenant, subscription, a key vault or a storage account", d.Scope)
		}
		if rg, _, ok := strings.Cut(d.Workspace, "/"); !ok || !v.rgs[rg] {
			v.errf(f, path+".workspace", "%q is not resourceGroup/workspace of a known group", d.Workspace)
		}
		for j, s := range d.Sources {
			if !Sources[s] {
				v.errf(f, fmt.Sprintf("%s.sources[%d]", path, j), "unknown source %q", s)
			}
		}
	}
}

func set(n int) map[string]bool { return make(map[string]bool, n) }

func (v *validator) unique(file, path, what, name string, seen map[string]bool) {
	if name == "" {
		v.errf(file, path, "is empty")
	} else if seen[name] {
		v.errf(file, path, "duplicate %s %q", what, name)
	}
	seen[name] = true
}

func (v *validator) secrets(file, path, vault string, secrets []string) {
	kv := v.vaults[vault]
	if kv == nil {
		v.errf(file, path+".keyVault", "unknown key vault %q", vault)
		return
	}
	for j, s := range secrets {
		if !contains(kv.Secrets, s) {
			v.errf(file, fmt.Sprintf("%s.secrets[%d]", path, j), "vault %q has no secret %q", vault, s)
		}
	}
}

func (v *validator) container(file, path, account, container string, blobs []string) {
	sa := v.accounts[account]
	if sa == nil {
		v.errf(file, path, "unknown storage account %q", account)
		return
	}
	for _, c := range sa.Containers {
		if c.Name != container {
			continue
		}
		for j, b := range blobs {
			found := false
			for _, cb := range c.Blobs {
				found = found || cb.Name == b
			}
			if !found {
				v.errf(file, fmt.Sprintf("%s.blobs[%d]", path, j), "container %q has no blob %q", container, b)
			}
		}
		return
	}
	if container != "" {
		v.errf(file, path+".container", "account %q has no container %q", account, container)
	}
}

func (v *validator) departments(c *Cast) {
	f := FileCast
	seen := set(len(c.Departments))
	for i, d := range c.Departments {
		path := fmt.Sprintf("departments[%d]", i)
		v.unique(f, path+".name", "department", d.Name, seen)
		if d.Weight <= 0 {
			v.errf(f, path+".weight", "must be positive")
		}
		if len(d.Titles) == 0 {
			v.errf(f, path+".titles", "is empty")
		}
		for j, g := range d.Groups {
			if !v.groups[g] {
				v.errf(f, fmt.Sprintf("%s.groups[%d]", path, j), "unknown group %q", g)
			}
		}
		v.place(f, path+".office", d.Office, PlaceOffice)
		if len(d.Homes) == 0 {
			v.errf(f, path+".homes", "is empty")
		}
		for j, h := range d.Homes {
			v.place(f, fmt.Sprintf("%s.homes[%d]", path, j), h, PlaceHome)
		}
		if !v.profiles[d.Profile] {
			v.errf(f, path+".profile", "unknown profile %q", d.Profile)
		}
	}
	for i := range c.People {
		if d := c.People[i].Department; !seen[d] {
			v.errf(f, fmt.Sprintf("people[%d].department", i), "unknown department %q", d)
		}
	}
}

func (v *validator) people(c *Cast) {
	f := FileCast
	v.users = set(len(c.People))
	for i, p := range c.People {
		path := fmt.Sprintf("people[%d].user", i)
		if !userRE.MatchString(p.User) {
			v.errf(f, path, "%q is not a lower-case UPN local part", p.User)
		}
		v.unique(f, path, "user", p.User, v.users)
	}
	for i, p := range c.People {
		path := fmt.Sprintf("people[%d]", i)
		if p.GivenName == "" || p.Surname == "" || p.JobTitle == "" {
			v.errf(f, path, "givenName, surname and jobTitle are required")
		}
		if p.Manager != "" && !v.users[p.Manager] {
			v.errf(f, path+".manager", "unknown user %q", p.Manager)
		}
		for j, g := range p.Groups {
			if !v.groups[g] {
				v.errf(f, fmt.Sprintf("%s.groups[%d]", path, j), "unknown group %q", g)
			}
		}
		for j, r := range p.DirectoryRoles {
			if !v.roles[r] {
				v.errf(f, fmt.Sprintf("%s.directoryRoles[%d]", path, j), "unknown directory role %q", r)
			}
		}
		for j, r := range p.AzureRoles {
			_, isRes := v.resources[r.Scope]
			if r.Role == "" || (r.Scope != "subscription" && !v.rgs[r.Scope] && !isRes) {
				v.errf(f, fmt.Sprintf("%s.azureRoles[%d].scope", path, j), "%q is not subscription, a resource group or a resource", r.Scope)
			}
		}
		v.place(f, path+".office", p.Office, PlaceOffice)
		v.place(f, path+".home", p.Home, PlaceHome)
		if !v.profiles[p.Profile] {
			v.errf(f, path+".profile", "unknown profile %q", p.Profile)
		}
		if len(p.Devices) == 0 {
			v.errf(f, path+".devices", "is empty")
		}
		for j, d := range p.Devices {
			if d.Name == "" || d.OS == "" || d.Browser == "" {
				v.errf(f, fmt.Sprintf("%s.devices[%d]", path, j), "name, os and browser are required")
			}
		}
	}
}
