package identity

import (
	"fmt"
	"testing"

	"github.com/soclab/soclab/simulator"
)

// TestWrites: the write log lists the accepted writes in order with their tenant-clock times;
// a refused write adds nothing.
func TestWrites(t *testing.T) {
	f := newFixture(t)
	f.at("11:00")
	f.write(func(w *Writer) error { return w.RevokeSessions("alex.johnson@contoso.com") })
	if err := f.svc.Write(f.tenant.ID, admin, func(w *Writer) error {
		return w.PatchUser("alex.johnson@contoso.com", map[string]any{"accountEnabled": "no"})
	}); err == nil {
		t.Fatal("a bad accountEnabled was accepted")
	}
	f.at("11:05")
	f.write(func(w *Writer) error {
		return w.PatchUser("alex.johnson@contoso.com", map[string]any{"accountEnabled": false})
	})
	var got []Write
	if err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
		var err error
		got, err = Writes(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, w := range got {
		s += fmt.Sprintf("%s %s %t;", w.At.Format("15:04"), w.Kind, w.Target != "")
	}
	if s != "11:00 user.revoke true;11:05 user.update true;" {
		t.Errorf("Writes = %s", s)
	}
}
