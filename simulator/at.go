package simulator

import "time"

// UpdateAt is Update with the transaction's clock (TenantTx.Now) set to at instead of the
// tenant clock: the rule engine catches up on runs that were due while the clock jumped and
// stamps what each run creates (alerts, incidents) with the run's own time.
func (w *World) UpdateAt(tenantID string, at time.Time, fn func(*TenantTx) error) error {
	return w.store.Update(func(tx Tx) error {
		return w.runTenant(tx, tenantID, func(t *TenantTx) error {
			t.now = at.UTC()
			return fn(t)
		})
	})
}
