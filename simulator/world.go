package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Options configure a World.
type Options struct {
	// Now returns the real time; nil means time.Now. Tests inject a fake real clock; tenant
	// clocks run relative to it.
	Now func() time.Time
	// Seed is the scenario's standing world; nil means DefaultSeed().
	Seed *Seed
}

// World is the simulated cloud: every tenant and its state, behind one Store. It is safe for
// concurrent use.
type World struct {
	store Store
	seed  Seed
	now   func() time.Time
	cache tenantCache
	// clocks memoizes each tenant's decoded clock by its stored bytes (see clockIn).
	clocks sync.Map // lower-case tenant id → clockMemo
	// closed is closed by Close, so background work over the world can stop with it.
	closed    chan struct{}
	closeOnce sync.Once
}

// Open opens the world kept in stateDir (<stateDir>/state.db), creating the folder (0700),
// the file (0600) and the default tenant "contoso" on first use.
func Open(stateDir string, opts Options) (*World, error) {
	store, err := OpenBoltStore(stateDir)
	if err != nil {
		return nil, err
	}
	w, err := OpenStore(store, opts)
	if err != nil {
		store.Close()
		return nil, err
	}
	return w, nil
}

// OpenStore builds a world over an already open store, adding the default tenant when the
// store has no tenant yet. The world owns the store: Close closes it.
func OpenStore(store Store, opts Options) (*World, error) {
	w := &World{store: store, seed: DefaultSeed(), now: time.Now, closed: make(chan struct{})}
	if opts.Seed != nil {
		w.seed = *opts.Seed
	}
	if opts.Now != nil {
		w.now = opts.Now
	}
	err := store.Update(func(tx Tx) error {
		empty := true
		if err := tx.Scan(worldScope, tenantsColl, "", func(string, []byte) error {
			empty = false
			return nil
		}); err != nil {
			return err
		}
		if !empty {
			return nil
		}
		return w.createTenant(tx, w.newTenant(DefaultTenantName))
	})
	w.cache.invalidate()
	if err != nil {
		return nil, fmt.Errorf("open world: create default tenant: %w", err)
	}
	return w, nil
}

// Close closes the world's store.
func (w *World) Close() error {
	w.closeOnce.Do(func() { close(w.closed) })
	return w.store.Close()
}

// Closed is closed when the world is: goroutines working on it (the engine pipeline) stop.
func (w *World) Closed() <-chan struct{} { return w.closed }

// Store returns the world's store (for tools such as snapshots and tests).
func (w *World) Store() Store { return w.store }

// Seed returns the scenario's standing world the tenants start from.
func (w *World) Seed() Seed { return w.seed }

func (w *World) realNow() time.Time { return w.now() }

// Reset returns a tenant to the scenario's start: its resources, action log and every other
// collection are dropped, the standing resources are seeded again and the clock restarts at
// the scenario's start. Identity and credentials are kept.
func (w *World) Reset(tenantID string) error {
	err := w.store.Update(func(tx Tx) error {
		t, err := tenantIn(tx, tenantID)
		if err != nil {
			return err
		}
		if err := tx.DropScope(t.ID); err != nil {
			return err
		}
		return w.seedTenant(tx, t)
	})
	if err != nil {
		return fmt.Errorf("reset tenant %q: %w", tenantID, err)
	}
	return nil
}

func tenantIn(tx Tx, tenantID string) (Tenant, error) {
	v, ok, err := tx.Get(worldScope, tenantsColl, strings.ToLower(tenantID))
	if err != nil {
		return Tenant{}, err
	}
	if !ok {
		return Tenant{}, fmt.Errorf("tenant %q: %w", tenantID, ErrTenantNotFound)
	}
	var t Tenant
	if err := json.Unmarshal(v, &t); err != nil {
		return Tenant{}, fmt.Errorf("decode tenant %q: %w", tenantID, err)
	}
	return t, nil
}

// clockMemo is a tenant clock's stored bytes and their decoding.
type clockMemo struct {
	raw []byte
	c   clockState
}

// clockIn reads a tenant's clock in tx, decoding its JSON only when the stored bytes differ
// from the last ones seen: every request reads the clock, few change it. The bytes are read
// in the transaction each time, so a rolled-back or concurrent write is never missed.
func (w *World) clockIn(tx Tx, tenantID string) (clockState, error) {
	key := strings.ToLower(tenantID)
	v, ok, err := tx.Get(worldScope, clocksColl, key)
	if err != nil || !ok {
		return getClock(tx, tenantID) // its errors say what is missing
	}
	if m, ok := w.clocks.Load(key); ok && bytes.Equal(m.(clockMemo).raw, v) {
		return m.(clockMemo).c, nil
	}
	var c clockState
	if err := json.Unmarshal(v, &c); err != nil {
		return clockState{}, fmt.Errorf("decode clock of %q: %w", tenantID, err)
	}
	w.clocks.Store(key, clockMemo{raw: v, c: c})
	return c, nil
}
