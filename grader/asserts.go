package grader

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/simulator/kql"
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

// ruleFired passes when the rule raised an alert; otherwise it says whether the rule ran.
func (ev *evaluation) ruleFired(name string) (bool, string, error) {
	rule, why := ev.rule(name)
	if rule == nil {
		return false, why, nil
	}
	ws := ev.workspace()
	// An alert counts when the activity it covers overlaps the attack window, or the window of
	// a replayed step (`soclab attack replay`, how Break and fix 3 proves its repair).
	att := ev.g.engine.Scenario().Attack
	windows := ev.attackWindows()
	n, other := 0, 0
	var first time.Time
	for _, a := range ws.Alerts {
		if !strings.EqualFold(a.RuleID, rule.ID) {
			continue
		}
		start, err1 := time.Parse(time.RFC3339Nano, a.StartTime)
		end, err2 := time.Parse(time.RFC3339Nano, a.EndTime)
		if err1 != nil || err2 != nil || !overlapsAny(start, end, windows) {
			other++
			continue
		}
		if n == 0 || start.Before(first) {
			first = start
		}
		n++
	}
	if n > 0 {
		return true, fmt.Sprintf("%d alert(s), the earliest about activity from %s", n, stamp(first)), nil
	}
	if other > 0 {
		return false, fmt.Sprintf("%d alert(s) from this rule, none about the attack (%s to %s)", other, stamp(att.Start), stamp(att.End)), nil
	}
	runs, failures, err := ev.healthRuns(ws, rule.ID)
	if err != nil {
		return false, "", err
	}
	switch {
	case runs < 0:
		return false, "no alert from this rule; the workspace has no SentinelHealth table, so whether the rule ran cannot be told", nil
	case runs == 0:
		return false, "no alert from this rule, and no run of it recorded yet (no SentinelHealth row)", nil
	case failures > 0:
		return false, fmt.Sprintf("no alert from this rule: it ran %d time(s), %d of them failed (see SentinelHealth)", runs, failures), nil
	}
	return false, fmt.Sprintf("no alert from this rule: it ran %d time(s) and never matched", runs), nil
}

// attackWindows are the spans of attack activity: the scenario's attack, and for each replayed
// step the attack's length from the replay on (a replay re-emits one step, or a few, shifted to
// its time, so its events fall well within that span).
func (ev *evaluation) attackWindows() [][2]time.Time {
	att := ev.g.engine.Scenario().Attack
	windows := [][2]time.Time{{att.Start, att.End}}
	for _, r := range ev.snap.Attack.State.Replays {
		windows = append(windows, [2]time.Time{r.At, r.At.Add(att.End.Sub(att.Start))})
	}
	return windows
}

// overlapsAny tells whether [start, end] overlaps one of the windows.
func overlapsAny(start, end time.Time, windows [][2]time.Time) bool {
	for _, w := range windows {
		if !start.After(w[1]) && !end.Before(w[0]) {
			return true
		}
	}
	return false
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
	res, err := q.Run(ev.ctx, logs.Restrict(db, ev.snap.Clock.AddDate(0, 0, -90), ev.snap.Clock), kql.RunOptions{Now: ev.snap.Clock, Seed: 1, Timeout: 30 * time.Second})
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
