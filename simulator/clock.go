package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

const clocksColl = "clocks"

// The range a tenant clock may be set or advanced to. A running clock is stored as an
// offset from the real clock (a time.Duration, about ±292 years), so times far from today
// would overflow it and wrap around.
var (
	MinClockTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxClockTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ErrInvalidClock marks a clock change that is refused: a negative step, or a time outside
// [MinClockTime, MaxClockTime).
var ErrInvalidClock = errors.New("invalid clock change")

// checkClockTime refuses a virtual time the clock cannot hold.
func checkClockTime(t time.Time) error {
	if t.Before(MinClockTime) || !t.Before(MaxClockTime) {
		return fmt.Errorf("%w: %s is outside the lab clock's range %s to %s", ErrInvalidClock, t.UTC().Format(time.RFC3339), MinClockTime.Format("2006-01-02"), MaxClockTime.Format("2006-01-02"))
	}
	return nil
}

// clockState is what is persisted of a tenant's clock: an offset from the real clock while
// running, or the instant it stands at while frozen. Nothing ticks on disk.
type clockState struct {
	Offset   time.Duration `json:"offset"`
	Frozen   bool          `json:"frozen"`
	FrozenAt time.Time     `json:"frozenAt,omitzero"`
}

func (c clockState) now(real time.Time) time.Time {
	if c.Frozen {
		return c.FrozenAt.UTC()
	}
	return real.Add(c.Offset).UTC()
}

// ClockStatus is a tenant clock as shown to people and tools.
type ClockStatus struct {
	// Tenant is the tenant id.
	Tenant string `json:"tenant"`
	// Now is the tenant's virtual time.
	Now time.Time `json:"now"`
	// Frozen is true when the clock stands still.
	Frozen bool `json:"frozen"`
}

func (w *World) startClock(tx Tx, tenantID string) error {
	return putClock(tx, tenantID, clockState{Offset: w.seed.Start.Sub(w.realNow())})
}

func putClock(tx Tx, tenantID string, c clockState) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode clock: %w", err)
	}
	return tx.Put(worldScope, clocksColl, strings.ToLower(tenantID), data)
}

func getClock(tx Tx, tenantID string) (clockState, error) {
	v, ok, err := tx.Get(worldScope, clocksColl, strings.ToLower(tenantID))
	if err != nil {
		return clockState{}, err
	}
	if !ok {
		if _, known, err := tx.Get(worldScope, tenantsColl, strings.ToLower(tenantID)); err != nil || !known {
			return clockState{}, fmt.Errorf("clock of %q: %w", tenantID, ErrTenantNotFound)
		}
		return clockState{}, fmt.Errorf("clock of tenant %q is missing", tenantID)
	}
	var c clockState
	if err := json.Unmarshal(v, &c); err != nil {
		return clockState{}, fmt.Errorf("decode clock of %q: %w", tenantID, err)
	}
	return c, nil
}

// Now returns the tenant's virtual time.
func (w *World) Now(tenantID string) (time.Time, error) {
	st, err := w.Clock(tenantID)
	return st.Now, err
}

// Clock returns the tenant's clock.
func (w *World) Clock(tenantID string) (ClockStatus, error) {
	var st ClockStatus
	err := w.store.View(func(tx Tx) error {
		c, err := getClock(tx, tenantID)
		if err != nil {
			return err
		}
		st = ClockStatus{Tenant: tenantID, Now: c.now(w.realNow()), Frozen: c.Frozen}
		return nil
	})
	return st, err
}

// changeClock applies change to the tenant's clock in one transaction.
func (w *World) changeClock(tenantID string, change func(c clockState, real time.Time) (clockState, error)) (ClockStatus, error) {
	var st ClockStatus
	err := w.store.Update(func(tx Tx) error {
		c, err := getClock(tx, tenantID)
		if err != nil {
			return err
		}
		real := w.realNow()
		if c, err = change(c, real); err != nil {
			return err
		}
		st = ClockStatus{Tenant: tenantID, Now: c.now(real), Frozen: c.Frozen}
		return putClock(tx, tenantID, c)
	})
	return st, err
}

// Freeze stops the tenant's clock at its current virtual time.
func (w *World) Freeze(tenantID string) (ClockStatus, error) {
	return w.changeClock(tenantID, func(c clockState, real time.Time) (clockState, error) {
		if !c.Frozen {
			c = clockState{Frozen: true, FrozenAt: c.now(real)}
		}
		return c, nil
	})
}

// Resume lets a frozen clock run with real time again from where it stands.
func (w *World) Resume(tenantID string) (ClockStatus, error) {
	return w.changeClock(tenantID, func(c clockState, real time.Time) (clockState, error) {
		if c.Frozen {
			c = clockState{Offset: c.FrozenAt.Sub(real)}
		}
		return c, nil
	})
}

// Advance moves the tenant's clock forward by d; the virtual clock never goes backwards
// through Advance, so d must not be negative.
func (w *World) Advance(tenantID string, d time.Duration) (ClockStatus, error) {
	return w.changeClock(tenantID, func(c clockState, real time.Time) (clockState, error) {
		if d < 0 {
			return c, fmt.Errorf("advance by %s: %w: the duration must not be negative", d, ErrInvalidClock)
		}
		if err := checkClockTime(c.now(real).Add(d)); err != nil {
			return c, fmt.Errorf("advance by %s: %w", d, err)
		}
		if c.Frozen {
			c.FrozenAt = c.FrozenAt.Add(d)
		} else {
			c.Offset += d
		}
		return c, nil
	})
}

// SetTime sets the tenant's clock to t, keeping it frozen or running as it was.
func (w *World) SetTime(tenantID string, t time.Time) (ClockStatus, error) {
	return w.changeClock(tenantID, func(c clockState, real time.Time) (clockState, error) {
		if t.IsZero() {
			return c, fmt.Errorf("set clock: %w: the time is zero", ErrInvalidClock)
		}
		if err := checkClockTime(t); err != nil {
			return c, fmt.Errorf("set clock: %w", err)
		}
		if c.Frozen {
			c.FrozenAt = t.UTC()
		} else {
			c.Offset = t.Sub(real)
		}
		return c, nil
	})
}
