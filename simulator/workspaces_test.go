package simulator

import (
	"encoding/json"
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
