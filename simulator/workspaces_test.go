package simulator

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWorkspaceByCustomerID(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	l, _ := w.AddTenant("learner01")
	id := ResourceID(c.Subscription.ID, "rg-contoso-unified-soc", WorkspaceType, "law-contoso-unified")
	body := `{"name":"law-contoso-unified","location":"eastus","properties":{"customerId":"6f1c9a9e-0000-4000-8000-000000000001"}}`
	if err := w.Update(c.ID, func(tx *TenantTx) error {
		return tx.PutResource(Resource{ID: id, Type: WorkspaceType, Body: json.RawMessage(body)})
	}); err != nil {
		t.Fatal(err)
	}
	w.View(c.ID, func(tx *TenantTx) error {
		got, ok, err := tx.WorkspaceByCustomerID("6F1C9A9E-0000-4000-8000-000000000001")
		want := Workspace{ID: id, Name: "law-contoso-unified", ResourceGroup: "rg-contoso-unified-soc", CustomerID: "6f1c9a9e-0000-4000-8000-000000000001", Location: "eastus"}
		if err != nil || !ok || got != want {
			t.Errorf("by customerId: %+v %v %v", got, ok, err)
		}
		if got, ok, _ := tx.WorkspaceByCustomerID(id); !ok || got.Name != "law-contoso-unified" {
			t.Errorf("by ARM id: %+v %v", got, ok)
		}
		return nil
	})
	w.View(l.ID, func(tx *TenantTx) error {
		if _, ok, _ := tx.WorkspaceByCustomerID("6f1c9a9e-0000-4000-8000-000000000001"); ok {
			t.Error("another tenant found contoso's workspace")
		}
		return nil
	})
}

// TestScenarioSeed: every tenant starts with the scenario cast's groups and resources, with
// the full Key Vault and storage shapes and plain bodies for other types.
func TestScenarioSeed(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	seed := w.Seed()
	if !seed.Start.Equal(ScenarioStart) || len(seed.ResourceGroups) < 6 {
		t.Fatalf("seed start %v, %d groups", seed.Start, len(seed.ResourceGroups))
	}
	l, _ := w.AddTenant("learner01")
	w.View(l.ID, func(tx *TenantTx) error {
		for _, g := range seed.ResourceGroups {
			if _, ok, _ := tx.Resource(ResourceGroupID(l.Subscription.ID, g.Name)); !ok {
				t.Errorf("group %s missing", g.Name)
			}
		}
		for _, r := range seed.Resources {
			got, ok, _ := tx.Resource(ResourceID(l.Subscription.ID, r.ResourceGroup, r.Type, r.Name))
			if !ok {
				t.Errorf("resource %s/%s missing", r.Type, r.Name)
				continue
			}
			var body struct{ ID, Name, Type, Location string }
			if err := json.Unmarshal(got.Body, &body); err != nil || body.ID != got.ID || body.Name != r.Name || !strings.EqualFold(body.Type, r.Type) || body.Location == "" {
				t.Errorf("resource %s body %s", r.Name, got.Body)
			}
		}
		kv, _, _ := tx.Resource(ResourceID(l.Subscription.ID, "rg-contoso-unified-soc", "Microsoft.KeyVault/vaults", "kv-contoso-prod"))
		if !strings.Contains(string(kv.Body), `"tenantId":"`+l.ID+`"`) || !strings.Contains(string(kv.Body), `"vaultUri":"https://kv-contoso-prod.vault.azure.net/"`) {
			t.Errorf("vault body %s", kv.Body)
		}
		return nil
	})
	if types := seed.ResourceTypes(); len(types) < 3 || types[0] != "Microsoft.KeyVault/vaults" {
		t.Errorf("types %v", types)
	}
}
