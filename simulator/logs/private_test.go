package logs

import (
	"slices"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/types"
)

// buildPrivateGathered is how private views were built before they were merged from the
// shared view: every routed row gathered (base rows converted value by value) and sorted. It
// is the reference the merged views are checked against.
func (tc *tenantCache) buildPrivateGathered(d *database, table string, own []candidate) (*view, error) {
	sb := tc.shared
	cols, err := tc.baseColumns(table)
	if err != nil {
		return nil, err
	}
	sb.mu.RLock()
	defer sb.mu.RUnlock()
	rs := sb.g.tables[table]
	cands := append(d.baseCandidates(rs, table), own...)
	slices.SortStableFunc(cands, func(a, b candidate) int { return a.ingest.Compare(b.ingest) })
	var fix func(int, candidate, types.Value) types.Value
	if !tc.rebase.identity {
		deps := sb.baseDeps(table, len(cols))
		fix = func(c int, k candidate, x types.Value) types.Value {
			if !deps[c] || k.rs != rs || x.IsNull() {
				return x
			}
			if x.T == types.Dynamic {
				x.D = tc.rebase.dyn(x.D)
			} else {
				x.S = tc.rebase.str(x.S)
			}
			return x
		}
	}
	t, err := gatherView(table, cols, cands, fix, d.check)
	if err != nil {
		return nil, err
	}
	return finishView(t, table, cands, d.cat, d.ws), nil
}

// TestPrivateViewsEqualGathered: a table with rows of the tenant's own (the action log, an
// appended alert on either side, a replay) is the shared view of its generated rows with the
// tenant's ids merged with its own rows; every cell (hidden columns too) and every ingestion
// time equal those of gathering and sorting all rows, for an added tenant and the default
// one, before and after the launch, in the workspace and in advanced hunting.
func TestPrivateViewsEqualGathered(t *testing.T) {
	f := newFixture(t)
	learner, err := f.world.AddTenant("learner-p")
	if err != nil {
		t.Fatal(err)
	}
	for _, ten := range []simulator.Tenant{learner, f.tenant} {
		f.tenant = ten
		cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
		ws, err := f.engine.Workspace(ten.ID, cust)
		if err != nil {
			t.Fatal(err)
		}
		f.createKVSetting(ws.Info.ID)
		alert := func(workspace string, at time.Time) {
			err := f.engine.Append(ten.ID, "SecurityAlert", Row{Workspace: workspace, Source: generate.SourceDefenderXDR, Time: at,
				Values: map[string]any{"AlertName": "test", "CompromisedEntity": "alex.johnson@contoso.com"}})
			if err != nil {
				t.Fatal(err)
			}
		}
		alert(cust, scenStart.Add(time.Hour))
		alert("", scenStart.Add(2*time.Hour))
		for _, launched := range []bool{false, true} {
			if launched {
				if _, err := f.engine.Launch(ten.ID, Speed{}); err != nil {
					t.Fatal(err)
				}
				if _, err := f.engine.Replay(ten.ID, "credential-access"); err != nil {
					t.Fatal(err)
				}
			}
			now, _ := ws.Now()
			wdb, err := ws.Database(now)
			if err != nil {
				t.Fatal(err)
			}
			hdb, err := f.engine.Hunting(ten.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			private := 0
			for _, db := range []*database{wdb.(*database), hdb.(*database)} {
				for _, name := range db.Names() {
					tc := db.tc
					tc.mu.Lock()
					own, err := tc.ownCandidates(db, name)
					tc.mu.Unlock()
					if err != nil {
						t.Fatal(err)
					}
					if len(own) == 0 {
						continue
					}
					private++
					got, err := tc.buildPrivate(db, name, slices.Clone(own))
					if err != nil {
						t.Fatal(err)
					}
					want, err := tc.buildPrivateGathered(db, name, own)
					if err != nil {
						t.Fatal(err)
					}
					if diff := sameTable(got.t, want.t); diff != "" {
						t.Errorf("%s launched %v, %s (workspace %v): %s", ten.Name, launched, name, db.ws != nil, diff)
					}
					if !slices.EqualFunc(got.ingest, want.ingest, time.Time.Equal) {
						t.Errorf("%s launched %v, %s: ingestion times differ", ten.Name, launched, name)
					}
				}
			}
			if want := map[bool]int{false: 2, true: 4}[launched]; private < want {
				t.Errorf("%s launched %v: %d tables with own rows, want at least %d", ten.Name, launched, private, want)
			}
		}
	}
}
