package detect

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AdvanceAll runs every tenant's due rule runs up to its clock. It goes on after a tenant
// fails and returns the joined errors.
func (e *Engine) AdvanceAll() (Summary, error) {
	tenants, err := e.world.Tenants()
	if err != nil {
		return Summary{}, fmt.Errorf("detect: list tenants: %w", err)
	}
	var sum Summary
	var errs []error
	for _, t := range tenants {
		s, err := e.AdvanceToNow(t.ID)
		sum = sum.Add(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t.Name, err))
		}
	}
	return sum, errors.Join(errs...)
}

// Run calls AdvanceAll at every tick until ctx ends: running tenant clocks (real time, xN
// attacks) get their rule runs without anyone asking. report receives each tick's error.
func (e *Engine) Run(ctx context.Context, tick <-chan time.Time, report func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			if _, err := e.AdvanceAll(); err != nil && report != nil {
				report(err)
			}
		}
	}
}
