package simulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// tenantCache keeps the tenant registry in memory: identities change only through AddTenant
// (which invalidates it) and only one process opens a state file, so every request need not
// decode the registry from the store.
type tenantCache struct {
	mu     sync.RWMutex
	loaded bool
	sorted []Tenant          // by name
	byID   map[string]Tenant // lower-case id
}

func (c *tenantCache) invalidate() {
	c.mu.Lock()
	c.loaded = false
	c.mu.Unlock()
}

// cachedTenants returns the registry sorted by name, loading it on first use.
func (w *World) cachedTenants() ([]Tenant, error) {
	c := &w.cache
	c.mu.RLock()
	if c.loaded {
		ts := c.sorted
		c.mu.RUnlock()
		return ts, nil
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded {
		return c.sorted, nil
	}
	var ts []Tenant
	err := w.store.View(func(tx Tx) error {
		return tx.Scan(worldScope, tenantsColl, "", func(_ string, v []byte) error {
			var t Tenant
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode tenant: %w", err)
			}
			ts = append(ts, t)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	c.sorted = ts
	c.byID = make(map[string]Tenant, len(ts))
	for _, t := range ts {
		c.byID[t.ID] = t
	}
	c.loaded = true
	return ts, nil
}
