package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)

// lab is a fake world: tenant clocks and a log of every stage call ("stage tenant +offset").
type lab struct {
	mu     sync.Mutex
	clocks map[string]time.Time
	calls  []string
	lines  []string
}

func newLab(clocks map[string]time.Duration) *lab {
	l := &lab{clocks: map[string]time.Time{}}
	for id, d := range clocks {
		l.clocks[id] = t0.Add(d)
	}
	return l
}

func (l *lab) clock(id string) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clocks[id]
	if !ok {
		return time.Time{}, fmt.Errorf("tenant %s not found", id)
	}
	return c, nil
}

func (l *lab) tenants() ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for id := range l.clocks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

func (l *lab) record(s string) {
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
}

func (l *lab) log(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

func (l *lab) callLog() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

// fakeStage keeps each tenant's progress (from t0) and records its calls.
type fakeStage struct {
	name string
	lab  *lab
	mu   sync.Mutex
	done map[string]time.Time
	n    int
	// fail returns the error (or panics) of call n (1-based); nil: succeed.
	fail func(n int, tenant string) error
	// before runs at the start of every Advance (a gate for the concurrency tests).
	before func(tenant string, to time.Time)
}

func newStage(name string, l *lab) *fakeStage {
	return &fakeStage{name: name, lab: l, done: map[string]time.Time{}}
}

func (s *fakeStage) Advance(tenant string, to time.Time) error {
	if s.before != nil {
		s.before(tenant, to)
	}
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	s.lab.record(fmt.Sprintf("%s %s +%s", s.name, tenant, to.Sub(t0)))
	if s.fail != nil {
		if err := s.fail(n, tenant); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if to.After(s.progressOf(tenant)) {
		s.done[tenant] = to
	}
	return nil
}

func (s *fakeStage) progressOf(tenant string) time.Time {
	if d, ok := s.done[tenant]; ok {
		return d
	}
	return t0
}

func (s *fakeStage) Progress(tenant string, to time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.progressOf(tenant); d.Before(to) {
		return d, nil
	}
	return to, nil
}

// plainStage hides Progress: a stage that cannot say how far it got.
type plainStage struct{ s *fakeStage }

func (p plainStage) Advance(tenant string, to time.Time) error { return p.s.Advance(tenant, to) }

// fixed is the options of a pipeline with fixed one-hour slices and no workers.
func fixed(l *lab) Options {
	return Options{Clock: l.clock, Tenants: l.tenants, Slice: time.Hour, MinSlice: time.Hour, MaxSlice: time.Hour, Log: l.log}
}

// TestWaitRunsSlicesInOrder: without workers, Wait runs the catch-up in one-hour slices, every
// stage in order within each slice; stages that cannot tell their progress get one slice.
func TestWaitRunsSlicesInOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		clock  time.Duration
		stages func(l *lab) []Named
		want   []string
	}{
		{"two progressers, 3h", 3 * time.Hour, func(l *lab) []Named {
			return []Named{{"detect", newStage("detect", l)}, {"xdr", newStage("xdr", l)}}
		}, []string{"detect a +1h0m0s", "xdr a +1h0m0s", "detect a +2h0m0s", "xdr a +2h0m0s", "detect a +3h0m0s", "xdr a +3h0m0s"}},
		{"90 minutes: the last slice is short", 90 * time.Minute, func(l *lab) []Named {
			return []Named{{"detect", newStage("detect", l)}}
		}, []string{"detect a +1h0m0s", "detect a +1h30m0s"}},
		{"no progresser: one slice", 5 * time.Hour, func(l *lab) []Named {
			return []Named{{"xdr", plainStage{newStage("xdr", l)}}}
		}, []string{"xdr a +5h0m0s"}},
		{"a plain stage follows the progresser's slices", 2 * time.Hour, func(l *lab) []Named {
			return []Named{{"detect", newStage("detect", l)}, {"automation", plainStage{newStage("automation", l)}}}
		}, []string{"detect a +1h0m0s", "automation a +1h0m0s", "detect a +2h0m0s", "automation a +2h0m0s"}},
		{"a stage that yields: its slice ends there, the next one starts from its progress", 2 * time.Hour, func(l *lab) []Named {
			d := newStage("detect", l)
			d.fail = func(n int, tenant string) error {
				if n == 1 {
					return ErrYield
				}
				return nil
			}
			return []Named{{"detect", d}, {"xdr", newStage("xdr", l)}}
		}, []string{"detect a +1h0m0s", "detect a +1h0m0s", "xdr a +1h0m0s", "detect a +2h0m0s", "xdr a +2h0m0s"}},
		{"already caught up: one cheap call per stage", 0, func(l *lab) []Named {
			return []Named{{"detect", newStage("detect", l)}, {"xdr", newStage("xdr", l)}}
		}, []string{"detect a +0s", "xdr a +0s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(map[string]time.Duration{"a": tc.clock})
			p := New(fixed(l), tc.stages(l)...)
			st, err := p.Wait(context.Background(), "a")
			if err != nil {
				t.Fatal(err)
			}
			if got := l.callLog(); !slices.Equal(got, tc.want) {
				t.Errorf("calls\n got %q\nwant %q", got, tc.want)
			}
			if !st.CaughtUp || st.State != "idle" || !st.Reached.Equal(t0.Add(tc.clock)) || st.Slices != max(1, (len(tc.want)+len(st.Stages)-1)/len(st.Stages)) {
				t.Errorf("status %+v", st)
			}
			for _, s := range st.Stages {
				if !s.Reached.Equal(t0.Add(tc.clock)) || s.Error != "" {
					t.Errorf("stage %+v", s)
				}
			}
		})
	}
}

// TestRoundRobin: with one worker, a tenant with a long catch-up gets one slice at a time and
// the others' slices come in between, in the order they were enqueued.
func TestRoundRobin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		clocks map[string]time.Duration
		order  []string
		want   []string // the first calls
	}{
		{"a week behind and an hour behind", map[string]time.Duration{"slow": 7 * 24 * time.Hour, "quick": time.Hour}, []string{"slow", "quick"},
			[]string{"detect slow +1h0m0s", "detect quick +1h0m0s", "detect slow +2h0m0s", "detect slow +3h0m0s"}},
		{"three tenants take turns", map[string]time.Duration{"a": 3 * time.Hour, "b": 2 * time.Hour, "c": 3 * time.Hour}, []string{"a", "b", "c"},
			[]string{"detect a +1h0m0s", "detect b +1h0m0s", "detect c +1h0m0s", "detect a +2h0m0s", "detect b +2h0m0s", "detect c +2h0m0s", "detect a +3h0m0s", "detect c +3h0m0s"}},
		{"enqueued twice keeps its place", map[string]time.Duration{"a": 2 * time.Hour, "b": time.Hour}, []string{"a", "b", "a"},
			[]string{"detect a +1h0m0s", "detect b +1h0m0s", "detect a +2h0m0s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(tc.clocks)
			o := fixed(l)
			o.Workers = 1
			p := New(o, Named{"detect", newStage("detect", l)})
			for _, id := range tc.order {
				p.Enqueue(id)
			}
			ctx, cancel := context.WithCancel(context.Background())
			p.Start(ctx)
			for id := range tc.clocks {
				waitCaughtUp(t, p, id)
			}
			cancel()
			p.Stop()
			got := l.callLog()
			if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
				t.Errorf("calls\n got %q\nwant prefix %q", got, tc.want)
			}
		})
	}
}

// TestLongCatchUpDoesNotBlockOthers: while one tenant's slice is stuck, the other worker
// catches another tenant up.
func TestLongCatchUpDoesNotBlockOthers(t *testing.T) {
	l := newLab(map[string]time.Duration{"slow": 7 * 24 * time.Hour, "quick": 3 * time.Hour})
	release := make(chan struct{})
	stuck := make(chan struct{}, 1)
	s := newStage("detect", l)
	s.before = func(tenant string, to time.Time) {
		if tenant == "slow" && to.Equal(t0.Add(2*time.Hour)) {
			stuck <- struct{}{}
			<-release
		}
	}
	o := fixed(l)
	p := New(o, Named{"detect", s})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); p.Stop() }()
	p.Start(ctx)
	p.Enqueue("slow")
	<-stuck
	st, err := p.Wait(context.Background(), "quick")
	if err != nil || !st.CaughtUp || !st.Reached.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("quick: %+v %v", st, err)
	}
	if slow := p.Status("slow"); slow.State != "running" || slow.CaughtUp || !slow.Reached.Equal(t0.Add(time.Hour)) {
		t.Errorf("slow while stuck: %+v", slow)
	}
	close(release)
	if st, err := p.Wait(context.Background(), "slow"); err != nil || !st.Reached.Equal(t0.Add(7*24*time.Hour)) {
		t.Fatalf("slow: %+v %v", st, err)
	}
}

// TestFailures: a stage error or panic fails the slice (later stages do not run), Wait says
// so, the status keeps the error, other tenants go on, and the next request retries.
func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      func(n int, tenant string) error
		wantErr   string
		wantCalls []string
		wantLog   string
	}{
		{"an error", func(n int, tenant string) error {
			if n == 2 {
				return errors.New("disk full")
			}
			return nil
		}, "stage detect: disk full", []string{"detect a +1h0m0s", "xdr a +1h0m0s", "detect a +2h0m0s"}, "pipeline: tenant a: stage detect: disk full"},
		{"a panic", func(n int, tenant string) error {
			if n == 1 {
				panic("index out of range")
			}
			return nil
		}, "stage detect: stage detect panicked: index out of range", []string{"detect a +1h0m0s"}, "goroutine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(map[string]time.Duration{"a": 2 * time.Hour})
			d := newStage("detect", l)
			d.fail = tc.fail
			p := New(fixed(l), Named{"detect", d}, Named{"xdr", newStage("xdr", l)})
			st, err := p.Wait(context.Background(), "a")
			if !errors.Is(err, ErrFailed) || st.Error != tc.wantErr || st.Stages[0].Error == "" || st.Stages[1].Error != "" || st.CaughtUp {
				t.Fatalf("Wait: %v, status %+v", err, st)
			}
			if got := l.callLog(); !slices.Equal(got, tc.wantCalls) {
				t.Errorf("calls\n got %q\nwant %q", got, tc.wantCalls)
			}
			if !slices.ContainsFunc(l.lines, func(s string) bool { return strings.Contains(s, tc.wantLog) }) {
				t.Errorf("log %q lacks %q", l.lines, tc.wantLog)
			}
			st, err = p.Wait(context.Background(), "a")
			if err != nil || !st.CaughtUp || st.Error != "" || st.Stages[0].Error != "" || !st.Reached.Equal(t0.Add(2*time.Hour)) {
				t.Fatalf("retry: %v, status %+v", err, st)
			}
		})
	}
}

// TestWaitBadInput: an unknown tenant fails its pass (the clock cannot be read), a cancelled
// wait returns at once with the progress so far.
func TestWaitBadInput(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": time.Hour})
	p := New(fixed(l), Named{"detect", newStage("detect", l)})
	if st, err := p.Wait(context.Background(), "nobody"); !errors.Is(err, ErrFailed) || st.Error != "read the clock: tenant nobody not found" {
		t.Errorf("unknown tenant: %+v %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if st, err := p.Wait(ctx, "a"); !errors.Is(err, context.Canceled) || st.CaughtUp || st.State != "queued" {
		t.Errorf("cancelled: %+v %v", st, err)
	}
	if got := p.Status("never"); got.State != "idle" || got.CaughtUp || len(got.Stages) != 1 || got.Stages[0].Name != "detect" {
		t.Errorf("never enqueued: %+v", got)
	}
}

// TestEnqueueWhileRunning: a request that arrives during a tenant's slice gets a pass of its
// own (the clock may have moved after the slice read it).
func TestEnqueueWhileRunning(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": time.Hour})
	s := newStage("detect", l)
	var once sync.Once
	var p *Pipeline
	s.before = func(tenant string, to time.Time) {
		once.Do(func() {
			l.mu.Lock()
			l.clocks["a"] = t0.Add(2 * time.Hour)
			l.mu.Unlock()
			p.Enqueue("a")
		})
	}
	o := fixed(l)
	o.MaxSlice = 24 * time.Hour
	p = New(o, Named{"detect", s})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); p.Stop() }()
	p.Start(ctx)
	p.Enqueue("a")
	waitCaughtUp(t, p, "a")
	if got, want := l.callLog(), []string{"detect a +1h0m0s", "detect a +2h0m0s"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
}

// TestAdapt: quick slices grow, slow ones shrink, within bounds.
func TestAdapt(t *testing.T) {
	o := Options{Budget: 100 * time.Millisecond, MinSlice: time.Minute, MaxSlice: 4 * time.Hour}
	for _, tc := range []struct {
		slice, wall, want time.Duration
	}{
		{time.Hour, 10 * time.Millisecond, 2 * time.Hour},
		{3 * time.Hour, 10 * time.Millisecond, 4 * time.Hour},
		{time.Hour, 70 * time.Millisecond, time.Hour},
		{time.Hour, 300 * time.Millisecond, 30 * time.Minute},
		{time.Minute, time.Second, time.Minute},
	} {
		if got := adapt(tc.slice, tc.wall, o); got != tc.want {
			t.Errorf("adapt(%v, %v) = %v, want %v", tc.slice, tc.wall, got, tc.want)
		}
	}
}

// waitCaughtUp polls until the tenant is caught up without enqueuing it again (Wait would add
// a pass of its own to the call log).
func waitCaughtUp(t *testing.T, p *Pipeline, id string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !p.Status(id).CaughtUp; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never caught up: %+v", id, p.Status(id))
		}
	}
}

// TestBackOff: the ticker leaves a failing tenant alone for 5 s, 10 s, 20 s... after each
// failure in a row, a request retries at once, and the same error is logged on the 1st, 2nd,
// 4th... failure only.
func TestBackOff(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": time.Hour})
	d := newStage("detect", l)
	d.fail = func(int, string) error { return errors.New("disk full") }
	var mu sync.Mutex
	now := t0
	o := fixed(l)
	o.Workers = 1
	o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p := New(o, Named{"detect", d})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); p.Stop() }()
	p.Start(ctx)
	waitSlices := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); p.Status("a").Slices != want || p.Status("a").State != "idle"; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("slices %d, want %d: %+v", p.Status("a").Slices, want, p.Status("a"))
			}
		}
	}
	tick := func(after time.Duration) {
		mu.Lock()
		now = now.Add(after)
		mu.Unlock()
		if err := p.EnqueueAll(); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		name   string
		do     func()
		slices int
	}{
		{"first tick", func() { tick(0) }, 1},
		{"tick 4 s later: backing off", func() { tick(4 * time.Second) }, 1},
		{"tick 5 s after the failure", func() { tick(time.Second) }, 2},
		{"tick 9 s later: backing off 10 s", func() { tick(9 * time.Second) }, 2},
		{"a request retries at once", func() { p.Enqueue("a") }, 3},
		{"tick 19 s later: backing off 20 s", func() { tick(19 * time.Second) }, 3},
		{"tick 20 s after", func() { tick(time.Second) }, 4},
	} {
		step.do()
		waitSlices(step.slices)
	}
	if st := p.Status("a"); st.Failures != 4 || st.Error != "stage detect: disk full" {
		t.Errorf("status %+v", st)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	want := []string{
		"pipeline: tenant a: stage detect: disk full (1 failed in a row; the ticker retries in 5s)",
		"pipeline: tenant a: stage detect: disk full (2 failed in a row; the ticker retries in 10s)",
		"pipeline: tenant a: stage detect: disk full (4 failed in a row; the ticker retries in 40s)",
	}
	if !slices.Equal(l.lines, want) {
		t.Errorf("log\n got %q\nwant %q", l.lines, want)
	}
}

// TestWaitedTenantGoesFirst: a tenant someone waits on (a grade) runs its slices before the
// background catch-up of the others, then the others go on in their order.
func TestWaitedTenantGoesFirst(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": 3 * time.Hour, "b": 3 * time.Hour, "c": 3 * time.Hour})
	gate := make(chan struct{})
	first := true
	s := newStage("detect", l)
	s.before = func(tenant string, to time.Time) {
		if first {
			first = false
			<-gate
		}
	}
	o := fixed(l)
	o.Workers = 1
	p := New(o, Named{"detect", s})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); p.Stop() }()
	p.Start(ctx)
	for _, id := range []string{"a", "b", "c"} {
		p.Enqueue(id)
	}
	for len(l.callLog()) == 0 && !func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.tenants["a"].running }() {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.Wait(context.Background(), "c")
		done <- err
	}()
	for !p.Waited("c") {
		time.Sleep(time.Millisecond)
	}
	if p.Waited("b") {
		t.Errorf("b counted as waited on")
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		waitCaughtUp(t, p, id)
	}
	want := []string{"detect a +1h0m0s", "detect c +1h0m0s", "detect c +2h0m0s", "detect c +3h0m0s", "detect b +1h0m0s", "detect a +2h0m0s"}
	if got := l.callLog(); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("calls\n got %q\nwant prefix %q", got, want)
	}
	if p.Waited("c") {
		t.Errorf("c still counted as waited on after its Wait returned")
	}
}

// TestWaitAssists: with the only worker stuck on one tenant, a tenant someone waits on is
// caught up by its waiter (Options.Assist); without Assist it waits for the worker.
func TestWaitAssists(t *testing.T) {
	for _, assist := range []int{0, 1} {
		l := newLab(map[string]time.Duration{"a": time.Hour, "b": 2 * time.Hour})
		gate := make(chan struct{})
		s := newStage("detect", l)
		s.before = func(tenant string, to time.Time) {
			if tenant == "a" {
				<-gate
			}
		}
		o := fixed(l)
		o.Workers, o.Assist = 1, assist
		p := New(o, Named{"detect", s})
		ctx, cancel := context.WithCancel(context.Background())
		p.Start(ctx)
		p.Enqueue("a")
		for !func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.tenants["a"].running }() {
			time.Sleep(time.Millisecond)
		}
		wctx, wcancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := p.Wait(wctx, "b")
		wcancel()
		switch {
		case assist > 0 && err != nil:
			t.Errorf("assist %d: the waiter did not catch b up while the worker was stuck: %v", assist, err)
		case assist == 0 && err == nil:
			t.Errorf("assist 0: b caught up while the only worker was stuck on a")
		}
		close(gate)
		waitCaughtUp(t, p, "a")
		waitCaughtUp(t, p, "b")
		// (a's call is logged once its stage returns, after the gate opens)
		if want := []string{"detect b +1h0m0s", "detect b +2h0m0s", "detect a +1h0m0s"}; assist > 0 && !slices.Equal(l.callLog(), want) {
			t.Errorf("assist %d: calls %q, want %q", assist, l.callLog(), want)
		}
		cancel()
		p.Stop()
	}
}

// TestEarliestWaitFirst: of two tenants waited on, the one waited on first is caught up
// before the other's slices start (not a slice of each in turn, which ends both late).
func TestEarliestWaitFirst(t *testing.T) {
	l := newLab(map[string]time.Duration{"a": time.Hour, "b": 3 * time.Hour, "c": 3 * time.Hour})
	gate := make(chan struct{})
	s := newStage("detect", l)
	s.before = func(tenant string, to time.Time) {
		if tenant == "a" {
			<-gate
		}
	}
	o := fixed(l)
	o.Workers = 1
	p := New(o, Named{"detect", s})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); p.Stop() }()
	p.Start(ctx)
	p.Enqueue("a")
	for !func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.tenants["a"].running }() {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 2)
	for _, id := range []string{"c", "b"} {
		go func() {
			_, err := p.Wait(context.Background(), id)
			done <- err
		}()
		for !p.Waited(id) {
			time.Sleep(time.Millisecond)
		}
	}
	close(gate)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"detect a +1h0m0s", "detect c +1h0m0s", "detect c +2h0m0s", "detect c +3h0m0s",
		"detect b +1h0m0s", "detect b +2h0m0s", "detect b +3h0m0s"}
	if got := l.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls\n got %q\nwant %q", got, want)
	}
}
