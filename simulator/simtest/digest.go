// Package simtest holds test helpers over a simulator.World shared by the services' tests.
package simtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
)

// TenantDigest is everything a tenant's writes can touch: ARM resources, the activity log,
// diagnostic-setting history and Sentinel's own collection, as one string. Tests compare it
// before and after a refused request to prove nothing was stored.
func TenantDigest(t testing.TB, w *simulator.World, tenantID string) string {
	t.Helper()
	var b strings.Builder
	err := w.View(tenantID, func(tx *simulator.TenantTx) error {
		for _, coll := range []string{"resources", "activity", "diagnostic-history", "sentinel"} {
			if err := tx.Scan(coll, "", func(k string, v []byte) error {
				fmt.Fprintf(&b, "%s/%s=%s\n", coll, k, v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
