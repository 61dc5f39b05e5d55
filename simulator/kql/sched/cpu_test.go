package sched

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func classOf(b byte) Class {
	return map[byte]Class{'I': Interactive, 'B': Batch, 'G': Background}[b]
}

// TestCPUOrder: one slot, held; work arrives in the given order (with the clock moved by
// the given gaps); as the slot frees, work starts most urgent class first, oldest first
// within a class, and long-waiting work counts as more urgent (one class per Age).
func TestCPUOrder(t *testing.T) {
	cases := []struct {
		name   string
		queued string          // one class letter per piece of work: I, B, G
		gap    []time.Duration // clock moved after queueing each (optional)
		want   string          // start order, by position letters a, b, c...
	}{
		{"interactive first", "GBI", nil, "cba"},
		{"oldest first within a class", "IIBB", nil, "abcd"},
		{"background waits behind interactive", "GIIG", nil, "bcad"},
		{"waiting makes background urgent", "GII", []time.Duration{2500 * time.Millisecond, 0, 0}, "abc"},
		{"batch ages one class per second", "BI", []time.Duration{1500 * time.Millisecond, 0}, "ab"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(0, 0)}
			cpu := NewCPU(CPUOptions{Slots: 1, Age: time.Second, Now: clock.Now})
			_, holder, err := cpu.Acquire(context.Background(), Interactive)
			if err != nil {
				t.Fatal(err)
			}
			started := make(chan byte, len(c.queued))
			releases := make(chan func(), len(c.queued))
			for i := range c.queued {
				name := byte('a' + i)
				class := classOf(c.queued[i])
				go func() {
					_, rel, err := cpu.Acquire(context.Background(), class)
					if err != nil {
						t.Error(err)
						return
					}
					started <- name
					releases <- rel
				}()
				waitFor(t, func() bool { return cpu.waiters.Load() == int32(i+1) })
				if i < len(c.gap) {
					clock.Add(c.gap[i])
				}
			}
			holder()
			var order strings.Builder
			for range c.queued {
				order.WriteByte(<-started)
				(<-releases)()
			}
			if order.String() != c.want {
				t.Errorf("start order %q, want %q", order.String(), c.want)
			}
			if s := cpu.Stats(); s.Free != 1 || len(s.Waiting) != 0 {
				t.Errorf("after all work: %+v, want 1 free slot and no waiter", s)
			}
		})
	}
}

// TestCPUCheckpoint: work holding the slot gives it up at a checkpoint (its context's Err)
// after a quantum, to more urgent waiting work only (or, below interactive, to its own
// class), and gets it back when that work is done.
func TestCPUCheckpoint(t *testing.T) {
	cases := []struct {
		name    string
		holder  Class
		used    time.Duration // slot time before the checkpoint
		waiter  Class
		yields  bool
		because string
	}{
		{"background yields to interactive", Background, 30 * time.Millisecond, Interactive, true, ""},
		{"batch yields to interactive", Batch, 30 * time.Millisecond, Interactive, true, ""},
		{"background takes turns with background", Background, 30 * time.Millisecond, Background, true, ""},
		{"not before a quantum", Background, 5 * time.Millisecond, Interactive, false, "quantum"},
		{"interactive does not yield to interactive", Interactive, 30 * time.Millisecond, Interactive, false, ""},
		{"interactive does not yield to background", Interactive, 30 * time.Millisecond, Background, false, ""},
		{"a long interactive query yields to a short one", Interactive, 1500 * time.Millisecond, Interactive, true, "demoted"},
		{"a long query does not give way to work of its rank", Interactive, 1500 * time.Millisecond, Background, false, ""},
		{"a short interactive query does not yield to batch", Interactive, 500 * time.Millisecond, Batch, false, ""},
		{"a query computing for many seconds counts as background", Interactive, 10500 * time.Millisecond, Batch, true, "background"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(0, 0)}
			cpu := NewCPU(CPUOptions{Slots: 1, Demote: time.Second, Age: time.Second, Now: clock.Now})
			ctx, release, err := cpu.Acquire(context.Background(), c.holder)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			got := make(chan func(), 1)
			go func() {
				_, rel, err := cpu.Acquire(context.Background(), c.waiter)
				if err != nil {
					t.Error(err)
					return
				}
				got <- rel
			}()
			waitFor(t, func() bool { return cpu.waiters.Load() == 1 })
			clock.Add(c.used)
			resumed := make(chan error, 1)
			go func() { resumed <- ctx.Err() }() // the checkpoint
			if !c.yields {
				if err := <-resumed; err != nil {
					t.Fatal(err)
				}
				if s := cpu.Stats(); s.Waiting[c.waiter] != 1 {
					t.Errorf("the waiter started (%+v); the holder should have kept its slot", s)
				}
				return
			}
			rel := <-got // the waiter runs while the holder is paused
			select {
			case <-resumed:
				t.Fatal("the holder went on while the waiter held the only slot")
			case <-time.After(20 * time.Millisecond):
			}
			want := map[string]Class{"demoted": Batch, "background": Background}
			if cls, _ := ClassOf(ctx); c.because != "" && cls != want[c.because] {
				t.Errorf("class after %v: %v, want %v", c.used, cls, want[c.because])
			}
			rel()
			if err := <-resumed; err != nil {
				t.Fatal(err)
			}
			if s := cpu.Stats(); s.Free != 0 || len(s.Waiting) != 0 {
				t.Errorf("after the holder resumed: %+v, want it holding the only slot", s)
			}
		})
	}
}

// TestCPUNested: work acquiring again with the context of a slot it holds (a query inside a
// grade) runs on that slot instead of waiting for a second one; Rewrap keeps the
// checkpoints on a derived context.
func TestCPUNested(t *testing.T) {
	cpu := NewCPU(CPUOptions{Slots: 1})
	ctx, release, err := cpu.Acquire(context.Background(), Batch)
	if err != nil {
		t.Fatal(err)
	}
	inner, innerRelease, err := cpu.Acquire(ctx, Interactive)
	if err != nil || inner != ctx {
		t.Fatalf("nested acquire: %v, same context %v", err, inner == ctx)
	}
	innerRelease()
	if s := cpu.Stats(); s.Free != 0 {
		t.Errorf("the nested release gave the slot back: %+v", s)
	}
	derived, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, ok := Rewrap(derived).(*slotCtx); !ok {
		t.Errorf("Rewrap did not restore the checkpoints")
	}
	if Rewrap(context.Background()) != context.Background() {
		t.Errorf("Rewrap of a context without a slot changed it")
	}
	release()
	release() // twice: no double free
	if s := cpu.Stats(); s.Free != 1 {
		t.Errorf("after release: %+v, want 1 free", s)
	}
	var none *CPU
	if c, rel, err := none.Acquire(ctx, Interactive); err != nil || c != ctx {
		t.Errorf("a nil CPU must admit at once")
	} else {
		rel()
	}
}

// TestCPUCancel: work whose caller goes away while it waits gets ctx's error and takes no
// slot; paused work whose caller goes away resumes at once (its Err reports the
// cancellation) and work paused longer than MaxPause goes on without a slot.
func TestCPUCancel(t *testing.T) {
	cpu := NewCPU(CPUOptions{Slots: 1, MaxPause: 50 * time.Millisecond})
	_, release, err := cpu.Acquire(context.Background(), Interactive)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := cpu.Acquire(ctx, Interactive)
		errc <- err
	}()
	waitFor(t, func() bool { return cpu.waiters.Load() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v, want context.Canceled", err)
	}
	if s := cpu.Stats(); s.Free != 0 || len(s.Waiting) != 0 {
		t.Errorf("after the cancelled wait: %+v", s)
	}
	release()

	// A paused background job whose interactive successor never finishes goes on after MaxPause.
	clock := &fakeClock{now: time.Unix(0, 0)}
	cpu = NewCPU(CPUOptions{Slots: 1, MaxPause: 50 * time.Millisecond, Now: clock.Now})
	bg, bgRelease, _ := cpu.Acquire(context.Background(), Background)
	defer bgRelease()
	go cpu.Acquire(context.Background(), Interactive) // holds the slot for good
	waitFor(t, func() bool { return cpu.waiters.Load() == 1 })
	clock.Add(time.Second)
	began := time.Now()
	if err := bg.Err(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(began); waited < 40*time.Millisecond {
		t.Errorf("the background job did not pause (%v)", waited)
	}
}

// TestCPUReserve: work acquired as Batch (grades: no checkpoints) holds at most
// Slots-Reserve slots, so interactive work finds a free one at once; the held-back work
// starts when its share frees; background work (it has checkpoints) may use every slot.
func TestCPUReserve(t *testing.T) {
	cases := []struct {
		slots, reserve int
		lowRunning     int // batch work running at once
	}{
		{2, 1, 1},
		{4, 1, 3},
		{4, 2, 2},
		{1, 1, 1}, // one slot: nothing reserved
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("slots=%d reserve=%d", c.slots, c.reserve), func(t *testing.T) {
			cpu := NewCPU(CPUOptions{Slots: c.slots, Reserve: c.reserve})
			started := make(chan func(), 8)
			for i := 0; i < c.lowRunning+1; i++ {
				go func() {
					_, rel, err := cpu.Acquire(context.Background(), Batch)
					if err != nil {
						t.Error(err)
						return
					}
					started <- rel
				}()
			}
			var rels []func()
			for i := 0; i < c.lowRunning; i++ {
				rels = append(rels, <-started)
			}
			waitFor(t, func() bool { return cpu.waiters.Load() == 1 }) // the extra one waits
			if s := cpu.Stats(); s.Low != c.lowRunning || s.Free != c.slots-c.lowRunning {
				t.Fatalf("stats %+v, want %d low and %d free", s, c.lowRunning, c.slots-c.lowRunning)
			}
			if c.slots > c.lowRunning {
				_, rel, err := cpu.Acquire(context.Background(), Interactive) // at once
				if err != nil {
					t.Fatal(err)
				}
				rel()
			}
			rels[0]()
			rels = append(rels[1:], <-started) // the held-back one starts
			for _, rel := range rels {
				rel()
			}
			var bg []func() // background work takes every slot
			for i := 0; i < c.slots; i++ {
				_, rel, err := cpu.Acquire(context.Background(), Background)
				if err != nil {
					t.Fatal(err)
				}
				bg = append(bg, rel)
			}
			for _, rel := range bg {
				rel()
			}
			if s := cpu.Stats(); s.Low != 0 || s.Free != c.slots {
				t.Errorf("after all: %+v", s)
			}
		})
	}
}

// TestCPURank: a waiter's urgency is its class, one class more urgent per Age waited for
// work that started below interactive; a demoted query keeps its (demoted) class.
func TestCPURank(t *testing.T) {
	t0 := time.Unix(0, 0)
	cpu := NewCPU(CPUOptions{Age: time.Second})
	cases := []struct {
		name        string
		class       Class
		interactive bool
		waited      time.Duration
		before      time.Duration // waited before a pause at a checkpoint
		want        Class
	}{
		{"fresh background", Background, false, 0, 0, Background},
		{"background after 1.5 s", Background, false, 1500 * time.Millisecond, 0, Batch},
		{"background after 3 s", Background, false, 3 * time.Second, 0, Interactive},
		{"batch after 1 s", Batch, false, time.Second, 0, Interactive},
		{"interactive", Interactive, true, 10 * time.Second, 0, Interactive},
		{"a query demoted to background, after 3 s", Background, true, 3 * time.Second, 0, Background},
		{"a query demoted to batch, after 3 s", Batch, true, 3 * time.Second, 0, Batch},
		{"batch paused after waiting 1 s, just now", Batch, false, 0, time.Second, Interactive},
		{"background paused after waiting 1 s, 1 s ago", Background, false, time.Second, time.Second, Interactive},
		{"background paused after waiting 1 s, just now", Background, false, 0, time.Second, Batch},
		{"a demoted query paused after waiting 5 s", Batch, true, 0, 5 * time.Second, Batch},
	}
	for _, c := range cases {
		w := &cpuWaiter{t: &ticket{class: c.class, interactive: c.interactive, waited: c.before}, since: t0}
		if got := cpu.rank(w, t0.Add(c.waited)); got != c.want {
			t.Errorf("%s: rank %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCPUShare: slot time is credited by the CPU the process got per busy slot lately, so
// work on a machine busy with other processes is not demoted for waiting on the processor.
func TestCPUShare(t *testing.T) {
	cases := []struct {
		name    string
		cpuUsed time.Duration // process CPU over the 1 s sampled, both slots busy
		want    float64
	}{
		{"a machine to itself", 2 * time.Second, 1},
		{"a fifth of the machine", 400 * time.Millisecond, 0.2},
		{"starved", 0, 0.05},
		{"more than the slots (the collector)", 3 * time.Second, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(0, 0)}
			var used time.Duration
			cpu := NewCPU(CPUOptions{Slots: 2, Now: clock.Now, ProcessCPU: func() (time.Duration, bool) { return used, true }})
			for i := 0; i < 2; i++ {
				if _, _, err := cpu.Acquire(context.Background(), Interactive); err != nil {
					t.Fatal(err)
				}
			}
			cpu.mu.Lock()
			defer cpu.mu.Unlock()
			if got := cpu.shareLocked(clock.Now()); got != 1 {
				t.Fatalf("first sample: %v, want 1 (nothing to compare with)", got)
			}
			clock.Add(time.Second)
			used += c.cpuUsed
			if got := cpu.shareLocked(clock.Now()); got < c.want-1e-9 || got > c.want+1e-9 {
				t.Errorf("share %v, want %v", got, c.want)
			}
		})
	}
}
