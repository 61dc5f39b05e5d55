package sched

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAwait: work holding the only slot that waits for something (a view another piece of
// work builds) gives the slot to the waiting work at once and gets it back after, at its
// class; without a slot Await only waits; a cancelled wait returns ctx's error and leaves the
// slot free.
func TestAwait(t *testing.T) {
	cpu := NewCPU(CPUOptions{Slots: 1})
	holder, release, err := cpu.Acquire(context.Background(), Interactive)
	if err != nil {
		t.Fatal(err)
	}
	// The builder is background work: it could not start while the holder held the slot.
	built := make(chan struct{})
	go func() {
		_, done, err := cpu.Acquire(context.Background(), Background)
		if err != nil {
			t.Error(err)
			return
		}
		close(built)
		done()
	}()
	waitFor(t, func() bool { return cpu.waiters.Load() == 1 })
	if err := Await(holder, built); err != nil {
		t.Fatal(err)
	}
	if s := cpu.Stats(); s.Free != 0 || len(s.Waiting) != 0 {
		t.Errorf("after the wait: %+v, want the holder holding the only slot again", s)
	}
	// A second interactive query queues behind the holder: the holder holds its slot.
	second := make(chan struct{})
	go func() {
		_, done, err := cpu.Acquire(context.Background(), Interactive)
		if err == nil {
			close(second)
			done()
		}
	}()
	waitFor(t, func() bool { return cpu.waiters.Load() == 1 })
	select {
	case <-second:
		t.Fatal("the second query started while the holder held the slot")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	<-second

	// Already done: no hand-over at all.
	holder, release, _ = cpu.Acquire(context.Background(), Interactive)
	closed := make(chan struct{})
	close(closed)
	if err := Await(holder, closed); err != nil {
		t.Fatal(err)
	}
	release()

	// No slot in ctx: a plain wait.
	if err := Await(context.Background(), closed); err != nil {
		t.Fatal(err)
	}

	// Cancelled while waiting: ctx's error, the slot stays free, release gives nothing back.
	ctx, cancel := context.WithCancel(context.Background())
	holder, release, _ = cpu.Acquire(ctx, Interactive)
	never := make(chan struct{})
	errc := make(chan error, 1)
	go func() { errc <- Await(holder, never) }()
	waitFor(t, func() bool { return cpu.Stats().Free == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v, want context.Canceled", err)
	}
	release()
	if s := cpu.Stats(); s.Free != 1 {
		t.Errorf("after the cancelled wait and release: %+v, want 1 free", s)
	}
}
