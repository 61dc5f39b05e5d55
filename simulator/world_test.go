package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable real clock for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func openWorld(t *testing.T, dir string, clk *fakeClock) *World {
	t.Helper()
	w, err := Open(dir, Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestFreshStateHasDefaultTenant(t *testing.T) {
	dir := t.TempDir()
	w := openWorld(t, dir, newClock())
	defer w.Close()
	ts, err := w.Tenants()
	if err != nil || len(ts) != 1 {
		t.Fatalf("tenants %v %v", ts, err)
	}
	c := ts[0]
	if c.Name != "contoso" || c.Domain != "contoso.com" || c.InitialDomain != "contoso.onmicrosoft.com" ||
		c.Subscription.DisplayName != "Contoso Production" || c.DisplayName != "Contoso Ltd" ||
		len(c.Users) != 1 || c.Users[0].UserPrincipalName != "analyst@contoso.com" {
		t.Fatalf("default tenant %+v", c)
	}
	// The default tenant is the scenario's directory: its ids match the scenario's telemetry.
	if seed := w.Seed(); c.ID != seed.TenantID || c.Subscription.ID != seed.SubscriptionID || seed.TenantID == "" {
		t.Fatalf("default tenant ids %s/%s, scenario's %s/%s", c.ID, c.Subscription.ID, seed.TenantID, seed.SubscriptionID)
	}
	for _, id := range []string{c.ID, c.Subscription.ID, c.ServicePrincipal.AppID, c.ServicePrincipal.ObjectID, c.Users[0].ObjectID} {
		if len(id) != 36 || id[14] != '4' {
			t.Errorf("id %q is not a v4 GUID", id)
		}
	}
	if len(c.ServicePrincipal.Secret) != 40 || len(c.Users[0].Password) < 16 {
		t.Errorf("weak credentials %q %q", c.ServicePrincipal.Secret, c.Users[0].Password)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, StateFileName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
		}
	}
}

func TestTenantLookups(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	l, err := w.AddTenant("Learner01")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "learner01" || l.Domain != "learner01.onmicrosoft.com" || l.Users[0].UserPrincipalName != "analyst@learner01.onmicrosoft.com" {
		t.Fatalf("learner tenant %+v", l)
	}
	if _, err := w.AddTenant("learner01"); !errors.Is(err, ErrTenantExists) {
		t.Fatalf("duplicate: %v", err)
	}
	for _, bad := range []string{"", "x", "1abc", "has space", "UPPER_", "a-"} {
		if _, err := w.AddTenant(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("AddTenant(%q): %v", bad, err)
		}
	}
	c, _ := w.TenantByName("contoso")
	for _, key := range []string{c.ID, "CONTOSO.COM", "contoso.onmicrosoft.com", "contoso"} {
		if got, err := w.LookupTenant(key); err != nil || got.ID != c.ID {
			t.Errorf("LookupTenant(%q) = %v, %v", key, got.Name, err)
		}
	}
	if got, err := w.TenantByDomain("learner01.onmicrosoft.com"); err != nil || got.ID != l.ID {
		t.Errorf("TenantByDomain: %v %v", got.Name, err)
	}
	if _, err := w.TenantByID("00000000-0000-0000-0000-000000000000"); !errors.Is(err, ErrTenantNotFound) {
		t.Errorf("TenantByID unknown: %v", err)
	}
	// Service principal and user checks.
	if got, sp, err := w.AuthenticateServicePrincipal(c.ID, c.ServicePrincipal.AppID, c.ServicePrincipal.Secret); err != nil || got.ID != c.ID || sp.AppID != c.ServicePrincipal.AppID {
		t.Errorf("SP login: %v", err)
	}
	if _, _, err := w.AuthenticateServicePrincipal("contoso.com", c.ServicePrincipal.AppID, "wrong"); !errors.Is(err, ErrBadClientSecret) {
		t.Errorf("bad secret: %v", err)
	}
	if _, _, err := w.AuthenticateServicePrincipal(l.ID, c.ServicePrincipal.AppID, c.ServicePrincipal.Secret); !errors.Is(err, ErrNotInThisTenant) {
		t.Errorf("other tenant's SP: %v", err)
	}
	if _, _, err := w.AuthenticateServicePrincipal("", NewGUID(), "x"); !errors.Is(err, ErrClientNotFound) {
		t.Errorf("unknown app: %v", err)
	}
	if got, u, err := w.AuthenticateUser("Analyst@Learner01.onmicrosoft.com", l.Users[0].Password); err != nil || got.ID != l.ID || u.ObjectID != l.Users[0].ObjectID {
		t.Errorf("user login: %v", err)
	}
	if _, _, err := w.AuthenticateUser("analyst@contoso.com", l.Users[0].Password); !errors.Is(err, ErrBadUserPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, _, err := w.UserByUPN("alex.johnson@contoso.com"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestClockPersists(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	w := openWorld(t, dir, clk)
	c, _ := w.TenantByName("contoso")
	if now, _ := w.Now(c.ID); !now.Equal(ScenarioStart) {
		t.Fatalf("fresh clock %v", now)
	}
	clk.Add(10 * time.Minute) // the clock runs with real time
	if now, _ := w.Now(c.ID); !now.Equal(ScenarioStart.Add(10 * time.Minute)) {
		t.Fatalf("running clock %v", now)
	}
	w.Close()

	clk.Add(5 * time.Minute) // the server is down: the running clock keeps running
	w = openWorld(t, dir, clk)
	if now, _ := w.Now(c.ID); !now.Equal(ScenarioStart.Add(15 * time.Minute)) {
		t.Fatalf("after restart %v", now)
	}
	if st, err := w.Freeze(c.ID); err != nil || !st.Frozen {
		t.Fatal(st, err)
	}
	w.Advance(c.ID, 90*time.Minute)
	w.Close()

	clk.Add(time.Hour) // frozen: real time does not move it
	w = openWorld(t, dir, clk)
	want := ScenarioStart.Add(105 * time.Minute)
	if st, _ := w.Clock(c.ID); !st.Now.Equal(want) || !st.Frozen {
		t.Fatalf("frozen after restart %+v, want %v", st, want)
	}
	if _, err := w.Advance(c.ID, -time.Minute); err == nil {
		t.Fatal("negative advance accepted")
	}
	set := time.Date(2025, 1, 15, 8, 29, 0, 0, time.UTC)
	w.SetTime(c.ID, set)
	w.Resume(c.ID)
	clk.Add(time.Minute)
	if now, _ := w.Now(c.ID); !now.Equal(set.Add(time.Minute)) {
		t.Fatalf("resumed %v", now)
	}
	// Tenants have their own clocks.
	l, _ := w.AddTenant("learner02")
	if now, _ := w.Now(l.ID); !now.Equal(ScenarioStart) {
		t.Fatalf("new tenant's clock %v", now)
	}
	w.Close()
}

func TestResetKeepsIdentity(t *testing.T) {
	clk := newClock()
	w := openWorld(t, t.TempDir(), clk)
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	l, _ := w.AddTenant("learner01")
	rg := ResourceGroupID(c.Subscription.ID, "rg-contoso-unified-soc")
	mutate := func(id string) {
		err := w.Update(id, func(tx *TenantTx) error {
			t := tx.Tenant()
			if _, err := tx.DeleteTree(ResourceGroupID(t.Subscription.ID, "rg-contoso-unified-soc")); err != nil {
				return err
			}
			if err := tx.PutResource(Resource{ID: ResourceGroupID(t.Subscription.ID, "rg-new"), Type: ResourceGroupType, Body: json.RawMessage(`{}`)}); err != nil {
				return err
			}
			if err := tx.PutJSON("sentinel", "rule1", map[string]string{"a": "b"}); err != nil {
				return err
			}
			_, err := tx.AppendActivity(Activity{OperationName: "X/WRITE", Status: "Succeeded"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	mutate(c.ID)
	mutate(l.ID)
	w.Freeze(c.ID)
	w.Advance(c.ID, 3*time.Hour)

	if err := w.Reset(c.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := w.TenantByID(c.ID)
	if after.ServicePrincipal != c.ServicePrincipal || after.Subscription != c.Subscription || after.Users[0] != c.Users[0] {
		t.Fatal("reset changed the tenant's identity")
	}
	if st, _ := w.Clock(c.ID); !st.Now.Equal(ScenarioStart) || st.Frozen {
		t.Fatalf("clock after reset %+v", st)
	}
	w.View(c.ID, func(tx *TenantTx) error {
		if _, ok, _ := tx.Resource(rg); !ok {
			t.Error("standing group not restored")
		}
		if _, ok, _ := tx.Resource(ResourceGroupID(c.Subscription.ID, "rg-new")); ok {
			t.Error("learner's group survived reset")
		}
		var v map[string]string
		if ok, _ := tx.GetJSON("sentinel", "rule1", &v); ok {
			t.Error("service collection survived reset")
		}
		if acts, _ := tx.Activities(); len(acts) != 0 {
			t.Errorf("activity survived reset: %d", len(acts))
		}
		return nil
	})
	// The other tenant is untouched.
	w.View(l.ID, func(tx *TenantTx) error {
		if _, ok, _ := tx.Resource(ResourceGroupID(l.Subscription.ID, "rg-new")); !ok {
			t.Error("reset of contoso touched learner01")
		}
		return nil
	})
	if err := w.Reset(NewGUID()); !errors.Is(err, ErrTenantNotFound) {
		t.Errorf("reset unknown: %v", err)
	}
}

// TestFailedUpdateLeavesNothing: an Update whose function fails keeps none of its writes.
func TestFailedUpdateLeavesNothing(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	boom := errors.New("boom")
	err := w.Update(c.ID, func(tx *TenantTx) error {
		tx.PutJSON("things", "a", 1)
		tx.AppendActivity(Activity{OperationName: "X"})
		tx.DeleteTree(ResourceGroupID(c.Subscription.ID, "rg-contoso-finance"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	w.View(c.ID, func(tx *TenantTx) error {
		var v int
		if ok, _ := tx.GetJSON("things", "a", &v); ok {
			t.Error("write of failed update kept")
		}
		if acts, _ := tx.Activities(); len(acts) != 0 {
			t.Error("activity of failed update kept")
		}
		if _, ok, _ := tx.Resource(ResourceGroupID(c.Subscription.ID, "rg-contoso-finance")); !ok {
			t.Error("delete of failed update kept")
		}
		return nil
	})
	if err := w.View(c.ID, func(tx *TenantTx) error { return tx.PutJSON("x", "y", 1) }); !errors.Is(err, ErrReadOnlyTx) {
		t.Errorf("write in View: %v", err)
	}
}

// TestConcurrentReadModifyWrite: many goroutines increment one counter inside Update; none
// of the increments is lost.
func TestConcurrentReadModifyWrite(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	const workers, each = 16, 10
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := w.Update(c.ID, func(tx *TenantTx) error {
					var n int
					if _, err := tx.GetJSON("counters", "hits", &n); err != nil {
						return err
					}
					return tx.PutJSON("counters", "hits", n+1)
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var n int
	w.View(c.ID, func(tx *TenantTx) error { _, err := tx.GetJSON("counters", "hits", &n); return err })
	if n != workers*each {
		t.Fatalf("counter %d, want %d", n, workers*each)
	}
}

// TestStateIsLocked: a second process (here: a second Open) cannot open a state in use.
func TestStateIsLocked(t *testing.T) {
	dir := t.TempDir()
	w := openWorld(t, dir, newClock())
	defer w.Close()
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second open: %v", err)
	}
}

// TestConcurrentWritesWithFailures mixes failing and succeeding Updates so that commits are
// shared and replayed: every success counts exactly once, no failure leaves a trace.
func TestConcurrentWritesWithFailures(t *testing.T) {
	w := openWorld(t, t.TempDir(), newClock())
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	const n = 60
	var wg sync.WaitGroup
	var okCount sync.Map
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := i%3 == 0
			var seen int // result assigned afresh on every run
			err := w.Update(c.ID, func(tx *TenantTx) error {
				var cnt int
				if _, err := tx.GetJSON("counters", "ok", &cnt); err != nil {
					return err
				}
				seen = cnt + 1
				if err := tx.PutJSON("counters", "ok", seen); err != nil {
					return err
				}
				if err := tx.PutJSON("writes", fmt.Sprintf("w%02d", i), i); err != nil {
					return err
				}
				if fail {
					return errors.New("refused")
				}
				return nil
			})
			if fail != (err != nil) {
				t.Errorf("write %d: fail=%v err=%v", i, fail, err)
			}
			if err == nil {
				okCount.Store(seen, i)
			}
		}()
	}
	wg.Wait()
	want := n - n/3
	var cnt int
	w.View(c.ID, func(tx *TenantTx) error {
		tx.GetJSON("counters", "ok", &cnt)
		for i := range n {
			var v int
			ok, _ := tx.GetJSON("writes", fmt.Sprintf("w%02d", i), &v)
			if ok != (i%3 != 0) {
				t.Errorf("write %d present=%v", i, ok)
			}
		}
		return nil
	})
	if cnt != want {
		t.Fatalf("counter %d, want %d", cnt, want)
	}
	// Each success saw a distinct counter value: no two shared a read.
	for v := 1; v <= want; v++ {
		if _, ok := okCount.Load(v); !ok {
			t.Errorf("no success saw counter value %d", v)
		}
	}
}
