package loganalytics

import (
	"fmt"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/querylog"
)

// TestQueryLog: each query that reaches the engine is noted in its tenant's log (the caller,
// the workspace, the rows or the error); another tenant's log stays empty, and a query on a
// workspace the caller cannot see is not noted anywhere.
func TestQueryLog(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{`{"query":"print x = 1"}`, `{"query":"SigninLogs | wher"}`} {
		f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, q)
	}
	if code, _ := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokB, `{"query":"print 2"}`); code != 404 {
		t.Fatalf("tenant B on A's workspace: %d", code)
	}
	list := func(ten simulator.Tenant) []querylog.Entry {
		var out []querylog.Entry
		if err := f.world.View(ten.ID, func(tx *simulator.TenantTx) (err error) { out, err = querylog.List(tx); return err }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := list(f.a)
	if len(got) != 2 {
		t.Fatalf("tenant A's log: %+v", got)
	}
	if e := got[0]; e.Face != "loganalytics" || e.Workspace != "law-contoso-unified" || e.Caller != "analyst@"+f.a.Domain || e.Query != "print x = 1" || e.Rows != 1 || !e.Succeeded() {
		t.Errorf("first entry %+v", e)
	}
	if e := got[1]; e.Succeeded() || e.Query != "SigninLogs | wher" || e.Rows != 0 {
		t.Errorf("failed query's entry %+v", e)
	}
	if other := list(f.b); len(other) != 0 {
		t.Errorf("tenant B's log: %s", fmt.Sprint(other))
	}
}
