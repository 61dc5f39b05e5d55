package logs

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// TestWorkspaceAndHuntingShareColumns: the workspace and advanced hunting views of a Defender
// table hold the same rows in the same order, so they share the gathered columns, and a
// tenant's two overlays share its converted columns; each tenant still reads only its own
// ids in both.
func TestWorkspaceAndHuntingShareColumns(t *testing.T) {
	f := newFixture(t)
	other, err := f.world.AddTenant("learner-g")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	var firstObjectIDs *kql.Table
	for _, x := range []*fixture{{t: t, world: f.world, engine: f.engine, tenant: other}, f} {
		cust := x.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
		if _, err := x.engine.Launch(x.tenant.ID, Speed{}); err != nil {
			t.Fatal(err)
		}
		ws, err := x.engine.Workspace(x.tenant.ID, cust)
		if err != nil {
			t.Fatal(err)
		}
		wdb, err := ws.Database(at)
		if err != nil {
			t.Fatal(err)
		}
		hdb, err := x.engine.Hunting(x.tenant.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		wt, ok1 := wdb.Table("CloudAppEvents")
		ht, ok2 := hdb.Table("CloudAppEvents")
		if !ok1 || !ok2 || wt.N == 0 || wt.N != ht.N {
			t.Fatalf("CloudAppEvents: %d workspace rows, %d hunting rows", wt.N, ht.N)
		}
		for _, col := range []string{"AccountObjectId", "RawEventData", "ActionType"} {
			wi, hi := wt.ColumnIndex(col), ht.ColumnIndex(col)
			if wi < 0 || hi < 0 {
				t.Fatalf("no column %s", col)
			}
			if !sameStorage(wt.Vecs[wi], ht.Vecs[hi]) {
				t.Errorf("%s %s: the workspace and hunting views do not share the column", x.tenant.Name, col)
			}
		}
		cast, err := generate.ResolveCast(x.engine.scen, x.engine.params(x.tenant))
		if err != nil {
			t.Fatal(err)
		}
		alex, _ := cast.User("alex.johnson@contoso.com")
		for _, side := range []struct {
			db  kql.Database
			cat kql.Catalog
		}{{wdb, x.engine.WorkspaceCatalog()}, {hdb, x.engine.HuntingCatalog()}} {
			got := x.run(side.db, side.cat, at, `CloudAppEvents | where AccountDisplayName == "Alex Johnson" | distinct AccountObjectId, tostring(RawEventData.OrganizationId)`)
			want := [][]string{{alex.ObjectID, strings.ToLower(x.tenant.ID)}}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s: %v, want %v", x.tenant.Name, got, want)
			}
		}
		i := wt.ColumnIndex("AccountObjectId")
		if firstObjectIDs == nil {
			firstObjectIDs = wt
		} else if sameStorage(firstObjectIDs.Vecs[firstObjectIDs.ColumnIndex("AccountObjectId")], wt.Vecs[i]) {
			t.Errorf("two tenants share a converted column")
		}
	}
}

// sameStorage reports whether two vectors hold the same storage (not equal copies).
func sameStorage(a, b *exec.Vector) bool {
	switch {
	case len(a.S) > 0:
		return len(b.S) > 0 && &a.S[0] == &b.S[0]
	case len(a.D) > 0:
		return len(b.D) > 0 && &a.D[0] == &b.D[0]
	}
	return false
}

// TestGatherSharedByRows: a gather is reused only for the same rows in the same order; other
// rows (or the same in another order) are gathered anew, with their own values.
func TestGatherSharedByRows(t *testing.T) {
	f := newFixture(t)
	if _, err := f.engine.Workspaces(f.tenant.ID); err != nil {
		t.Fatal(err)
	}
	sb, err := f.engine.base()
	if err != nil {
		t.Fatal(err)
	}
	rs := sb.g.tables["SigninLogs"]
	cols := sb.cols["SigninLogs"]
	cands := func(rows ...int) []candidate {
		var out []candidate
		for _, i := range rows {
			out = append(out, candidate{rs: rs, i: i})
		}
		return out
	}
	a := sb.gatherShared("SigninLogs", cols, rs, cands(0, 1, 2))
	if b := sb.gatherShared("SigninLogs", cols, rs, cands(0, 1, 2)); b != a {
		t.Errorf("the same rows were gathered again")
	}
	u := slices.IndexFunc(cols, func(c kql.Column) bool { return c.Name == "UserPrincipalName" })
	for _, rows := range [][]int{{2, 1, 0}, {0, 1, 3}, {0, 1}} {
		c := sb.gatherShared("SigninLogs", cols, rs, cands(rows...))
		if c == a {
			t.Errorf("rows %v: the gather of other rows was reused", rows)
		}
		for j, i := range rows {
			if got, want := c.Vecs[u].Get(j).S, rs.t.Vecs[u].Get(rs.row(i)).S; got != want {
				t.Errorf("rows %v: row %d is %q, want %q", rows, j, got, want)
			}
		}
	}
}

// TestConvertedColumnsAreWeak: a tenant's memo of converted columns serves a column while a
// view holds it and keeps nothing alive once the views are gone.
func TestConvertedColumnsAreWeak(t *testing.T) {
	r := testRebase()
	src := exec.NewVector(types.String, 1)
	src.Append(types.NewString(canonTenant))
	tbl := &kql.Table{Name: "T", Cols: []kql.Column{{Name: "Id", Type: types.String}}, Vecs: []*exec.Vector{src}, N: 1}
	p := r.ts.plan(tbl, []bool{true})
	out, err := r.apply(tbl, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r.apply(tbl, p, nil)
	if again.Vecs[0] != out.Vecs[0] || out.Vecs[0].Get(0).S != otherTenant {
		t.Fatalf("a converted column held by a view is not reused: %v", again.Vecs[0].Get(0))
	}
	out, again = nil, nil
	for range 3 {
		runtime.GC()
	}
	if v := r.convertedColumn(src); v != nil {
		t.Errorf("the memo kept a converted column no view holds")
	}
	if fresh, _ := r.apply(tbl, p, nil); fresh.Vecs[0].Get(0).S != otherTenant {
		t.Errorf("the column converted again: %v", fresh.Vecs[0].Get(0))
	}
}

// TestSharedGathersAreBounded: at most maxSharedGathers gathers are remembered, the oldest
// forgotten first.
func TestSharedGathersAreBounded(t *testing.T) {
	f := newFixture(t)
	sb, err := f.engine.base()
	if err != nil {
		t.Fatal(err)
	}
	rs := sb.g.tables["SigninLogs"]
	cols := sb.cols["SigninLogs"]
	first := sb.gatherShared("SigninLogs", cols, rs, []candidate{{rs: rs, i: 0}})
	var newest *kql.Table
	for i := 1; i <= maxSharedGathers; i++ {
		newest = sb.gatherShared("SigninLogs", cols, rs, []candidate{{rs: rs, i: i}})
	}
	if n := len(sb.gathers); n != maxSharedGathers {
		t.Errorf("%d gathers remembered, want %d", n, maxSharedGathers)
	}
	if again := sb.gatherShared("SigninLogs", cols, rs, []candidate{{rs: rs, i: 0}}); again == first {
		t.Errorf("the oldest gather was kept past the bound")
	}
	if again := sb.gatherShared("SigninLogs", cols, rs, []candidate{{rs: rs, i: maxSharedGathers}}); again != newest {
		t.Errorf("the newest gather was not kept")
	}
}
