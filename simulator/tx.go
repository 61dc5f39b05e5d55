package simulator

import (
	"encoding/json"
	"fmt"
	"time"
)

// TenantTx is one transaction over one tenant's state. Services read and change the tenant
// only through it, so each API call is all-or-nothing.
type TenantTx struct {
	tx     Tx
	tenant Tenant
	now    time.Time
}

// Tenant returns the tenant the transaction works on.
func (t *TenantTx) Tenant() Tenant { return t.tenant }

// Now returns the tenant's virtual time, read once when the transaction began.
func (t *TenantTx) Now() time.Time { return t.now }

// Writable reports whether changes are allowed (Update rather than View).
func (t *TenantTx) Writable() bool { return t.tx.Writable() }

// GetJSON decodes the value under key in the tenant's collection coll into v; false if none.
// Services keep their own collections this way (e.g. "operations", Sentinel objects).
func (t *TenantTx) GetJSON(coll, key string, v any) (bool, error) {
	data, ok, err := t.tx.Get(t.tenant.ID, coll, key)
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decode %s/%s: %w", coll, key, err)
	}
	return true, nil
}

// PutJSON stores v as JSON under key in the tenant's collection coll.
func (t *TenantTx) PutJSON(coll, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", coll, key, err)
	}
	return t.tx.Put(t.tenant.ID, coll, key, data)
}

// Delete removes key from the tenant's collection coll.
func (t *TenantTx) Delete(coll, key string) error { return t.tx.Delete(t.tenant.ID, coll, key) }

// Scan calls fn with the raw JSON of every key in coll that starts with prefix, in key order.
func (t *TenantTx) Scan(coll, prefix string, fn func(key string, value []byte) error) error {
	return t.tx.Scan(t.tenant.ID, coll, prefix, fn)
}

// View runs fn read-only over the tenant's state.
func (w *World) View(tenantID string, fn func(*TenantTx) error) error {
	return w.store.View(func(tx Tx) error { return w.runTenant(tx, tenantID, fn) })
}

// Update runs fn over the tenant's state in one durable transaction: all of fn's changes are
// committed and fsynced before Update returns nil, or none are kept. Concurrent Updates are
// serialized, so a read-modify-write inside fn never loses another client's update.
//
// Concurrent Updates share one commit; when another function in that commit fails, the
// commit is rolled back and fn runs again. So fn must keep its effects inside the
// transaction and assign its results (variables it sets for the caller) afresh on each run.
func (w *World) Update(tenantID string, fn func(*TenantTx) error) error {
	return w.store.Update(func(tx Tx) error { return w.runTenant(tx, tenantID, fn) })
}

func (w *World) runTenant(tx Tx, tenantID string, fn func(*TenantTx) error) error {
	t, err := w.TenantByID(tenantID)
	if err != nil {
		return err
	}
	c, err := w.clockIn(tx, t.ID)
	if err != nil {
		return err
	}
	return fn(&TenantTx{tx: tx, tenant: t, now: c.now(w.realNow())})
}
