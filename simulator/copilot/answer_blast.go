package copilot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
)

// touchQueries are what the telemetry shows a user (and the addresses of their high-risk
// sign-ins, for what carries no user: account-key blob reads) touched, over the lab workspace;
// %[1]s is the UPN as a KQL string. Each returns one row per touched thing with the columns
// blastRadius reads.
var touchQueries = struct{ secrets, keys, blobs, groups string }{
	secrets: `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.KEYVAULT" and OperationName in ("SecretGet", "SecretList")
| where identity_claim_upn_s =~ %[1]s or identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s =~ %[1]s
| extend Secret = extract("/secrets/([^/?]+)", 1, id_s)
| summarize Operations = count(), Secrets = make_set_if(Secret, Secret != "", 50) by Vault = tolower(Resource)
| sort by Vault asc`,
	keys: `AzureActivity
| where Caller =~ %[1]s and ActivityStatusValue == "Success" and OperationNameValue has "listKeys"
| extend Account = extract("storageaccounts/([^/]+)", 1, tolower(ResourceId))
| summarize Calls = count(), First = min(TimeGenerated) by Account, ResourceGroup = tolower(ResourceGroup)
| sort by First asc`,
	blobs: `let ips = SigninLogs | where UserPrincipalName =~ %[1]s and RiskLevelDuringSignIn == "high" | distinct IPAddress;
StorageBlobLogs
| extend Ip = tostring(split(CallerIpAddress, ":")[0])
| where OperationName == "GetBlob" and (RequesterUpn =~ %[1]s or Ip in (ips))
| extend Container = tostring(split(ObjectKey, "/")[2]), Blob = tostring(split(ObjectKey, "/")[3])
| summarize Downloads = count(), Blobs = make_set(Blob, 50) by Account = AccountName, Container, AuthenticationType
| sort by Account asc, Container asc, AuthenticationType asc`,
	groups: `AzureActivity
| where Caller =~ %[1]s and ActivityStatusValue == "Success"
| summarize Operations = count(), Kinds = make_set(OperationNameValue, 20), First = min(TimeGenerated) by ResourceGroup = tolower(ResourceGroup)
| sort by First asc`,
}

// roleReach says what an Azure role lets its holder do, for the answer.
var roleReach = map[string]string{
	"Owner":                       "full control, including granting access to others",
	"Contributor":                 "control plane: list storage account keys (full data access through them), change Key Vault access policies, run commands on VMs",
	"Reader":                      "read resource configuration",
	"Key Vault Secrets User":      "read secret values",
	"Storage Blob Data Reader":    "read blobs",
	"Storage Blob Data Owner":     "read, write and delete blobs",
	"Key Vault Administrator":     "all Key Vault data operations",
	"Storage Account Contributor": "manage storage accounts, list their keys",
}

// armReach is the tenant's Azure estate as the user's roles reach it.
type armReach struct {
	groups   []string            // resource groups the roles reach, sorted
	all      []string            // every resource group of the subscription, sorted
	byType   map[string][]string // reachable resource names per short type (vaults, storage accounts)
	scopeDoc []string            // one line per role assignment
}

// reach resolves the user's Azure role assignments (the cast's) against the tenant's ARM
// resources: a subscription scope reaches every group, a group its resources, a resource itself.
func reach(tx *simulator.TenantTx, roles []struct{ Role, Scope string }) (armReach, error) {
	r := armReach{byType: map[string][]string{}}
	res, err := tx.ResourcesUnder("/subscriptions/"+tx.Tenant().Subscription.ID, "")
	if err != nil {
		return r, err
	}
	groupOf := func(id string) string {
		parts := strings.Split(strings.ToLower(id), "/")
		if len(parts) > 4 && parts[3] == "resourcegroups" {
			return parts[4]
		}
		return ""
	}
	for _, x := range res {
		if strings.EqualFold(x.Type, "Microsoft.Resources/resourceGroups") {
			r.all = append(r.all, groupOf(x.ID))
		}
	}
	sort.Strings(r.all)
	reachable := map[string]bool{}
	for _, ra := range roles {
		covered := 0
		for _, x := range res {
			name := strings.ToLower(x.ID[strings.LastIndex(x.ID, "/")+1:])
			g := groupOf(x.ID)
			in := strings.EqualFold(ra.Scope, "subscription") || strings.EqualFold(ra.Scope, g) || strings.EqualFold(ra.Scope, name)
			// Top-level resources only (a workspace's rules and entities are not more reach).
			if !in || g == "" || strings.Count(strings.ToLower(x.ID), "/providers/") != 1 || strings.EqualFold(x.Type, "Microsoft.Resources/resourceGroups") {
				continue
			}
			covered++
			reachable[g] = true
			switch strings.ToLower(x.Type) {
			case "microsoft.keyvault/vaults":
				r.byType["Key Vaults"] = appendNew(r.byType["Key Vaults"], name)
			case "microsoft.storage/storageaccounts":
				r.byType["storage accounts"] = appendNew(r.byType["storage accounts"], name)
			}
		}
		what := roleReach[ra.Role]
		if what == "" {
			what = "as the role defines"
		}
		r.scopeDoc = append(r.scopeDoc, fmt.Sprintf("Azure RBAC: %s on %s (%s; %d resources in scope)", ra.Role, ra.Scope, what, covered))
	}
	for g := range reachable {
		r.groups = append(r.groups, g)
	}
	sort.Strings(r.groups)
	for k := range r.byType {
		sort.Strings(r.byType[k])
	}
	return r, nil
}

func appendNew(l []string, s string) []string {
	if slices.Contains(l, s) {
		return l
	}
	return append(l, s)
}

func (s *Service) blastRadius(ctx context.Context, b *answer, tenantID string, e Entities) error {
	upn := e.UPN
	if upn == "" {
		b.clarify = true
		b.line("Whose blast radius? Name the account by its user principal name (for example %s).", labUser)
		return nil
	}
	var azureRoles []struct{ Role, Scope string }
	for _, p := range s.logs.Scenario().Cast.People {
		if strings.EqualFold(p.User, strings.SplitN(upn, "@", 2)[0]) {
			for _, r := range p.AzureRoles {
				azureRoles = append(azureRoles, struct{ Role, Scope string }{r.Role, r.Scope})
			}
		}
	}
	var dirRoles []string
	known := false
	if err := s.id.Read(tenantID, func(d *identity.Directory) error {
		if u := d.UserByKey(upn); u != nil {
			known = true
			for _, r := range d.UserRoles(u.ID) {
				dirRoles = append(dirRoles, r.DisplayName)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if !known {
		b.refused = true
		b.line("I couldn't find the user %s in this tenant's directory.", upn)
		b.source("Microsoft Entra ID users")
		return nil
	}
	var r armReach
	if err := s.World().View(tenantID, func(tx *simulator.TenantTx) (err error) { r, err = reach(tx, azureRoles); return err }); err != nil {
		return err
	}
	q := func(query string) ([]map[string]any, error) {
		return s.runWorkspace(ctx, tenantID, fmt.Sprintf(query, kqlString(upn)))
	}
	secrets, err := q(touchQueries.secrets)
	if errors.Is(err, logs.ErrWorkspaceNotFound) {
		b.refused = true
		b.line("I can't read the telemetry of %s: the workspace %s is not in this tenant, so I can't tell what the account touched.", upn, LabWorkspace)
		b.source("Microsoft Sentinel workspace %s (not found)", LabWorkspace)
		return nil
	}
	if err != nil {
		return fmt.Errorf("secrets read: %w", err)
	}
	keys, err := q(touchQueries.keys)
	if err != nil {
		return fmt.Errorf("keys listed: %w", err)
	}
	blobs, err := q(touchQueries.blobs)
	if err != nil {
		return fmt.Errorf("blobs downloaded: %w", err)
	}
	groups, err := q(touchQueries.groups)
	if err != nil {
		return fmt.Errorf("resource groups: %w", err)
	}

	b.line("## Blast radius of %s", upn)
	b.line("")
	b.line("### What the account can reach")
	for _, l := range r.scopeDoc {
		b.line("- %s", l)
	}
	for _, role := range dirRoles {
		b.line("- Entra ID directory role: %s", role)
	}
	if len(r.scopeDoc) == 0 && len(dirRoles) == 0 {
		b.line("- no Azure or directory role assignments known for this account")
	}
	b.line("- Reachable: %d of %d resource groups (%s); Key Vaults: %s; storage accounts: %s",
		len(r.groups), len(r.all), orNone(r.groups), orNone(r.byType["Key Vaults"]), orNone(r.byType["storage accounts"]))
	b.line("")
	b.line("### What the telemetry shows was touched")
	b.line("**Key Vault secrets read**")
	if len(secrets) == 0 {
		b.line("- none in the workspace")
	}
	for _, row := range secrets {
		b.line("- %v: %s (%v operations)", row["Vault"], setText(row["Secrets"]), row["Operations"])
	}
	b.line("**Storage account keys listed**")
	if len(keys) == 0 {
		b.line("- none in the workspace")
	}
	var keyAccounts []string
	for _, row := range keys {
		keyAccounts = appendNew(keyAccounts, fmt.Sprint(row["Account"]))
		b.line("- %v in %v (%v listKeys calls, first %v)", row["Account"], row["ResourceGroup"], row["Calls"], cell(row["First"]))
	}
	b.line("**Blobs downloaded**")
	if len(blobs) == 0 {
		b.line("- none in the workspace")
	}
	for _, row := range blobs {
		b.line("- %v/%v with %v: %v downloads: %s", row["Account"], row["Container"], row["AuthenticationType"], row["Downloads"], setText(row["Blobs"]))
	}
	b.line("**Resource groups swept** (successful control-plane operations, in order)")
	var touched []string
	for _, row := range groups {
		g := fmt.Sprint(row["ResourceGroup"])
		touched = append(touched, g)
		b.line("- %s: %v operations (%s)", g, row["Operations"], setText(row["Kinds"]))
	}
	if len(groups) == 0 {
		b.line("- none in the workspace")
	}
	b.line("")
	b.line("### Reach vs touched")
	var untouched []string
	for _, g := range r.groups {
		if !slices.Contains(touched, g) {
			untouched = append(untouched, g)
		}
	}
	b.line("- Resource groups: %d touched of %d reachable; not touched yet: %s", len(touched), len(r.groups), orNone(untouched))
	b.line("- Storage accounts: keys listed for %d of %d reachable (%s)", len(keyAccounts), len(r.byType["storage accounts"]), orNone(keyAccounts))
	b.line("- Rotate every secret read and every key listed; treat the downloaded blobs as exfiltrated.")
	b.source("Role assignments of %s (Azure RBAC of the tenant's cast, resolved against the subscription's resources; Entra ID directory roles)", upn)
	b.source("Key Vault secrets read: AzureDiagnostics on workspace %s, %d rows", LabWorkspace, len(secrets))
	b.source("Storage account keys listed: AzureActivity on workspace %s, %d rows", LabWorkspace, len(keys))
	b.source("Blobs downloaded: StorageBlobLogs (and the user's high-risk sign-in addresses from SigninLogs) on workspace %s, %d rows", LabWorkspace, len(blobs))
	b.source("Resource groups swept: AzureActivity on workspace %s, %d rows", LabWorkspace, len(groups))
	return nil
}

// setText shows a make_set result (JSON text or a list) as a comma-separated list.
func setText(v any) string {
	s := strings.TrimSpace(fmt.Sprint(v))
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	return strings.ReplaceAll(strings.ReplaceAll(s, `"`, ""), ",", ", ")
}
