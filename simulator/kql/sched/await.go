package sched

import (
	"context"
	"time"
)

// Await waits until done is closed or ctx ends (then it returns ctx's error). Work holding a
// slot of a CPU in ctx gives the slot back while it waits — what it waits for is computed by
// other work, which may need that slot (a query waiting for a table another query builds) —
// and queues for one again afterwards at its class, as after a checkpoint. Without a slot in
// ctx it only waits.
func Await(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	default:
	}
	t, ok := ctx.Value(ticketKey{}).(*ticket)
	if !ok || !t.handBack() {
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	t.takeBack(ctx)
	return err
}

// handBack gives the ticket's slot back to the CPU for a wait (false: it holds none now, e.g.
// it is paused at a checkpoint of another goroutine of the same work).
func (t *ticket) handBack() bool {
	c := t.cpu
	c.mu.Lock()
	defer c.mu.Unlock()
	t.mu.Lock()
	if !t.holding || t.pausing || t.done {
		t.mu.Unlock()
		return false
	}
	now := c.opts.Now()
	t.used += time.Duration(float64(now.Sub(t.since)) * c.shareLocked(now))
	t.since = now
	t.holding, t.pausing = false, true
	if t.low {
		t.low = false
		c.low--
	}
	t.mu.Unlock()
	c.free++
	c.dispatchLocked()
	return true
}

// takeBack queues the ticket for a slot after a wait and waits for it, unless ctx ended (the
// work then goes on without a slot: it is stopping, and release gives nothing back).
func (t *ticket) takeBack(ctx context.Context) {
	c := t.cpu
	defer func() {
		t.mu.Lock()
		t.pausing = false
		t.mu.Unlock()
	}()
	if ctx.Err() != nil {
		return
	}
	c.mu.Lock()
	w := c.enqueueLocked(t)
	c.dispatchLocked()
	c.mu.Unlock()
	select {
	case <-w.ready:
	case <-ctx.Done():
		c.abandon(w)
	}
}
