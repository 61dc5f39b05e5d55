package generate

import (
	"sort"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// routineOps are the everyday operations engineers run per resource type.
var routineOps = map[string][]string{
	"Microsoft.Compute/virtualMachines":          {"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION", "MICROSOFT.COMPUTE/VIRTUALMACHINES/DEALLOCATE/ACTION", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"},
	"Microsoft.Web/sites":                        {"MICROSOFT.WEB/SITES/WRITE", "MICROSOFT.WEB/SITES/RESTART/ACTION"},
	"Microsoft.Storage/storageAccounts":          {"MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE", "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION"},
	"Microsoft.Network/networkSecurityGroups":    {"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE"},
	"Microsoft.Sql/servers":                      {"MICROSOFT.SQL/SERVERS/DATABASES/WRITE"},
	"Microsoft.KeyVault/vaults":                  {"MICROSOFT.KEYVAULT/VAULTS/WRITE"},
	"Microsoft.ContainerService/managedClusters": {"MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/LISTCLUSTERUSERCREDENTIAL/ACTION"},
}

// directoryChores are the routine directory edits of admins, with weights.
var directoryChores = []struct {
	activity string
	weight   int
}{{"Update user", 5}, {"Add member to group", 4}, {"Reset user password", 3}, {"Remove member from group", 2}}

// adminWork adds the user's Azure, directory and data-plane work of a working day.
func (g *gen) adminWork(b *batch, f *gofakeit.Faker, u *User, a actor, at func() time.Time) {
	p := u.Profile
	portal, cli := g.apps["Azure Portal"], g.apps["Microsoft Azure CLI"]
	a.app, a.device = portal, u.Devices[0]
	if n := between(f, p.ARMOperations); n > 0 {
		targets := g.armTargets(u)
		for i := 0; i < n && len(targets) > 0; i++ {
			res := targets[f.IntN(len(targets))]
			ops := routineOps[res.Type]
			act := scenario.ARMAction{Operation: ops[f.IntN(len(ops))], Resource: res.Name}
			if f.IntN(4) == 0 {
				act = scenario.ARMAction{Operation: "MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE", ResourceGroup: res.Group}
			}
			a.app = portal
			if f.IntN(2) == 0 && cli != nil {
				a.app = cli
			}
			g.emitARM(b, f, at(), a, act, RowMeta{})
		}
	}
	a.app = portal
	total := 0
	for _, c := range directoryChores {
		total += c.weight
	}
	for i, n := 0, between(f, p.DirectoryEdits); i < n; i++ {
		target := g.cast.Users[f.IntN(len(g.cast.Users))]
		e := &scenario.Event{Activity: directoryChores[pickWeighted(f, total, func(k int) int { return directoryChores[k].weight })].activity}
		e.Target.User = localOf(target.UPN)
		if e.Activity == "Add member to group" || e.Activity == "Remove member from group" {
			e.Target.Group = g.s.Cast.Groups[f.IntN(len(g.s.Cast.Groups))].Name
		}
		g.emitAudit(b, f, at(), a, e, RowMeta{})
	}
	// Self-service password changes (a 90-day rotation) and security-info updates.
	if f.IntN(90) == 0 {
		e := &scenario.Event{Activity: "Change password (self-service)"}
		e.Target.User = localOf(u.UPN)
		g.emitAudit(b, f, at(), a, e, RowMeta{})
	}
	if f.IntN(150) == 0 {
		e := &scenario.Event{Activity: "User registered security info"}
		e.Target.User = localOf(u.UPN)
		g.emitAudit(b, f, at(), a, e, RowMeta{})
	}
	for _, ra := range u.AzureRoles {
		if kv, ok := g.vaults[ra.Scope]; ok {
			for i, n := 0, between(f, p.SecretReads); i < n; i++ {
				t := at()
				g.emitKeyVault(b, f, t, a, kv.Name, "SecretList", "", RowMeta{})
				g.emitKeyVault(b, f, t.Add(time.Duration(4+f.IntN(30))*time.Second), a, kv.Name, "SecretGet", kv.Secrets[f.IntN(len(kv.Secrets))], RowMeta{})
			}
		}
		if sa, ok := g.account[ra.Scope]; ok && len(sa.Containers) > 0 {
			c := sa.Containers[0]
			for i, n := 0, between(f, p.BlobReads); i < n; i++ {
				bl := c.Blobs[f.IntN(len(c.Blobs))]
				g.emitBlob(b, f, at(), a, blobTarget{sa.Name, c.Name, bl.Name, bl.Size}, "GetBlob", "OAuth", RowMeta{})
			}
		}
	}
}

// armTargets lists the resources the user may change (by Azure role scope), in a stable order.
func (g *gen) armTargets(u *User) []resourceRef {
	var out []resourceRef
	for name, r := range g.res {
		if r.Type == "" || routineOps[r.Type] == nil {
			continue
		}
		for _, ra := range u.AzureRoles {
			if (ra.Role == "Contributor" || ra.Role == "Owner") && (ra.Scope == "subscription" || ra.Scope == r.Group || ra.Scope == name) {
				out = append(out, r)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func localOf(upn string) string {
	for i := 0; i < len(upn); i++ {
		if upn[i] == '@' {
			return upn[:i]
		}
	}
	return upn
}

// servicePrincipalStream generates a workload's Key Vault and blob reads around the clock.
func (g *gen) servicePrincipalStream(b *batch, sp *ServicePrincipal) {
	f := newFaker(g.p.Seed, "sp", sp.Name)
	app := &scenario.App{Name: sp.Name, AppID: sp.AppID, Client: "Mobile Apps and Desktop clients"}
	a := actor{sp: sp, ip: sp.IP, place: sp.place, app: app}
	g.spTokens(b, newFaker(g.p.Seed, "sp-tokens", sp.Name), sp) // its own stream: the other tables keep theirs
	if sp.KeyVault != "" {
		every := time.Duration(sp.ReadEveryMinutes) * time.Minute
		for t, i := g.start.Add(time.Duration(f.IntN(int(every/time.Second)))*time.Second), 0; t.Before(g.end); t, i = t.Add(every), i+1 {
			jitter := time.Duration(f.IntN(20)) * time.Second
			g.emitKeyVault(b, f, t.Add(jitter), a, sp.KeyVault, "SecretGet", sp.Secrets[i%len(sp.Secrets)], RowMeta{})
		}
	}
	if sp.StorageAccount != "" && sp.BlobReadsPerDay > 0 {
		blobs := g.blobsOf(sp.StorageAccount, sp.Container)
		for d := 0; d <= g.p.Days; d++ {
			day := g.start.AddDate(0, 0, d)
			for i := 0; i < sp.BlobReadsPerDay; i++ {
				t := day.Add(time.Duration(f.IntN(86400)) * time.Second)
				bl := blobs[f.IntN(len(blobs))]
				g.emitBlob(b, f, t, a, blobTarget{sp.StorageAccount, sp.Container, bl.Name, bl.Size}, "GetBlob", "OAuth", RowMeta{})
			}
		}
	}
}
