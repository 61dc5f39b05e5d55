package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DefaultTenantName is the learner tenant a fresh state starts with.
const DefaultTenantName = "contoso"

// Seed is the scenario's standing world: what every tenant has at the scenario's start. It is
// plain data so that it can be read from the scenario files.
type Seed struct {
	// Start is where every tenant clock starts (and returns to on reset).
	Start time.Time
	// Organization is the directory's display name ("Contoso Ltd").
	Organization string
	// Domain is the default tenant's primary domain (contoso.com).
	Domain string
	// TenantID and SubscriptionID are the default tenant's ids; empty means random.
	TenantID, SubscriptionID string
	// SubscriptionName is the subscription's display name.
	SubscriptionName string
	// Users are the directory users every tenant gets, as alias@<tenant domain>.
	Users []SeedUser
	// ResourceGroups exist from the start.
	ResourceGroups []SeedResourceGroup
	// Resources exist from the start, inside the groups above.
	Resources []SeedResource
	// DiagnosticSettings exist from the start, on the subscription or on the resources above.
	DiagnosticSettings []SeedDiagnosticSetting
}

// SeedUser is a sign-in user of every tenant.
type SeedUser struct {
	Alias       string
	DisplayName string
}

// SeedResourceGroup is a standing resource group.
type SeedResourceGroup struct {
	Name     string
	Location string
	Tags     map[string]string
}

// SeedResource is a standing resource. Body is its ARM GET body as JSON, with placeholders
// {{id}}, {{name}}, {{type}}, {{location}} (its group's), {{subscriptionId}}, {{tenantId}} and
// {{domain}} filled in per tenant.
type SeedResource struct {
	ResourceGroup string
	Type          string
	Name          string
	Body          string
}

// ScenarioStart is the scenario's start on the tenant clock: setup happens before the
// attack begins at 08:30.
var ScenarioStart = time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)

// StaticSeed is the standing world used when the built-in scenario cannot be read (and a
// stable seed for tests): the SOC
// resource group and the groups the attacker moves across, the Key Vault whose secrets are
// read and the storage account whose data is downloaded.
func StaticSeed() Seed {
	kv, st := "Microsoft.KeyVault/vaults", "Microsoft.Storage/storageAccounts"
	return Seed{
		Start:            ScenarioStart,
		Organization:     "Contoso Ltd",
		Domain:           "contoso.com",
		SubscriptionName: "Contoso Production",
		Users:            defaultUsers(),
		ResourceGroups: []SeedResourceGroup{
			{Name: "rg-contoso-unified-soc", Location: "eastus"},
			{Name: "rg-contoso-finance", Location: "eastus"},
			{Name: "rg-contoso-prod-apps", Location: "eastus"},
			{Name: "rg-contoso-identity", Location: "eastus"},
			{Name: "rg-contoso-backup", Location: "eastus2"},
			{Name: "rg-contoso-dev", Location: "westus2"},
		},
		Resources: []SeedResource{
			{ResourceGroup: "rg-contoso-unified-soc", Type: kv, Name: "kv-contoso-prod", Body: BodyTemplate(kv)},
			{ResourceGroup: "rg-contoso-unified-soc", Type: st, Name: "stcontosoprod", Body: BodyTemplate(st)},
		},
	}
}

// defaultUsers are the sign-in users every tenant gets.
func defaultUsers() []SeedUser { return []SeedUser{{Alias: "analyst", DisplayName: "SOC Analyst"}} }

// BodyTemplate is the ARM GET body of a standing resource of type typ: the full shapes for
// Key Vault and storage (api-surface §5), a plain tracked resource for other types.
func BodyTemplate(typ string) string {
	switch strings.ToLower(typ) {
	case "microsoft.keyvault/vaults":
		return keyVaultBody
	case "microsoft.storage/storageaccounts":
		return storageBody
	case "microsoft.logic/workflows":
		return workflowBody
	default:
		return genericBody
	}
}

const genericBody = `{"id": "{{id}}", "name": "{{name}}", "type": "{{type}}", "location": "{{location}}", "tags": {},
 "properties": {"provisioningState": "Succeeded"}}`

const keyVaultBody = `{
 "id": "{{id}}", "name": "{{name}}", "type": "Microsoft.KeyVault/vaults", "location": "{{location}}", "tags": {},
 "systemData": {"createdBy": "admin@{{domain}}", "createdByType": "User", "createdAt": "2024-06-03T14:22:10.123Z",
  "lastModifiedBy": "admin@{{domain}}", "lastModifiedByType": "User", "lastModifiedAt": "2024-06-03T14:22:10.123Z"},
 "properties": {"tenantId": "{{tenantId}}", "sku": {"family": "A", "name": "standard"}, "accessPolicies": [],
  "enableRbacAuthorization": true, "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
  "enabledForDeployment": false, "enabledForDiskEncryption": false, "enabledForTemplateDeployment": false,
  "vaultUri": "https://{{name}}.vault.azure.net/", "provisioningState": "Succeeded", "publicNetworkAccess": "Enabled",
  "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": []}}
}`

const storageBody = `{
 "id": "{{id}}", "name": "{{name}}", "type": "Microsoft.Storage/storageAccounts", "location": "{{location}}",
 "kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"}, "tags": {},
 "properties": {"provisioningState": "Succeeded", "creationTime": "2024-06-03T14:25:41.5520000Z",
  "primaryLocation": "{{location}}", "statusOfPrimary": "available",
  "primaryEndpoints": {"blob": "https://{{name}}.blob.core.windows.net/", "dfs": "https://{{name}}.dfs.core.windows.net/",
   "file": "https://{{name}}.file.core.windows.net/", "queue": "https://{{name}}.queue.core.windows.net/",
   "table": "https://{{name}}.table.core.windows.net/", "web": "https://{{name}}.z13.web.core.windows.net/"},
  "accessTier": "Hot", "allowBlobPublicAccess": false, "allowSharedKeyAccess": true, "minimumTlsVersion": "TLS1_2",
  "supportsHttpsTrafficOnly": true, "publicNetworkAccess": "Enabled",
  "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": []},
  "encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": true, "keyType": "Account", "lastEnabledTime": "2024-06-03T14:25:41.6000000Z"},
   "file": {"enabled": true, "keyType": "Account", "lastEnabledTime": "2024-06-03T14:25:41.6000000Z"}}},
  "keyCreationTime": {"key1": "2024-06-03T14:25:41.5520000Z", "key2": "2024-06-03T14:25:41.5520000Z"}}
}`

// ResourceGroupID is the canonical ARM id of a resource group.
func ResourceGroupID(subscriptionID, group string) string {
	return "/subscriptions/" + subscriptionID + "/resourceGroups/" + group
}

// ResourceID is the canonical ARM id of a resource of type ("Namespace/type") in a group.
func ResourceID(subscriptionID, group, typ, name string) string {
	return ResourceGroupID(subscriptionID, group) + "/providers/" + typ + "/" + name
}

// ResourceGroupBody is the ARM body of a resource group.
func ResourceGroupBody(id, name, location string, tags map[string]string, state string) json.RawMessage {
	if tags == nil {
		tags = map[string]string{}
	}
	body := map[string]any{
		"id": id, "name": name, "type": "Microsoft.Resources/resourceGroups", "location": location,
		"tags": tags, "properties": map[string]string{"provisioningState": state},
	}
	data, _ := json.Marshal(body) // maps of strings always encode
	return data
}

// seedTenant writes the tenant's standing resources and starts its clock.
func (w *World) seedTenant(tx Tx, t Tenant) error {
	if err := w.startClock(tx, t.ID); err != nil {
		return err
	}
	for _, g := range w.seed.ResourceGroups {
		id := ResourceGroupID(t.Subscription.ID, g.Name)
		r := Resource{ID: id, Type: ResourceGroupType, Body: ResourceGroupBody(id, g.Name, g.Location, g.Tags, "Succeeded")}
		if err := putResource(tx, t.ID, r); err != nil {
			return err
		}
	}
	locations := map[string]string{}
	for _, g := range w.seed.ResourceGroups {
		locations[strings.ToLower(g.Name)] = g.Location
	}
	for _, s := range w.seed.Resources {
		id := ResourceID(t.Subscription.ID, s.ResourceGroup, s.Type, s.Name)
		body := strings.NewReplacer("{{id}}", id, "{{subscriptionId}}", t.Subscription.ID,
			"{{tenantId}}", t.ID, "{{domain}}", t.Domain, "{{name}}", s.Name, "{{type}}", s.Type,
			"{{location}}", locations[strings.ToLower(s.ResourceGroup)]).Replace(s.Body)
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(body)); err != nil {
			return fmt.Errorf("seed resource %s: body is not valid JSON: %w", id, err)
		}
		if err := putResource(tx, t.ID, Resource{ID: id, Type: s.Type, Body: compact.Bytes()}); err != nil {
			return err
		}
	}
	for _, d := range w.seed.DiagnosticSettings { // standing: in force since before the history
		if sub, ok := d.subResource(t); ok {
			if err := putResource(tx, t.ID, sub); err != nil {
				return err
			}
		}
		if err := putResource(tx, t.ID, d.resource(t)); err != nil {
			return err
		}
	}
	return nil
}
