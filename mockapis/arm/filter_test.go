package arm

import (
	"encoding/json"
	"testing"
)

func TestResourceFilter(t *testing.T) {
	item := map[string]any{
		"id": "/subscriptions/s/resourceGroups/rg-A/providers/Microsoft.KeyVault/vaults/kv-Prod", "name": "kv-Prod",
		"type": "Microsoft.KeyVault/vaults", "location": "eastus", "tags": json.RawMessage(`{"env":"prod"}`),
	}
	for _, c := range []struct {
		filter string
		keep   bool
	}{
		{"", true},
		{"resourceType eq 'microsoft.keyvault/vaults'", true},
		{"resourceType eq 'Microsoft.Storage/storageAccounts'", false},
		{"name eq 'KV-PROD' and location eq 'eastus'", true},
		{"resourceGroup eq 'rg-a' AND substringof('prod', name)", true},
		{"substringof('dev', name)", false},
		{"tagName eq 'ENV' and tagValue eq 'prod'", true},
		{"tagValue eq 'Prod'", false},
		{"name eq 'it''s'", false},
	} {
		f, err := parseResourceFilter(c.filter)
		if err != nil {
			t.Errorf("%q: %v", c.filter, err)
			continue
		}
		if got := f.keep(item); got != c.keep {
			t.Errorf("%q keeps %v, want %v", c.filter, got, c.keep)
		}
	}
	for _, bad := range []string{"name ne 'x'", "name eq x", "startswith(name,'kv')", "name eq 'a' or name eq 'b'"} {
		if _, err := parseResourceFilter(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
