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
	// Users are the directory users every tenant gets, as alias@<tenant domain>.
	Users []SeedUser
	// ResourceGroups exist from the start.
	ResourceGroups []SeedResourceGroup
	// Resources exist from the start, inside the groups above.
	Resources []SeedResource
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
// {{id}}, {{subscriptionId}}, {{tenantId}}, {{domain}} filled in per tenant.
type SeedResource struct {
	ResourceGroup string
	Type          string
	Name          string
	Body          string
}

// ScenarioStart is the scenario's start on the tenant clock: setup happens before the
// attack begins at 08:30.
var ScenarioStart = time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)

// DefaultSeed is the alex.johnson scenario's standing world: the SOC resource group and the
// groups the attacker moves across, the Key Vault whose secrets are read and the storage
// account whose data is downloaded.
func DefaultSeed() Seed {
	return Seed{
		Start: ScenarioStart,
		Users: []SeedUser{{Alias: "analyst", DisplayName: "SOC Analyst"}},
		ResourceGroups: []SeedResourceGroup{
			{Name: "rg-contoso-unified-soc", Location: "eastus", Tags: map[string]string{"environment": "production", "owner": "secops"}},
			{Name: "rg-contoso-finance", Location: "eastus", Tags: map[string]string{"environment": "production", "department": "finance"}},
			{Name: "rg-contoso-prod-apps", Location: "eastus", Tags: map[string]string{"environment": "production"}},
			{Name: "rg-contoso-identity", Location: "eastus", Tags: map[string]string{"environment": "production"}},
			{Name: "rg-contoso-backup", Location: "westus2", Tags: map[string]string{"environment": "production"}},
			{Name: "rg-contoso-dev", Location: "eastus2", Tags: map[string]string{"environment": "development"}},
		},
		Resources: []SeedResource{
			{ResourceGroup: "rg-contoso-unified-soc", Type: "Microsoft.KeyVault/vaults", Name: "kv-contoso-prod", Body: keyVaultBody},
			{ResourceGroup: "rg-contoso-unified-soc", Type: "Microsoft.Storage/storageAccounts", Name: "stcontosoprod", Body: storageBody},
		},
	}
}

const keyVaultBody = `{
 "id": "{{id}}", "name": "kv-contoso-prod", "type": "Microsoft.KeyVault/vaults", "location": "eastus", "tags": {},
 "systemData": {"createdBy": "admin@{{domain}}", "createdByType": "User", "createdAt": "2024-06-03T14:22:10.123Z",
  "lastModifiedBy": "admin@{{domain}}", "lastModifiedByType": "User", "lastModifiedAt": "2024-06-03T14:22:10.123Z"},
 "properties": {"tenantId": "{{tenantId}}", "sku": {"family": "A", "name": "standard"}, "accessPolicies": [],
  "enableRbacAuthorization": true, "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
  "enabledForDeployment": false, "enabledForDiskEncryption": false, "enabledForTemplateDeployment": false,
  "vaultUri": "https://kv-contoso-prod.vault.azure.net/", "provisioningState": "Succeeded", "publicNetworkAccess": "Enabled",
  "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": []}}
}`

const storageBody = `{
 "id": "{{id}}", "name": "stcontosoprod", "type": "Microsoft.Storage/storageAccounts", "location": "eastus",
 "kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"}, "tags": {},
 "properties": {"provisioningState": "Succeeded", "creationTime": "2024-06-03T14:25:41.5520000Z",
  "primaryLocation": "eastus", "statusOfPrimary": "available",
  "primaryEndpoints": {"blob": "https://stcontosoprod.blob.core.windows.net/", "dfs": "https://stcontosoprod.dfs.core.windows.net/",
   "file": "https://stcontosoprod.file.core.windows.net/", "queue": "https://stcontosoprod.queue.core.windows.net/",
   "table": "https://stcontosoprod.table.core.windows.net/", "web": "https://stcontosoprod.z13.web.core.windows.net/"},
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
	for _, s := range w.seed.Resources {
		id := ResourceID(t.Subscription.ID, s.ResourceGroup, s.Type, s.Name)
		body := strings.NewReplacer("{{id}}", id, "{{subscriptionId}}", t.Subscription.ID,
			"{{tenantId}}", t.ID, "{{domain}}", t.Domain).Replace(s.Body)
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(body)); err != nil {
			return fmt.Errorf("seed resource %s: body is not valid JSON: %w", id, err)
		}
		if err := putResource(tx, t.ID, Resource{ID: id, Type: s.Type, Body: compact.Bytes()}); err != nil {
			return err
		}
	}
	return nil
}
