package classreport

import (
	"sort"
	"strings"
	"time"
)

// taskOfOperation maps an operation to the lab task it belongs to: ARM operations (the action
// log's upper-case names), the directory's writes (Graph: Task 5's containment) and Copilot
// prompts (Task 4); the first matching prefix wins. Others count for no task.
var taskOfOperation = []struct {
	prefix string
	task   int
}{
	{"COPILOT.", 4},
	{"USER.", 5}, {"ROLE.", 5}, {"LOCATION.", 5}, {"POLICY.", 5}, {"RISK.", 5},
	{"MICROSOFT.SECURITYINSIGHTS/DATACONNECTORS/", 2},
	{"MICROSOFT.SECURITYINSIGHTS/INCIDENTS/", 3},
	{"MICROSOFT.SECURITYINSIGHTS/AUTOMATIONRULES/", 5},
	{"MICROSOFT.LOGIC/", 5},
	{"MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/", 6},
	{"MICROSOFT.SECURITYINSIGHTS/", 1}, // onboarding states, analytics rules
	{"MICROSOFT.OPERATIONALINSIGHTS/", 1},
	{"MICROSOFT.RESOURCES/", 1},
}

// TaskOf returns the task of an operation, 0 for none.
func TaskOf(operation string) int {
	op := strings.ToUpper(operation)
	for _, m := range taskOfOperation {
		if strings.HasPrefix(op, m.prefix) {
			return m.task
		}
	}
	return 0
}

// timeSpent credits each operation (entries of one Group count once, at the first one's time)
// with the time since the previous operation, at most IdleCap, and sums it per task. It
// returns the sums, the number of operations and the last one's time.
func timeSpent(actions []Action) (map[int]time.Duration, int, *time.Time) {
	type op struct {
		at   time.Time
		task int
	}
	first := map[string]int{}
	var ops []op
	for _, a := range actions {
		if i, seen := first[a.Group]; seen && a.Group != "" {
			if a.Time.Before(ops[i].at) {
				ops[i].at = a.Time
			}
			continue
		}
		first[a.Group] = len(ops)
		ops = append(ops, op{at: a.Time, task: TaskOf(a.Operation)})
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].at.Before(ops[j].at) })
	spent := map[int]time.Duration{}
	for i := 1; i < len(ops); i++ {
		if ops[i].task != 0 {
			spent[ops[i].task] += min(ops[i].at.Sub(ops[i-1].at), IdleCap)
		}
	}
	if len(ops) == 0 {
		return spent, 0, nil
	}
	last := ops[len(ops)-1].at.UTC()
	return spent, len(ops), &last
}
