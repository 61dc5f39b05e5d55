package grader

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// evalAssert checks one state assert; "" when it holds, else what is wrong.
func evalAssert(doc string, a StateAssert) string {
	r := gjson.Get(doc, a.Path)
	switch {
	case a.Exists != nil:
		if r.Exists() == *a.Exists {
			return ""
		}
		return a.What
	case a.Equals != nil:
		if !r.Exists() {
			return a.What + " (not set)"
		}
		if sameValue(r, a.Equals) {
			return ""
		}
		return fmt.Sprintf("%s (found %s)", a.What, shown(r))
	case a.Includes != nil:
		if !r.IsArray() {
			return a.What + " (not set)"
		}
		var missing []string
		for _, want := range a.Includes {
			found := false
			for _, el := range r.Array() {
				if sameValue(el, want) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, fmt.Sprint(want))
			}
		}
		if len(missing) == 0 {
			return ""
		}
		return fmt.Sprintf("%s (missing %s; found %s)", a.What, strings.Join(missing, ", "), shown(r))
	}
	return a.What
}

// sameValue compares a JSON value with a YAML one: strings case-insensitively (ARM enums
// and names), numbers numerically, the rest by their JSON text.
func sameValue(r gjson.Result, want any) bool {
	switch w := want.(type) {
	case string:
		return r.Type == gjson.String && strings.EqualFold(r.Str, w)
	case bool:
		return (r.Type == gjson.True && w) || (r.Type == gjson.False && !w)
	case int:
		return r.Type == gjson.Number && r.Num == float64(w)
	case float64:
		return r.Type == gjson.Number && r.Num == w
	}
	b, err := json.Marshal(want)
	return err == nil && r.Raw == string(b)
}

func shown(r gjson.Result) string {
	s := r.Raw
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// healthRuns counts the SentinelHealth rows of a rule in the workspace at the tenant clock
// (-1 when the table does not exist).
func (ev *evaluation) healthRuns(ws *WorkspaceState, ruleID string) (runs, failures int, err error) {
	w, err := ev.g.engine.Workspace(ev.tenantID, ws.ID)
	if err != nil {
		return 0, 0, err
	}
	db, err := w.Database(ev.snap.Clock)
	if err != nil {
		return 0, 0, err
	}
	t, ok := db.Table("SentinelHealth")
	if !ok {
		return -1, 0, nil
	}
	idc, stc := t.ColumnIndex("SentinelResourceId"), t.ColumnIndex("Status")
	if idc < 0 || stc < 0 {
		return -1, 0, nil
	}
	for i := 0; i < t.N; i++ {
		if !strings.EqualFold(t.Vecs[idc].Get(i).S, ruleID) {
			continue
		}
		runs++
		if st := t.Vecs[stc].Get(i).S; !strings.EqualFold(st, "Success") {
			failures++
		}
	}
	return runs, failures, nil
}

// kql runs a query over the lab workspace at the tenant's clock.
func (ev *evaluation) kql(c *KQLCheck) (bool, string, error) {
	ws := ev.workspace()
	if ws == nil {
		ref := ev.g.checks.Workspace
		return false, fmt.Sprintf("there is no workspace %s in %s", ref.Name, ref.ResourceGroup), nil
	}
	w, err := ev.g.engine.Workspace(ev.tenantID, ws.ID)
	if err != nil {
		return false, "", err
	}
	db, err := w.Database(ev.snap.Clock)
	if err != nil {
		return false, "", err
	}
	q, err := kql.Compile(c.Query, ev.g.engine.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		return false, "", fmt.Errorf("the check's query: %w", err)
	}
	res, err := q.Run(sched.Rewrap(ev.slot.ctx), logs.Restrict(db, ev.snap.Clock.AddDate(0, 0, -90), ev.snap.Clock), kql.RunOptions{Now: ev.snap.Clock, Seed: 1, Timeout: 30 * time.Second})
	if err != nil {
		return false, "", fmt.Errorf("the check's query: %w", err)
	}
	t := res.Table
	min := 1
	if c.MinRows != nil {
		min = *c.MinRows
	}
	switch {
	case t.N < min:
		return false, fmt.Sprintf("the workspace query returns %d row(s), at least %d expected", t.N, min), nil
	case c.MaxRows != nil && t.N > *c.MaxRows:
		return false, fmt.Sprintf("the workspace query returns %d row(s), at most %d expected (first: %s)", t.N, *c.MaxRows, describeRow(t, 0)), nil
	case len(c.Mentions) > 0 && mentionsAny(t, c.Mentions) < 0:
		return false, fmt.Sprintf("no row of the workspace query names %s", strings.Join(c.Mentions, " or ")), nil
	}
	return true, fmt.Sprintf("%d row(s)", t.N), nil
}
