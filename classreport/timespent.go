package classreport

import (
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// taskOfOperation maps an ARM operation (the action log's upper-case OperationName) to the
// lab task it belongs to; the first matching prefix wins. Operations of no task (reads, other
// providers) count for no task.
var taskOfOperation = []struct {
	prefix string
	task   int
}{
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

// timeSpent credits each operation of the log (its entries share a correlation id; the first
// one's time counts) with the time since the previous operation, at most IdleCap, and sums it
// per task. It returns the sums, the number of operations and the last one's time.
func timeSpent(log []simulator.Activity) (map[int]time.Duration, int, *time.Time) {
	type op struct {
		at   time.Time
		task int
	}
	first := map[string]int{}
	var ops []op
	for _, a := range log {
		key := a.CorrelationID
		if key == "" {
			key = a.EventDataID
		}
		if i, seen := first[key]; seen {
			if a.Time.Before(ops[i].at) {
				ops[i].at = a.Time
			}
			continue
		}
		first[key] = len(ops)
		ops = append(ops, op{at: a.Time, task: TaskOf(a.OperationName)})
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
