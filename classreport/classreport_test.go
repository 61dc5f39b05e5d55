package classreport

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/grader"
)

// labChecks are the checks of the synthetic class: id, task, points.
var labChecks = []struct {
	id    string
	task  int
	title string
	max   int
}{
	{"workspace", 1, "Workspace with Sentinel on", 2}, {"rule1-settings", 1, "Rule 1 settings", 3}, {"rule1-query", 1, "Rule 1's query", 4}, {"rule1-fired", 1, "Rule 1 fired", 2},
	{"xdr-connector", 2, "The Defender XDR connector", 3}, {"xdr-sync-settings", 2, "Defender's sync settings", 2},
	{"xdr-incident", 3, "One correlated incident", 3}, {"xdr-incident-classified", 3, "The incident is classified", 2},
	{"copilot-prompts", 4, "The six Copilot prompts", 3},
	{"contain-sessions", 5, "The stolen session stopped working", 3}, {"contain-block", 5, "Conditional Access blocked the range", 3}, {"automation-response", 5, "The automation rule ran", 3},
	{"bf1-sync", 6, "Break and fix 1", 3}, {"bf3-diagnostics", 6, "Break and fix 3", 2},
}

var taskTitles = map[int]string{1: "Analytics rules for a multi-stage attack", 2: "Connect Sentinel and Defender XDR", 3: "Let the attack happen, then investigate",
	4: "Ask Security Copilot", 5: "Contain the attacker and automate the response", 6: "Break and fix"}

// opsOfTask are the ARM operations a learner makes on each task (the action log's names).
var opsOfTask = map[int][]string{
	1: {"MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE", "MICROSOFT.OPERATIONALINSIGHTS/WORKSPACES/WRITE", "MICROSOFT.SECURITYINSIGHTS/ONBOARDINGSTATES/WRITE",
		"MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE", "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE", "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE"},
	2: {"MICROSOFT.SECURITYINSIGHTS/DATACONNECTORS/WRITE"},
	3: {"MICROSOFT.SECURITYINSIGHTS/INCIDENTS/WRITE"},
	5: {"MICROSOFT.SECURITYINSIGHTS/AUTOMATIONRULES/WRITE"},
	6: {"MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE"},
}

// class makes n learners at different stages: learner i has finished the tasks before stage
// i%7 and half of that task's checks, and made that many tasks' operations with gaps that
// depend on i (one of them a 2-hour pause that IdleCap cuts).
func class(n int) []Learner {
	var out []Learner
	start := time.Date(2025, 1, 15, 7, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		stage := i%7 + 1 // 1..7: tasks before stage are done
		rep := grader.Report{Scenario: "alex-johnson", Tenant: fmt.Sprintf("learner%02d", i+1)}
		for t := 1; t <= 6; t++ {
			rep.Tasks = append(rep.Tasks, grader.Task{Number: t, Title: taskTitles[t]})
		}
		inTask := map[int]int{}
		for _, c := range labChecks {
			inTask[c.task]++
			passed := c.task < stage || (c.task == stage && inTask[c.task]%2 == 1)
			res := grader.Result{ID: c.id, Task: c.task, Title: c.title, MaxPoints: c.max, Passed: passed}
			if passed {
				res.Points = c.max
			} else {
				res.Detail, res.Hint = "not yet", "do "+c.id
			}
			rep.Results = append(rep.Results, res)
			rep.Score += res.Points
			rep.MaxScore += res.MaxPoints
		}
		var acts []Action
		at := start.Add(time.Duration(i) * time.Minute)
		for t := 1; t <= min(stage, 6); t++ {
			for k, op := range opsOfTask[t] {
				gap := time.Duration(2+(i+k)%5) * time.Minute
				if i%10 == 3 && t == 2 {
					gap = 2 * time.Hour // the clock moved on: capped
				}
				at = at.Add(gap)
				corr := fmt.Sprintf("c-%d-%d-%d", i, t, k)
				acts = append(acts, Action{Group: corr, Time: at, Operation: op}, Action{Group: corr, Time: at.Add(2 * time.Second), Operation: op})
			}
		}
		out = append(out, Learner{Tenant: rep.Tenant, Grade: rep, Actions: acts})
	}
	// the input order does not matter
	out[0], out[n-1] = out[n-1], out[0]
	return out
}

// TestTimeSpent: each operation (Started and Succeeded share a correlation id) is credited
// with the time since the previous one, at most IdleCap, to its task; unknown operations to none.
func TestTimeSpent(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2025, 1, 15, 7, m, 0, 0, time.UTC) }
	log := []Action{
		{Group: "a", Time: at(5), Operation: "MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE"},
		{Group: "a", Time: at(5).Add(time.Second), Operation: "MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE"},
		{Group: "b", Time: at(12), Operation: "MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE"},
		{Group: "c", Time: at(50), Operation: "MICROSOFT.SECURITYINSIGHTS/DATACONNECTORS/WRITE"},
		{Group: "d", Time: at(53), Operation: "MICROSOFT.KEYVAULT/VAULTS/WRITE"},
		{Group: "e", Time: at(55), Operation: "microsoft.insights/diagnosticSettings/write"},
		{Time: at(56), Operation: "copilot.prompt"},
		{Time: at(57), Operation: "copilot.prompt"},
		{Time: at(59), Operation: "user.revoke"},
	}
	spent, n, last := timeSpent(log)
	want := map[int]time.Duration{1: 7 * time.Minute, 2: IdleCap, 4: 2 * time.Minute, 5: 2 * time.Minute, 6: 2 * time.Minute}
	if fmt.Sprint(spent) != fmt.Sprint(want) || n != 8 || !last.Equal(at(59)) {
		t.Errorf("timeSpent = %v, %d ops, last %v; want %v, 8, %v", spent, n, last, want, at(59))
	}
	if spent, n, last := timeSpent(nil); len(spent) != 0 || n != 0 || last != nil {
		t.Errorf("empty log: %v %d %v", spent, n, last)
	}
}

// TestBuildSmall checks a two-learner class by hand.
func TestBuildSmall(t *testing.T) {
	r := Build(class(2))
	if r.Learners != 2 || r.MaxScore != 38 || len(r.Tasks) != 6 || r.Rows[0].Tenant != "learner01" || r.Rows[1].Tenant != "learner02" {
		t.Fatalf("%+v", r)
	}
	// learner01: stage 1 (task 1 half done: workspace and rule1-query), learner02: task 1 done, task 2 half.
	if got := fmt.Sprint(r.Rows[0].Score, r.Rows[0].ChecksPassed, r.Rows[1].Score, r.Rows[1].ChecksPassed); got != "6 2 14 5" {
		t.Errorf("scores and checks: %s", got)
	}
	t1 := r.Tasks[0]
	if t1.Completed != 1 || t1.Started != 2 || t1.AveragePoints != 8.5 || t1.MaxPoints != 11 {
		t.Errorf("task 1: %+v", t1)
	}
	if f := r.CommonFailures[0]; f.ID != "xdr-sync-settings" || f.Failed != 2 || f.Share != 1 || f.Hint != "do xdr-sync-settings" {
		t.Errorf("most failed first: %+v", f)
	}
}

// TestClassReport: 30 learners at different stages, every format compared with its record in
// testdata (SOCLAB_UPDATE_GOLDEN=1 rewrites them; review the diff).
func TestClassReport(t *testing.T) {
	r := Build(class(30))
	for _, format := range Formats() {
		var b strings.Builder
		if err := r.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "class30."+format)
		if os.Getenv("SOCLAB_UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if b.String() != string(want) {
			t.Errorf("%s report differs from %s:\n%s", format, golden, b.String())
		}
	}
	if err := r.Write(&strings.Builder{}, "pdf"); err == nil || err.Error() != `unknown format "pdf": use text, csv, json or html` {
		t.Errorf("pdf: %v", err)
	}
}

// TestEmptyClass: a class without learners still writes every format.
func TestEmptyClass(t *testing.T) {
	r := Build(nil)
	for _, format := range Formats() {
		var b strings.Builder
		if err := r.Write(&b, format); err != nil {
			t.Errorf("%s: %v", format, err)
		}
	}
}
