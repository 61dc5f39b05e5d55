package classreport

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/grader"
)

// IdleCap bounds the time one action is credited with: a learner who paused (or moved the lab
// clock on) for longer than this is counted as working for IdleCap before the action.
const IdleCap = 15 * time.Minute

// Learner is what the report reads about one learner's tenant.
type Learner struct {
	Tenant string
	Grade  grader.Report
	// Actions are the tenant's writes (GET /_soclab/activity), in any order.
	Actions []Action
}

// Action is one write a learner made, at a tenant-clock time.
type Action struct {
	Time time.Time
	// Operation is the ARM operation, the directory write's kind or copilot.prompt (TaskOf).
	Operation string
	// Group ties the entries of one operation together (an ARM correlation id); "" is an
	// operation of its own.
	Group string
}

// Report is a class's progress.
type Report struct {
	Scenario string `json:"scenario"`
	// Generated is when the report was made (wall clock; zero in tests).
	Generated      time.Time      `json:"generated,omitzero"`
	Learners       int            `json:"learners"`
	MaxScore       int            `json:"maxScore"`
	Tasks          []TaskStats    `json:"tasks"`
	Rows           []LearnerRow   `json:"learnerRows"`
	CommonFailures []CheckFailure `json:"commonFailures"`
}

// TaskStats is one task across the class.
type TaskStats struct {
	Number    int    `json:"number"`
	Title     string `json:"title"`
	MaxPoints int    `json:"maxPoints"`
	Checks    int    `json:"checks"`
	// Completed counts the learners who passed every check of the task; Started those with at
	// least one passed check or one action on it.
	Completed int `json:"completed"`
	Started   int `json:"started"`
	// AveragePoints is the class's mean, to one decimal.
	AveragePoints float64 `json:"averagePoints"`
	// MedianTimeSeconds is the median time spent on the task by the learners who started it.
	MedianTimeSeconds int `json:"medianTimeSeconds"`
}

// LearnerRow is one learner's progress.
type LearnerRow struct {
	Tenant       string     `json:"tenant"`
	Score        int        `json:"score"`
	MaxScore     int        `json:"maxScore"`
	ChecksPassed int        `json:"checksPassed"`
	Checks       int        `json:"checks"`
	Tasks        []TaskCell `json:"tasks"`
	// TimeSpentSeconds is the time credited to all the learner's actions (see IdleCap).
	TimeSpentSeconds int `json:"timeSpentSeconds"`
	// Actions counts the learner's operations.
	Actions int `json:"actions"`
	// LastAction is the lab time of the latest one.
	LastAction *time.Time `json:"lastAction,omitempty"`
}

// TaskCell is one learner's progress on one task.
type TaskCell struct {
	Task         int  `json:"task"`
	Points       int  `json:"points"`
	MaxPoints    int  `json:"maxPoints"`
	ChecksPassed int  `json:"checksPassed"`
	Checks       int  `json:"checks"`
	Complete     bool `json:"complete"`
	// TimeSeconds is the time credited to the learner's actions on the task.
	TimeSeconds int `json:"timeSeconds"`
}

// CheckFailure is a check and how many learners fail it.
type CheckFailure struct {
	ID     string  `json:"id"`
	Task   int     `json:"task"`
	Title  string  `json:"title"`
	Failed int     `json:"failed"`
	Share  float64 `json:"share"`
	// Hint is the grader's hint for it (the first learner's that failed).
	Hint string `json:"hint"`
}

// Build sums up the learners (sorted by tenant name in the report).
func Build(learners []Learner) Report {
	ls := append([]Learner(nil), learners...)
	sort.Slice(ls, func(i, j int) bool { return ls[i].Tenant < ls[j].Tenant })
	r := Report{Learners: len(ls), Tasks: []TaskStats{}, Rows: []LearnerRow{}, CommonFailures: []CheckFailure{}}
	tasks := map[int]*TaskStats{}
	failures := map[string]*CheckFailure{}
	times := map[int][]int{}
	for _, l := range ls {
		if r.Scenario == "" {
			r.Scenario = l.Grade.Scenario
		}
		r.MaxScore = max(r.MaxScore, l.Grade.MaxScore)
		for _, t := range l.Grade.Tasks {
			if tasks[t.Number] == nil {
				tasks[t.Number] = &TaskStats{Number: t.Number, Title: t.Title}
			}
		}
		spent, actions, last := timeSpent(l.Actions)
		row := LearnerRow{Tenant: l.Tenant, Score: l.Grade.Score, MaxScore: l.Grade.MaxScore, Actions: actions, LastAction: last, Tasks: []TaskCell{}}
		cells := map[int]*TaskCell{}
		for _, c := range l.Grade.Results {
			cell := cells[c.Task]
			if cell == nil {
				cell = &TaskCell{Task: c.Task, Complete: true}
				cells[c.Task] = cell
			}
			cell.Points += c.Points
			cell.MaxPoints += c.MaxPoints
			cell.Checks++
			row.Checks++
			if c.Passed {
				cell.ChecksPassed++
				row.ChecksPassed++
				continue
			}
			cell.Complete = false
			f := failures[c.ID]
			if f == nil {
				f = &CheckFailure{ID: c.ID, Task: c.Task, Title: c.Title, Hint: strings.TrimSpace(c.Hint)}
				failures[c.ID] = f
			}
			f.Failed++
		}
		for n, cell := range cells {
			cell.TimeSeconds = int(spent[n] / time.Second)
			row.TimeSpentSeconds += cell.TimeSeconds
			ts := tasks[n]
			if ts == nil { // a check of a task the report does not list
				ts = &TaskStats{Number: n}
				tasks[n] = ts
			}
			ts.MaxPoints, ts.Checks = max(ts.MaxPoints, cell.MaxPoints), max(ts.Checks, cell.Checks)
			ts.AveragePoints += float64(cell.Points)
			if cell.Complete {
				ts.Completed++
			}
			if cell.ChecksPassed > 0 || spent[n] > 0 {
				ts.Started++
				times[n] = append(times[n], cell.TimeSeconds)
			}
			row.Tasks = append(row.Tasks, *cell)
		}
		sort.Slice(row.Tasks, func(i, j int) bool { return row.Tasks[i].Task < row.Tasks[j].Task })
		r.Rows = append(r.Rows, row)
	}
	for _, ts := range tasks {
		if r.Learners > 0 {
			ts.AveragePoints = math.Round(ts.AveragePoints/float64(r.Learners)*10) / 10
		}
		ts.MedianTimeSeconds = median(times[ts.Number])
		r.Tasks = append(r.Tasks, *ts)
	}
	sort.Slice(r.Tasks, func(i, j int) bool { return r.Tasks[i].Number < r.Tasks[j].Number })
	for _, f := range failures {
		f.Share = math.Round(float64(f.Failed)/float64(r.Learners)*100) / 100
		r.CommonFailures = append(r.CommonFailures, *f)
	}
	sort.Slice(r.CommonFailures, func(i, j int) bool {
		a, b := r.CommonFailures[i], r.CommonFailures[j]
		if a.Failed != b.Failed {
			return a.Failed > b.Failed
		}
		if a.Task != b.Task {
			return a.Task < b.Task
		}
		return a.ID < b.ID
	})
	return r
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
