package identity

import (
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
	scenErr  error
)

// fixture is a world with the default tenant, its log engine (small telemetry) and the
// directory service; the real clock is fixed, so the tenant clock moves only when told.
type fixture struct {
	t      testing.TB
	world  *simulator.World
	eng    *logs.Engine
	svc    *Service
	tenant simulator.Tenant
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	scenOnce.Do(func() { scen, scenErr = scenario.LoadBuiltin("alex-johnson") })
	if scenErr != nil {
		t.Fatal(scenErr)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	e, err := logs.New(w, scen, logs.Options{Seed: 1, Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, world: w, eng: e, svc: NewService(e), tenant: ten}
}

// at sets the tenant clock.
func (f *fixture) at(hhmm string) {
	f.t.Helper()
	tm, err := time.Parse(time.RFC3339, "2025-01-15T"+hhmm+":00Z")
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.world.SetTime(f.tenant.ID, tm); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) launch() {
	f.t.Helper()
	if _, err := f.eng.Launch(f.tenant.ID, logs.Speed{}); err != nil {
		f.t.Fatal(err)
	}
}

var admin = Caller{UserID: "00000000-0000-0000-0000-0000000000aa", UPN: "analyst@contoso.com", IP: "127.0.0.1"}

func (f *fixture) write(fn func(w *Writer) error) {
	f.t.Helper()
	if err := f.svc.Write(f.tenant.ID, admin, fn); err != nil {
		f.t.Fatal(err)
	}
}

// location creates an IP named location and returns its id.
func (f *fixture) location(cidr string) string {
	f.t.Helper()
	id := simulator.NewGUID()
	f.write(func(w *Writer) error {
		loc, err := NormalizeLocation(map[string]any{"@odata.type": ipLocationType, "displayName": "Blocked " + cidr,
			"ipRanges": []any{map[string]any{"@odata.type": ipv4RangeType, "cidrAddress": cidr}}}, nil, w.tx.Now())
		if err != nil {
			return err
		}
		loc["id"] = id
		w.PutLocation(loc, nil)
		return nil
	})
	return id
}

// policy creates a Conditional Access policy from its body and returns its id.
func (f *fixture) policy(body map[string]any) string {
	f.t.Helper()
	id := simulator.NewGUID()
	f.write(func(w *Writer) error {
		p, err := NormalizePolicy(w.Dir, body, nil, w.tx.Now())
		if err != nil {
			return err
		}
		p["id"] = id
		w.PutPolicy(p, nil)
		return nil
	})
	return id
}

func blockPolicy(state string, users map[string]any, locations ...string) map[string]any {
	return map[string]any{"displayName": "Block attack range", "state": state,
		"conditions": map[string]any{"clientAppTypes": []any{"all"}, "applications": map[string]any{"includeApplications": []any{"All"}},
			"users": users, "locations": map[string]any{"includeLocations": anyList(locations)}},
		"grantControls": map[string]any{"operator": "OR", "builtInControls": []any{"block"}}}
}

func allUsers() map[string]any { return map[string]any{"includeUsers": []any{"All"}} }
